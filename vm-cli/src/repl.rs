//! The REPL: each line is compiled and run on the same machine; the stack is shown after
//! each line; errors are shown and the session goes on.
//!
//! Lines that compile are kept: each new line is compiled after all of them, so labels
//! defined on earlier lines can be called from later ones (`sq: dup * return` and then
//! `7 sq call`). Execution starts at the new line's first token. Positions in messages
//! are `<repl>:LINE:COL`, LINE counting every line typed.

use std::io::{IsTerminal, Write};

use vm_core::{compile, Limits, Machine, Program, OPS};

use crate::host::{drive, format_stack, read_line, report, End, Sink};

const HELP: &str = "\
Type code and press Enter: the line runs and the stack is shown.
Labels defined on earlier lines stay callable, e.g. `sq: dup * return` then `7 sq call`.
Commands: :help, :ops (list operations), :clear (empty the stack), :reset (forget everything), :quit";

/// Runs the REPL on stdin; returns the process exit code.
pub fn run(limits: Limits) -> u8 {
    let interactive = std::io::stdin().is_terminal();
    if interactive {
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
        if interactive {
            err!("> ");
            let _ = std::io::stderr().flush();
        }
        let Some(line) = read_line() else { break };
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
        machine.load(program, start);
        match drive(&mut machine, &mut sink, u64::MAX) {
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
    0
}
