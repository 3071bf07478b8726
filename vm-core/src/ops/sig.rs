//! What a pure operation takes and gives: the types of its operands and result, and
//! when it fails, as each one's row in the table states it ([`Sig`]).

/// The type of a value, as a [`Sig`] states what an operation takes and gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// A number.
    Num,
    /// A boolean.
    Bool,
    /// A string.
    Str,
    /// Any value.
    Any,
}

/// When a pure operation given operands of its types has no result (see [`Exact`](super::Exact)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fails {
    /// Never.
    Never,
    /// When the exact result does not fit in 64 bits, whatever the operands.
    Overflow,
    /// Only by its right operand: with 0 (division by zero) or -1 (`MIN / -1`
    /// overflows), never with another.
    Divisor,
}

impl Fails {
    /// Can the operation fail, its right operand being `right` when that is known?
    pub const fn may_fail(self, right: Option<i64>) -> bool {
        match (self, right) {
            (Fails::Never, _) => false,
            (Fails::Overflow, _) | (Fails::Divisor, None) => true,
            (Fails::Divisor, Some(n)) => n == 0 || n == -1,
        }
    }
}

/// What a pure operation takes and gives: the types of its operands (the deepest
/// first), of its result, and when it fails. The block runner checks the operands'
/// types from it and tags the result with it; the optimizer knows from it which
/// operations can fail and what type each result has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sig {
    /// The operands' types, the deepest first (as many as the operation pops).
    pub takes: &'static [Type],
    /// The result's type.
    pub gives: Type,
    /// When it fails on operands of those types.
    pub fails: Fails,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Class, Op};

    #[test]
    fn pure_operations_have_a_signature_that_fits_their_row() {
        for &op in Op::ALL {
            let info = op.info();
            assert_eq!(op.sig(), info.sig, "{op}");
            let pure = match op.class() {
                Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_) => true,
                Class::Stack(_) | Class::Text(_) | Class::Io(_) | Class::Control(_) => false,
            };
            assert_eq!(info.sig.is_some(), pure, "{op}");
            if let Some(sig) = info.sig {
                assert_eq!(sig.takes.len(), usize::from(info.pops), "{op}");
                // Only arithmetic can fail on operands of its types.
                let arith = match op.class() {
                    Class::Arithmetic(_) => true,
                    Class::Comparison(_)
                    | Class::Logic(_)
                    | Class::Stack(_)
                    | Class::Text(_)
                    | Class::Io(_)
                    | Class::Control(_) => false,
                };
                assert!(sig.fails == Fails::Never || arith, "{op}");
            }
        }
    }

    /// An operation fails only where its row says it may: never, whatever the
    /// operands (`Overflow`), or only by a right operand of 0 or -1 (`Divisor`).
    #[test]
    fn arithmetic_fails_only_where_its_row_says() {
        let edges = [
            i64::MIN,
            i64::MIN + 1,
            -7,
            -2,
            -1,
            0,
            1,
            2,
            7,
            i64::MAX - 1,
            i64::MAX,
        ];
        for &op in Op::ALL {
            let (Class::Arithmetic(f), Some(sig)) = (op.class(), op.sig()) else {
                continue;
            };
            let mut failed = false;
            for a in edges {
                for b in edges {
                    if f.apply(a, b).is_err() {
                        failed = true;
                        assert!(sig.fails.may_fail(Some(b)), "{a} {op} {b} failed");
                    }
                }
            }
            assert_eq!(failed, sig.fails != Fails::Never, "{op}");
        }
        assert!(Fails::Divisor.may_fail(None) && Fails::Divisor.may_fail(Some(-1)));
        assert!(!Fails::Divisor.may_fail(Some(2)) && !Fails::Never.may_fail(None));
    }
}
