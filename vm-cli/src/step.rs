//! `svm --step`: shows each instruction with its source line, the stack and the return
//! stack, and waits for a command. The view goes to stderr so that stdout stays the
//! program's own output.

use vm_core::disasm::instr_text;
use vm_core::error::{caret_line, source_line};
use vm_core::Machine;

use crate::host::{drive, exit_code, format_stack, read_line, report, End, Sink};

const HELP: &str = "commands: Enter or s = step, c = continue to the end, q = quit, h = help";

/// Steps through `machine` interactively; returns the process exit code.
pub fn run(mut machine: Machine, source: &str, name: &str) -> u8 {
    let mut sink = Sink::stdout();
    let mut stepping = true;
    eprintln!("{HELP}");
    loop {
        if stepping {
            sink.flush();
            show(&machine, source, name);
            match command() {
                Command::Step => {}
                Command::Continue => stepping = false,
                Command::Quit => {
                    sink.flush();
                    return 0;
                }
                Command::Help => {
                    eprintln!("{HELP}");
                    continue;
                }
            }
        }
        match drive(&mut machine, &mut sink, if stepping { 1 } else { u64::MAX }) {
            End::Paused => {}
            End::Halted(code) => {
                sink.flush();
                eprintln!(
                    "program ended with exit code {code} after {} steps",
                    machine.steps()
                );
                return exit_code(code);
            }
            End::Failed(e) => return report(&e, &mut sink, source, name),
        }
    }
}

enum Command {
    Step,
    Continue,
    Quit,
    Help,
}

fn command() -> Command {
    eprint!("step> ");
    match read_line() {
        None => {
            eprintln!();
            Command::Continue
        }
        Some(line) => match line.trim() {
            "" | "s" | "step" => Command::Step,
            "c" | "continue" => Command::Continue,
            "q" | "quit" => Command::Quit,
            _ => Command::Help,
        },
    }
}

fn show(m: &Machine, source: &str, name: &str) {
    let p = m.program();
    let Some(&instr) = p.code().get(m.pc()) else {
        return;
    };
    let span = m.next_span().unwrap_or_default();
    eprintln!(
        "-- step {} · address {} · {name}:{}:{} · {}",
        m.steps(),
        p.address(m.pc()),
        span.line,
        span.col,
        instr_text(p, instr)
    );
    if let Some(text) = source_line(source, span.line) {
        let gutter = span.line.to_string().len();
        eprintln!("{} | {text}", span.line);
        eprintln!("{} | {}", " ".repeat(gutter), caret_line(text, span));
    }
    eprintln!("   stack: {}", format_stack(m.stack(), 16));
    let frames = m.frames();
    if frames.is_empty() {
        eprintln!("   calls: (none)");
    } else {
        let list: Vec<String> = frames
            .iter()
            .map(|f| {
                format!(
                    "{} (called at {}:{})",
                    f.name(),
                    f.call_span.line,
                    f.call_span.col
                )
            })
            .collect();
        eprintln!("   calls: {}", list.join(" <- "));
    }
}
