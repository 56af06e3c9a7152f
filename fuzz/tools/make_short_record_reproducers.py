#!/usr/bin/env python3
"""Writes the .xls reproducers in regressions/ whose workbook globals hold a record too short
for calamine 0.38, which reads a 16-bit value from it without checking its length.

Each is seeds/roster.xls with 12 bytes of its workbook stream rewritten: the DateMode record
(6 bytes) and the Precision record after it (6 bytes) become one record of the given type with
no data, then one Precision record with 4 bytes of data (calamine and the scan both ignore
Precision). Everything else, the compound-file container included, is the seed's. The fuzzer
found the ExternSheet one (read_any, 2026-12-02); the others are the same unchecked read in the
same loop of calamine's `Xls::parse_workbook`, written by hand.

    tools/make_short_record_reproducers.py [OUT_DIR]      # default: regressions/
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SELECTOR = b"\x03"  # read_any: file name "x.xls"
SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
END = 0xFFFFFFFA  # sector ids from here up end a chain

# name -> record type; each panics in calamine-0.38.0/src/xls.rs at the line shown.
RECORDS = {
    "read_any-xls-short-extern-sheet": 0x0017,  # xls.rs:859 parse_extern_sheet (BIFF8)
    "read_any-xls-short-date-mode": 0x0022,  # xls.rs:545
    "read_any-xls-short-code-page": 0x0042,  # xls.rs:536
    "read_any-xls-short-file-pass": 0x002F,  # xls.rs:533
    "read_any-xls-short-bof": 0x0809,  # xls.rs:772 parse_bof, from xls.rs:567
    "read_any-xls-short-lbl": 0x0018,  # xls.rs:833 parse_lbl (r.data[3]), from xls.rs:571
}
DATE_MODE, PRECISION = 0x0022, 0x000E


def u32s(data, at, n):
    return struct.unpack_from(f"<{n}I", data, at)


def workbook_offsets(d):
    """The file offset of each byte of the seed's workbook stream."""
    sector = lambda i: SECTOR + i * SECTOR
    fat = [e for s in u32s(d, 0x4C, u32s(d, 0x2C, 1)[0]) for e in u32s(d, sector(s), 128)]

    def chain(start, table):
        while start < END:
            yield start
            start = table[start]

    dirs = list(chain(u32s(d, 0x30, 1)[0], fat))
    entries = [sector(s) + 128 * k for s in dirs for k in range(4)]
    name = lambda e: d[e:e + struct.unpack_from("<H", d, e + 64)[0]].decode("utf-16-le").rstrip("\0")
    root = entries[0]
    stream = next(e for e in entries if name(e) in ("Workbook", "Book"))
    start, size = u32s(d, stream + 116, 2)
    if size >= MINI_CUTOFF:
        return [sector(s) + i for s in chain(start, fat) for i in range(SECTOR)][:size]
    mini_fat = [e for s in chain(u32s(d, 0x3C, 1)[0], fat) for e in u32s(d, sector(s), 128)]
    mini_stream = [sector(s) + i for s in chain(u32s(d, root + 116, 1)[0], fat) for i in range(SECTOR)]
    return [mini_stream[m * MINI_SECTOR + i] for m in chain(start, mini_fat) for i in range(MINI_SECTOR)][:size]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "regressions")
    with open(os.path.join(HERE, "..", "seeds", "roster.xls"), "rb") as f:
        seed = f.read()
    offsets = workbook_offsets(seed)
    stream = bytes(seed[o] for o in offsets)
    # The DateMode record of the globals, and the Precision record right after it.
    at = 0
    while struct.unpack_from("<H", stream, at)[0] != DATE_MODE:
        at += 4 + struct.unpack_from("<H", stream, at + 2)[0]
    assert struct.unpack_from("<HH", stream, at) == (DATE_MODE, 2)
    assert struct.unpack_from("<HH", stream, at + 6) == (PRECISION, 2)
    os.makedirs(out, exist_ok=True)
    for name, kind in RECORDS.items():
        data = bytearray(seed)
        patch = struct.pack("<HHHH", kind, 0, PRECISION, 4) + bytes(4)
        for i, byte in enumerate(patch):
            data[offsets[at + i]] = byte
        with open(os.path.join(out, name), "wb") as f:
            f.write(SELECTOR + data)
        print(f"{len(SELECTOR) + len(data):6} bytes  {name}")


if __name__ == "__main__":
    main()
