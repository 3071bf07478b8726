//! The argument parser: never panics, and what it accepts round-trips through the
//! literal form (`Value::literal`) to the same values.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vm_core::parse_args;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_args(text) {
        Ok(values) => {
            let again: Vec<String> = values.iter().map(|v| v.literal()).collect();
            assert_eq!(parse_args(&again.join(" ")).as_ref(), Ok(&values), "round trip of {text:?}");
        }
        Err(diags) => {
            for d in &diags {
                let _ = d.render(text, "<arguments>");
            }
        }
    }
});
