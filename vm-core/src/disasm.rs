//! A program back to text: addresses, label names, instructions and source positions.

use alloc::string::String;
use core::fmt::Write;

use crate::block::{Exit, Loop, Micro, Operand, Target};
use crate::program::{Instr, Program};
use crate::text::counted;
use crate::value::Value;

/// The text of one instruction, as the disassembler and debuggers show it.
pub fn instr_text(program: &Program, instr: Instr) -> String {
    let mut s = String::new();
    let _ = match instr {
        Instr::Num(n) => write!(s, "{n}"),
        Instr::Bool(b) => write!(s, "{b}"),
        Instr::Str(i) => s.write_str(&Value::Str(program.string(i).clone()).literal_short(40)),
        Instr::Addr(a) => match program.label_at(a) {
            Some(name) => write!(s, "{name} (address {a})"),
            None => write!(s, "address {a}"),
        },
        Instr::Op(op) => s.write_str(op.name()),
    };
    s
}

/// The whole program, one instruction a line: its address (token index), its source
/// position (`line:col`) and its text, with each label definition on a line of its own.
/// Where the optimizer compiled a block, a comment at its first instruction says how many
/// instructions run as one.
///
/// ```text
///  addr  line:col  instruction
///     0     1:1    fib (address 4)
///     1     1:5    call
///           fib:
///     4     3:5    dup
/// ```
pub fn disassemble(program: &Program) -> String {
    let mut out = String::new();
    let labels = program.labels();
    let _ = writeln!(
        out,
        "; {} instructions, {} tokens, {} labels, {} strings",
        program.code().len(),
        program.token_count(),
        labels.len(),
        program.strings.len()
    );
    let _ = writeln!(out, " addr  line:col  instruction");
    let mut next_label = 0;
    for (pc, &instr) in program.code().iter().enumerate() {
        let addr = program.address(pc);
        while next_label < labels.len() && labels[next_label].addr <= addr {
            let _ = writeln!(out, "                 {}:", labels[next_label].name);
            next_label += 1;
        }
        let span = program.span(pc).unwrap_or_default();
        let pos = alloc::format!("{}:{}", span.line, span.col);
        let text = instr_text(program, instr);
        match program.block_steps(pc) {
            Some(n) => {
                let _ = writeln!(
                    out,
                    "{addr:>5}  {pos:>8}  {text:<20} ; block: {n} instructions run as one"
                );
            }
            None => {
                let _ = writeln!(out, "{addr:>5}  {pos:>8}  {text}");
            }
        }
    }
    for label in &labels[next_label..] {
        let _ = writeln!(out, "                 {}:", label.name);
    }
    let _ = writeln!(out, "{:>5}            (end)", program.token_count());
    out
}

/// What the optimizer made of the program: each block, at the address of its first
/// instruction, with its operations on the slots of its window (`s0` is the deepest
/// value it reads; the values it reads are `s0` up to `sN-1`, its results `s0` up to
/// `sM-1` when it ends), the frames it pushes and where it goes on. Empty for an
/// unoptimized program.
///
/// ```text
/// block 0 at 0 (1:1): 4 steps; reads 0, leaves 2, window 2
///     s0 = 3
///     s1 = 3
///     next 4
/// ```
pub fn disassemble_blocks(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "; {}", counted(program.blocks.len() as u64, "block"));
    for pc in 0..program.code().len() {
        let Some(b) = program.block(pc) else { continue };
        let index = program.block_at(pc);
        let span = program.span(pc).unwrap_or_default();
        let _ = write!(out, "block {index} at {}", program.address(pc));
        if let Some(label) = program.label_at(program.address(pc)) {
            let _ = write!(out, " `{label}`");
        }
        let _ = write!(out, " ({}:{}): {} steps", span.line, span.col, b.steps);
        if b.budget != b.steps {
            let _ = write!(out, " (budget {})", b.budget);
        }
        let _ = write!(
            out,
            "; reads {}, leaves {}, window {}",
            b.need, b.out, b.window
        );
        if b.room > 0 {
            let _ = write!(out, ", room {}", b.room);
        }
        if b.frames_min > 0 || b.frames_room > 0 {
            let _ = write!(out, ", frames {} to +{}", b.frames_min, b.frames_room);
        }
        out.push('\n');
        for &m in b.ops.iter() {
            let _ = writeln!(out, "    {}", micro_text(program, m));
        }
        for f in b.pushes.iter() {
            let _ = writeln!(
                out,
                "    push frame: call at {} to {}",
                program.address(f.call as usize),
                address_text(program, f.target)
            );
        }
        let _ = writeln!(out, "    {}", exit_text(program, b.exit));
        for (k, side) in b.sides.iter().enumerate() {
            let _ = writeln!(
                out,
                "  side exit {k}: {} steps; leaves {}; jmp {}{}",
                side.steps,
                side.out,
                program.address(side.pc as usize),
                if side.chain {
                    " (a loop to go on with)"
                } else {
                    ""
                }
            );
            for p in side.puts.iter() {
                let _ = writeln!(out, "    {}", micro_text(program, p.micro()));
            }
        }
    }
    out
}

/// One operation of a block.
fn micro_text(program: &Program, m: Micro) -> String {
    use Micro::*;
    match m {
        Bin { op, dst, a, b } => match b {
            Operand::Slot(b) => alloc::format!("s{dst} = s{a} {op} s{b}"),
            Operand::Imm(n) => alloc::format!("s{dst} = s{a} {op} {n}"),
        },
        Not(d, a) => alloc::format!("s{d} = not s{a}"),
        Select(d, c, t, f) => alloc::format!("s{d} = if s{c} then s{t} else s{f}"),
        IsBool(a) => alloc::format!("check s{a} is a boolean"),
        Num(d, n) => alloc::format!("s{d} = {n}"),
        Bool(d, b) => alloc::format!("s{d} = {b}"),
        Str(d, i) => alloc::format!("s{d} = {}", instr_text(program, Instr::Str(i))),
        Move(d, a) => alloc::format!("s{d} = s{a}"),
        Guard(c, on, k) => alloc::format!("go on if s{c} is {on}, else side exit {k}"),
        GuardEq(a, n, on, k) => {
            alloc::format!("go on if s{a} == {n} is {on}, else side exit {k}")
        }
    }
}

/// An address, with its label if it has one.
fn address_text(program: &Program, addr: u32) -> String {
    match program.label_at(addr) {
        Some(name) => alloc::format!("{addr} `{name}`"),
        None => alloc::format!("{addr}"),
    }
}

/// Where a conditional call or jump goes.
fn target_text(program: &Program, t: Target) -> String {
    let mut s = address_text(program, t.addr);
    if t.returns_at_once {
        let _ = write!(s, " (returns at once");
        if t.pops > 0 {
            let _ = write!(s, ", then {}", counted(u64::from(t.pops), "return"));
        }
        let _ = write!(s, ", on at {}", program.address(t.after as usize));
        if t.after_returns {
            s.push_str(", a return");
        }
        s.push(')');
    }
    s
}

/// How a block ends.
fn exit_text(program: &Program, exit: Exit) -> String {
    match exit {
        Exit::Next { pc, .. } => alloc::format!("next {}", program.address(pc as usize)),
        Exit::JumpIf { c, t, f } => alloc::format!(
            "if s{c} jmp {} else {}",
            target_text(program, t),
            target_text(program, f)
        ),
        Exit::Loop(Loop { c, t, f, on }) => alloc::format!(
            "if s{c} jmp {} else {} (a loop: goes round while s{c} is {on}{})",
            target_text(program, t),
            target_text(program, f),
            match (on, t.chain, f.chain) {
                (true, _, true) | (false, true, _) => ", then a loop to go on with",
                _ => "",
            }
        ),
        Exit::Call { call, to } => alloc::format!(
            "call at {} to {}",
            program.address(call as usize),
            target_text(program, to)
        ),
        Exit::CallIf { call, c, t, f } => alloc::format!(
            "if s{c} call at {} to {} else to {}",
            program.address(call as usize),
            target_text(program, t),
            target_text(program, f)
        ),
        Exit::Return => String::from("return"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;

    #[test]
    fn shows_labels_addresses_and_positions() {
        let p = compile("f call stop\nf: \"hi\" println\n  return end:")
            .unwrap()
            .unoptimized();
        let text = disassemble(&p);
        let expected = "\
; 6 instructions, 8 tokens, 2 labels, 1 strings
 addr  line:col  instruction
    0       1:1  f (address 4)
    1       1:3  call
    2       1:8  stop
                 f:
    4       2:4  \"hi\"
    5       2:9  println
    6       3:3  return
                 end:
    8            (end)
";
        assert_eq!(text, expected);
    }

    #[test]
    fn notes_blocks() {
        let p = compile("f: dup 1 == f f if call println").unwrap();
        let text = disassemble(&p);
        assert!(
            text.contains(
                "    1       1:4  dup                  ; block: 7 instructions run as one\n"
            ),
            "{text}"
        );
        assert!(text.contains("    8      1:25  println\n"), "{text}");
    }
}
