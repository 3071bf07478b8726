//! A program back to text: addresses, label names, instructions and source positions.

use alloc::string::String;
use core::fmt::Write;

use crate::program::{Instr, Program};
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
        match program.block(pc).map(|b| b.steps) {
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
