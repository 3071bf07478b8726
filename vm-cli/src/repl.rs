//! The REPL: each entry is compiled and run on the same machine; the stack is shown after
//! each one; errors are shown and the session goes on.
//!
//! The rules of entries (how one is combined with the earlier ones, compiled and run on
//! the live machine, redefinition, `:reset`, `:clear`, the per-entry budget of
//! `--max-steps`) are vm-core's [`vm_core::repl`], which the playground's console runs
//! too; here are the terminal's side of it: reading entries (prompt `... ` while one goes
//! on), the output, `read`'s input, Ctrl+C, `:trace`, `:load` and `:reload`, and what is
//! printed: `defined `sq``, `redefined `sq``, the stack after each entry, messages at
//! `<repl>:LINE:COL` (LINE counting every line typed since the start or `:reset`; code
//! from `svm -i FILE` and `:load FILE` is reported in its file).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use vm_core::repl::{command, entry_open, is_definition, Defined, Entered, Session};
use vm_core::{compile, disassemble, Limits, Machine, Quiet, RuntimeError, OPS};

use crate::editor::Lines;
use crate::host::{
    clear_interrupt, drive_reading, end_the_output_line, format_stack, report_input_failed,
    report_rendered, trace_header, trace_line, End, Read, Sink,
};
use crate::{source, EXIT_COMPILE, EXIT_RUNTIME};

/// The examples `:help` shows: what to type, and the stack shown after it. A test runs
/// them in one session, in this order.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("1 2 +", "[3]"),
    ("sq: dup * return", "[3]"),
    ("sq call", "[9]"),
    ("\"n = \" swap cast_str concat", "[\"n = 9\"]"),
    (":clear", "[]"),
];

/// The text of `:help` (and `svm help repl`).
pub fn help() -> String {
    let mut s = String::from(
        "Type code and press Enter: it runs, and the stack is shown (top on the right).\n\
         An entry that starts with a label definition (`name:`) defines it; it may go on\n\
         over several lines (prompt `... `) until `return`, `jmp`, `stop` or `exit` ends\n\
         it, or an empty line; code after that on the same line runs. Defining a label\n\
         again replaces it. A string left open goes on the same way.\n\
         Examples (typed in this order):\n",
    );
    for (typed, shown) in EXAMPLES {
        s.push_str(&format!("  > {typed:<30} {shown}\n"));
    }
    s.push_str(
        "Commands: :help [OP], :ops [OP] (operations), :words (the labels defined),\n\
         :disasm [LABEL] (the compiled code), :trace on|off (each step of the entries run),\n\
         :load FILE (its labels, not run), :reload (the files loaded again),\n\
         :clear (empty the stack), :reset (forget everything), :quit (or Ctrl+D).\n\
         Keys: Up/Down history, Ctrl+R search it, Tab completes, Ctrl+L clears the screen,\n\
         Ctrl+C drops the line being typed or stops the one running.",
    );
    s
}

/// Runs the REPL on stdin; returns the process exit code. With `start`, the REPL
/// starts with that program's labels, after running it (`svm -i FILE`).
pub fn run(limits: Limits, start: Option<(PathBuf, source::Source, Machine)>) -> u8 {
    let mut lines = Lines::open(std::io::stdin().is_terminal());
    if lines.interactive() {
        errln!(
            "simple-vm {} REPL. :help for help, :quit or Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION")
        );
    }
    let mut repl = Repl::new(limits);
    if let Some((path, src, machine)) = start {
        repl.start_with(path, src, machine, &mut lines);
    }
    loop {
        let text = match read_entry(&mut lines) {
            Entry::Text(text) => text,
            Entry::Cancelled => continue,
            Entry::End => break,
            Entry::Failed(e) => {
                errln!("error: cannot read the input: {e}");
                repl.failed = crate::host::EXIT_IO;
                break;
            }
        };
        if repl.entry(&text, &mut lines) == Flow::Quit {
            break;
        }
    }
    repl.sink.flush();
    if lines.interactive() {
        errln!();
        return 0;
    }
    repl.failed
}

/// Whether the session goes on.
#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    Quit,
}

/// A REPL session of the terminal: the session of vm-core's REPL (its source, program
/// and machine, and the rules of entries), with the terminal's output, files and trace.
struct Repl {
    session: Session,
    sink: Sink,
    /// The files loaded (`-i FILE`, `:load`), for `:reload`.
    files: Vec<PathBuf>,
    /// `:trace on`: each step of the entries that run is shown.
    trace: bool,
    /// The exit code of a session fed from a pipe: 0, [`EXIT_COMPILE`] when an entry
    /// failed to compile, [`EXIT_RUNTIME`] when one failed at run time.
    failed: u8,
}

impl Repl {
    fn new(limits: Limits) -> Repl {
        Repl {
            session: Session::new(limits),
            sink: Sink::stdout(),
            files: Vec::new(),
            trace: false,
            failed: 0,
        }
    }

    /// Starts with a program file: runs `machine` (made from it) from its start; its
    /// labels stay defined (`svm -i FILE`).
    fn start_with(
        &mut self,
        path: PathBuf,
        src: source::Source,
        machine: Machine,
        lines: &mut Lines,
    ) {
        let key = path.to_string_lossy().into_owned();
        self.session
            .start_with(&src.text, &src.display_name, &key, machine);
        self.files.push(path);
        lines.set_labels(self.session.labels());
        self.go_on(lines);
        outln!("{}", format_stack(self.session.machine(), 32));
    }

    /// Handles one entry: a command, a definition or code to run.
    fn entry(&mut self, text: &str, lines: &mut Lines) -> Flow {
        if let Some((name, arg)) = command(text) {
            if name == "reset" {
                self.session.reset();
                lines.set_labels(Vec::new());
                outln!("{}", format_stack(self.session.machine(), 32));
                return Flow::Go;
            }
            self.session.command_typed();
            let flow = self.command(name, arg, lines);
            if flow == Flow::Go {
                outln!("{}", format_stack(self.session.machine(), 32));
            }
            return flow;
        }
        match self.session.enter(text) {
            Entered::Hint(hint) => {
                errln!("error: {hint}");
                return Flow::Go;
            }
            Entered::Rejected { rendered, .. } => {
                err!("{rendered}");
                self.failed = self.failed.max(EXIT_COMPILE);
                return Flow::Go;
            }
            Entered::Accepted { defined, runs } => {
                lines.set_labels(self.session.labels());
                if is_definition(text) {
                    acknowledge(&defined);
                }
                if runs {
                    self.go_on(lines);
                }
            }
        }
        outln!("{}", format_stack(self.session.machine(), 32));
        Flow::Go
    }

    /// A runtime error of the session as its origin shows it, each call of its stack
    /// trace in its own origin.
    fn report(&mut self, e: &RuntimeError) -> u8 {
        let rendered = self.session.render_error(e);
        report_rendered(e, &rendered, None, &mut self.sink)
    }

    /// Runs the machine from where it is to the end of its program.
    fn go_on(&mut self, lines: &mut Lines) {
        clear_interrupt();
        let mut input = || lines.read("", false);
        let budget = if self.trace { 1 } else { u64::MAX };
        if self.trace {
            trace_header(&mut std::io::stderr());
        }
        let end = loop {
            if self.trace {
                trace_line(&mut std::io::stderr(), self.session.machine());
            }
            let end = drive_reading(
                self.session.machine_mut(),
                &mut self.sink,
                budget,
                &mut Quiet,
                &mut input,
            );
            if !matches!(end, End::Paused) || !self.trace {
                break end;
            }
        };
        match end {
            End::Halted(_) | End::Paused => {}
            End::Failed(e) => {
                let code = self.report(&e);
                self.failed = self.failed.max(code.max(EXIT_RUNTIME));
            }
            End::InputFailed(e) => {
                let machine = self.session.machine();
                let (name, text) = self
                    .session
                    .origin_of(machine.next_span().unwrap_or_default().line);
                self.failed = report_input_failed(&e, machine, text, &name);
            }
            End::Interrupted => {
                end_the_output_line(&mut self.sink);
                let e = self.session.machine().interrupted();
                let (name, text) = self.session.origin_of(e.span.line);
                let mut e = e.clone();
                e.span = self.session.moved(e.span);
                err!("{}", e.render(text, &name));
            }
        }
        self.sink.flush();
        // The stack shown next starts a line of its own.
        self.sink.end_line();
    }

    fn command(&mut self, name: &str, arg: &str, lines: &mut Lines) -> Flow {
        match name {
            "quit" | "q" => return Flow::Quit,
            "ops" | "help" | "h" | "?" if !arg.is_empty() => {
                match OPS.iter().find(|o| o.name == arg) {
                    Some(op) => outln!("{:<9} {:<20} {}", op.name, op.effect, op.doc),
                    None => {
                        errln!("error: `{arg}` is not an operation; :ops lists them");
                        self.failed = self.failed.max(crate::EXIT_USAGE);
                    }
                }
            }
            "ops" => {
                for op in OPS {
                    outln!("{:<9} {:<20} {}", op.name, op.effect, op.doc);
                }
            }
            "words" => self.words(),
            "disasm" => self.disasm(arg),
            "trace" => match arg {
                "on" => self.trace = true,
                "off" => self.trace = false,
                _ => errln!("error: `:trace` takes `on` or `off`"),
            },
            "clear" => self.session.clear_stack(),
            "load" if !arg.is_empty() => {
                let path = PathBuf::from(arg);
                if self.load(&path, lines) && !self.files.contains(&path) {
                    self.files.push(path);
                }
            }
            "load" => {
                errln!("error: `:load` needs a file: `:load FILE`");
                self.failed = self.failed.max(crate::EXIT_USAGE);
            }
            "reload" if self.files.is_empty() => {
                errln!(
                    "error: no file to reload: `:load FILE` first (or start with `svm -i FILE`)"
                );
                self.failed = self.failed.max(crate::EXIT_USAGE);
            }
            "reload" => {
                for path in self.files.clone() {
                    self.load(&path, lines);
                }
            }
            "help" | "h" | "?" | "" => outln!("{}", help()),
            _ => {
                errln!("error: unknown command `:{name}`; :help lists the commands");
                self.failed = self.failed.max(crate::EXIT_USAGE);
            }
        }
        Flow::Go
    }

    /// `:words`: the labels defined, each with where it was defined.
    fn words(&self) {
        let words = self.session.words();
        if words.is_empty() {
            outln!("(no labels defined)");
        }
        for (label, name, at) in words {
            outln!("{label:<16} {name}:{}:{}", at.line, at.col);
        }
    }

    /// `:disasm [LABEL]`: the compiled session, or the code of one label.
    fn disasm(&self, label: &str) {
        let all = disassemble(self.session.program());
        if label.is_empty() {
            return out!("{all}");
        }
        if self.session.program().label(label).is_none() {
            return errln!("error: no label `{label}`; :words lists them");
        }
        let head = format!("{label}:");
        let mut inside = false;
        for line in all.lines() {
            let is_label = line.starts_with("                 ") && line.trim_end().ends_with(':');
            if is_label {
                if inside && line.trim() != head {
                    break;
                }
                inside |= line.trim() == head;
            }
            if inside && !line.ends_with("(end)") {
                outln!("{line}");
            }
        }
    }

    /// `:load FILE` (and `:reload`): the file's labels join the session, replacing those
    /// defined before; nothing of it runs. Whether it was loaded.
    fn load(&mut self, path: &Path, lines: &mut Lines) -> bool {
        let src = match source::load(path) {
            Ok(s) => s,
            Err(source::LoadError::Usage(msg)) => {
                errln!("error: {msg}");
                self.failed = self.failed.max(crate::EXIT_NO_INPUT);
                return false;
            }
            Err(source::LoadError::Invalid(msg)) => {
                err!("{msg}");
                self.failed = self.failed.max(EXIT_COMPILE);
                return false;
            }
        };
        if let Err(diags) = compile(&src.text) {
            err!("{}", diags.render(&src.text, &src.display_name));
            self.failed = self.failed.max(EXIT_COMPILE);
            return false;
        }
        let key = path.to_string_lossy();
        match self.session.add_file(&src.text, &src.display_name, &key) {
            Ok((defined, removed)) => {
                lines.set_labels(self.session.labels());
                let redefined: Vec<String> = defined
                    .iter()
                    .filter(|d| d.again)
                    .map(|d| format!("`{}`", d.name))
                    .collect();
                let names: Vec<&str> = defined.iter().map(|d| d.name.as_str()).collect();
                errln!("loaded {}; labels: {}", src.display_name, names.join(", "));
                if !redefined.is_empty() {
                    errln!("redefined {}", redefined.join(", "));
                }
                if !removed.is_empty() {
                    let removed: Vec<String> = removed.iter().map(|n| format!("`{n}`")).collect();
                    errln!("removed {} (no longer in the file)", removed.join(", "));
                }
                true
            }
            Err(rendered) => {
                err!("{rendered}");
                self.failed = self.failed.max(EXIT_COMPILE);
                false
            }
        }
    }
}

/// Says which labels an entry defined (on standard error).
fn acknowledge(defined: &[Defined]) {
    for d in defined {
        if d.again {
            errln!("redefined `{}`", d.name);
        } else {
            errln!("defined `{}`", d.name);
        }
    }
}

/// One entry of the REPL: a line, or several when a string is still open at the end
/// of a line, or a definition is not finished (they are read with the prompt `... `).
enum Entry {
    /// The text, its lines joined with `\n`.
    Text(String),
    /// Ctrl+C: the entry is dropped.
    Cancelled,
    /// The end of the input.
    End,
    /// The input could not be read.
    Failed(std::io::Error),
}

fn read_entry(lines: &mut Lines) -> Entry {
    let mut text = match lines.read("> ", true) {
        Read::Line(line) => line,
        Read::Interrupted => return Entry::Cancelled,
        Read::End => return Entry::End,
        Read::Failed(e) => return Entry::Failed(e),
    };
    while entry_open(&text) {
        match lines.read("... ", true) {
            Read::Line(more) => {
                text.push('\n');
                text.push_str(&more);
            }
            Read::Interrupted => return Entry::Cancelled,
            Read::End => break,
            Read::Failed(e) => return Entry::Failed(e),
        }
    }
    Entry::Text(text)
}
