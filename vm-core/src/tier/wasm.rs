//! The WebAssembly the tier writes: the few instructions it uses, each defined once
//! with both its binary encoding and its text form, and a function body builder that
//! keeps the stack of structured labels, so that branches name a label and their depth
//! is computed (never written by hand).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// A value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    I32,
    I64,
}

impl Ty {
    pub(crate) fn byte(self) -> u8 {
        match self {
            Ty::I32 => 0x7f,
            Ty::I64 => 0x7e,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Ty::I32 => "i32",
            Ty::I64 => "i64",
        }
    }
}

/// A structured label's name, for branches.
pub(crate) type Label = u32;

/// A global of the module: its index, its name in the text, its type. The module's
/// globals are listed once, in `layout.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Global {
    /// Its index in the module.
    pub(crate) index: u32,
    /// Its name in the text.
    pub(crate) name: &'static str,
    /// Its type (every global is mutable, and starts at 0).
    pub(crate) ty: Ty,
}

impl Global {
    /// `global.get` of it.
    pub(crate) fn get(self) -> Ins {
        Ins::GlobalGet(self)
    }

    /// `global.set` of it.
    pub(crate) fn set(self) -> Ins {
        Ins::GlobalSet(self)
    }
}

/// One instruction. Branches name a [`Label`]; [`Body`] turns it into a depth.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub(crate) enum Ins {
    /// `block` with no result, opening this label.
    Block(Label),
    /// `loop` with no result, opening this label.
    Loop(Label),
    /// `if` with no result (its label is only for `end`).
    If(Label),
    Else,
    End,
    Br(Label),
    BrIf(Label),
    /// `br_table`: the labels by index, then the default.
    BrTable(Vec<Label>, Label),
    Return,
    Call(u32),
    LocalGet(u32),
    LocalSet(u32),
    LocalTee(u32),
    GlobalGet(Global),
    GlobalSet(Global),
    /// Memory access with a constant offset.
    I32Load8U(u32),
    I32Load(u32),
    I64Load(u32),
    I32Store8(u32),
    I32Store(u32),
    I64Store(u32),
    I32Const(i32),
    I64Const(i64),
    I32Eqz,
    I32Ne,
    I32LtU,
    I32GtU,
    I32Add,
    I32Sub,
    I32Mul,
    I32And,
    I32ShrS,
    I32ShrU,
    I32Shl,
    I64Eqz,
    I64Eq,
    I64Ne,
    I64LtS,
    I64LtU,
    I64GtS,
    I64LeS,
    I64GeS,
    I64Add,
    I64Sub,
    I64Mul,
    I64DivS,
    I64RemS,
    I64And,
    I64Or,
    I64Xor,
    I32WrapI64,
    I64ExtendI32U,
    Select,
}

/// Writes `n` as unsigned LEB128.
pub(crate) fn uleb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Writes `n` as signed LEB128.
pub(crate) fn sleb(out: &mut Vec<u8>, mut n: i64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        let done = (n == 0 && byte & 0x40 == 0) || (n == -1 && byte & 0x40 != 0);
        if done {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

impl Ins {
    /// The opcode and text name of an instruction without operands, or `None`.
    fn plain(&self) -> Option<(u8, &'static str)> {
        use Ins::*;
        Some(match self {
            Else => (0x05, "else"),
            End => (0x0b, "end"),
            Return => (0x0f, "return"),
            Select => (0x1b, "select"),
            I32Eqz => (0x45, "i32.eqz"),
            I32Ne => (0x47, "i32.ne"),
            I32LtU => (0x49, "i32.lt_u"),
            I32GtU => (0x4b, "i32.gt_u"),
            I64Eqz => (0x50, "i64.eqz"),
            I64Eq => (0x51, "i64.eq"),
            I64Ne => (0x52, "i64.ne"),
            I64LtS => (0x53, "i64.lt_s"),
            I64LtU => (0x54, "i64.lt_u"),
            I64GtS => (0x55, "i64.gt_s"),
            I64LeS => (0x57, "i64.le_s"),
            I64GeS => (0x59, "i64.ge_s"),
            I32Add => (0x6a, "i32.add"),
            I32Sub => (0x6b, "i32.sub"),
            I32Mul => (0x6c, "i32.mul"),
            I32And => (0x71, "i32.and"),
            I32Shl => (0x74, "i32.shl"),
            I32ShrS => (0x75, "i32.shr_s"),
            I32ShrU => (0x76, "i32.shr_u"),
            I64Add => (0x7c, "i64.add"),
            I64Sub => (0x7d, "i64.sub"),
            I64Mul => (0x7e, "i64.mul"),
            I64DivS => (0x7f, "i64.div_s"),
            I64RemS => (0x81, "i64.rem_s"),
            I64And => (0x83, "i64.and"),
            I64Or => (0x84, "i64.or"),
            I64Xor => (0x85, "i64.xor"),
            I32WrapI64 => (0xa7, "i32.wrap_i64"),
            I64ExtendI32U => (0xad, "i64.extend_i32_u"),
            _ => return None,
        })
    }

    /// A memory access: opcode, text name, alignment (log2) and offset.
    fn memory(&self) -> Option<(u8, &'static str, u32, u32)> {
        use Ins::*;
        Some(match *self {
            I32Load(o) => (0x28, "i32.load", 2, o),
            I64Load(o) => (0x29, "i64.load", 3, o),
            I32Load8U(o) => (0x2d, "i32.load8_u", 0, o),
            I32Store(o) => (0x36, "i32.store", 2, o),
            I64Store(o) => (0x37, "i64.store", 3, o),
            I32Store8(o) => (0x3a, "i32.store8", 0, o),
            _ => return None,
        })
    }
}

/// A function body being written: its instructions, with branch depths resolved as
/// they are added, and, when asked for, its text form beside them.
pub(crate) struct Body<'a> {
    code: Vec<u8>,
    /// The text, when it is made.
    text: Option<String>,
    /// The open structured labels, innermost last.
    open: Vec<Label>,
    /// Where each label is in `open` (by label).
    at: Vec<u32>,
    /// The labels made so far.
    labels: Label,
    /// Names of locals and labels for the text form.
    local_names: Vec<String>,
    /// Label names for the text form, by label.
    label_names: Vec<String>,
    /// The module's function names, for `call`.
    func_names: &'a [String],
}

impl<'a> Body<'a> {
    /// A body; with `text`, its text is made too, its locals (parameters first) and
    /// the module's functions called by these names.
    pub(crate) fn new(text: Option<(Vec<String>, &'a [String])>) -> Body<'a> {
        let with_text = text.is_some();
        let (local_names, func_names) = text.unwrap_or_default();
        Body {
            code: Vec::new(),
            text: with_text.then(String::new),
            open: Vec::new(),
            at: Vec::new(),
            labels: 0,
            local_names,
            label_names: Vec::new(),
            func_names,
        }
    }

    /// A fresh label, called `name` in the text form (made unique with a number).
    pub(crate) fn label(&mut self, name: &str) -> Label {
        let l = self.labels;
        self.labels += 1;
        if self.text.is_some() {
            self.label_names.push(format!("{name}{l}"));
        }
        l
    }

    fn label_name(&self, l: Label) -> &str {
        self.label_names.get(l as usize).map_or("?", |s| s.as_str())
    }

    /// How many structured labels out label `l` is, from where the code is: the
    /// branch's operand. (Where `l` sits in `open` is kept in `at`, so that a
    /// `br_table` over thousands of labels costs one lookup each.)
    fn depth(&self, l: Label) -> u32 {
        let i = self
            .at
            .get(l as usize)
            .copied()
            .filter(|&i| self.open.get(i as usize) == Some(&l))
            .unwrap_or_else(|| unreachable!("branch to a label that is not open"));
        (self.open.len() - 1 - i as usize) as u32
    }

    /// Opens label `l`.
    fn open_label(&mut self, l: Label) {
        if self.at.len() <= l as usize {
            self.at.resize(l as usize + 1, u32::MAX);
        }
        self.at[l as usize] = self.open.len() as u32;
        self.open.push(l);
    }

    /// A line of the text, indented by the depth of the open labels up to 24 levels (a
    /// deeper indentation would make the text grow with the square of a program's blocks:
    /// `at` and the dispatches nest a block for each).
    fn line(&mut self, s: Option<String>) {
        let depth = (self.open.len() + 2).min(24);
        if let (Some(text), Some(s)) = (&mut self.text, s) {
            for _ in 0..depth {
                text.push_str("  ");
            }
            text.push_str(&s);
            text.push('\n');
        }
    }

    /// Adds an instruction.
    pub(crate) fn push(&mut self, ins: Ins) {
        let text = self.text.is_some().then(|| self.text_of(&ins));
        if let Ins::Else | Ins::End = ins {
            // (`end` and `else` are written at the level of what they close.)
            let l = self.open.pop();
            self.line(text);
            if let (Ins::Else, Some(l)) = (&ins, l) {
                self.open_label(l);
            }
        } else {
            self.line(text);
        }
        self.encode(ins);
    }

    /// An instruction's text.
    fn text_of(&self, ins: &Ins) -> String {
        use Ins::*;
        if let Some((_, name)) = ins.plain() {
            return String::from(name);
        }
        if let Some((_, name, _, offset)) = ins.memory() {
            return if offset == 0 {
                String::from(name)
            } else {
                format!("{name} offset={offset}")
            };
        }
        match *ins {
            Block(l) => format!("block ${}", self.label_name(l)),
            Loop(l) => format!("loop ${}", self.label_name(l)),
            If(l) => format!("if ${}", self.label_name(l)),
            Br(l) => format!("br ${}", self.label_name(l)),
            BrIf(l) => format!("br_if ${}", self.label_name(l)),
            BrTable(ref ls, default) => {
                let mut t = String::from("br_table");
                for &l in ls.iter().chain([&default]) {
                    t.push_str(" $");
                    t.push_str(self.label_name(l));
                }
                t
            }
            Call(f) => {
                let name = self.func_names.get(f as usize).map_or("", |s| s.as_str());
                format!("call ${name}")
            }
            LocalGet(i) | LocalSet(i) | LocalTee(i) => {
                let name = match ins {
                    LocalGet(_) => "local.get",
                    LocalSet(_) => "local.set",
                    _ => "local.tee",
                };
                let local = self.local_names.get(i as usize).map_or("", |s| s.as_str());
                format!("{name} ${local}")
            }
            GlobalGet(g) => format!("global.get ${}", g.name),
            GlobalSet(g) => format!("global.set ${}", g.name),
            I32Const(n) => format!("i32.const {n}"),
            I64Const(n) => format!("i64.const {n}"),
            _ => unreachable!("every instruction has its text above"),
        }
    }

    /// Encodes an instruction (opening the label of a `block`, `loop` or `if`).
    fn encode(&mut self, ins: Ins) {
        use Ins::*;
        if let Some((op, _)) = ins.plain() {
            self.code.push(op);
            return;
        }
        if let Some((op, _, align, offset)) = ins.memory() {
            self.code.push(op);
            uleb(&mut self.code, u64::from(align));
            uleb(&mut self.code, u64::from(offset));
            return;
        }
        match ins {
            Block(l) | Loop(l) | If(l) => {
                let op = match ins {
                    Block(_) => 0x02,
                    Loop(_) => 0x03,
                    _ => 0x04,
                };
                self.open_label(l);
                self.code.extend([op, 0x40]);
            }
            Br(l) | BrIf(l) => {
                let d = self.depth(l);
                self.code
                    .push(if matches!(ins, Br(_)) { 0x0c } else { 0x0d });
                uleb(&mut self.code, u64::from(d));
            }
            BrTable(ref ls, default) => {
                self.code.push(0x0e);
                uleb(&mut self.code, ls.len() as u64);
                for &l in ls.iter().chain([&default]) {
                    let d = self.depth(l);
                    uleb(&mut self.code, u64::from(d));
                }
            }
            Call(i) | LocalGet(i) | LocalSet(i) | LocalTee(i) => {
                let op = match ins {
                    Call(_) => 0x10,
                    LocalGet(_) => 0x20,
                    LocalSet(_) => 0x21,
                    _ => 0x22,
                };
                self.code.push(op);
                uleb(&mut self.code, u64::from(i));
            }
            GlobalGet(g) | GlobalSet(g) => {
                self.code.push(if matches!(ins, GlobalGet(_)) {
                    0x23
                } else {
                    0x24
                });
                uleb(&mut self.code, u64::from(g.index));
            }
            I32Const(n) => {
                self.code.push(0x41);
                sleb(&mut self.code, i64::from(n));
            }
            I64Const(n) => {
                self.code.push(0x42);
                sleb(&mut self.code, n);
            }
            _ => unreachable!("every instruction is encoded above"),
        }
    }

    /// Adds these instructions.
    pub(crate) fn extend(&mut self, ins: impl IntoIterator<Item = Ins>) {
        for i in ins {
            self.push(i);
        }
    }

    /// The instructions encoded (without the final `end`: see `module.rs`, which
    /// writes the function around them), and their text.
    pub(crate) fn finish(self) -> (Vec<u8>, String) {
        (self.code, self.text.unwrap_or_default())
    }
}
