//! The full check of an edited file against an original export, both from the input.
//!
//! Layout: byte 0 picks both names (edited = NAMES[b % 5], original = NAMES[(b / 5) % 5]);
//! bytes 1..3 are the edited file's length (u16, little-endian, clamped to what is left);
//! the edited file follows, then the original export takes the rest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rollcall_core::{Input, Lang, Options, check};

const NAMES: [Option<&str>; 5] = [None, Some("x.csv"), Some("x.xlsx"), Some("x.xls"), Some("x.ods")];

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let pick = usize::from(data[0]);
    let edited_name = NAMES[pick % NAMES.len()];
    let original_name = NAMES[(pick / NAMES.len()) % NAMES.len()];
    let split = usize::from(u16::from_le_bytes([data[1], data[2]]));
    let rest = &data[3..];
    let (edited, original) = rest.split_at(split.min(rest.len()));
    let options = Options::default();
    let report = check(
        Input::new(edited, edited_name),
        Some(Input::new(original, original_name)),
        &options,
    );
    // The report must serialise (this is what every caller does with it).
    let _ = report.to_json(Lang::Es);
});
