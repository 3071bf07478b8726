//! Small helpers for the text every host shows: counts with thousands separators and
//! nouns that agree with them.

use alloc::format;
use alloc::string::String;

/// `n` with a comma every three digits: `16,777,216`.
pub fn thousands(n: u64) -> String {
    let mut s = format!("{n}");
    let mut at = s.len();
    while at > 3 {
        at -= 3;
        s.insert(at, ',');
    }
    s
}

/// `""` for one, `"s"` for any other count: `1 step`, `2 steps`, `0 steps`.
pub fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `n` with thousands separators and `noun`, plural unless `n` is 1: `1 step`,
/// `100,000 calls`.
pub fn counted(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), plural(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_plurals() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(16_777_216), "16,777,216");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(counted(1, "step"), "1 step");
        assert_eq!(counted(0, "step"), "0 steps");
        assert_eq!(counted(100_000, "call"), "100,000 calls");
    }
}
