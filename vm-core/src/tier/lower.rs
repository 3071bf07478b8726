//! Each operation of a block as WebAssembly: the same checks of types and exact
//! results as the block runner's, on the slots' locals (see [`Cache`]); a failed check
//! branches to the block's start, for the block runner.

use super::cache::Cache;
use super::exits::{side_exit, Scope};
use super::layout::tag::{BOOL, NUM};
use super::layout::{bits_local, local, tag_local, WindowSlot};
use super::wasm::{Body, Ins, Label};
use crate::block::{Block, Lit, Micro};

/// A right operand: a slot or an immediate number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operand {
    Slot(WindowSlot),
    Imm(i64),
}

/// Fails (leaves the block at its start) unless slot `s` holds `tag`.
fn check(f: &mut Body, scope: &Scope, cache: &mut Cache, s: WindowSlot, tag: i32) {
    cache.load(f, s);
    match cache.known(s) {
        Some(t) if t == tag => return,
        // (A check that fails whenever it runs.)
        Some(_) => f.push(Ins::Br(scope.stop)),
        None => {
            // (`br_if` on the tag itself, for a number's tag: 0.)
            f.push(Ins::LocalGet(tag_local(s)));
            if tag != NUM {
                f.extend([Ins::I32Const(tag), Ins::I32Ne]);
            }
            f.push(Ins::BrIf(scope.stop));
        }
    }
    cache.now_known(s, tag);
}

/// Fails unless `a` and `b` (when a slot) hold numbers.
fn check_nums(f: &mut Body, scope: &Scope, cache: &mut Cache, a: WindowSlot, b: Operand) {
    check(f, scope, cache, a, NUM);
    if let Operand::Slot(b) = b {
        check(f, scope, cache, b, NUM);
    }
}

/// Pushes an operand's bits.
fn push(f: &mut Body, cache: &mut Cache, o: Operand) {
    match o {
        Operand::Slot(s) => cache.push_bits(f, s),
        Operand::Imm(n) => f.push(Ins::I64Const(n)),
    }
}

/// An arithmetic operation.
#[derive(Clone, Copy, Debug)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// `d = a op b` on numbers, exact (as `ops::add` and the others): a result that would
/// not be exact, or a division by zero, fails.
fn arith(
    f: &mut Body,
    scope: &Scope,
    cache: &mut Cache,
    d: WindowSlot,
    a: WindowSlot,
    b: Operand,
    op: Arith,
) {
    check_nums(f, scope, cache, a, b);
    let stop = scope.stop;
    let x = cache.bits(a);
    let y = |f: &mut Body| match b {
        Operand::Slot(s) => f.push(Ins::LocalGet(bits_local(s))),
        Operand::Imm(n) => f.push(Ins::I64Const(n)),
    };
    match (op, b) {
        (Arith::Add | Arith::Sub, Operand::Imm(n)) => {
            // With a number known here, one comparison says whether it is exact:
            // x + n for n > 0 when x <= MAX - n, for n < 0 when x >= MIN - n; x - n
            // likewise.
            let n = if matches!(op, Arith::Add) {
                Some(n)
            } else {
                n.checked_neg()
            };
            match n {
                Some(0) => f.extend([Ins::LocalGet(x), local::RESULT.set()]),
                Some(n) => {
                    let (bound, cmp) = if n > 0 {
                        (i64::MAX - n, Ins::I64GtS)
                    } else {
                        (i64::MIN - n, Ins::I64LtS)
                    };
                    f.extend([
                        Ins::LocalGet(x),
                        Ins::I64Const(bound),
                        cmp,
                        Ins::BrIf(stop),
                        Ins::LocalGet(x),
                        Ins::I64Const(n),
                        Ins::I64Add,
                        local::RESULT.set(),
                    ]);
                }
                // x - MIN is exact only for x < 0: x + MAX + 1.
                None => f.extend([
                    Ins::LocalGet(x),
                    Ins::I64Const(0),
                    Ins::I64GeS,
                    Ins::BrIf(stop),
                    Ins::LocalGet(x),
                    Ins::I64Const(i64::MIN),
                    Ins::I64Sub,
                    local::RESULT.set(),
                ]),
            }
        }
        (Arith::Add | Arith::Sub, Operand::Slot(_)) => {
            f.push(Ins::LocalGet(x));
            y(f);
            let ins = if matches!(op, Arith::Add) {
                Ins::I64Add
            } else {
                Ins::I64Sub
            };
            f.extend([ins, local::RESULT.set()]);
            // Overflow: for `+`, x and y of one sign and z of the other; for `-`, x
            // and y of different signs and z not of x's.
            if matches!(op, Arith::Add) {
                f.extend([Ins::LocalGet(x), local::RESULT.get(), Ins::I64Xor]);
                y(f);
                f.extend([local::RESULT.get(), Ins::I64Xor]);
            } else {
                f.push(Ins::LocalGet(x));
                y(f);
                f.extend([
                    Ins::I64Xor,
                    Ins::LocalGet(x),
                    local::RESULT.get(),
                    Ins::I64Xor,
                ]);
            }
            f.extend([Ins::I64And, Ins::I64Const(0), Ins::I64LtS, Ins::BrIf(stop)]);
        }
        (Arith::Mul, Operand::Imm(n)) => match n {
            0 => f.extend([Ins::I64Const(0), local::RESULT.set()]),
            1 => f.extend([Ins::LocalGet(x), local::RESULT.set()]),
            -1 => negate(f, x, stop),
            // Exact when z / n is x (n is neither 0 nor -1: the division cannot trap).
            _ => f.extend([
                Ins::LocalGet(x),
                Ins::I64Const(n),
                Ins::I64Mul,
                local::RESULT.tee(),
                Ins::I64Const(n),
                Ins::I64DivS,
                Ins::LocalGet(x),
                Ins::I64Ne,
                Ins::BrIf(stop),
            ]),
        },
        (Arith::Mul, Operand::Slot(s)) => {
            let y = bits_local(s);
            f.extend([
                Ins::LocalGet(x),
                Ins::LocalGet(y),
                Ins::I64Mul,
                local::RESULT.set(),
            ]);
            // Exact when x is 0; when x is -1, unless y is MIN; else when z / x is y
            // (a division that cannot trap: x is neither 0 nor -1).
            let nonzero = f.label("x_not_0");
            let minus_one = f.label("x_is_minus_1");
            f.extend([
                Ins::LocalGet(x),
                Ins::I64Eqz,
                Ins::I32Eqz,
                Ins::If(nonzero),
                Ins::LocalGet(x),
                Ins::I64Const(-1),
                Ins::I64Eq,
                Ins::If(minus_one),
                Ins::LocalGet(y),
                Ins::I64Const(i64::MIN),
                Ins::I64Eq,
                Ins::BrIf(stop),
                Ins::Else,
                local::RESULT.get(),
                Ins::LocalGet(x),
                Ins::I64DivS,
                Ins::LocalGet(y),
                Ins::I64Ne,
                Ins::BrIf(stop),
                Ins::End,
                Ins::End,
            ]);
        }
        (Arith::Div, Operand::Imm(n)) => match n {
            0 => f.push(Ins::Br(stop)),
            // MIN / -1 is not exact.
            -1 => negate(f, x, stop),
            _ => f.extend([
                Ins::LocalGet(x),
                Ins::I64Const(n),
                Ins::I64DivS,
                local::RESULT.set(),
            ]),
        },
        (Arith::Div, Operand::Slot(s)) => {
            // Division by zero, and MIN / -1 (not exact), fail.
            let y = bits_local(s);
            f.extend([
                Ins::LocalGet(y),
                Ins::I64Eqz,
                Ins::BrIf(stop),
                Ins::LocalGet(x),
                Ins::I64Const(i64::MIN),
                Ins::I64Eq,
                Ins::LocalGet(y),
                Ins::I64Const(-1),
                Ins::I64Eq,
                Ins::I32And,
                Ins::BrIf(stop),
                Ins::LocalGet(x),
                Ins::LocalGet(y),
                Ins::I64DivS,
                local::RESULT.set(),
            ]);
        }
        (Arith::Rem, _) => {
            // `rem_s` is the truncating remainder, 0 for MIN % -1, as `ops::rem`.
            if let Operand::Slot(s) = b {
                f.extend([Ins::LocalGet(bits_local(s)), Ins::I64Eqz, Ins::BrIf(stop)]);
            } else if b == Operand::Imm(0) {
                f.push(Ins::Br(stop));
            }
            f.push(Ins::LocalGet(x));
            y(f);
            f.extend([Ins::I64RemS, local::RESULT.set()]);
        }
    }
    f.push(local::RESULT.get());
    cache.set(f, d, NUM);
}

/// `RESULT = -x`, exact: `-MIN` is not (`* -1` and `/ -1`).
fn negate(f: &mut Body, x: u32, stop: Label) {
    f.extend([
        Ins::LocalGet(x),
        Ins::I64Const(i64::MIN),
        Ins::I64Eq,
        Ins::BrIf(stop),
        Ins::I64Const(0),
        Ins::LocalGet(x),
        Ins::I64Sub,
        local::RESULT.set(),
    ]);
}

/// `d = a cmp b` on numbers.
fn compare(
    f: &mut Body,
    scope: &Scope,
    cache: &mut Cache,
    d: WindowSlot,
    a: WindowSlot,
    b: Operand,
    cmp: Ins,
) {
    check_nums(f, scope, cache, a, b);
    cache.push_bits(f, a);
    push(f, cache, b);
    f.extend([cmp, Ins::I64ExtendI32U]);
    cache.set(f, d, BOOL);
}

/// Pushes `slot == n` (a value of another type is not equal) as an `i32`.
fn equal_num(f: &mut Body, cache: &mut Cache, a: WindowSlot, n: i64) {
    cache.load(f, a);
    match cache.known(a) {
        Some(NUM) => {
            f.extend([Ins::LocalGet(bits_local(a)), Ins::I64Const(n), Ins::I64Eq]);
        }
        Some(_) => f.push(Ins::I32Const(0)),
        None => f.extend([
            Ins::LocalGet(tag_local(a)),
            Ins::I32Eqz,
            Ins::LocalGet(bits_local(a)),
            Ins::I64Const(n),
            Ins::I64Eq,
            Ins::I32And,
        ]),
    }
}

/// Leaves by side exit `k` when the `i32` on the stack is not 0.
fn side_if(f: &mut Body, scope: &Scope, cache: &Cache, b: &Block, k: u16) {
    let l = f.label("side");
    f.push(Ins::If(l));
    match b.sides.get(usize::from(k)) {
        Some(side) => side_exit(f, scope, cache, side),
        None => f.push(Ins::Br(scope.stop)),
    }
    f.push(Ins::End);
}

/// The code of operation `m` of block `b`.
pub(super) fn op(f: &mut Body, scope: &Scope, cache: &mut Cache, b: &Block, m: Micro) {
    use Operand::{Imm, Slot};
    let c = cache;
    match m {
        Micro::Add(d, a, x) => arith(f, scope, c, d, a, Slot(x), Arith::Add),
        Micro::Sub(d, a, x) => arith(f, scope, c, d, a, Slot(x), Arith::Sub),
        Micro::Mul(d, a, x) => arith(f, scope, c, d, a, Slot(x), Arith::Mul),
        Micro::Div(d, a, x) => arith(f, scope, c, d, a, Slot(x), Arith::Div),
        Micro::Rem(d, a, x) => arith(f, scope, c, d, a, Slot(x), Arith::Rem),
        Micro::AddI(d, a, n) => arith(f, scope, c, d, a, Imm(n), Arith::Add),
        Micro::SubI(d, a, n) => arith(f, scope, c, d, a, Imm(n), Arith::Sub),
        Micro::MulI(d, a, n) => arith(f, scope, c, d, a, Imm(n), Arith::Mul),
        Micro::DivI(d, a, n) => arith(f, scope, c, d, a, Imm(n), Arith::Div),
        Micro::RemI(d, a, n) => arith(f, scope, c, d, a, Imm(n), Arith::Rem),
        Micro::Lt(d, a, x) => compare(f, scope, c, d, a, Slot(x), Ins::I64LtS),
        Micro::Le(d, a, x) => compare(f, scope, c, d, a, Slot(x), Ins::I64LeS),
        Micro::Gt(d, a, x) => compare(f, scope, c, d, a, Slot(x), Ins::I64GtS),
        Micro::Ge(d, a, x) => compare(f, scope, c, d, a, Slot(x), Ins::I64GeS),
        Micro::LtI(d, a, n) => compare(f, scope, c, d, a, Imm(n), Ins::I64LtS),
        Micro::LeI(d, a, n) => compare(f, scope, c, d, a, Imm(n), Ins::I64LeS),
        Micro::GtI(d, a, n) => compare(f, scope, c, d, a, Imm(n), Ins::I64GtS),
        Micro::GeI(d, a, n) => compare(f, scope, c, d, a, Imm(n), Ins::I64GeS),
        // Neither is a string (`strings.rs`): equal when tags and bits are.
        Micro::Eq(d, a, x) | Micro::Ne(d, a, x) => {
            c.load(f, a);
            c.load(f, x);
            match (c.known(a), c.known(x)) {
                (Some(p), Some(q)) if p != q => f.push(Ins::I32Const(0)),
                (Some(_), Some(_)) => f.extend([
                    Ins::LocalGet(bits_local(a)),
                    Ins::LocalGet(bits_local(x)),
                    Ins::I64Eq,
                ]),
                _ => {
                    c.push_tag(f, a);
                    c.push_tag(f, x);
                    f.extend([
                        Ins::I32Sub,
                        Ins::I32Eqz,
                        Ins::LocalGet(bits_local(a)),
                        Ins::LocalGet(bits_local(x)),
                        Ins::I64Eq,
                        Ins::I32And,
                    ]);
                }
            }
            if matches!(m, Micro::Ne(..)) {
                f.push(Ins::I32Eqz);
            }
            f.push(Ins::I64ExtendI32U);
            c.set(f, d, BOOL);
        }
        Micro::EqI(d, a, n) | Micro::NeI(d, a, n) => {
            equal_num(f, c, a, n);
            if matches!(m, Micro::NeI(..)) {
                f.push(Ins::I32Eqz);
            }
            f.push(Ins::I64ExtendI32U);
            c.set(f, d, BOOL);
        }
        Micro::And(d, a, x) | Micro::Or(d, a, x) => {
            check(f, scope, c, a, BOOL);
            check(f, scope, c, x, BOOL);
            c.push_bits(f, a);
            c.push_bits(f, x);
            f.push(if matches!(m, Micro::And(..)) {
                Ins::I64And
            } else {
                Ins::I64Or
            });
            c.set(f, d, BOOL);
        }
        Micro::Not(d, a) => {
            check(f, scope, c, a, BOOL);
            c.push_bits(f, a);
            f.extend([Ins::I64Eqz, Ins::I64ExtendI32U]);
            c.set(f, d, BOOL);
        }
        Micro::Select(d, cond, t, e) => {
            c.load(f, cond);
            c.load(f, t);
            c.load(f, e);
            let tag = match (c.known(t), c.known(e)) {
                (Some(x), Some(y)) if x == y => Some(x),
                _ => None,
            };
            if tag.is_none() {
                c.push_tag(f, t);
                c.push_tag(f, e);
                f.extend([
                    Ins::LocalGet(bits_local(cond)),
                    Ins::I64Eqz,
                    Ins::I32Eqz,
                    Ins::Select,
                    local::TAG.set(),
                ]);
            }
            f.extend([
                Ins::LocalGet(bits_local(t)),
                Ins::LocalGet(bits_local(e)),
                Ins::LocalGet(bits_local(cond)),
                Ins::I64Eqz,
                Ins::I32Eqz,
                Ins::Select,
                Ins::LocalSet(bits_local(d)),
            ]);
            if tag.is_none() {
                f.extend([local::TAG.get(), Ins::LocalSet(tag_local(d))]);
            }
            c.written(d, tag);
        }
        Micro::IsBool(a) => check(f, scope, c, a, BOOL),
        Micro::Num(d, n) => c.literal(f, d, Lit::Num(n)),
        Micro::Bool(d, v) => c.literal(f, d, Lit::Bool(v)),
        Micro::Str(d, i) => c.literal(f, d, Lit::Str(i)),
        Micro::Move(d, s) => c.copy(f, d, s),
        Micro::Guard(cond, on, k) => {
            // Leaves when the condition is not `on`.
            c.push_bits(f, cond);
            f.push(Ins::I64Eqz);
            if !on {
                f.push(Ins::I32Eqz);
            }
            side_if(f, scope, c, b, k);
        }
        Micro::GuardEq(a, n, on, k) => {
            equal_num(f, c, a, n);
            if on {
                f.push(Ins::I32Eqz);
            }
            side_if(f, scope, c, b, k);
        }
    }
}
