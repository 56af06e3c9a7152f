//! Arbitrary bytes through `read::read`. The first byte picks the file name the caller
//! claims (none, .csv, .xlsx, .xls, .ods); the rest is the file. Reading must never panic,
//! hang or allocate without bound, whatever the bytes and whatever the name says.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall_core::{Options, read};

const NAMES: [Option<&str>; 5] = [None, Some("x.csv"), Some("x.xlsx"), Some("x.xls"), Some("x.ods")];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let outcome = read::read(bytes, name, &Options::default());
    // Touch the result so nothing is optimised away, and check the documented promise:
    // a file-level error leaves the table without rows.
    if outcome.is_fatal() {
        assert!(outcome.table.is_empty(), "a fatal read kept {} rows", outcome.table.len());
    }
});
