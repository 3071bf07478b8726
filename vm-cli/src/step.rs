//! `svm --step`: shows each instruction with its source line, the stack and the return
//! stack, and waits for a command: step, step over a call, step out of one, step back,
//! continue to the next breakpoint, quit. The view goes to stderr so that stdout stays
//! the program's own output.

use vm_core::error::excerpt;
use vm_core::text::{counted, thousands};
use vm_core::{Machine, Stopper};

use crate::host::{
    drive, drive_with, exit_code, format_stack, next_instruction, read_line, report, End, Sink,
};

/// Steps that `b` can undo.
const HISTORY: usize = 10_000;

const HELP: &str =
    "commands: Enter or s = step, n = step over a call, o = step out, b = step back, \
c = continue to the next breakpoint or the end, q = quit, h = help";

enum Command {
    Step,
    Over,
    Out,
    Back,
    Continue,
    Quit,
    Help,
}

/// Steps through `machine` interactively; with `breakpoints` (source lines) it first
/// runs to the first one. Returns the process exit code.
pub fn run(mut machine: Machine, source: &str, name: &str, breakpoints: &[u32]) -> u8 {
    let mut sink = Sink::stdout();
    let mut stopper = Stopper::new(machine.program());
    let set = stopper.set_lines(machine.program(), breakpoints);
    for line in breakpoints.iter().filter(|l| !set.contains(l)) {
        errln!("note: line {line} has no instruction; no breakpoint there");
    }
    machine.record_history(HISTORY);
    errln!("{HELP}");
    let mut command = if set.is_empty() {
        None
    } else {
        Some(Command::Continue)
    };
    loop {
        let cmd = match command.take() {
            Some(c) => c,
            None => {
                sink.flush();
                show(&machine, source, name);
                prompt()
            }
        };
        let end = match cmd {
            Command::Step => drive(&mut machine, &mut sink, 1),
            Command::Over => match Stopper::step_over_depth(&machine) {
                Some(depth) => {
                    stopper.until_depth(Some(depth));
                    drive_with(&mut machine, &mut sink, u64::MAX, &mut stopper)
                }
                None => drive(&mut machine, &mut sink, 1),
            },
            Command::Out => {
                stopper.until_depth(machine.call_depth().checked_sub(1));
                drive_with(&mut machine, &mut sink, u64::MAX, &mut stopper)
            }
            Command::Continue => {
                stopper.until_depth(None);
                drive_with(&mut machine, &mut sink, u64::MAX, &mut stopper)
            }
            Command::Back => {
                match machine.step_back() {
                    Some(0) => {}
                    Some(bytes) => errln!(
                        "(stepped back over a step that printed {bytes} bytes; they stay printed)"
                    ),
                    None => {
                        errln!("nothing to step back over (the last {HISTORY} steps can be undone)")
                    }
                }
                End::Paused
            }
            Command::Help => {
                errln!("{HELP}");
                End::Paused
            }
            Command::Quit => {
                sink.flush();
                return 0;
            }
        };
        stopper.take_hit();
        match end {
            End::Paused => {}
            End::Interrupted => errln!(
                "interrupted: paused after {}",
                counted(machine.steps(), "step")
            ),
            End::Halted(code) => {
                sink.flush();
                errln!(
                    "program ended with exit code {code} after {}",
                    counted(machine.steps(), "step")
                );
                return exit_code(code);
            }
            End::Failed(e) => return report(&e, machine.program(), &mut sink, source, name),
        }
    }
}

fn prompt() -> Command {
    err!("step> ");
    match read_line() {
        None => {
            errln!();
            Command::Continue
        }
        Some(line) => match line.trim() {
            "" | "s" | "step" => Command::Step,
            "n" | "next" | "over" => Command::Over,
            "o" | "out" => Command::Out,
            "b" | "back" => Command::Back,
            "c" | "continue" => Command::Continue,
            "q" | "quit" => Command::Quit,
            _ => Command::Help,
        },
    }
}

fn show(m: &Machine, source: &str, name: &str) {
    let Some(n) = next_instruction(m) else { return };
    let span = n.span;
    errln!(
        "-- step {} · address {} · {name}:{}:{} · {}",
        n.steps,
        n.address,
        span.line,
        span.col,
        n.text
    );
    if let Some((text, carets)) = excerpt(source, span) {
        let gutter = span.line.to_string().len();
        errln!("{} | {text}", span.line);
        errln!("{} | {carets}", " ".repeat(gutter));
    }
    errln!("   stack: {}", format_stack(m, 16));
    let trace = m.trace();
    if trace.frames.is_empty() {
        errln!("   calls: (none)");
    } else {
        let mut list = Vec::new();
        for (i, f) in trace.frames.iter().enumerate() {
            if let Some(gap) = trace.left_out.filter(|g| g.after == i) {
                list.push(format!("… {} left out", counted(gap.calls as u64, "frame")));
            }
            let times = match f.repeat {
                1 => String::new(),
                n => format!(" ×{}", thousands(n as u64)),
            };
            let (line, col) = (f.call_span.line, f.call_span.col);
            list.push(format!("{} (called at {line}:{col}){times}", f.name()));
        }
        errln!("   calls: {}", list.join(" <- "));
    }
}
