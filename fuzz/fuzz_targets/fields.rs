//! See `gongkai_fuzz::targets::fields`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_fuzz::targets::fields(data));
