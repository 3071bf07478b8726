//! A compiled program: a compact instruction stream with its side tables.
//!
//! The machine runs [`Instr`]s by index (`pc`). The language's addresses are token
//! indices (label definitions included), so the program keeps two small tables to go
//! between the two: `pcs[address]` is the instruction to continue at, `addrs[pc]` the
//! token address of an instruction. Spans live in a side table beside the code and are
//! consulted only to build an error or show a position, never in the hot loop.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::Span;
use crate::ops::Op;
use crate::opt::{Block, Code};

/// One compiled instruction: one per executable token of the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// A return-stack entry: where a `call` returns to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// Instruction to continue at on `return`.
    pub(crate) ret: u32,
    /// Instruction index of the `call`.
    pub(crate) call: u32,
    /// The address that was called.
    pub(crate) target: u32,
}

impl Frame {
    /// The frame of the `call` at instruction `call` to address `target`: it returns
    /// to the instruction after the call.
    pub(crate) fn of_call(call: u32, target: u32) -> Frame {
        Frame {
            ret: call + 1,
            call,
            target,
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    pub(crate) code: Vec<Instr>,
    pub(crate) fast: Vec<Code>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) spans: Vec<Span>,
    pub(crate) addrs: Vec<u32>,
    pub(crate) pcs: Vec<u32>,
    pub(crate) strings: Vec<Rc<str>>,
    pub(crate) labels: Vec<Label>,
}

/// The empty program: running it ends at once.
impl Default for Program {
    fn default() -> Self {
        Program {
            code: Vec::new(),
            fast: Vec::new(),
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

    /// The instructions the machine dispatches on: [`Program::code`] in the flat form
    /// of [`Code`], with a [`Code::Block`] at the first instruction of each block the
    /// optimizer compiled (none when unoptimized). Indexes are the same as in `code`.
    pub fn fast_code(&self) -> &[Code] {
        &self.fast
    }

    /// The same program without the optimizer's blocks: runs every instruction on its
    /// own. Behaviour is identical (output, errors, positions, traces, step counts);
    /// only speed differs.
    pub fn unoptimized(&self) -> Program {
        Program {
            fast: self.code.iter().map(|&i| Code::from(i)).collect(),
            blocks: Vec::new(),
            ..self.clone()
        }
    }

    /// Is this program optimized (does it have blocks)?
    pub fn is_optimized(&self) -> bool {
        !self.blocks.is_empty()
    }

    /// The number of plain instructions the block at `pc` stands for, if one starts there.
    pub fn block_len(&self, pc: usize) -> Option<usize> {
        match self.fast.get(pc) {
            Some(&Code::Block(i)) => Some(self.blocks[i as usize].steps as usize),
            _ => None,
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
    pub fn string(&self, index: u32) -> &Rc<str> {
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
