//! See `gongkai_fuzz::targets::markdown`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gongkai_fuzz::targets::markdown(data));
