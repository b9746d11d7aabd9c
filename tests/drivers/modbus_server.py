#!/usr/bin/python3
"""A Modbus server with known values, for farmgate's driver tests (pymodbus 3.0).

    modbus_server.py --tcp PORT --units 1,2
    modbus_server.py --rtu /path/to/pty --units 1,2

Every unit serves 100 registers/bits per table (address 100 and above: illegal data address).
Unit ids not listed get no reply at all (a silent device). The layout is mirrored by
tests/drivers/modbus_peer.h (kept in sync by hand).
"""
import argparse
import logging
import struct

from pymodbus.datastore import (ModbusSequentialDataBlock, ModbusServerContext,
                                ModbusSlaveContext)
from pymodbus.server import StartSerialServer, StartTcpServer
from pymodbus.transaction import ModbusRtuFramer

SIZE = 100


def words(fmt, value):
    """Big-endian (ABCD) registers of a packed value."""
    raw = struct.pack(">" + fmt, value)
    return [int.from_bytes(raw[i:i + 2], "big") for i in range(0, len(raw), 2)]


def unit_context(unit):
    hr = [0] * SIZE
    hr[0] = unit                                   # uint16: which unit answered
    hr[1] = 0xFF33                                 # int16 -205 (x0.1 = -20.5)
    hr[2:4] = words("f", 123.456)                  # float32 ABCD
    f = words("f", 123.456)
    hr[4:6] = [f[1], f[0]]                         # float32 CDAB
    hr[6:8] = words("i", -123456)                  # int32 ABCD
    hr[8:12] = words("d", 3.141592653589793)       # float64 ABCD
    hr[12:16] = words("q", -(2 ** 63))             # int64 min ABCD
    ir = [1000 + i for i in range(SIZE)]           # input i = 1000 + i
    co = [1, 0, 1, 1] + [0] * (SIZE - 4)
    di = [i % 2 for i in range(SIZE)]              # 0 1 0 1 ...
    return ModbusSlaveContext(
        hr=ModbusSequentialDataBlock(0, hr),
        ir=ModbusSequentialDataBlock(0, ir),
        co=ModbusSequentialDataBlock(0, co),
        di=ModbusSequentialDataBlock(0, di),
        zero_mode=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tcp", type=int)
    parser.add_argument("--rtu")
    parser.add_argument("--units", default="1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    units = [int(u) for u in args.units.split(",")]
    context = ModbusServerContext(slaves={u: unit_context(u) for u in units}, single=False)
    if args.tcp:
        StartTcpServer(context=context, address=("127.0.0.1", args.tcp),
                       ignore_missing_slaves=True)
    else:
        StartSerialServer(context=context, framer=ModbusRtuFramer, port=args.rtu,
                          baudrate=38400, bytesize=8, parity="N", stopbits=1, timeout=0.05,
                          ignore_missing_slaves=True)


if __name__ == "__main__":
    main()
