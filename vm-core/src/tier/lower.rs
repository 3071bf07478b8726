//! Each operation of a block as WebAssembly: the same checks of types and exact
//! results as the block runner's, on the slots' locals (see [`Cache`]); a failed check
//! branches to the block's start, for the block runner.

use super::cache::Cache;
use super::exits::{side_exit, Scope};
use super::layout::tag::{BOOL, NUM};
use super::layout::{bits_local, local, tag_local, WindowSlot};
use super::wasm::{Body, Ins, Label};
use crate::block::{Block, Lit, Micro, Operand};
use crate::ops::{Arith, Class, Compare, Logic};

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
        Micro::Bin {
            op,
            dst: d,
            a,
            b: x,
        } => match (op.class(), x) {
            (Class::Arithmetic(op), x) => arith(f, scope, c, d, a, x, op),
            (Class::Comparison(Compare::Lt), x) => compare(f, scope, c, d, a, x, Ins::I64LtS),
            (Class::Comparison(Compare::Le), x) => compare(f, scope, c, d, a, x, Ins::I64LeS),
            (Class::Comparison(Compare::Gt), x) => compare(f, scope, c, d, a, x, Ins::I64GtS),
            (Class::Comparison(Compare::Ge), x) => compare(f, scope, c, d, a, x, Ins::I64GeS),
            // Neither is a string (`strings.rs`): equal when tags and bits are.
            (Class::Comparison(cmp @ (Compare::Eq | Compare::Ne)), Slot(x)) => {
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
                if cmp == Compare::Ne {
                    f.push(Ins::I32Eqz);
                }
                f.push(Ins::I64ExtendI32U);
                c.set(f, d, BOOL);
            }
            (Class::Comparison(cmp @ (Compare::Eq | Compare::Ne)), Imm(n)) => {
                equal_num(f, c, a, n);
                if cmp == Compare::Ne {
                    f.push(Ins::I32Eqz);
                }
                f.push(Ins::I64ExtendI32U);
                c.set(f, d, BOOL);
            }
            (Class::Logic(l @ (Logic::And | Logic::Or)), Slot(x)) => {
                check(f, scope, c, a, BOOL);
                check(f, scope, c, x, BOOL);
                c.push_bits(f, a);
                c.push_bits(f, x);
                f.push(if l == Logic::And {
                    Ins::I64And
                } else {
                    Ins::I64Or
                });
                c.set(f, d, BOOL);
            }
            // (Not made by the optimizer: leave the block to the block runner.)
            (Class::Logic(Logic::And | Logic::Or), Imm(_))
            | (Class::Logic(Logic::Not | Logic::If), _)
            | (Class::Stack(_) | Class::Text(_) | Class::Io(_) | Class::Control(_), _) => {
                f.push(Ins::Br(scope.stop))
            }
        },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use crate::block::{Exit, WINDOW};
    use crate::ops::BinOp;
    use crate::tier::layout::label_local_names;
    use crate::tier::order::Order;
    use alloc::boxed::Box;
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec;
    use alloc::vec::Vec;
    use Operand::{Imm, Slot};

    /// `dst = a op b`.
    fn bin(op: BinOp, dst: u16, a: u16, b: Operand) -> Micro {
        Micro::Bin { op, dst, a, b }
    }

    /// The text of `ops` lowered in a block of `need` inputs (after its inputs are
    /// loaded), a line an instruction. The block's start is label `$stop2`.
    fn lowered(need: u16, ops: &[Micro]) -> Vec<String> {
        let p = compile("1 2 +").unwrap();
        let order = Order::new(&p);
        let names: Vec<String> = vec!["at".into(), "run".into()];
        let mut f = Body::new(Some((label_local_names(WINDOW as u16), &names)));
        let (leave, dispatch) = (f.label("leave"), f.label("dispatch"));
        let (stop, round) = (f.label("stop"), f.label("round"));
        f.extend([
            Ins::Block(leave),
            Ins::Loop(dispatch),
            Ins::Block(stop),
            Ins::Loop(round),
        ]);
        let mut cache = Cache::new();
        for s in 0..need {
            cache.load(&mut f, s);
        }
        let scope = Scope {
            order: &order,
            index: 0,
            leave,
            dispatch,
            stop,
            round,
            blocks: 0..1,
            program: &p,
            functions: &[0],
            arms: &[],
            at: 0,
        };
        let b = Block {
            steps: 1,
            budget: 1,
            need,
            room: 8,
            window: 8,
            out: need,
            frames_min: 0,
            frames_room: 0,
            ops: ops.into(),
            code: ops.iter().map(|&m| m.into()).collect(),
            pushes: Box::new([]),
            exit: Exit::Return,
            sides: Box::new([]),
        };
        for &m in ops {
            op(&mut f, &scope, &mut cache, &b, m);
        }
        let (_, text) = f.finish();
        let loads = 4 + 6 * usize::from(need);
        text.lines()
            .skip(loads)
            .map(|l| l.trim().to_string())
            .collect()
    }

    #[test]
    fn adding_zero_checks_the_type_only() {
        assert_eq!(
            lowered(1, &[bin(BinOp::Add, 1, 0, Imm(0))]),
            [
                "local.get $t0",
                "br_if $stop2",
                "local.get $s0",
                "local.set $z",
                "local.get $z",
                "local.set $s1"
            ]
        );
    }

    #[test]
    fn adding_a_number_checks_one_bound() {
        let code = lowered(
            1,
            &[
                bin(BinOp::Add, 1, 0, Imm(5)),
                bin(BinOp::Sub, 2, 0, Imm(-5)),
            ],
        );
        let bound = format!("i64.const {}", i64::MAX - 5);
        let checks: Vec<&str> = code
            .iter()
            .skip_while(|l| **l != "local.get $s0")
            .take(4)
            .map(|l| l.as_str())
            .collect();
        assert_eq!(
            checks,
            ["local.get $s0", &bound, "i64.gt_s", "br_if $stop2"]
        );
        // `x - -5` is `x + 5`: the same bound.
        assert_eq!(code.iter().filter(|l| **l == bound).count(), 2);
    }

    #[test]
    fn subtracting_min_is_exact_only_below_zero() {
        let code = lowered(1, &[bin(BinOp::Sub, 1, 0, Imm(i64::MIN))]);
        let at = code.iter().position(|l| l == "i64.ge_s").unwrap();
        assert_eq!(code[at - 1], "i64.const 0");
        assert_eq!(code[at + 1], "br_if $stop2");
        assert!(code.contains(&format!("i64.const {}", i64::MIN)));
    }

    #[test]
    fn dividing_by_zero_always_stops() {
        let code = lowered(
            1,
            &[bin(BinOp::Div, 1, 0, Imm(0)), bin(BinOp::Rem, 2, 0, Imm(0))],
        );
        assert_eq!(code.iter().filter(|l| *l == "br $stop2").count(), 2);
        assert!(!code.iter().any(|l| l.starts_with("i64.div_s")));
    }

    #[test]
    fn a_known_tag_is_not_checked_again() {
        let code = lowered(
            2,
            &[
                bin(BinOp::Add, 2, 0, Slot(1)),
                bin(BinOp::Add, 3, 2, Slot(0)),
            ],
        );
        for tag in ["local.get $t0", "local.get $t1"] {
            assert_eq!(code.iter().filter(|l| *l == tag).count(), 1, "{tag}");
        }
        assert!(!code.contains(&"local.get $t2".to_string()));
    }

    #[test]
    fn a_check_that_cannot_pass_always_stops() {
        let code = lowered(0, &[Micro::Num(0, 5), Micro::Not(1, 0)]);
        assert!(code.contains(&"br $stop2".to_string()), "{code:?}");
        assert!(!code.contains(&"br_if $stop2".to_string()));
    }

    #[test]
    fn a_guard_without_its_side_exit_stops() {
        let code = lowered(1, &[Micro::Guard(0, true, 0)]);
        assert_eq!(
            code,
            ["local.get $s0", "i64.eqz", "if $side4", "br $stop2", "end"]
        );
    }
}
