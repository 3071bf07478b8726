//! The meaning of comparisons and logic, as pure functions reached through their class.

use super::{Class, Op};

/// The comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Compare {
    /// Its meaning on two numbers.
    #[inline(always)]
    pub fn numbers(self, a: i64, b: i64) -> bool {
        match self {
            Compare::Eq => a == b,
            Compare::Ne => a != b,
            Compare::Lt => lt(a, b),
            Compare::Le => le(a, b),
            Compare::Gt => gt(a, b),
            Compare::Ge => ge(a, b),
        }
    }

    /// Its meaning on any two values, from whether they are the same (the same type
    /// and value, strings by their text): `None` for the orders, which take numbers only.
    #[inline(always)]
    pub fn values(self, same: bool) -> Option<bool> {
        match self {
            Compare::Eq => Some(same),
            Compare::Ne => Some(!same),
            Compare::Lt | Compare::Le | Compare::Gt | Compare::Ge => None,
        }
    }

    /// The comparison with its operands exchanged: `a < b` is `b > a`.
    pub const fn flipped(self) -> Compare {
        match self {
            Compare::Eq => Compare::Eq,
            Compare::Ne => Compare::Ne,
            Compare::Lt => Compare::Gt,
            Compare::Le => Compare::Ge,
            Compare::Gt => Compare::Lt,
            Compare::Ge => Compare::Le,
        }
    }

    /// The operation.
    pub const fn op(self) -> Op {
        Class::Comparison(self).op()
    }
}

/// `<`.
#[inline(always)]
pub fn lt(a: i64, b: i64) -> bool {
    a < b
}

/// `<=`.
#[inline(always)]
pub fn le(a: i64, b: i64) -> bool {
    a <= b
}

/// `>`.
#[inline(always)]
pub fn gt(a: i64, b: i64) -> bool {
    a > b
}

/// `>=`.
#[inline(always)]
pub fn ge(a: i64, b: i64) -> bool {
    a >= b
}

/// The logic operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Logic {
    And,
    Or,
    Not,
    If,
}

impl Logic {
    /// The operation.
    pub const fn op(self) -> Op {
        Class::Logic(self).op()
    }

    /// Its meaning on two booleans: `None` for `not` and `if`, which do not take two.
    #[inline(always)]
    pub fn both(self, a: bool, b: bool) -> Option<bool> {
        match self {
            Logic::And => Some(and(a, b)),
            Logic::Or => Some(or(a, b)),
            Logic::Not | Logic::If => None,
        }
    }
}

/// `and`.
#[inline(always)]
pub fn and(a: bool, b: bool) -> bool {
    a && b
}

/// `or`.
#[inline(always)]
pub fn or(a: bool, b: bool) -> bool {
    a || b
}

/// `not`.
#[inline(always)]
pub fn not(a: bool) -> bool {
    !a
}

/// `if`: `t` when `c` holds, else `f`.
#[inline(always)]
pub fn select<T>(c: bool, t: T, f: T) -> T {
    if c {
        t
    } else {
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_and_logic() {
        let pairs = [(1, 2), (2, 2), (3, 2)];
        for c in [
            Compare::Eq,
            Compare::Ne,
            Compare::Lt,
            Compare::Le,
            Compare::Gt,
            Compare::Ge,
        ] {
            for (a, b) in pairs {
                assert_eq!(c.numbers(a, b), c.flipped().numbers(b, a), "{c:?} {a} {b}");
            }
        }
        let got: [bool; 4] = core::array::from_fn(|i| {
            [Compare::Lt, Compare::Le, Compare::Gt, Compare::Ge][i].numbers(2, 2)
        });
        assert_eq!(got, [false, true, false, true]);
        assert_eq!(Compare::Eq.values(false), Some(false));
        assert_eq!(Compare::Ne.values(false), Some(true));
        assert_eq!(Compare::Lt.values(true), None);
        assert!(and(true, true) && !and(true, false) && or(false, true) && !or(false, false));
        assert!(not(false) && !not(true));
        assert_eq!(Logic::And.both(true, false), Some(false));
        assert_eq!(Logic::Or.both(true, false), Some(true));
        assert_eq!(Logic::Not.both(true, true), None);
        assert_eq!((select(true, 1, 2), select(false, 1, 2)), (1, 2));
    }
}
