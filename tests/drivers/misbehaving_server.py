#!/usr/bin/python3
"""A Modbus TCP server that misbehaves on purpose, for the reply-hygiene tests (link.h).

usage: misbehaving_server.py PORT [UNIT=MODE ...]
       misbehaving_server.py --rtu-wrong-unit DEVICE

--rtu-wrong-unit answers every FC03 request arriving on the serial DEVICE (a socat pty end) at
once, with a valid CRC, as unit id (requested + 1) with values 9999.

Serves FC03 (holding registers) on every unit id: register i of unit u holds u*100 + i.
Every request is answered in its own task, so a late unit does not hold up the others
(like a Modbus TCP gateway with several serial lines). Per-unit MODE:
  good        answers at once
  late        answers correctly, 1 s later
  wrong_unit  answers at once with the unit id of unit 1 (2 for unit 1), values 9999
  wrong_tid   answers at once with another transaction id, values 9999; never the right one
  junk        answers correctly, then 32 bytes of junk
  truncated   sends the first 9 bytes of a correct reply (header + 2 PDU bytes), then nothing
  silent      never answers
Prints "request unit U" per request (flushed), so tests count rates at the peer.
Binds 127.0.0.1 only.
"""
import asyncio
import struct
import sys

MODES = {}


def frame(tid, unit, pdu):
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu


def reply_pdu(unit, pdu, marker=None):
    if pdu[0] != 3 or len(pdu) != 5:
        return bytes([pdu[0] | 0x80, 1])
    addr, count = struct.unpack(">HH", pdu[1:5])
    values = [marker if marker is not None else unit * 100 + addr + i for i in range(count)]
    return bytes([3, 2 * count]) + b"".join(struct.pack(">H", v & 0xFFFF) for v in values)


async def answer(writer, tid, unit, pdu):
    mode = MODES.get(unit, "good")
    if mode == "silent":
        return
    if mode == "late":
        await asyncio.sleep(1.0)
    if mode == "wrong_unit":
        out = frame(tid, 2 if unit == 1 else 1, reply_pdu(unit, pdu, 9999))
    elif mode == "wrong_tid":
        out = frame((tid + 1000) & 0xFFFF, unit, reply_pdu(unit, pdu, 9999))
    else:
        out = frame(tid, unit, reply_pdu(unit, pdu))
    if mode == "junk":
        out += bytes(range(0xE0, 0x100))
    if mode == "truncated":
        out = out[:9]
    try:
        writer.write(out)
        await writer.drain()
    except (ConnectionError, RuntimeError):
        pass


async def handle(reader, writer):
    tasks = set()
    try:
        while True:
            head = await reader.readexactly(7)
            tid, _proto, length, unit = struct.unpack(">HHHB", head)
            pdu = await reader.readexactly(length - 1)
            print(f"request unit {unit}", flush=True)
            t = asyncio.ensure_future(answer(writer, tid, unit, pdu))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    writer.close()


async def main():
    port = int(sys.argv[1])
    for arg in sys.argv[2:]:
        unit, mode = arg.split("=")
        MODES[int(unit)] = mode
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def crc16(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


def rtu_wrong_unit(device):
    import os
    fd = os.open(device, os.O_RDWR | os.O_NOCTTY)
    buf = b""
    print("ready", flush=True)
    while True:
        buf += os.read(fd, 256)
        while len(buf) >= 8:
            req, buf = buf[:8], buf[8:]
            unit = req[0]
            print(f"request unit {unit}", flush=True)
            pdu = reply_pdu(unit, req[1:6], 9999)
            frame_ = bytes([(unit % 247) + 1]) + pdu
            os.write(fd, frame_ + crc16(frame_))


if __name__ == "__main__":
    if sys.argv[1] == "--rtu-wrong-unit":
        rtu_wrong_unit(sys.argv[2])
    else:
        asyncio.run(main())
