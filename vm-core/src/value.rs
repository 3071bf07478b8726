//! Runtime values.

use alloc::string::String;
use alloc::sync::Arc;
use core::fmt;

/// A value on the data stack.
///
/// Strings are shared (`Arc<str>`), so `dup`, `over` and `cast_str` of a string never
/// copy its text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// A 64-bit signed integer, on every target.
    Num(i64),
    /// `true` or `false`.
    Bool(bool),
    /// An immutable string.
    Str(Arc<str>),
}

impl Value {
    /// The name of the value's type as the language's messages use it: `Num`, `Bool`, `Str`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Num(_) => "Num",
            Value::Bool(_) => "Bool",
            Value::Str(_) => "Str",
        }
    }

    /// The value written as a literal of the language: strings quoted and escaped, so
    /// that `"1"` and `1` differ. In full, however long: to show a value to a person,
    /// use [`Value::shown`].
    pub fn literal(&self) -> String {
        let mut s = String::new();
        write_literal(&mut s, self, usize::MAX);
        s
    }

    /// The most characters of a string's text that [`Value::shown`] keeps.
    pub const SHOWN_CHARS: usize = 200;

    /// The value as every host shows it to a person (stacks, error messages, traces):
    /// its literal, but a string of more than [`Value::SHOWN_CHARS`] characters is cut
    /// and says its full size: `"xxx…" (16,777,216 bytes in all)`. Showing a value costs
    /// the same whatever its length.
    pub fn shown(&self) -> String {
        self.literal_short(Self::SHOWN_CHARS)
    }

    /// Like [`Value::shown`], cutting a string after `max_chars` characters.
    pub fn literal_short(&self, max_chars: usize) -> String {
        let mut s = String::new();
        write_literal(&mut s, self, max_chars);
        s
    }

    /// The literal cut after `max_chars` characters of a string's text, ending in `…"`,
    /// without the size: for a host that shows the size apart (the page's Stack panel).
    pub fn literal_cut(&self, max_chars: usize) -> String {
        let mut s = String::new();
        write_quoted(&mut s, self, max_chars);
        s
    }
}

fn write_literal(out: &mut String, value: &Value, max_chars: usize) {
    use fmt::Write;
    if write_quoted(out, value, max_chars) {
        if let Value::Str(s) = value {
            let _ = write!(
                out,
                " ({} in all)",
                crate::text::counted(s.len() as u64, "byte")
            );
        }
    }
}

/// Writes the literal of `value`, a string cut after `max_chars` characters; says
/// whether it was cut.
fn write_quoted(out: &mut String, value: &Value, max_chars: usize) -> bool {
    use fmt::Write;
    match value {
        Value::Str(s) => {
            out.push('"');
            let mut cut = false;
            for (i, c) in s.chars().enumerate() {
                if i == max_chars {
                    out.push('…');
                    cut = true;
                    break;
                }
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => match crate::text::control_escape(c) {
                        Some(e) => out.push_str(&e),
                        None => out.push(c),
                    },
                }
            }
            out.push('"');
            cut
        }
        other => {
            let _ = write!(out, "{other}");
            false
        }
    }
}

/// The printed form: what `println`, `print`, `cast_str` and `concat` produce.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(n) => write!(f, "{n}"),
            Value::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Value::Str(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn printed_and_literal_forms() {
        let s = Value::Str(Arc::from("a \"b\"\\\n"));
        assert_eq!(s.to_string(), "a \"b\"\\\n");
        assert_eq!(s.literal(), r#""a \"b\"\\\n""#);
        assert_eq!(Value::Num(-3).literal(), "-3");
        assert_eq!(Value::Bool(true).to_string(), "true");
        assert_eq!(
            Value::Str(Arc::from("abcdef")).literal_short(3),
            "\"abc…\" (6 bytes in all)"
        );
        assert_eq!(Value::Str(Arc::from("abc")).literal_short(3), "\"abc\"");
        assert_eq!(
            Value::Str(Arc::from("a\"cdef")).literal_cut(3),
            "\"a\\\"c…\""
        );
        assert_eq!(Value::Str(Arc::from("abc")).literal_cut(3), "\"abc\"");
        assert_eq!(Value::Num(-7).literal_cut(1), "-7");
    }

    #[test]
    fn long_strings_are_shown_cut_with_their_size() {
        let long = Value::Str(Arc::from("é".repeat(10_000)));
        let shown = long.shown();
        assert_eq!(
            shown.chars().filter(|&c| c == 'é').count(),
            Value::SHOWN_CHARS
        );
        assert!(shown.ends_with("…\" (20,000 bytes in all)"), "{shown}");
        assert_eq!(Value::Num(-5).shown(), "-5");
    }
}
