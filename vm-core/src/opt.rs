//! The peephole optimizer: superinstructions for frequent sequences.
//!
//! The optimized stream has the same length and indexing as the plain code: at the start
//! of each recognised sequence it holds a superinstruction that runs the whole sequence
//! in one dispatch, and every other position keeps its plain instruction, so a jump into
//! the middle of a sequence still lands on the right instruction. A superinstruction
//! only runs when it can complete with exactly the plain sequence's effect (enough step
//! budget, stack room, operands of the right types, no overflow); otherwise the machine
//! runs the plain instruction at that position instead, which then behaves (and fails)
//! exactly as without the optimizer. Positions therefore overlap: in `dup 1 ==`, position
//! 0 holds `dup 1 ==` and position 1 holds `1 ==`.

use alloc::vec::Vec;

use crate::ops::Op;
use crate::program::Instr;

/// The flat form of an instruction that the machine dispatches on: the literals, one
/// variant per operation (so that dispatch is a single jump), and the superinstructions,
/// each standing for the plain sequence written in its doc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the op table
pub enum Code {
    Num(i64),
    Bool(bool),
    Str(u32),
    Addr(u32),
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Not,
    If,
    Dup,
    Drop,
    Swap,
    Over,
    Rot,
    CastStr,
    CastInt,
    Println,
    Print,
    Concat,
    Read,
    SleepMs,
    Jmp,
    Call,
    Return,
    Stop,
    Exit,
    /// `N +`
    AddImm(i64),
    /// `N -`
    SubImm(i64),
    /// `N *`
    MulImm(i64),
    /// `N ==`
    EqImm(i64),
    /// `N !=`
    NeImm(i64),
    /// `N <`
    LtImm(i64),
    /// `N <=`
    LeImm(i64),
    /// `N >`
    GtImm(i64),
    /// `N >=`
    GeImm(i64),
    /// `dup N ==`
    DupEqImm(i64),
    /// `dup N !=`
    DupNeImm(i64),
    /// `dup N <`
    DupLtImm(i64),
    /// `dup N <=`
    DupLeImm(i64),
    /// `dup N >`
    DupGtImm(i64),
    /// `dup N >=`
    DupGeImm(i64),
    /// `dup N +`
    DupAddImm(i64),
    /// `dup N -`
    DupSubImm(i64),
    /// `or not`
    OrNot,
    /// `and not`
    AndNot,
    /// `label call`
    CallAddr(u32),
    /// `label jmp`
    JmpAddr(u32),
    /// `then else if call`
    CallIf(u32, u32),
    /// `then else if jmp`
    JmpIf(u32, u32),
}

impl Code {
    /// Is this a superinstruction (standing for several plain instructions)?
    pub fn is_super(self) -> bool {
        matches!(
            self,
            Code::AddImm(_)
                | Code::SubImm(_)
                | Code::MulImm(_)
                | Code::EqImm(_)
                | Code::NeImm(_)
                | Code::LtImm(_)
                | Code::LeImm(_)
                | Code::GtImm(_)
                | Code::GeImm(_)
                | Code::DupEqImm(_)
                | Code::DupNeImm(_)
                | Code::DupLtImm(_)
                | Code::DupLeImm(_)
                | Code::DupGtImm(_)
                | Code::DupGeImm(_)
                | Code::DupAddImm(_)
                | Code::DupSubImm(_)
                | Code::OrNot
                | Code::AndNot
                | Code::CallAddr(_)
                | Code::JmpAddr(_)
                | Code::CallIf(..)
                | Code::JmpIf(..)
        )
    }
}

impl From<Instr> for Code {
    fn from(i: Instr) -> Code {
        match i {
            Instr::Num(n) => Code::Num(n),
            Instr::Bool(b) => Code::Bool(b),
            Instr::Str(s) => Code::Str(s),
            Instr::Addr(a) => Code::Addr(a),
            Instr::Op(op) => match op {
                Op::Add => Code::Add,
                Op::Sub => Code::Sub,
                Op::Mul => Code::Mul,
                Op::Div => Code::Div,
                Op::Rem => Code::Rem,
                Op::Eq => Code::Eq,
                Op::Ne => Code::Ne,
                Op::Lt => Code::Lt,
                Op::Le => Code::Le,
                Op::Gt => Code::Gt,
                Op::Ge => Code::Ge,
                Op::And => Code::And,
                Op::Or => Code::Or,
                Op::Not => Code::Not,
                Op::If => Code::If,
                Op::Dup => Code::Dup,
                Op::Drop => Code::Drop,
                Op::Swap => Code::Swap,
                Op::Over => Code::Over,
                Op::Rot => Code::Rot,
                Op::CastStr => Code::CastStr,
                Op::CastInt => Code::CastInt,
                Op::Println => Code::Println,
                Op::Print => Code::Print,
                Op::Concat => Code::Concat,
                Op::Read => Code::Read,
                Op::SleepMs => Code::SleepMs,
                Op::Jmp => Code::Jmp,
                Op::Call => Code::Call,
                Op::Return => Code::Return,
                Op::Stop => Code::Stop,
                Op::Exit => Code::Exit,
            },
        }
    }
}

/// The optimized stream for `code`.
pub fn optimize(code: &[Instr]) -> Vec<Code> {
    (0..code.len())
        .map(|i| fuse(&code[i..]).unwrap_or(Code::from(code[i])))
        .collect()
}

/// The superinstruction for the sequence at the start of `s`, if there is one.
fn fuse(s: &[Instr]) -> Option<Code> {
    use Instr::{Addr, Num};
    Some(match *s {
        [Addr(t), Addr(f), Instr::Op(Op::If), Instr::Op(Op::Call), ..] => Code::CallIf(t, f),
        [Addr(t), Addr(f), Instr::Op(Op::If), Instr::Op(Op::Jmp), ..] => Code::JmpIf(t, f),
        [Addr(a), Instr::Op(Op::Call), ..] => Code::CallAddr(a),
        [Addr(a), Instr::Op(Op::Jmp), ..] => Code::JmpAddr(a),
        [Instr::Op(Op::Or), Instr::Op(Op::Not), ..] => Code::OrNot,
        [Instr::Op(Op::And), Instr::Op(Op::Not), ..] => Code::AndNot,
        [Instr::Op(Op::Dup), Num(n), Instr::Op(op), ..] => match op {
            Op::Add => Code::DupAddImm(n),
            Op::Sub => Code::DupSubImm(n),
            Op::Eq => Code::DupEqImm(n),
            Op::Ne => Code::DupNeImm(n),
            Op::Lt => Code::DupLtImm(n),
            Op::Le => Code::DupLeImm(n),
            Op::Gt => Code::DupGtImm(n),
            Op::Ge => Code::DupGeImm(n),
            _ => return None,
        },
        [Num(n), Instr::Op(op), ..] => match op {
            Op::Add => Code::AddImm(n),
            Op::Sub => Code::SubImm(n),
            Op::Mul => Code::MulImm(n),
            Op::Eq => Code::EqImm(n),
            Op::Ne => Code::NeImm(n),
            Op::Lt => Code::LtImm(n),
            Op::Le => Code::LeImm(n),
            Op::Gt => Code::GtImm(n),
            Op::Ge => Code::GeImm(n),
            _ => return None,
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;
    use alloc::vec;

    #[test]
    fn fuses_overlapping_sequences() {
        let q = compile("dup 1 - or not and not dup 2 +").unwrap();
        assert_eq!(
            q.fast_code(),
            &[
                Code::DupSubImm(1),
                Code::SubImm(1),
                Code::Sub,
                Code::OrNot,
                Code::Not,
                Code::AndNot,
                Code::Not,
                Code::DupAddImm(2),
                Code::AddImm(2),
                Code::Add,
            ]
        );
        let p = compile("f: dup 1 == f g if call 3 - f jmp g:").unwrap();
        assert_eq!(
            p.fast_code(),
            &[
                Code::DupEqImm(1),
                Code::EqImm(1),
                Code::Eq,
                Code::CallIf(1, 13),
                Code::Addr(13),
                Code::If,
                Code::Call,
                Code::SubImm(3),
                Code::Sub,
                Code::JmpAddr(1),
                Code::Jmp,
            ]
        );
        assert_eq!(p.code().len(), p.fast_code().len());
        assert!(p.is_optimized());
        let plain = p.unoptimized();
        assert!(!plain.is_optimized());
        assert!(plain
            .fast_code()
            .iter()
            .zip(p.code())
            .all(|(&c, &i)| c == Code::from(i)));
        assert_eq!(optimize(&[]), vec![]);
    }
}
