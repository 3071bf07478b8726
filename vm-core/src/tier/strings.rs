//! Which inputs a block's `==` and `!=` compare: the module does not have strings'
//! texts (they are the host's), so it compares two values only when neither is a
//! string, and checks that at the start of each round of the block.

use alloc::vec::Vec;

use super::layout::{tag, WindowSlot};
use crate::block::{Block, Micro, Operand, WINDOW};
use crate::ops::Type;

/// What a slot holds while a block's operations run, as far as is known before it
/// runs: one of its inputs as the round found it, or a value of a known tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Input(WindowSlot),
    Tag(i32),
    Unknown,
}

/// The inputs that the block's `==` and `!=` of two slots compare: the module checks
/// at the start of each round that they are not strings, and stops there when one is,
/// for the block runner. `None` when one of them compares a value that may be a string
/// otherwise: then the block is not compiled.
pub(super) fn string_checks(b: &Block) -> Option<Vec<WindowSlot>> {
    let mut origin: Vec<Origin> = (0..WINDOW as WindowSlot)
        .map(|s| {
            if s < b.need {
                Origin::Input(s)
            } else {
                Origin::Unknown
            }
        })
        .collect();
    let at = |s: WindowSlot| usize::from(s) % WINDOW;
    let mut inputs: Vec<WindowSlot> = Vec::new();
    for &m in b.ops.iter() {
        // An operation that takes any values (`==`, `!=`) of two slots.
        if let Micro::Bin {
            op,
            a,
            b: Operand::Slot(x),
            ..
        } = m
        {
            let any = op.sig().takes.contains(&Type::Any);
            for s in [a, x].into_iter().filter(|_| any) {
                match origin[at(s)] {
                    Origin::Input(i) => {
                        if !inputs.contains(&i) {
                            inputs.push(i);
                        }
                    }
                    Origin::Tag(tag::NUM | tag::BOOL) => {}
                    Origin::Tag(_) | Origin::Unknown => return None,
                }
            }
        }
        let (d, written) = match m {
            Micro::Move(d, s) => (d, origin[at(s)]),
            Micro::Select(d, _, t, e) if origin[at(t)] == origin[at(e)] => (d, origin[at(t)]),
            Micro::Select(d, ..) => (d, Origin::Unknown),
            Micro::Str(d, _) => (d, Origin::Tag(tag::CONST)),
            // What the operation gives, from its row: a string it makes may be compared.
            Micro::Bin { op, dst, .. } => match op.sig().gives {
                Type::Num => (dst, Origin::Tag(tag::NUM)),
                Type::Bool => (dst, Origin::Tag(tag::BOOL)),
                Type::Str | Type::Any => (dst, Origin::Unknown),
            },
            Micro::Num(d, _) => (d, Origin::Tag(tag::NUM)),
            Micro::Not(d, _) | Micro::Bool(d, _) => (d, Origin::Tag(tag::BOOL)),
            // (No result.)
            Micro::IsBool(_) | Micro::Guard(..) | Micro::GuardEq(..) => continue,
        };
        origin[at(d)] = written;
    }
    Some(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Exit;
    use crate::ops::BinOp;
    use alloc::boxed::Box;
    use alloc::vec;
    use Operand::{Imm, Slot};

    /// The operation written `name`, of two operands.
    fn named(name: &str) -> BinOp {
        BinOp::of(crate::ops::Op::from_name(name).unwrap()).unwrap()
    }

    /// `dst = a op b`.
    fn bin(op: BinOp, dst: u16, a: u16, b: Operand) -> Micro {
        Micro::Bin { op, dst, a, b }
    }

    /// A block reading `need` inputs that runs `ops` and returns.
    fn block(need: u16, ops: &[Micro]) -> Block {
        Block {
            steps: ops.len() as u16 + 1,
            budget: ops.len() as u16 + 1,
            need,
            room: 8,
            window: 8,
            out: need,
            frames_min: 1,
            frames_room: 0,
            ops: ops.into(),
            code: ops.iter().map(|&m| m.into()).collect(),
            pushes: Box::new([]),
            exit: Exit::Return,
            sides: Box::new([]),
        }
    }

    #[test]
    fn inputs_compared_are_checked() {
        let b = block(
            2,
            &[bin(BinOp::Eq, 2, 0, Slot(1)), bin(BinOp::Ne, 3, 1, Slot(0))],
        );
        assert_eq!(string_checks(&b), Some(vec![0, 1]));
        // Moved first: still the input.
        let b = block(2, &[Micro::Move(5, 1), bin(BinOp::Eq, 2, 5, Slot(0))]);
        assert_eq!(string_checks(&b), Some(vec![1, 0]));
    }

    #[test]
    fn numbers_and_booleans_made_need_no_check() {
        let b = block(
            1,
            &[
                bin(named("+"), 1, 0, Imm(1)),
                bin(BinOp::Lt, 2, 0, Slot(1)),
                bin(BinOp::Eq, 3, 1, Slot(2)),
            ],
        );
        assert_eq!(string_checks(&b), Some(vec![]));
    }

    #[test]
    fn a_string_or_an_unknown_value_compared_is_not_compiled() {
        let b = block(1, &[Micro::Str(1, 0), bin(BinOp::Eq, 2, 0, Slot(1))]);
        assert_eq!(string_checks(&b), None);
        // Slot 3 is above the inputs, never written.
        let b = block(1, &[bin(BinOp::Eq, 2, 0, Slot(3))]);
        assert_eq!(string_checks(&b), None);
        // A select of an input or a number may be either.
        let b = block(
            2,
            &[
                Micro::Num(2, 1),
                Micro::Select(3, 0, 1, 2),
                bin(BinOp::Eq, 4, 3, Slot(0)),
            ],
        );
        assert_eq!(string_checks(&b), None);
    }
}
