//! Small helpers for the text every host shows: counts with thousands separators and
//! nouns that agree with them, escaped control characters, and how far apart two words
//! are (for "did you mean" hints).

use alloc::borrow::Cow;
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

/// The Levenshtein distance of `a` and `b`, in characters: the fewest insertions,
/// deletions and substitutions that make one the other. The compiler's "did you mean"
/// hints and the WebAssembly bindings' hints for a mistyped option both use it.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: alloc::vec::Vec<char> = b.chars().collect();
    let mut row: alloc::vec::Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
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

/// How a control character (or an invisible one: a byte order mark, a bidirectional
/// control) is shown to a person: `\u{1b}` for escape, so that text from a program or a
/// file never acts on the terminal it is shown on; `None` for the characters shown as
/// they are (every other one, and line breaks and tabs, which layouts of their own
/// handle).
pub fn control_escape(c: char) -> Option<String> {
    ((c.is_control() && c != '\n' && c != '\t') || invisible(c))
        .then(|| format!("\\u{{{:x}}}", u32::from(c)))
}

/// Characters that change how text around them shows without showing themselves: the
/// byte order mark, zero-width spaces and joiners, and the bidirectional controls (which
/// can make code read in an order other than the one it runs in).
fn invisible(c: char) -> bool {
    matches!(c, '\u{feff}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}')
}

/// A name (a file's) as messages show it: like [`escape_controls`], and line breaks and
/// tabs escaped too (`\n`, `\t`), so that a name stays on its line.
pub fn escape_name(name: &str) -> String {
    escape_controls(name)
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

/// `text` with its control characters (but line breaks and tabs) shown as
/// [`control_escape`] shows them: `a\u{1b}]0;x\u{7}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| control_escape(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match control_escape(c) {
            Some(e) => out.push_str(&e),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("prnitln", "println"), 2);
        assert_eq!(edit_distance("é", "e"), 1, "characters, not bytes");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            escape_controls("a\u{1b}]0;x\u{7}\n\tb"),
            "a\\u{1b}]0;x\\u{7}\n\tb"
        );
        assert!(matches!(escape_controls("plain é"), Cow::Borrowed(_)));
        assert_eq!(control_escape('\u{0}').as_deref(), Some("\\u{0}"));
        assert_eq!(control_escape('\u{9f}').as_deref(), Some("\\u{9f}"));
        assert_eq!(control_escape('\n'), None);
        assert_eq!(control_escape('\u{feff}').as_deref(), Some("\\u{feff}"));
        assert_eq!(control_escape('\u{202e}').as_deref(), Some("\\u{202e}"));
        assert_eq!(control_escape('é'), None);
        assert_eq!(escape_name("a\nb\tc\u{1b}"), "a\\nb\\tc\\u{1b}");
    }

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
