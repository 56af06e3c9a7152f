#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from tests/fixtures (every .csv/.xlsx/.xlsm/.xlsb/.xls/.ods there)
# and from fuzz/seeds/ (tiny .xls/.ods/.xlsx made with LibreOffice, plus "stored" zips whose
# XML is not compressed, so that mutations reach the XML parsers). Safe to re-run: files are
# named by their content hash. fuzz/corpus is git-ignored.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="${FIXTURES:-$here/../tests/fixtures}"  # FIXTURES=DIR seeds from another checkout
corpus="$here/corpus"
mkdir -p "$corpus/read_any" "$corpus/check_pair" "$corpus/incremental_check"

# The name index each target decodes from its first byte: 0 none, 1 .csv, 2 .xlsx, 3 .xls, 4 .ods.
name_index() {
    case "${1##*.}" in
        csv) echo 1 ;; xlsx|xlsm|xlsb) echo 2 ;; xls) echo 3 ;; ods) echo 4 ;; *) echo 0 ;;
    esac
}
byte() { printf "\\x$(printf %02x "$1")"; }
put() { # put TARGET < data: store stdin under its hash
    local tmp; tmp="$(mktemp)"; cat > "$tmp"
    mv "$tmp" "$corpus/$1/$(sha1sum "$tmp" | cut -c1-40)"
}

mapfile -t files < <(find "$fixtures" "$here/seeds" -type f \
    \( -name '*.csv' -o -name '*.xlsx' -o -name '*.xlsm' -o -name '*.xlsb' -o -name '*.xls' -o -name '*.ods' \) | sort)

for f in "${files[@]}"; do
    # read_any: once under its own name, once under no name.
    { byte "$(name_index "$f")"; cat "$f"; } | put read_any
    { byte 0; cat "$f"; } | put read_any
    # incremental_check: its input is structured, but raw files are as good a start as any.
    head -c 512 "$f" | put incremental_check
done

# check_pair: every edited.* with the export.csv beside it, and each file against itself.
pair() { # pair EDITED ORIGINAL
    local size; size=$(stat -c %s "$1")
    (( size <= 65535 )) || return 0
    { byte $(( $(name_index "$1") + 5 * $(name_index "$2") ))
      byte $(( size & 255 )); byte $(( size >> 8 )); cat "$1" "$2"; } | put check_pair
}
for dir in "$fixtures"/examples/*/; do
    for edited in "$dir"edited.*; do
        [[ -e "$edited" && -e "${dir}export.csv" ]] && pair "$edited" "${dir}export.csv"
    done
done
for f in "${files[@]}"; do
    [[ "$f" == */export.csv ]] && pair "$f" "$f"
done
for f in "$here"/seeds/*; do
    pair "$f" "$fixtures/examples/grades/export.csv"
done

# The hostile set's three CSVs (tests/fixtures/hostile/verdicts.json), cut from 20 MiB to 64 KiB:
# the full ones are far past libFuzzer's -max_len (the longest seed), and a mutation of a
# 20 MiB input is far too slow. One quoted field; nothing but commas; a header, then line breaks.
# Under .csv and under no name for read_any; for check_pair, one byte shorter (the edited file's
# length is a u16) against the grades export.
hostile_csv() { # hostile_csv SIZE: writes the three files, SIZE bytes each, to $tmpdir
    local size=$1
    { printf '"'; head -c $(( size - 2 )) /dev/zero | tr '\0' a; printf '"'; } > "$tmpdir/quoted-field.csv"
    head -c "$size" /dev/zero | tr '\0' , > "$tmpdir/delimiters.csv"
    { printf 'First Name,Last Name,Grade\n'
      head -c $(( size - 27 )) /dev/zero | tr '\0' '\n'; } > "$tmpdir/line-breaks.csv"
}
tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT
hostile_csv 65536
for f in "$tmpdir"/*.csv; do
    { byte 1; cat "$f"; } | put read_any
    { byte 0; cat "$f"; } | put read_any
done
hostile_csv 65535
for f in "$tmpdir"/*.csv; do
    pair "$f" "$fixtures/examples/grades/export.csv"
done

# incremental_check: a few hand-made inputs (see the layout in fuzz_targets/incremental_check.rs).
printf '\x0f\x0f\x01\x02\x03\x04\x05\x06\x07\x01\x02\x03\x04\x05\x06\x07\x00\x00\x01\x00\x05\x02' | put incremental_check
printf '\x0e\x0f\x01\x01\x01\x01\x01\x01\x01\x02\x02\x02\x02\x02\x02\x02\x00\x00\x00\x01\x00\x01' | put incremental_check
printf '\x3f\x05\x01\x02\x03\x04\x05\x01\x02\x03\x04\x05\x00\x05\xf0\x01\x02\xf1\xff\xffJos\xc3\xa9 \xffa,"b"\n' | put incremental_check
printf '\x1b\x0f\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x01\x00\x02\x00\x05\x00' | put incremental_check

for t in read_any check_pair incremental_check; do
    echo "$t: $(ls "$corpus/$t" | wc -l) seeds"
done
