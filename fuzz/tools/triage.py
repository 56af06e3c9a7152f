#!/usr/bin/env python3
"""Triage fuzz crashes by panic location, and minimise one while keeping its location.

libFuzzer's and cargo-fuzz's minimisers accept *any* crash, so a reproducer of one panic
often shrinks into another. This keeps the first `panicked at FILE:LINE:COL` the same.

    tools/triage.py group BINARY FILE...          # one line per file: location, size, path
    tools/triage.py minimize BINARY CRASH OUT     # shrink CRASH into OUT, same location

BINARY is a built target, e.g. target/x86_64-unknown-linux-gnu/release/read_any.
TRIAGE_RSS_MB (default 2048) is the -rss_limit_mb given to it: a lower one (say 300) makes
an out-of-memory input fail, and so minimise, much faster. TRIAGE_TIMEOUT (default 20 s)
is how long a run may take before it counts as a timeout.
"""
import os
import re
import subprocess
import sys
import tempfile

PANIC = re.compile(rb"panicked at (\S+?):?\n")
REG = re.compile(r"^.*/registry/src/[^/]+/")


def location(binary, data):
    rss = os.environ.get("TRIAGE_RSS_MB", "2048")
    timeout = float(os.environ.get("TRIAGE_TIMEOUT", "20"))
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(data)
        path = f.name
    try:
        out = subprocess.run([binary, f"-rss_limit_mb={rss}", path], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, timeout=timeout,
                             env=dict(os.environ, RUST_BACKTRACE="0")).stderr
    except subprocess.TimeoutExpired:
        return "timeout"
    finally:
        os.unlink(path)
    m = PANIC.search(out)
    if m:
        return REG.sub("", m.group(1).decode(errors="replace"))
    if b"out-of-memory" in out:
        return "oom"
    if b"deadly signal" in out or b"ERROR: libFuzzer" in out:
        return "crash"
    return None


def minimize(binary, data):
    want = location(binary, data)
    if want is None:
        sys.exit("the input does not crash")
    print(f"keeping: {want}", file=sys.stderr)
    keep = lambda d: location(binary, d) == want
    # ddmin: drop chunks, halving the chunk size.
    chunk = max(1, len(data) // 2)
    while chunk >= 1:
        i, changed = 0, False
        while i < len(data):
            cand = data[:i] + data[i + chunk:]
            if cand and keep(cand):
                data, changed = cand, True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    # Then simplify bytes to zero where possible (readability).
    for i in range(len(data)):
        if data[i] != 0:
            cand = data[:i] + b"\0" + data[i + 1:]
            if keep(cand):
                data = cand
    return want, data


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "group":
        for path in sys.argv[3:]:
            with open(path, "rb") as f:
                data = f.read()
            print(f"{location(sys.argv[2], data)}\t{len(data)}\t{path}")
    elif len(sys.argv) == 5 and sys.argv[1] == "minimize":
        with open(sys.argv[3], "rb") as f:
            data = f.read()
        want, data = minimize(sys.argv[2], data)
        with open(sys.argv[4], "wb") as f:
            f.write(data)
        print(f"{want}\t{len(data)} bytes\t{sys.argv[4]}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
