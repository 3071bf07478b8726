//! The terminal host: buffered stdout as the machine's sink, stdin lines for `read`,
//! real sleeping, and the run loop shared by running, tracing, stepping and the REPL.

use std::fmt;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use vm_core::disasm::instr_text;
use vm_core::{ErrorKind, Machine, Observer, Profile, Quiet, RuntimeError, Span, Status};

/// Exit code of a process that wrote into a closed pipe (128 + SIGPIPE), as `yes | head -1`.
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// Buffered output that remembers the I/O error that stopped it.
pub struct Sink {
    out: BufWriter<io::Stdout>,
    /// The first write error, if any.
    pub error: Option<io::Error>,
}

impl Sink {
    /// A sink on standard output, with a large buffer: programs that print a lot are fast.
    pub fn stdout() -> Sink {
        Sink {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            error: None,
        }
    }

    /// Writes out what is buffered (before `read`, sleeping, errors and exit).
    pub fn flush(&mut self) {
        if self.error.is_none() {
            if let Err(e) = self.out.flush() {
                self.error = Some(e);
            }
        }
    }

    /// Did the reader of our output go away?
    pub fn pipe_closed(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Write for Sink {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.error.is_some() {
            return Err(fmt::Error);
        }
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

/// One line of standard input without its line ending, or `None` at the end of input.
/// Invalid UTF-8 is replaced, not fatal.
pub fn read_line() -> Option<String> {
    let mut buf = Vec::new();
    match io::stdin().lock().read_until(b'\n', &mut buf) {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            if buf.last() == Some(&b'\n') {
                buf.pop();
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
            }
            Some(String::from_utf8_lossy(&buf).into_owned())
        }
    }
}

/// How a bounded run ended.
pub enum End {
    /// The program ended with this code.
    Halted(i64),
    /// A runtime error.
    Failed(Box<RuntimeError>),
    /// The budget was used up.
    Paused,
}

/// Runs at most `budget` steps, answering `read` from stdin and sleeping for real.
pub fn drive(machine: &mut Machine, sink: &mut Sink, budget: u64) -> End {
    drive_with(machine, sink, budget, &mut Quiet)
}

/// Like [`drive`], telling `observer` about every step; it may pause the run.
pub fn drive_with<B: Observer>(
    machine: &mut Machine,
    sink: &mut Sink,
    budget: u64,
    observer: &mut B,
) -> End {
    let start = machine.steps();
    loop {
        let left = budget.saturating_sub(machine.steps() - start);
        if left == 0 {
            return End::Paused;
        }
        match machine.run_with(left, sink, observer) {
            Status::Halted(code) => return End::Halted(code),
            Status::Failed(e) => return End::Failed(e),
            Status::OutOfBudget => return End::Paused,
            Status::NeedsInput => {
                sink.flush();
                machine.provide_input(read_line().as_deref());
            }
            Status::Sleeping(ms) => {
                sink.flush();
                std::thread::sleep(Duration::from_millis(ms));
            }
        }
    }
}

/// The process exit code for a program's exit code: modulo 256, as the OS does.
pub fn exit_code(code: i64) -> u8 {
    code.rem_euclid(256) as u8
}

/// The stack as literals, bottom first, top on the right; only the top `max` values.
pub fn format_stack(m: &Machine, max: usize) -> String {
    let shown = m.stack_top(max);
    let mut s = String::from("[");
    if shown.len() < m.stack_len() {
        s.push_str(&format!("… {} more, ", m.stack_len() - shown.len()));
    }
    let items: Vec<String> = shown.iter().map(|v| v.literal_short(40)).collect();
    s.push_str(&items.join(" "));
    s.push(']');
    s
}

/// Prints a runtime error (after the program's own output) and gives its exit code.
pub fn report(e: &RuntimeError, sink: &mut Sink, source: &str, name: &str) -> u8 {
    sink.flush();
    if e.kind == ErrorKind::Output && sink.pipe_closed() {
        return EXIT_BROKEN_PIPE;
    }
    eprint!("{}", e.render(source, name));
    crate::EXIT_RUNTIME
}

/// Options of a whole run.
pub struct Options<'a> {
    /// Print each instruction and the stack to stderr.
    pub trace: bool,
    /// Print steps and time at the end.
    pub stats: bool,
    /// Write folded stacks of the run here.
    pub profile: Option<&'a Path>,
    /// Write a flamegraph of the run here (SVG).
    pub flamegraph: Option<&'a Path>,
}

/// Runs the program to its end; returns the process exit code.
pub fn run_to_end(mut machine: Machine, source: &str, name: &str, opts: Options) -> u8 {
    let mut sink = Sink::stdout();
    let started = Instant::now();
    let profiling = opts.profile.is_some() || opts.flamegraph.is_some();
    let mut profile = profiling.then(|| Profile::new(&machine));
    let budget = if opts.trace { 1 } else { u64::MAX };
    let end = loop {
        if opts.trace {
            trace_line(&machine);
        }
        let end = match &mut profile {
            Some(p) => drive_with(&mut machine, &mut sink, budget, p),
            None => drive(&mut machine, &mut sink, budget),
        };
        match end {
            End::Paused => continue,
            end => break end,
        }
    };
    sink.flush();
    if let Some(p) = &profile {
        if let Err(msg) = write_profile(p, &machine, &opts, name) {
            eprintln!("error: {msg}");
            return crate::EXIT_USAGE;
        }
    }
    if opts.stats {
        let t = started.elapsed();
        let rate = machine.steps() as f64 / t.as_secs_f64().max(1e-9) / 1e6;
        eprintln!(
            "steps: {}  in blocks: {}  time: {:.3} ms  ({rate:.1} M steps/s)",
            machine.steps(),
            machine.block_steps(),
            t.as_secs_f64() * 1e3
        );
    }
    match end {
        End::Halted(_) | End::Paused if sink.pipe_closed() => EXIT_BROKEN_PIPE,
        End::Halted(code) => exit_code(code),
        End::Paused => 0, // not reached: the loop above goes on after a pause
        End::Failed(e) => report(&e, &mut sink, source, name),
    }
}

/// Writes the folded stacks and the flamegraph asked for.
fn write_profile(p: &Profile, machine: &Machine, opts: &Options, name: &str) -> Result<(), String> {
    let folded = p.folded(machine.program());
    if let Some(path) = opts.profile {
        std::fs::write(path, &folded)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = opts.flamegraph {
        let mut svg = Vec::new();
        let mut options = inferno::flamegraph::Options::default();
        options.title = format!("{name}: instructions by call path");
        options.count_name = "instructions".to_string();
        inferno::flamegraph::from_lines(&mut options, folded.lines(), &mut svg)
            .map_err(|e| format!("cannot make the flamegraph: {e}"))?;
        std::fs::write(path, svg).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// The instruction a machine is at, as the trace and the stepper show it.
pub struct Next {
    /// Steps executed so far.
    pub steps: u64,
    /// Its address (token index).
    pub address: u32,
    /// Its position.
    pub span: Span,
    /// Its text.
    pub text: String,
}

/// The instruction `m` is at; `None` at the end of the program.
pub fn next_instruction(m: &Machine) -> Option<Next> {
    let p = m.program();
    let &instr = p.code().get(m.pc())?;
    Some(Next {
        steps: m.steps(),
        address: p.address(m.pc()),
        span: m.next_span()?,
        text: instr_text(p, instr),
    })
}

/// One `--trace` line: step number, address, position, instruction, stack.
fn trace_line(m: &Machine) {
    let Some(n) = next_instruction(m) else { return };
    let pos = format!("{}:{}", n.span.line, n.span.col);
    eprintln!(
        "{:>8} {:>5} {pos:>9}  {:<16} {}",
        n.steps,
        n.address,
        n.text,
        format_stack(m, 8)
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;
    use vm_core::Value;

    #[test]
    fn exit_codes_wrap_like_the_os() {
        assert_eq!(exit_code(0), 0);
        assert_eq!(exit_code(3), 3);
        assert_eq!(exit_code(256), 0);
        assert_eq!(exit_code(-1), 255);
    }

    #[test]
    fn stacks_show_the_top() {
        let s: Vec<Value> = (1..=5)
            .map(Value::Num)
            .chain([Value::Str(Rc::from("a b"))])
            .collect();
        let m = Machine::new(vm_core::compile("").unwrap(), s);
        assert_eq!(format_stack(&m, 10), "[1 2 3 4 5 \"a b\"]");
        assert_eq!(format_stack(&m, 2), "[… 4 more, 5 \"a b\"]");
        let empty = Machine::new(vm_core::compile("").unwrap(), Vec::new());
        assert_eq!(format_stack(&empty, 2), "[]");
    }
}
