//! The terminal host: buffered stdout as the machine's sink, stdin lines for `read`,
//! real sleeping, and the run loop shared by running, tracing, stepping and the REPL.

use std::fmt;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use vm_core::disasm::instr_text;
use vm_core::{
    ErrorKind, Instr, Label, Machine, Observer, Op, Profile, Program, Quiet, RuntimeError, Span,
    Status,
};

/// Exit code of a process that wrote into a closed pipe (128 + SIGPIPE), as `yes | head -1`.
pub const EXIT_BROKEN_PIPE: u8 = 141;
/// Exit code of a run stopped by Ctrl+C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;
/// Steps run between two looks at the Ctrl+C flag (a few milliseconds of work).
const SLICE: u64 = 1 << 20;

/// Set by Ctrl+C; the run loops look at it between slices of [`SLICE`] steps.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Set while the process waits for a line of input for the program or the stepper.
static WAITING_FOR_INPUT: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl+C stop the running program instead of killing the process: the handler
/// sets a flag that [`drive`] looks at between slices of steps. While the process waits
/// for a line of input, Ctrl+C ends it with [`EXIT_INTERRUPTED`], as the output is
/// already written out then.
pub fn catch_interrupts() {
    let _ = ctrlc::set_handler(|| {
        if WAITING_FOR_INPUT.load(Ordering::SeqCst) {
            // The terminal has echoed `^C`: end its line.
            let _ = writeln!(io::stderr());
            std::process::exit(EXIT_INTERRUPTED.into());
        }
        INTERRUPTED.store(true, Ordering::SeqCst);
    });
}

/// Was Ctrl+C pressed since the last call? Clears the flag.
pub fn take_interrupt() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}

/// Forgets a Ctrl+C pressed before now (when a new line starts running).
pub fn clear_interrupt() {
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// Exit code when standard output or standard error fails otherwise (sysexits `EX_IOERR`).
pub const EXIT_IO: u8 = 74;

/// The one place where a failed write to standard output or standard error ends the
/// process: quietly with [`EXIT_BROKEN_PIPE`] when the reader went away (`svm --ops |
/// head -1`), with a message and [`EXIT_IO`] otherwise.
pub fn write_failed(e: &io::Error) -> ! {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(EXIT_BROKEN_PIPE.into());
    }
    let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
    std::process::exit(EXIT_IO.into());
}

/// Writes `text` to standard output (the `out!` and `outln!` macros).
pub fn out(text: &str) {
    let mut o = io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        write_failed(&e);
    }
}

/// Writes `text` to standard error (the `err!` and `errln!` macros), with colours on
/// a terminal (see [`crate::colour`]).
pub fn err(text: &str) {
    let painted;
    let text = if crate::colour::enabled() {
        painted = crate::colour::paint(text);
        painted.as_str()
    } else {
        text
    };
    if let Err(e) = io::stderr().lock().write_all(text.as_bytes()) {
        write_failed(&e);
    }
}

/// Buffered output that remembers the I/O error that stopped it. On a terminal it
/// writes out at each newline, so that output shows as it is printed; into pipes and
/// files it writes in large blocks.
pub struct Sink {
    out: BufWriter<io::Stdout>,
    /// Write out at each newline (standard output is a terminal).
    line_by_line: bool,
    /// The first write error, if any.
    pub error: Option<io::Error>,
}

impl Sink {
    /// A sink on standard output, with a large buffer: programs that print a lot are fast.
    pub fn stdout() -> Sink {
        Sink {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            line_by_line: io::stdout().is_terminal(),
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

    /// Is there program output not written out yet?
    pub fn pending(&self) -> bool {
        !self.out.buffer().is_empty()
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
        let mut written = self.out.write_all(s.as_bytes());
        if written.is_ok() && self.line_by_line && s.contains('\n') {
            written = self.out.flush();
        }
        written.map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

/// One line of standard input without its line ending, or `None` at the end of input.
/// Invalid UTF-8 is replaced, not fatal.
pub fn read_line() -> Option<String> {
    let mut buf = Vec::new();
    WAITING_FOR_INPUT.store(true, Ordering::SeqCst);
    let read = io::stdin().lock().read_until(b'\n', &mut buf);
    WAITING_FOR_INPUT.store(false, Ordering::SeqCst);
    match read {
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

/// A line of input, or why there is none.
pub enum Read {
    /// The line, without its line ending.
    Line(String),
    /// The end of the input (Ctrl+D, end of file).
    End,
    /// Ctrl+C instead of a line.
    Interrupted,
}

/// A line of standard input for the program's `read`.
pub fn stdin_line() -> Read {
    match read_line() {
        Some(line) => Read::Line(line),
        None => Read::End,
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
    /// Ctrl+C was pressed; the machine can go on.
    Interrupted,
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
    drive_reading(machine, sink, budget, observer, &mut stdin_line)
}

/// Like [`drive_with`], the program's `read` answered by `input`.
pub fn drive_reading<B: Observer>(
    machine: &mut Machine,
    sink: &mut Sink,
    budget: u64,
    observer: &mut B,
    input: &mut dyn FnMut() -> Read,
) -> End {
    let start = machine.steps();
    loop {
        if take_interrupt() {
            sink.flush();
            return End::Interrupted;
        }
        let left = budget.saturating_sub(machine.steps() - start);
        if left == 0 {
            return End::Paused;
        }
        match machine.run_with(left.min(SLICE), sink, &mut *observer) {
            Status::Halted(code) => return End::Halted(code),
            Status::Failed(e) => return End::Failed(e),
            // The budget (not just a slice) is used up.
            Status::OutOfBudget if left <= SLICE => return End::Paused,
            Status::OutOfBudget => {}
            Status::NeedsInput => {
                sink.flush();
                match input() {
                    Read::Line(line) => machine.provide_input(Some(&line)),
                    Read::End => machine.provide_input(None),
                    Read::Interrupted => return End::Interrupted,
                }
            }
            Status::Sleeping(ms) => {
                sink.flush();
                sleep(ms);
            }
            // The observer paused the run, or a status this version does not know.
            _ => return End::Paused,
        }
    }
}

/// Sleeps `ms` milliseconds, or less when Ctrl+C is pressed.
fn sleep(ms: u64) {
    let until = Instant::now() + Duration::from_millis(ms);
    while !INTERRUPTED.load(Ordering::SeqCst) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(Duration::from_millis(20)));
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
    let items: Vec<String> = shown.iter().map(|v| v.shown()).collect();
    s.push_str(&items.join(" "));
    s.push(']');
    s
}

/// Prints a runtime error of `program` (after the program's own output) and gives its
/// exit code.
pub fn report(
    e: &RuntimeError,
    program: &Program,
    sink: &mut Sink,
    source: &str,
    name: &str,
) -> u8 {
    sink.flush();
    if e.kind == ErrorKind::Output && sink.pipe_closed() {
        return EXIT_BROKEN_PIPE;
    }
    err!("{}", e.render(source, name));
    if let Some(label) = fell_into(program, e) {
        errln!(
            "note: execution ran into `{}:` at line {}; did you forget `stop`?",
            label.name,
            label.span.line
        );
    }
    crate::EXIT_RUNTIME
}

/// The subroutine whose code the main program ran into, when `e` happened there: no
/// call is active, the label (the last one at or before the failing instruction) is
/// called somewhere (`name call`), and the instruction before it lets execution fall
/// through into it (it is not `jmp`, `return`, `stop` or `exit`).
pub fn fell_into<'p>(program: &'p Program, e: &RuntimeError) -> Option<&'p Label> {
    if e.trace.depth > 0 {
        return None;
    }
    let label = program
        .labels()
        .iter()
        .filter(|l| l.addr <= e.address)
        .max_by_key(|l| l.addr)?;
    let called = program
        .code()
        .windows(2)
        .any(|w| w == [Instr::Addr(label.addr), Instr::Op(Op::Call)]);
    if !called {
        return None;
    }
    let pc = program.pc_of(label.addr.into())?;
    let before = program.code().get(pc.checked_sub(1)?)?;
    let ends = |op| matches!(op, Op::Jmp | Op::Return | Op::Stop | Op::Exit);
    match before {
        Instr::Op(op) if ends(*op) => None,
        _ => Some(label),
    }
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
    let mut tracer = opts
        .trace
        .then(|| BufWriter::with_capacity(64 * 1024, io::stderr()));
    let end = loop {
        if let Some(t) = &mut tracer {
            trace_line(t, &machine);
        }
        let end = match &mut profile {
            Some(p) => drive_with(&mut machine, &mut sink, budget, p),
            None => drive(&mut machine, &mut sink, budget),
        };
        if let Some(t) = &mut tracer {
            // The step printed: the trace so far goes first, then its output.
            if sink.pending() || !matches!(end, End::Paused) {
                finish_writing(t);
                sink.flush();
            }
        }
        match end {
            End::Paused => continue,
            end => break end,
        }
    };
    sink.flush();
    if let Some(p) = &profile {
        if let Err(msg) = write_profile(p, &machine, &opts, name) {
            errln!("error: {msg}");
            return crate::EXIT_USAGE;
        }
    }
    if opts.stats {
        let t = started.elapsed();
        let rate = machine.steps() as f64 / t.as_secs_f64().max(1e-9) / 1e6;
        errln!(
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
        End::Failed(e) => report(&e, machine.program(), &mut sink, source, name),
        End::Interrupted => {
            sink.flush();
            err!("{}", machine.interrupted().render(source, name));
            EXIT_INTERRUPTED
        }
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
fn trace_line(out: &mut impl Write, m: &Machine) {
    let Some(n) = next_instruction(m) else { return };
    let pos = format!("{}:{}", n.span.line, n.span.col);
    let written = writeln!(
        out,
        "{:>8} {:>5} {pos:>9}  {:<16} {}",
        n.steps,
        n.address,
        n.text,
        format_stack(m, 8)
    );
    if let Err(e) = written {
        write_failed(&e);
    }
}

/// Writes out what `out` holds, ending the process as [`write_failed`] says if it fails.
fn finish_writing(out: &mut impl Write) {
    if let Err(e) = out.flush() {
        write_failed(&e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use vm_core::Value;

    /// Pauses the run once the machine has made `0` steps.
    struct PauseAt(u64);

    impl Observer for PauseAt {
        fn after(&mut self, machine: &Machine, _: usize, _: u64) -> bool {
            machine.steps() < self.0
        }
    }

    #[test]
    fn a_pause_on_the_last_step_of_a_slice_is_a_pause() {
        let program = vm_core::compile("0 l: 1 + l jmp").unwrap();
        let limits = vm_core::Limits {
            max_steps: Some(3 * SLICE),
            ..vm_core::Limits::default()
        };
        let mut m = Machine::new(program, Vec::new()).with_limits(limits);
        let mut sink = Sink::stdout();
        let end = drive_with(&mut m, &mut sink, u64::MAX, &mut PauseAt(SLICE));
        assert!(matches!(end, End::Paused), "the run went on past the pause");
        assert_eq!(m.steps(), SLICE);
    }

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
            .chain([Value::Str(Arc::from("a b"))])
            .collect();
        let m = Machine::new(vm_core::compile("").unwrap(), s);
        assert_eq!(format_stack(&m, 10), "[1 2 3 4 5 \"a b\"]");
        assert_eq!(format_stack(&m, 2), "[… 4 more, 5 \"a b\"]");
        let empty = Machine::new(vm_core::compile("").unwrap(), Vec::new());
        assert_eq!(format_stack(&empty, 2), "[]");
    }
}
