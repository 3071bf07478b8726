//! `svm --step`: shows each instruction with its source line, the stack and the return
//! stack, and waits for a command: step, step over a call, step out of one, step back,
//! continue to the next breakpoint, quit. The view goes to stderr so that stdout stays
//! the program's own output.

use vm_core::error::excerpt;
use vm_core::text::{counted, thousands};
use vm_core::{Machine, Program, Stopper};

use crate::host::{
    drive_reading, exit_code, format_stack, next_instruction, read_line, report,
    report_input_failed, stdin_line, End, Read, Sink,
};
use vm_core::{Observer, Quiet};

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
    /// Ctrl+C at the prompt: the process ends as by Ctrl+C.
    Abort,
    Help,
}

/// The source line a `--break` means: LINE, or the next line after it that has an
/// instruction (none after the last one), or the line where LABEL's code starts. Notes
/// what it moved or left out; an unknown label is an error.
pub fn breakpoint_line(program: &Program, spec: &str) -> Result<Option<u32>, String> {
    let line_of = |pc: usize| program.span(pc).map(|s| s.line);
    let lines = || (0..program.code().len()).filter_map(line_of);
    if let Ok(line) = spec.parse::<u32>() {
        let next = lines().filter(|&l| l >= line).min();
        match next {
            Some(l) if l == line => {}
            Some(l) => {
                errln!("note: line {line} has no instruction; the breakpoint is on line {l}")
            }
            None => errln!(
                "note: line {line} has no instruction, nor any line after it; no breakpoint there"
            ),
        }
        return Ok(next);
    }
    let label = program
        .label(spec)
        .ok_or_else(|| format!("`{spec}` is neither a line number nor a label"))?;
    let line = program.pc_of(label.addr.into()).and_then(line_of);
    if line.is_none() {
        errln!("note: label `{spec}` has no instruction after it; no breakpoint there");
    }
    Ok(line)
}

/// Steps through `machine` interactively; with `breakpoints` (source lines) it first
/// runs to the first one. Returns the process exit code.
pub fn run(mut machine: Machine, source: &str, name: &str, breakpoints: &[u32]) -> u8 {
    let mut sink = Sink::stdout();
    let mut stopper = Stopper::new(machine.program());
    let set = stopper.set_lines(machine.program(), breakpoints);
    machine.record_history(HISTORY);
    errln!("{HELP}");
    // With breakpoints it runs to the first one, unless the program starts on one.
    let starts_on_one = machine.next_span().is_some_and(|s| set.contains(&s.line));
    let mut command = if set.is_empty() || starts_on_one {
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
            Command::Step => steps(&mut machine, &mut sink, 1, &mut Quiet),
            Command::Over => match Stopper::step_over_depth(&machine) {
                Some(depth) => {
                    stopper.until_depth(Some(depth));
                    steps(&mut machine, &mut sink, u64::MAX, &mut stopper)
                }
                None => steps(&mut machine, &mut sink, 1, &mut Quiet),
            },
            Command::Out => {
                stopper.until_depth(machine.call_depth().checked_sub(1));
                steps(&mut machine, &mut sink, u64::MAX, &mut stopper)
            }
            Command::Continue => {
                stopper.until_depth(None);
                steps(&mut machine, &mut sink, u64::MAX, &mut stopper)
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
            Command::Abort => {
                sink.flush();
                crate::host::die_by_interrupt();
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
            End::InputFailed(e) => return report_input_failed(&e, &machine, source, name),
        }
    }
}

/// Runs at most `budget` steps; the program's `read` gets a prompt of its own, so that
/// it is not taken for the stepper's.
fn steps<B: Observer>(
    machine: &mut Machine,
    sink: &mut Sink,
    budget: u64,
    observer: &mut B,
) -> End {
    let mut input = || {
        err!("input for `read`> ");
        stdin_line()
    };
    drive_reading(machine, sink, budget, observer, &mut input)
}

fn prompt() -> Command {
    err!("step> ");
    match read_line() {
        Read::End => {
            errln!();
            Command::Continue
        }
        Read::Interrupted => {
            errln!();
            Command::Abort
        }
        Read::Failed(e) => {
            errln!("error: cannot read the stepper's commands: {e}");
            Command::Quit
        }
        Read::Line(line) => match line.trim() {
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
        thousands(n.steps),
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
