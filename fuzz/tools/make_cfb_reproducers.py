#!/usr/bin/env python3
"""Writes the hand-reduced .xls (OLE/CFB) reproducers in regressions/ for the read_any target.

Each file is one selector byte (3 = read as "x.xls") followed by a tiny compound file whose
512-byte header is valid (signature, version 3, 512-byte sectors, 64-byte mini sectors).
The fuzzer found the first three (its inputs were 0.5-9 KB); these are the same bugs reduced
by hand to the one field that triggers each. The fourth is the neighbouring unchecked index
in the same loop, written by hand after reading calamine's cfb.rs.

    tools/make_cfb_reproducers.py [OUT_DIR]      # default: regressions/
"""
import os
import struct
import sys

SELECTOR = b"\x03"  # read_any: file name "x.xls"
ENDOFCHAIN, FATSECT, FREESECT = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def header(difat0=FREESECT, dir_start=ENDOFCHAIN):
    h = bytearray(b"\xff" * 512)
    h[0:8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"          # signature
    h[8:24] = bytes(16)                                  # CLSID
    h[24:28] = struct.pack("<HH", 0x3E, 3)               # minor, major version
    h[28:34] = struct.pack("<HHH", 0xFFFE, 9, 6)         # byte order, sector and mini shifts
    h[34:44] = bytes(10)
    h[44:48] = struct.pack("<I", 1)                      # number of FAT sectors
    h[48:52] = struct.pack("<I", dir_start)              # first directory sector
    h[52:60] = struct.pack("<II", 0, 4096)               # transaction, mini stream cutoff
    h[60:68] = struct.pack("<II", ENDOFCHAIN, 0)         # mini FAT start, count
    h[68:76] = struct.pack("<II", ENDOFCHAIN, 0)         # DIFAT start, count
    h[76:80] = struct.pack("<I", difat0)                 # DIFAT[0]: the (only) FAT sector
    return bytes(h)


def fat(*entries):
    data = struct.pack(f"<{len(entries)}I", *entries)
    return data + b"\xff" * (512 - len(data))


FILES = {
    # FAT sector 0 is cut after 2 bytes: Sectors::get returns a 2-byte slice and
    # utils::to_u32 asserts len % 4 == 0.
    "read_any-xls-short-fat-sector": header(difat0=0) + b"\0\0",
    # FAT sector 2 is within maxid (file length / 512) but past the data read: Sectors::get
    # slices data[1024..512].
    "read_any-xls-fat-sector-past-eof": header(difat0=2) + bytes(512),
    # The directory chain points to itself (FAT[1] = 1) and get_chain is called with
    # len = usize::MAX: it appends 512 bytes per turn for ever (OOM, and a hang).
    "read_any-xls-fat-cycle-oom": header(difat0=0, dir_start=1) + fat(FATSECT, 1) + bytes(512),
    # The directory starts at sector 130, inside the file, but the one FAT sector has only
    # 128 entries: fats[130] is out of bounds in get_chain.
    "read_any-xls-fat-index-out-of-bounds": header(difat0=0, dir_start=130) + fat(FATSECT)
    + bytes(512 * 130),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "regressions")
    os.makedirs(out, exist_ok=True)
    for name, data in FILES.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(SELECTOR + data)
        print(f"{len(SELECTOR) + len(data):6} bytes  {name}")


if __name__ == "__main__":
    main()
