//! See `gongkai_fuzz::targets::search`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_fuzz::targets::search(data));
