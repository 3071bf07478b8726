//! The terminal host: buffered stdout as the machine's sink, stdin lines for `read`,
//! real sleeping, and the run loop shared by running, tracing, stepping and the REPL.

use std::fmt;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use vm_core::disasm::instr_text;
use vm_core::{
    ErrorKind, Instr, Label, Machine, Observer, Op, Profile, Program, Quiet, RuntimeError, Span,
    Status,
};

use crate::engine::Runner;

/// Exit code of a process that wrote into a closed pipe (128 + SIGPIPE), as `yes | head -1`.
pub const EXIT_BROKEN_PIPE: u8 = 141;
/// Exit code of a run stopped by Ctrl+C (128 + SIGINT), as shells report it.
pub const EXIT_INTERRUPTED: u8 = 130;
/// Steps run between two looks at the Ctrl+C flag (a few milliseconds of work).
const SLICE: u64 = 1 << 20;

/// Set by Ctrl+C; the run loops look at it between slices of [`SLICE`] steps.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl+C stop the running program instead of killing the process: the handler
/// sets a flag that [`drive_on`] looks at between slices of steps, and that a wait for a
/// line of input ([`read_line`]) looks at every 20 ms.
pub fn catch_interrupts() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Ends the process as Ctrl+C would have ended it had `svm` not caught it: by SIGINT,
/// so that a shell running `svm` in a loop stops the loop (the run was reported before).
/// Where that cannot be done, the exit code is [`EXIT_INTERRUPTED`], as shells report it.
pub fn die_by_interrupt() -> ! {
    let _ = io::stdout().flush();
    let _ = io::stderr().flush();
    #[cfg(unix)]
    // SAFETY: `signal` and `raise` are async-signal-safe libc calls given valid
    // arguments; resetting SIGINT to its default action and raising it ends the process
    // as an uncaught Ctrl+C does. Nothing else runs between them that relies on the
    // handler the `ctrlc` crate installed.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
    std::process::exit(EXIT_INTERRUPTED.into());
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
    // Nothing from a program or a file acts on the terminal: control characters are
    // shown escaped (`\u{1b}`) before the colours go in.
    let text = vm_core::text::escape_controls(text);
    let text = text.as_ref();
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
    /// The last text written did not end with a newline.
    mid_line: bool,
}

impl Sink {
    /// A sink on standard output, with a large buffer: programs that print a lot are fast.
    pub fn stdout() -> Sink {
        Sink {
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
            line_by_line: io::stdout().is_terminal(),
            error: None,
            mid_line: false,
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

    /// Writes out what is buffered and tells `machine` so; when that fails (and the
    /// reader did not just go away), the machine fails with the output error at the first
    /// instruction whose output was not written, which is returned.
    pub fn write_out(&mut self, machine: &mut Machine) -> Option<Box<RuntimeError>> {
        if self.pending() {
            self.flush();
        }
        match &self.error {
            None => {
                machine.output_written();
                None
            }
            Some(_) if self.pipe_closed() => None,
            Some(_) => Some(Box::new(machine.output_failed())),
        }
    }

    /// Did the program's output, so far, end in the middle of a line?
    pub fn mid_line(&self) -> bool {
        self.mid_line
    }

    /// Ends the program's line of output with a newline when it stopped mid-line (before
    /// the REPL shows the stack on standard output).
    pub fn end_line(&mut self) {
        if self.mid_line {
            let _ = fmt::Write::write_str(self, "\n");
            self.flush();
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
        if let Some(&last) = s.as_bytes().last() {
            self.mid_line = last != b'\n';
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

/// The longest line the program's `read` (and the REPL and the stepper) reads: one byte
/// over the string limit, so that a longer line fails as `string too long` without the
/// rest of it being read (an endless input such as `/dev/zero` ends at once).
pub const MAX_LINE: usize = (16 << 20) + 1;

/// One line of standard input without its line ending (at most [`MAX_LINE`] bytes of
/// it: the rest of a longer line is left unread), the end of the input, Ctrl+C, or why
/// the input could not be read (a directory). Invalid UTF-8 is replaced, not fatal.
///
/// The line is read by a thread of its own, so that Ctrl+C stops the wait: the caller
/// gets [`Read::Interrupted`] and the position where it waited can be reported. A line
/// that arrives after that is kept for the next call.
pub fn read_line() -> Read {
    let reader = READER.get_or_init(|| Mutex::new(StdinReader::start()));
    let Ok(mut reader) = reader.lock() else {
        return Read::End;
    };
    if !reader.asked {
        if reader.ask.send(()).is_err() {
            return Read::End;
        }
        reader.asked = true;
    }
    loop {
        match reader.lines.recv_timeout(Duration::from_millis(20)) {
            Ok(line) => {
                reader.asked = false;
                return match line {
                    Ok(Some(line)) => Read::Line(line),
                    Ok(None) => Read::End,
                    Err(e) => Read::Failed(e),
                };
            }
            Err(mpsc::RecvTimeoutError::Timeout) if take_interrupt() => return Read::Interrupted,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Read::End,
        }
    }
}

/// The thread that reads standard input, one line when asked.
struct StdinReader {
    ask: mpsc::Sender<()>,
    lines: mpsc::Receiver<io::Result<Option<String>>>,
    /// A line was asked for and has not been taken yet.
    asked: bool,
}

static READER: OnceLock<Mutex<StdinReader>> = OnceLock::new();

impl StdinReader {
    fn start() -> StdinReader {
        let (ask, asked) = mpsc::channel::<()>();
        let (give, lines) = mpsc::channel();
        std::thread::spawn(move || {
            while asked.recv().is_ok() {
                let line = read_bounded_line(&mut io::stdin().lock(), MAX_LINE);
                if give.send(line).is_err() {
                    break;
                }
            }
        });
        StdinReader {
            ask,
            lines,
            asked: false,
        }
    }
}

/// A line of `input` without its line ending, at most `max` bytes of it.
pub fn read_bounded_line(input: &mut impl BufRead, max: usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let mut ended = false;
    while buf.len() < max {
        let chunk = match input.fill_buf() {
            Ok(chunk) => chunk,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            ended = true;
            break;
        }
        let room = max - buf.len();
        let (take, newline) = match chunk.iter().take(room).position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (chunk.len().min(room), false),
        };
        buf.extend_from_slice(&chunk[..take]);
        input.consume(take);
        if newline {
            break;
        }
    }
    if ended && buf.is_empty() {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// A line of input, or why there is none.
pub enum Read {
    /// The line, without its line ending.
    Line(String),
    /// The end of the input (Ctrl+D, end of file).
    End,
    /// Ctrl+C instead of a line.
    Interrupted,
    /// The input could not be read (standard input is a directory, say).
    Failed(io::Error),
}

/// A line of standard input for the program's `read`.
pub fn stdin_line() -> Read {
    read_line()
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
    /// The program's input could not be read, at its `read`.
    InputFailed(io::Error),
}

/// Runs at most `budget` steps, answering `read` from stdin and sleeping for real,
/// telling `observer` about every step; it may pause the run.
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
    let mut runner = Runner::interpreter("a watched run");
    drive_on(machine, sink, budget, observer, input, &mut runner)
}

/// Like [`drive_reading`], each slice run by `runner` (with the tier, say).
pub fn drive_on<B: Observer>(
    machine: &mut Machine,
    sink: &mut Sink,
    budget: u64,
    observer: &mut B,
    input: &mut dyn FnMut() -> Read,
    runner: &mut Runner,
) -> End {
    let start = machine.steps();
    loop {
        if take_interrupt() {
            return match sink.write_out(machine) {
                Some(e) => End::Failed(e),
                None => End::Interrupted,
            };
        }
        let left = budget.saturating_sub(machine.steps() - start);
        if left == 0 {
            return End::Paused;
        }
        let status = runner.slice(machine, left.min(SLICE), sink, &mut *observer);
        // What the program printed is written out after every slice and before it waits,
        // so that a failed write is found and blamed on the instruction that printed.
        if let Status::Failed(e) = &status {
            if e.kind == ErrorKind::Output {
                return End::Failed(Box::new(machine.output_failed()));
            }
        }
        // A pause leaves the output to the caller (the trace writes its lines first).
        let pause = match status {
            Status::OutOfBudget => left <= SLICE,
            Status::Paused => true,
            _ => false,
        };
        if !pause {
            if let Some(e) = sink.write_out(machine) {
                return End::Failed(e);
            }
        }
        match status {
            Status::Halted(code) => return End::Halted(code),
            Status::Failed(e) => return End::Failed(e),
            // The budget (not just a slice) is used up.
            Status::OutOfBudget if pause => return End::Paused,
            Status::OutOfBudget => {}
            Status::NeedsInput => match input() {
                Read::Line(line) => machine.provide_input(Some(&line)),
                Read::End => machine.provide_input(None),
                Read::Interrupted => return End::Interrupted,
                Read::Failed(e) => return End::InputFailed(e),
            },
            Status::Sleeping(ms) => sleep(ms),
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
    vm_core::repl::stack_line(m, max)
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
    report_in(e, Some(program), sink, source, name)
}

/// Like [`report`]; with `program`, a note says when the main program ran into a
/// subroutine (the REPL, whose entries follow its definitions, gives none).
pub fn report_in(
    e: &RuntimeError,
    program: Option<&Program>,
    sink: &mut Sink,
    source: &str,
    name: &str,
) -> u8 {
    report_rendered(e, &e.render(source, name), program, sink)
}

/// Prints `rendered`, the rendering of `e`, after the program's own output, with the
/// notes it calls for; its exit code.
pub fn report_rendered(
    e: &RuntimeError,
    rendered: &str,
    program: Option<&Program>,
    sink: &mut Sink,
) -> u8 {
    sink.flush();
    if e.kind == ErrorKind::Output && sink.pipe_closed() {
        return EXIT_BROKEN_PIPE;
    }
    end_the_output_line(sink);
    err!("{rendered}");
    if e.kind == ErrorKind::Output {
        if let Some(reason) = &sink.error {
            errln!("note: the system said: {reason}");
        }
        return EXIT_IO;
    }
    if let Some(label) = program.and_then(|p| fell_into(p, e)) {
        errln!(
            "note: execution ran into `{}:` at line {}; did you forget `stop`?",
            label.name,
            label.span.line
        );
    }
    crate::EXIT_RUNTIME
}

/// Before a message on a terminal: a newline when the program's output (on the same
/// terminal) stopped in the middle of a line, so that `"abc" print 1 0 /` does not show
/// `abcerror: …`.
pub fn end_the_output_line(sink: &mut Sink) {
    if sink.mid_line() && io::stdout().is_terminal() && io::stderr().is_terminal() {
        errln!();
        sink.mid_line = false;
    }
}

/// Reports that the program's input could not be read, at its `read`; [`EXIT_IO`].
pub fn report_input_failed(e: &io::Error, machine: &Machine, source: &str, name: &str) -> u8 {
    let at = machine.next_span().unwrap_or_default();
    let d = vm_core::Diagnostic::new(format!("cannot read the input: {e}"), at);
    err!("{}", d.render(source, name));
    EXIT_IO
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
    /// Run with the WebAssembly tier (unless the run is traced or profiled).
    pub tier: bool,
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
    if let Some(t) = &mut tracer {
        trace_header(t);
    }
    let mut runner = if !opts.tier {
        Runner::interpreter("--no-tier")
    } else if opts.trace || profiling {
        Runner::interpreter("a traced or profiled run")
    } else {
        Runner::tiered()
    };
    let end = loop {
        if let Some(t) = &mut tracer {
            end_the_output_line(&mut sink);
            trace_line(t, &machine);
        }
        let end = match &mut profile {
            Some(p) => drive_with(&mut machine, &mut sink, budget, p),
            None => drive_on(
                &mut machine,
                &mut sink,
                budget,
                &mut Quiet,
                &mut stdin_line,
                &mut runner,
            ),
        };
        if let Some(t) = &mut tracer {
            // The step printed: the trace so far goes first, then its output.
            if sink.pending() || !matches!(end, End::Paused) {
                finish_writing(t);
                if let Some(e) = sink.write_out(&mut machine) {
                    break End::Failed(e);
                }
            }
        }
        match end {
            End::Paused => continue,
            end => break end,
        }
    };
    let end = match sink.write_out(&mut machine) {
        Some(e) if !matches!(end, End::Failed(_)) => End::Failed(e),
        _ => end,
    };
    if let Some(p) = &profile {
        if let Err(msg) = write_profile(p, &machine, &opts, name) {
            errln!("error: {msg}");
            return EXIT_IO;
        }
    }
    if opts.stats {
        end_the_output_line(&mut sink);
        let t = started.elapsed();
        let rate = machine.steps() as f64 / t.as_secs_f64().max(1e-9) / 1e6;
        errln!(
            "steps: {}  in blocks: {}  compiled: {}  time: {:.3} ms  ({rate:.1} M steps/s)",
            vm_core::text::thousands(machine.steps()),
            vm_core::text::thousands(machine.block_steps()),
            vm_core::text::thousands(machine.tier_steps()),
            t.as_secs_f64() * 1e3
        );
        errln!("{}", runner.report());
    }
    match end {
        End::Halted(_) | End::Paused if sink.pipe_closed() => EXIT_BROKEN_PIPE,
        End::Halted(code) => exit_code(code),
        End::Paused => 0, // not reached: the loop above goes on after a pause
        End::Failed(e) => report(&e, machine.program(), &mut sink, source, name),
        End::InputFailed(e) => report_input_failed(&e, &machine, source, name),
        End::Interrupted => {
            sink.flush();
            end_the_output_line(&mut sink);
            err!("{}", machine.interrupted().render(source, name));
            die_by_interrupt()
        }
    }
}

/// Writes the folded stacks and the flamegraph asked for.
fn write_profile(p: &Profile, machine: &Machine, opts: &Options, name: &str) -> Result<(), String> {
    let folded = p.folded(machine.program());
    if let Some(path) = opts.profile {
        if path.as_os_str() == "-" {
            let mut o = io::stdout().lock();
            o.write_all(folded.as_bytes())
                .and_then(|()| o.flush())
                .map_err(|e| format!("cannot write the profile to standard output: {e}"))?;
        } else {
            std::fs::write(path, &folded).map_err(|e| {
                format!(
                    "cannot write {}: {e}",
                    crate::source::shown_name(&path.display().to_string())
                )
            })?;
        }
    }
    if let Some(path) = opts.flamegraph {
        let mut svg: Vec<u8> = Vec::new();
        let mut options = inferno::flamegraph::Options::default();
        options.title = format!("{name}: instructions by call path");
        options.count_name = "instructions".to_string();
        inferno::flamegraph::from_lines(&mut options, folded.lines(), &mut svg)
            .map_err(|e| format!("cannot make the flamegraph: {e}"))?;
        if path.as_os_str() == "-" {
            let mut o = io::stdout().lock();
            o.write_all(&svg)
                .and_then(|()| o.flush())
                .map_err(|e| format!("cannot write the flamegraph to standard output: {e}"))?;
        } else {
            std::fs::write(path, svg).map_err(|e| {
                format!(
                    "cannot write {}: {e}",
                    crate::source::shown_name(&path.display().to_string())
                )
            })?;
        }
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

/// The header of `--trace` (and the REPL's `:trace on`): what each line shows.
pub fn trace_header(out: &mut impl Write) {
    let written = writeln!(
        out,
        "{:>8} {:>5} {:>9}  {:<16} stack before the instruction (top on the right)",
        "step", "addr", "line:col", "instruction"
    );
    if let Err(e) = written {
        write_failed(&e);
    }
}

/// One `--trace` line: step number, address, position, instruction, and the stack
/// before the instruction runs. Control characters are shown escaped.
pub fn trace_line(out: &mut impl Write, m: &Machine) {
    let Some(n) = next_instruction(m) else { return };
    let pos = format!("{}:{}", n.span.line, n.span.col);
    let line = format!(
        "{:>8} {:>5} {pos:>9}  {:<16} {}",
        n.steps,
        n.address,
        n.text,
        format_stack(m, 8)
    );
    if let Err(e) = writeln!(out, "{}", vm_core::text::escape_controls(&line)) {
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
