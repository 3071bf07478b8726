//! A compiled program: a compact instruction stream with its side tables.
//!
//! The machine runs [`Instr`]s by index (`pc`). The language's addresses are token
//! indices (label definitions included), so the program keeps two small tables to go
//! between the two: `pcs[address]` is the instruction to continue at, `addrs[pc]` the
//! token address of an instruction. Spans live in a side table beside the code and are
//! consulted only to build an error or show a position, never in the hot loop.
//!
//! The program also holds what the machine dispatches on: its instructions in the flat
//! form `Code` (made from the operation table, `ops`), with a `Code::Block` where one
//! of its blocks starts. The blocks
//! (their format is `block.rs`) are made by the optimizer (`opt/`) once the assembler
//! has made the program; [`Program::unoptimized`] is the same program without them.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

use crate::block::{Block, NO_BLOCK};
use crate::error::Span;
pub(crate) use crate::ops::Code;
use crate::ops::Op;

/// One compiled instruction: one per executable token of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Instr {
    /// Push a number.
    Num(i64),
    /// Push a boolean.
    Bool(bool),
    /// Push the string constant with this index.
    Str(u32),
    /// A label reference: push its address as a number.
    Addr(u32),
    /// Run an operation.
    Op(Op),
}

impl From<Instr> for Code {
    fn from(i: Instr) -> Code {
        match i {
            Instr::Num(n) => Code::Num(n),
            Instr::Bool(b) => Code::Bool(b),
            Instr::Str(s) => Code::Str(s),
            Instr::Addr(a) => Code::Addr(a),
            Instr::Op(op) => Code::of(op),
        }
    }
}

/// A label definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Its name.
    pub name: String,
    /// Its address: the index of the token after the definition.
    pub addr: u32,
    /// The position of the definition (`name:`).
    pub span: Span,
}

/// A compiled program, ready to run. Made by [`crate::compile`].
///
/// Two kinds of index point into a program. An instruction index, `pc`, counts the
/// instructions of [`Program::code`] (what [`crate::Machine::pc`], [`Program::span`] and
/// the observers use). A token address counts every token of the source, label
/// definitions included: it is what a program computes with (a label pushes its
/// address; `jmp` and `call` take one) and what errors and traces show.
/// [`Program::address`] and [`Program::pc_of`] convert between them.
///
/// ```
/// let p = vm_core::compile("end jmp\nend: 7 println").unwrap();
/// assert_eq!(p.code().len(), 4); // `end`, `jmp`, `7`, `println`
/// let end = p.label("end").unwrap().addr; // a token address: `7` is token 3
/// let pc = p.pc_of(end.into()).unwrap(); // an instruction index: `7` is instruction 2
/// assert_eq!((end, pc), (3, 2));
/// assert_eq!(p.address(pc), end);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub(crate) code: Vec<Instr>,
    /// The instructions as the machine dispatches on them: `code` with a
    /// [`Code::Block`] where each block starts.
    pub(crate) dispatch: Vec<Code>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) spans: Vec<Span>,
    pub(crate) addrs: Vec<u32>,
    pub(crate) pcs: Vec<u32>,
    pub(crate) strings: Vec<Arc<str>>,
    pub(crate) labels: Vec<Label>,
}

/// The empty program: running it ends at once.
impl Default for Program {
    fn default() -> Self {
        Program {
            code: Vec::new(),
            dispatch: Vec::new(),
            blocks: Vec::new(),
            spans: Vec::new(),
            addrs: Vec::new(),
            pcs: alloc::vec![0],
            strings: Vec::new(),
            labels: Vec::new(),
        }
    }
}

impl Program {
    /// The instructions (label definitions are not instructions).
    pub fn code(&self) -> &[Instr] {
        &self.code
    }

    /// The same program without the optimizer's blocks: runs every instruction on its
    /// own. Behaviour is identical (output, errors, positions, traces, step counts);
    /// only speed differs.
    pub fn unoptimized(&self) -> Program {
        Program {
            dispatch: self.code.iter().map(|&i| Code::from(i)).collect(),
            blocks: Vec::new(),
            ..self.clone()
        }
    }

    /// How many instructions the optimizer runs as one block starting at instruction
    /// `pc`, if a block starts there (what [`disassemble`](crate::disassemble) notes as
    /// "block: N instructions run as one").
    pub fn block_steps(&self, pc: usize) -> Option<u32> {
        self.block(pc).map(|b| u32::from(b.steps))
    }

    /// The block that starts at instruction `pc`, if one does.
    pub(crate) fn block(&self, pc: usize) -> Option<&Block> {
        self.blocks.get(self.block_at(pc) as usize)
    }

    /// The index of the block that starts at `pc`, or [`NO_BLOCK`].
    #[inline(always)]
    pub(crate) fn block_at(&self, pc: usize) -> u32 {
        match self.dispatch.get(pc) {
            Some(&Code::Block(i)) => i,
            _ => NO_BLOCK,
        }
    }

    /// The number of tokens, label definitions included: the address that ends the program.
    pub fn token_count(&self) -> u32 {
        (self.pcs.len() - 1) as u32
    }

    /// The source position of instruction `pc`.
    pub fn span(&self, pc: usize) -> Option<Span> {
        self.spans.get(pc).copied()
    }

    /// The token address of instruction `pc` (`pc == code().len()` is the end).
    pub fn address(&self, pc: usize) -> u32 {
        self.addrs
            .get(pc)
            .copied()
            .unwrap_or_else(|| self.token_count())
    }

    /// The instruction at which execution continues after a jump to `addr`, if `addr`
    /// is inside the program (`0..=token_count()`).
    pub fn pc_of(&self, addr: i64) -> Option<usize> {
        let i = usize::try_from(addr).ok()?;
        self.pcs.get(i).map(|&pc| pc as usize)
    }

    /// The string constant `index`.
    pub(crate) fn string(&self, index: u32) -> &Arc<str> {
        &self.strings[index as usize]
    }

    /// The label definitions, by address.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The first label pointing at `addr`, if any.
    pub fn label_at(&self, addr: u32) -> Option<&str> {
        let i = self.labels.partition_point(|l| l.addr < addr);
        self.labels
            .get(i)
            .filter(|l| l.addr == addr)
            .map(|l| l.name.as_str())
    }

    /// The label called `name`, if defined.
    pub fn label(&self, name: &str) -> Option<&Label> {
        self.labels.iter().find(|l| l.name == name)
    }
}
