//! See `gongkai_fuzz::targets::report`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_fuzz::targets::report(data));
