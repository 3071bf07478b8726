//! The rewrite rules: what each pure operation (arithmetic, comparisons, logic, `if`,
//! the stack shuffles) becomes on the abstract stack (`stack.rs`) while a trace is
//! built. Each rule is a small function, named in the list of rules of each form of
//! operation it applies to (see [`rewrite`]); they are tried in order, and the first that
//! matches rewrites the operation, so the earlier, more particular rules (folding,
//! immediate operands, negations not computed) win over [`compute`], the last, which
//! makes one micro operation on slots.
//!
//! A rule either makes the operation part of the block ([`Rewrite::Done`]) or finds
//! that the block must end before it ([`Rewrite::Leave`]): the plain instruction then
//! runs it, and reports its error exactly as without the optimizer. The rules never
//! change what a program does; the unit tests below show what each one makes of a
//! small program, as `svm --disasm --blocks` prints it.

use super::stack::{Av, Builder, Lit, Sym, Ty};
use crate::block::{Micro, Operand};
use crate::ops::{Arith, BinOp, Class, Compare, Fails, Logic, Shuffle, Type};

/// An operation with two operands that has a micro operation of its own, on two slots
/// or on a slot and an immediate number ([`binary`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Binary {
    /// `+ - * / %`.
    Arith(Arith),
    /// `== != < <= > >=`.
    Compare(Compare),
}

impl Binary {
    /// The block's operation for it: every arithmetic operation and comparison is a
    /// [`BinOp`] of the table ([`Form::of`] makes a `Binary` of no other).
    fn bin_op(self) -> Option<BinOp> {
        BinOp::of(match self {
            Binary::Arith(a) => a.op(),
            Binary::Compare(c) => c.op(),
        })
    }

    /// Its row's operation, which [`Form::of`] checked there is.
    fn row(self) -> BinOp {
        self.bin_op()
            .expect("`Form::of` makes a `Binary` only of a `BinOp`")
    }

    /// The type its operands must have, if any (`==` and `!=` take any two values), as
    /// its row says.
    fn needs(self) -> Option<Ty> {
        match self.row().sig().takes {
            [Type::Any, ..] | [] => None,
            [t, ..] => Some(*t),
        }
    }

    /// The type of its result, as its row says.
    fn gives(self) -> Ty {
        self.row().sig().gives
    }
}

/// An operation the rules rewrite, with the values it takes from the abstract stack
/// (the top last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    /// An arithmetic operation or a comparison.
    Binary(Binary, Av, Av),
    /// `and`.
    And(Av, Av),
    /// `or`.
    Or(Av, Av),
    /// `not`.
    Not(Av),
    /// `if`: the condition, then the two values.
    If(Av, Av, Av),
    /// `dup drop swap over rot` (they take their values themselves).
    Shuffle(Shuffle),
}

impl Form {
    /// The form of an operation of class `class`, its operands taken from `b`'s stack
    /// (pulling inputs as needed); `None` for what the rules do not rewrite (control,
    /// text and input or output: see `trace.rs`).
    pub(super) fn of(b: &mut Builder<'_>, class: Class) -> Option<Form> {
        let two = |b: &mut Builder<'_>| -> (Av, Av) {
            let [x, y] = b.peek();
            (x, y)
        };
        Some(match class {
            Class::Arithmetic(a) => {
                Binary::Arith(a).bin_op()?;
                let (x, y) = two(b);
                Form::Binary(Binary::Arith(a), x, y)
            }
            Class::Comparison(c) => {
                Binary::Compare(c).bin_op()?;
                let (x, y) = two(b);
                Form::Binary(Binary::Compare(c), x, y)
            }
            Class::Logic(l @ (Logic::And | Logic::Or)) if BinOp::of(l.op()).is_none() => {
                return None
            }
            Class::Logic(Logic::And) => {
                let (x, y) = two(b);
                Form::And(x, y)
            }
            Class::Logic(Logic::Or) => {
                let (x, y) = two(b);
                Form::Or(x, y)
            }
            Class::Logic(Logic::Not) => {
                let [x] = b.peek();
                Form::Not(x)
            }
            Class::Logic(Logic::If) => {
                let [c, t, f] = b.peek();
                Form::If(c, t, f)
            }
            Class::Stack(s) => Form::Shuffle(s),
            Class::Control(_) | Class::Text(_) | Class::Io(_) => return None,
        })
    }
}

/// What a rule that matched did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rewrite {
    /// The operation is part of the block.
    Done,
    /// The block ends before the operation: the plain instruction runs it.
    Leave,
}

/// A rewrite rule: its name, and the function that applies it to an operation on the
/// builder's stack, or returns `None` (having changed nothing) when it does not match.
pub(super) struct Rule {
    /// What the rule is called (the name of its function); the tests name the rule
    /// each of their cases is for by it.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) name: &'static str,
    /// Applies the rule.
    pub(super) apply: fn(&mut Builder<'_>, Form) -> Option<Rewrite>,
}

/// The [`Rule`]s of these functions, each named after its function.
macro_rules! named {
    ($($f:ident),+ $(,)?) => {
        [$(Rule { name: stringify!($f), apply: $f }),+]
    };
}

/// The rules of `+ - * / %` and the comparisons, in the order they are tried.
const BINARY: [Rule; 6] = named![
    type_error,
    fold,
    zero_divisor,
    literal_right,
    literal_left,
    compute,
];

/// The rules of `and` and `or`, in order.
const AND_OR: [Rule; 3] = named![type_error, fold, compute];

/// The rules of `not`, in order.
const NOT: [Rule; 6] = named![
    type_error,
    fold,
    double_negation,
    negated_choice,
    deferred_not,
    compute,
];

/// The rules of `if`, in order.
const IF: [Rule; 4] = named![type_error, known_condition, negated_condition, choice];

/// The rules of the stack shuffles.
const SHUFFLE: [Rule; 1] = named![rename];

/// Rewrites `form` by the first of the rules of its form that matches. (Each form has
/// its own list, so that building a block tries no rule of another form; each list is
/// a constant, so that the compiler calls its rules directly.)
#[inline(never)]
pub(super) fn rewrite(b: &mut Builder<'_>, form: Form) -> Rewrite {
    match form {
        Form::Binary(..) => first(&BINARY, b, form),
        Form::And(..) | Form::Or(..) => first(&AND_OR, b, form),
        Form::Not(_) => first(&NOT, b, form),
        Form::If(..) => first(&IF, b, form),
        Form::Shuffle(_) => first(&SHUFFLE, b, form),
    }
}

/// Rewrites `form` by the first of `rules` that matches.
#[inline(always)]
fn first<const N: usize>(rules: &[Rule; N], b: &mut Builder<'_>, form: Form) -> Rewrite {
    for rule in rules {
        if let Some(done) = (rule.apply)(b, form) {
            return done;
        }
    }
    // The last rule of each form matches every operation of that form.
    Rewrite::Leave
}

/// `"a" 1 +`, `1 not`, `5 1 2 if`: an operand that can never have the type the
/// operation takes is always an error; the plain instruction reports it.
fn type_error(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let fits = match form {
        Form::Binary(op, x, y) => op.needs().is_none_or(|t| b.may_be(x, t) && b.may_be(y, t)),
        Form::And(x, y) | Form::Or(x, y) => b.may_be(x, Ty::Bool) && b.may_be(y, Ty::Bool),
        Form::Not(x) | Form::If(x, _, _) => b.may_be(x, Ty::Bool),
        Form::Shuffle(_) => true,
    };
    (!fits).then_some(Rewrite::Leave)
}

/// `1 2 +` is `3`, `1 2 <` is `true`, `"a" "a" ==` is `true`, `true not` is `false`:
/// an operation on literals is its result, a literal. Arithmetic that fails
/// (`9223372036854775807 1 +`) is left to the plain instruction.
fn fold(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let (n, r) = match form {
        Form::Binary(Binary::Arith(op), Av::Lit(Lit::Num(x)), Av::Lit(Lit::Num(y))) => {
            match op.apply(x, y) {
                Ok(r) => (2, Lit::Num(r)),
                Err(_) => return Some(Rewrite::Leave),
            }
        }
        Form::Binary(Binary::Compare(op), Av::Lit(x), Av::Lit(y)) => {
            let r = match (x, y) {
                (Lit::Num(x), Lit::Num(y)) => op.numbers(x, y),
                (Lit::Str(i), Lit::Str(j)) => op.values(b.p.string(i) == b.p.string(j))?,
                _ => op.values(x == y)?,
            };
            (2, Lit::Bool(r))
        }
        Form::And(Av::Lit(Lit::Bool(x)), Av::Lit(Lit::Bool(y))) => {
            (2, Lit::Bool(Logic::And.both(x, y)?))
        }
        Form::Or(Av::Lit(Lit::Bool(x)), Av::Lit(Lit::Bool(y))) => {
            (2, Lit::Bool(Logic::Or.both(x, y)?))
        }
        Form::Not(Av::Lit(Lit::Bool(x))) => (1, Lit::Bool(!x)),
        Form::Binary(..)
        | Form::And(..)
        | Form::Or(..)
        | Form::Not(_)
        | Form::If(..)
        | Form::Shuffle(_) => return None,
    };
    b.replace(n, Av::Lit(r));
    Some(Rewrite::Done)
}

/// `x 0 /`, `x 0 %`: a division by a literal zero always fails; the plain instruction
/// reports it.
fn zero_divisor(_: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Binary(op, _, Av::Lit(Lit::Num(0))) = form else {
        return None;
    };
    if op.row().sig().fails != Fails::Divisor {
        return None;
    }
    Some(Rewrite::Leave)
}

/// `x 1 +`, `x 10 <`, `x 0 ==`: a number on the right is an immediate operand.
fn literal_right(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Binary(op, x, Av::Lit(Lit::Num(n))) = form else {
        return None;
    };
    Some(immediate(b, op, x, n))
}

/// `1 x +` is `x 1 +`, `1 x <` is `x 1 >`, `0 x ==` is `x 0 ==`: a number on the left
/// is an immediate operand when the operation commutes or has a flipped form (so not
/// for `1 x -`).
fn literal_left(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Binary(op, Av::Lit(Lit::Num(n)), y) = form else {
        return None;
    };
    let op = match op {
        Binary::Arith(a) if a.commutes() => op,
        Binary::Arith(_) => return None,
        Binary::Compare(c) => Binary::Compare(c.flipped()),
    };
    Some(immediate(b, op, y, n))
}

/// `not not`: a negation of a negation not computed yet is the value itself.
fn double_negation(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Not(Av::Neg(s)) = form else {
        return None;
    };
    b.replace(1, Av::At(s));
    Some(Rewrite::Done)
}

/// `c true false if not` is `c false true if`: the negation of a choice between two
/// booleans not computed yet is the choice between their negations.
fn negated_choice(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Not(Av::Sel(c, Lit::Bool(x), Lit::Bool(y))) = form else {
        return None;
    };
    b.replace(1, Av::Sel(c, Lit::Bool(!x), Lit::Bool(!y)));
    Some(Rewrite::Done)
}

/// `not` of a value known to be a boolean is not computed yet: an `if` or a `not`
/// after it uses the value itself ([`negated_condition`], [`double_negation`]).
fn deferred_not(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Not(Av::At(s)) = form else {
        return None;
    };
    if b.sym_ty(s) != Ty::Bool {
        return None;
    }
    b.replace(1, Av::Neg(s));
    Some(Rewrite::Done)
}

/// `true a b if` is `a`, `false a b if` is `b`.
fn known_condition(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::If(Av::Lit(Lit::Bool(c)), t, f) = form else {
        return None;
    };
    b.replace(3, if c { t } else { f });
    Some(Rewrite::Done)
}

/// `c not a b if` is `c b a if`: a negated condition swaps the branches.
fn negated_condition(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::If(Av::Neg(c), t, f) = form else {
        return None;
    };
    choose(b, c, f, t);
    Some(Rewrite::Done)
}

/// `c a b if`: the condition is checked to be a boolean (unless that is known), then
/// the choice is made ([`choose`]).
fn choice(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::If(c, t, f) = form else {
        return None;
    };
    let s = b.slot(c);
    if b.sym_ty(s) != Ty::Bool {
        b.ops.push(Micro::IsBool(s));
        b.learn(c, Ty::Bool);
    }
    choose(b, s, t, f);
    Some(Rewrite::Done)
}

/// `dup drop swap over rot` only rename values on the abstract stack.
fn rename(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    let Form::Shuffle(op) = form else {
        return None;
    };
    match op {
        Shuffle::Dup => {
            let [a] = b.peek();
            b.push(a, true);
        }
        Shuffle::Drop => b.pop(1),
        Shuffle::Swap => {
            let [x, y] = b.peek();
            b.pop(2);
            b.push(y, false);
            b.push(x, false);
        }
        Shuffle::Over => {
            let [a, _] = b.peek();
            b.push(a, true);
        }
        Shuffle::Rot => {
            let [x, y, z] = b.peek();
            b.pop(3);
            b.push(y, false);
            b.push(z, false);
            b.push(x, false);
        }
    }
    Some(Rewrite::Done)
}

/// What no other rule rewrote is one micro operation on slots, its operands stored
/// first if they are not yet; the operands are then known to have the type it took.
fn compute(b: &mut Builder<'_>, form: Form) -> Option<Rewrite> {
    match form {
        Form::Binary(op, x, y) => {
            let (sx, sy) = (b.slot(x), b.slot(y));
            if let Some(ty) = op.needs() {
                b.learn(x, ty);
                b.learn(y, ty);
            }
            b.result(2, op.gives(), |d| binary(op, d, sx, Operand::Slot(sy)));
        }
        Form::And(x, y) => logic(b, Logic::And, x, y)?,
        Form::Or(x, y) => logic(b, Logic::Or, x, y)?,
        Form::Not(x) => {
            let s = b.slot(x);
            b.learn(x, Ty::Bool);
            b.result(1, Ty::Bool, |d| Micro::Not(d, s));
        }
        Form::If(..) | Form::Shuffle(_) => return None,
    }
    Some(Rewrite::Done)
}

/// `and`, `or` of `x` and `y` on slots, by the row's operation; both are then known to
/// be booleans.
fn logic(b: &mut Builder<'_>, l: Logic, x: Av, y: Av) -> Option<()> {
    let op = BinOp::of(l.op())?;
    let (sx, sy) = (b.slot(x), b.slot(y));
    b.learn(x, Ty::Bool);
    b.learn(y, Ty::Bool);
    b.result(2, Ty::Bool, |d| Micro::Bin {
        op,
        dst: d,
        a: sx,
        b: Operand::Slot(sy),
    });
    Some(())
}

/// `op` of `x` and the number `n` into a new temporary, `x` known to have the type the
/// operation took.
fn immediate(b: &mut Builder<'_>, op: Binary, x: Av, n: i64) -> Rewrite {
    let s = b.slot(x);
    if let Some(ty) = op.needs() {
        b.learn(x, ty);
    }
    b.result(2, op.gives(), |d| binary(op, d, s, Operand::Imm(n)));
    Rewrite::Done
}

/// Replaces the top three values (an `if`'s) with the choice of `t` when `c` holds,
/// else `f`: between two literals, a choice not computed yet (before `jmp` or `call`
/// it is a conditional branch); else a `Select` into a new temporary.
fn choose(b: &mut Builder<'_>, c: Sym, t: Av, f: Av) {
    let v = match (t, f) {
        (Av::Lit(x), Av::Lit(y)) => Av::Sel(c, x, y),
        _ => {
            let ty = match (b.ty(t), b.ty(f)) {
                (x, y) if x == y => x,
                _ => Ty::Any,
            };
            let (st, sf) = (b.slot(t), b.slot(f));
            let d = b.temp(ty);
            b.ops.push(Micro::Select(d, c, st, sf));
            Av::At(d)
        }
    };
    b.replace(3, v);
}

/// The micro operation computing `a op b` into `d`: the one place where an arithmetic
/// operation or a comparison becomes a [`Micro`].
pub(super) fn binary(op: Binary, d: Sym, a: Sym, b: Operand<Sym>) -> Micro<Sym> {
    Micro::Bin {
        op: op.row(),
        dst: d,
        a,
        b,
    }
}

#[cfg(test)]
mod tests {
    //! What each rule makes of small programs: the operations of the program's first
    //! block and how it ends, as `svm --disasm --blocks` prints them (`; ` between
    //! lines), so that the cases do not depend on how [`Micro`] spells an operation.
    use super::{Rule, AND_OR, BINARY, IF, NOT, SHUFFLE};
    use crate::asm::compile;
    use crate::disasm::disassemble_blocks;
    use alloc::string::String;
    use alloc::vec::Vec;

    /// The lines of the first block of `src` after its header, joined by `; `.
    fn first_block(src: &str) -> String {
        let text = disassemble_blocks(&compile(src).unwrap());
        let lines: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("block 0 "))
            .skip(1)
            .take_while(|l| l.starts_with("    "))
            .map(str::trim)
            .collect();
        lines.join("; ")
    }

    /// A test for each rule, named after it: each case is a program and what
    /// [`first_block`] gives for it. [`TESTED`] lists the rules in order.
    macro_rules! rules {
        ($($rule:ident: [$(($src:expr, $want:expr $(,)?)),+ $(,)?])+) => {
            $(
                #[test]
                fn $rule() {
                    for (src, want) in [$(($src, $want)),+] {
                        assert_eq!(first_block(src), want, "{src}");
                    }
                }
            )+
            /// The rules the tests are for, in order.
            const TESTED: &[&str] = &[$(stringify!($rule)),+];
        };
    }

    rules! {
        type_error: [
            // The block ends before the operation (at address 2, 3).
            (r#""a" 1 +"#, r#"s0 = "a"; s1 = 1; next 2"#),
            ("== 1 +", "s0 = s0 == s1; s1 = 1; next 2"),
            ("dup 1 + not", "s1 = s0 + 1; next 3"),
            ("1 2 3 if", "s0 = 1; s1 = 2; s2 = 3; next 3"),
        ]
        fold: [
            ("1 2 + 3 < not", "s0 = true; next 6"),
            (r#""a" "a" == 1 2 != and"#, "s0 = true; next 7"),
            (r#""a" "b" == 2 2 != or"#, "s0 = false; next 7"),
            // Overflow: the plain `+` reports it.
            ("9223372036854775807 1 +", "s0 = 9223372036854775807; s1 = 1; next 2"),
        ]
        zero_divisor: [
            ("dup 0 /", "s1 = s0; s2 = 0; next 2"),
            ("dup 0 %", "s1 = s0; s2 = 0; next 2"),
        ]
        literal_right: [
            ("1 -", "s0 = s0 - 1; next 2"),
            ("10 <", "s1 = s0 < 10; s0 = s1; next 2"),
            ("0 ==", "s0 = s0 == 0; next 2"),
        ]
        literal_left: [
            ("1 swap +", "s0 = s0 + 1; next 3"),
            ("1 swap <", "s1 = s0 > 1; s0 = s1; next 3"),
            // `-` does not commute: the literal is stored.
            ("1 swap -", "s1 = 1; s0 = s1 - s0; next 3"),
        ]
        double_negation: [
            ("0 == not not", "s0 = s0 == 0; next 4"),
        ]
        negated_choice: [
            (
                "1 < true false if not",
                "s1 = s0 < 1; s2 = false; s3 = true; s0 = if s1 then s2 else s3; next 6",
            ),
        ]
        deferred_not: [
            // Computed only at the end, where the value is left on the stack...
            ("1 < not", "s1 = s0 < 1; s0 = not s1; next 3"),
            // ...and not at all when an `if` takes it.
            (
                "1 < not 5 6 if",
                "s1 = s0 < 1; s2 = 6; s3 = 5; s0 = if s1 then s2 else s3; next 6",
            ),
        ]
        known_condition: [
            ("true 5 6 if", "s0 = 5; next 4"),
            ("false 5 6 if", "s0 = 6; next 4"),
        ]
        negated_condition: [
            (
                "0 == not yes no if jmp yes: 1 println no: 2 println",
                "s1 = s0 == 0; if s1 jmp 11 `no` else 8 `yes`",
            ),
        ]
        choice: [
            (
                "5 6 if",
                "check s0 is a boolean; s1 = 5; s2 = 6; s0 = if s0 then s1 else s2; next 3",
            ),
            // A condition known to be a boolean is not checked.
            ("1 < 5 6 if", "s1 = s0 < 1; s2 = 5; s3 = 6; s0 = if s1 then s2 else s3; next 5"),
            // Between two literals, before `jmp`: a conditional jump.
            (
                "0 == yes no if jmp yes: 1 println no: 2 println",
                "s1 = s0 == 0; if s1 jmp 7 `yes` else 10 `no`",
            ),
        ]
        rename: [
            ("over over", "s2 = s0; s3 = s1; next 2"),
            ("rot swap", "s3 = s0; s0 = s1; s1 = s3; next 2"),
            ("dup drop swap swap", "next 4"),
        ]
        compute: [
            ("+ +", "s3 = s1 + s2; s0 = s0 + s3; next 2"),
            ("and not", "s2 = s0 and s1; s0 = not s2; next 2"),
            ("== dup", "s0 = s0 == s1; s1 = s0; next 2"),
        ]
    }

    #[test]
    fn every_rule_has_a_test() {
        let lists: [&[Rule]; 5] = [&BINARY, &AND_OR, &NOT, &IF, &SHUFFLE];
        let mut names: Vec<&str> = lists
            .iter()
            .flat_map(|l| l.iter().map(|r| r.name))
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut tested = TESTED.to_vec();
        tested.sort_unstable();
        assert_eq!(names, tested);
    }
}
