# A broker that never acknowledges: MQTT 3.1.1 on 127.0.0.1, answers CONNECT (CONNACK),
# SUBSCRIBE (SUBACK) and PINGREQ (PINGRESP), and swallows every PUBLISH without a PUBACK.
# Prints "connect N" per connection and "publish TOPIC" per message (flushed), for the test.
import asyncio, sys

async def read_packet(r):
    h = (await r.readexactly(1))[0]
    n, mult = 0, 1
    while True:
        b = (await r.readexactly(1))[0]
        n += (b & 0x7F) * mult
        mult *= 128
        if not b & 0x80:
            break
    return h, await r.readexactly(n)

count = 0

async def serve(r, w):
    global count
    count += 1
    print("connect", count, flush=True)
    try:
        while True:
            h, body = await read_packet(r)
            kind = h >> 4
            if kind == 1:
                w.write(bytes([0x20, 2, 0, 0]))
            elif kind == 8:
                w.write(bytes([0x90, 3]) + body[:2] + bytes([1]))
            elif kind == 12:
                w.write(bytes([0xD0, 0]))
            elif kind == 3:
                tl = int.from_bytes(body[:2], "big")
                print("publish", body[2:2 + tl].decode(errors="replace"), flush=True)
            elif kind == 14:
                break
            await w.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    w.close()

async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", int(sys.argv[1]), reuse_address=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
