//! The REPL: each line is compiled and run on the same machine; the stack is shown after
//! each line; errors are shown and the session goes on.
//!
//! Lines that compile are kept: each new line is compiled after all of them, so labels
//! defined on earlier lines can be called from later ones (`sq: dup * return` and then
//! `7 sq call`). Execution starts at the new line's first token. Positions in messages
//! are `<repl>:LINE:COL`, LINE counting every line typed.

use std::io::IsTerminal;

use vm_core::{compile, Limits, Machine, Program, Quiet, OPS};

use crate::editor::Lines;
use crate::host::{clear_interrupt, drive_reading, format_stack, report, End, Read, Sink};

const HELP: &str = "\
Type code and press Enter: the line runs and the stack is shown.
Labels defined on earlier lines stay callable, e.g. `sq: dup * return` then `7 sq call`.
Commands: :help, :ops (list operations), :clear (empty the stack), :reset (forget everything), :quit";

/// Runs the REPL on stdin; returns the process exit code.
pub fn run(limits: Limits) -> u8 {
    let mut lines = Lines::open(std::io::stdin().is_terminal());
    if lines.interactive() {
        errln!(
            "simple-vm {} REPL. :help for help, :quit or Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION")
        );
    }
    let mut sink = Sink::stdout();
    let mut session = String::new();
    let mut machine = Machine::new(Program::default(), Vec::new()).with_limits(limits);
    let mut accepted = Program::default();
    loop {
        let line = match read_entry(&mut lines) {
            Entry::Text(line) => line,
            Entry::Cancelled => continue,
            Entry::End => break,
        };
        if let Some(command) = line.trim().strip_prefix(':') {
            match command {
                "quit" | "q" => break,
                "ops" => {
                    for op in OPS {
                        outln!("{:<9} {:<20} {}", op.name, op.effect, op.doc);
                    }
                }
                "clear" => {
                    machine = Machine::new(Program::default(), Vec::new()).with_limits(limits)
                }
                "reset" => {
                    session.clear();
                    accepted = Program::default();
                    machine = Machine::new(Program::default(), Vec::new()).with_limits(limits);
                }
                _ => outln!("{HELP}"),
            }
            // Keep the line count, so that positions are input line numbers.
            session.push('\n');
            outln!("{}", format_stack(&machine, 32));
            continue;
        }
        let candidate = format!("{session}{line}\n");
        let program = match compile(&candidate) {
            Ok(p) => p,
            Err(diags) => {
                for d in &diags {
                    err!("{}", d.render(&candidate, "<repl>"));
                }
                // Keep the line count, so that positions are input line numbers.
                session.push('\n');
                continue;
            }
        };
        let start = accepted.code().len();
        session = candidate;
        accepted = program.clone();
        lines.set_labels(
            accepted
                .labels()
                .iter()
                .map(|l| l.name.to_string())
                .collect(),
        );
        machine.load(program, start);
        clear_interrupt();
        let mut input = || lines.read("", false);
        match drive_reading(&mut machine, &mut sink, u64::MAX, &mut Quiet, &mut input) {
            End::Halted(_) | End::Paused => {}
            End::Failed(e) => {
                report(&e, &mut sink, &session, "<repl>");
            }
            End::Interrupted => err!("{}", machine.interrupted().render(&session, "<repl>")),
        }
        sink.flush();
        outln!("{}", format_stack(&machine, 32));
    }
    sink.flush();
    if lines.interactive() {
        errln!();
    }
    0
}

/// One entry of the REPL: a line, or several when a string is still open at the end
/// of a line (they are read with the continuation prompt `... `).
enum Entry {
    /// The text, its lines joined with `\n`.
    Text(String),
    /// Ctrl+C: the line is dropped.
    Cancelled,
    /// The end of the input.
    End,
}

fn read_entry(lines: &mut Lines) -> Entry {
    let mut text = match lines.read("> ", true) {
        Read::Line(line) => line,
        Read::Interrupted => return Entry::Cancelled,
        Read::End => return Entry::End,
    };
    while string_open(&text) {
        match lines.read("... ", true) {
            Read::Line(more) => {
                text.push('\n');
                text.push_str(&more);
            }
            Read::Interrupted => return Entry::Cancelled,
            Read::End => break,
        }
    }
    Entry::Text(text)
}

/// Does `text` end inside a string (an opening `"` without its closing one)?
/// Comments (`#` to the end of the line) are skipped, escapes inside strings too.
pub fn string_open(text: &str) -> bool {
    let mut chars = text.chars();
    let mut inside = false;
    while let Some(c) = chars.next() {
        match (inside, c) {
            (false, '#') => {
                chars.by_ref().find(|&c| c == '\n');
            }
            (_, '"') => inside = !inside,
            (true, '\\') => {
                chars.next();
            }
            _ => {}
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_strings() {
        assert!(string_open("1 \"abc"));
        assert!(string_open("\"a\\\" b"), "an escaped quote does not close");
        assert!(!string_open("\"a\" \"b\""));
        assert!(!string_open("1 # \"comment"));
        assert!(string_open("\"a # b"), "no comment inside a string");
        assert!(!string_open("\"a\nb\""));
    }
}
