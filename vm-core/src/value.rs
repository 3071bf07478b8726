//! Runtime values.

use alloc::rc::Rc;
use alloc::string::String;
use core::fmt;

/// A value on the data stack.
///
/// Strings are shared (`Rc<str>`), so `dup`, `over` and `cast_str` of a string never
/// copy its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A 64-bit signed integer, on every target.
    Num(i64),
    /// `true` or `false`.
    Bool(bool),
    /// An immutable string.
    Str(Rc<str>),
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
    /// that `"1"` and `1` differ. This is how stacks are shown.
    pub fn literal(&self) -> String {
        let mut s = String::new();
        write_literal(&mut s, self, usize::MAX);
        s
    }

    /// Like [`Value::literal`], but a long string is cut after `max_chars` characters
    /// and ends in `…`.
    pub fn literal_short(&self, max_chars: usize) -> String {
        let mut s = String::new();
        write_literal(&mut s, self, max_chars);
        s
    }
}

fn write_literal(out: &mut String, value: &Value, max_chars: usize) {
    use fmt::Write;
    match value {
        Value::Str(s) => {
            out.push('"');
            for (i, c) in s.chars().enumerate() {
                if i == max_chars {
                    out.push('…');
                    break;
                }
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        other => {
            let _ = write!(out, "{other}");
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
        let s = Value::Str(Rc::from("a \"b\"\\\n"));
        assert_eq!(s.to_string(), "a \"b\"\\\n");
        assert_eq!(s.literal(), r#""a \"b\"\\\n""#);
        assert_eq!(Value::Num(-3).literal(), "-3");
        assert_eq!(Value::Bool(true).to_string(), "true");
        assert_eq!(Value::Str(Rc::from("abcdef")).literal_short(3), "\"abc…\"");
    }
}
