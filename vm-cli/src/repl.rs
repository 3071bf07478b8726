//! The REPL: each entry is compiled and run on the same machine; the stack is shown after
//! each one; errors are shown and the session goes on.
//!
//! Entries that compile are kept: each new one is compiled after all of them, so labels
//! defined earlier can be called later. An entry that starts with a label definition
//! (`sq: dup * return`) defines it (the REPL says `defined `sq``); it goes on over
//! several lines (prompt `... `) until an instruction after which execution cannot fall
//! through (`return`, `jmp`, `stop`, `exit`), or an empty line, and code after that
//! instruction on the same entry runs (`sq: dup * return 3 sq call println`). Defining
//! a label again replaces it (`redefined `sq``): calls made after that, also from
//! earlier definitions, go to the new one. Other entries run from their first token.
//! Positions in messages are `<repl>:LINE:COL`, LINE counting every line typed since the
//! start or `:reset`; code from `svm -i FILE` and `:load FILE` is reported in its file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use vm_core::lexer::{lex, TokenKind};
use vm_core::{
    compile, disassemble, CompileError, Limits, Machine, Op, Program, Quiet, RuntimeError, Span,
    OPS,
};

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

/// Where a part of the session's source came from: typed lines, or a file.
struct Origin {
    /// The session's line where it starts (1-based).
    first: u32,
    /// How many lines it has in the session.
    lines: u32,
    /// What messages call it: `<repl>` or the file's name.
    name: String,
    /// Its own line number of its first line.
    own_first: u32,
    /// A file's text (typed lines are in [`Repl::typed`]).
    text: Option<String>,
    /// The file it was read from.
    path: Option<PathBuf>,
}

/// A REPL session: the source kept so far, its program and the machine.
struct Repl {
    limits: Limits,
    /// The source of every entry and file kept, one after the other. A label defined
    /// again has its earlier definition blanked out here (same length, so positions hold).
    session: String,
    /// Where each part of `session` came from.
    origins: Vec<Origin>,
    /// Every line typed since the start or `:reset` (what `<repl>:LINE` counts).
    typed: String,
    /// The program of `session`.
    accepted: Program,
    machine: Machine,
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
            limits,
            session: String::new(),
            origins: Vec::new(),
            typed: String::new(),
            accepted: Program::default(),
            machine: Machine::new(Program::default(), Vec::new()).with_limits(limits),
            sink: Sink::stdout(),
            files: Vec::new(),
            trace: false,
            failed: 0,
        }
    }

    /// The session's lines so far.
    fn session_lines(&self) -> u32 {
        self.session.matches('\n').count() as u32
    }

    /// The typed lines so far.
    fn typed_lines(&self) -> u32 {
        self.typed.matches('\n').count() as u32
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
        let mut text = src.text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.origins.push(Origin {
            first: 1,
            lines: text.matches('\n').count() as u32,
            name: src.display_name,
            own_first: 1,
            text: Some(text.clone()),
            path: Some(path.clone()),
        });
        self.session = text;
        self.files.push(path);
        self.accepted = machine.program().clone();
        self.machine = machine;
        lines.set_labels(self.labels());
        self.go_on(lines);
        outln!("{}", format_stack(&self.machine, 32));
    }

    /// The labels defined so far.
    fn labels(&self) -> Vec<String> {
        self.accepted
            .labels()
            .iter()
            .map(|l| l.name.clone())
            .collect()
    }

    /// Handles one entry: a command, a definition or code to run.
    fn entry(&mut self, text: &str, lines: &mut Lines) -> Flow {
        let typed_first = self.typed_lines() + 1;
        if let Some(command) = text.trim().strip_prefix(':') {
            let command = command.trim();
            if command.split_whitespace().next() == Some("reset") {
                *self = Repl::new(self.limits);
                lines.set_labels(Vec::new());
                outln!("{}", format_stack(&self.machine, 32));
                return Flow::Go;
            }
            self.typed.push('\n');
            let flow = self.command(command, lines);
            if flow == Flow::Go {
                outln!("{}", format_stack(&self.machine, 32));
            }
            return flow;
        }
        self.typed.push_str(text);
        self.typed.push('\n');
        let word = text.trim();
        if matches!(word, "quit" | "help") && self.accepted.label(word).is_none() {
            errln!("error: `{word}` is not an operation: type :{word}");
            return Flow::Go;
        }
        let origin = Origin {
            first: self.session_lines() + 1,
            lines: text.matches('\n').count() as u32 + 1,
            name: "<repl>".to_string(),
            own_first: typed_first,
            text: None,
            path: None,
        };
        let start = self.accepted.code().len();
        match self.add(text, origin, Vec::new()) {
            Ok(defined) => {
                lines.set_labels(self.labels());
                if is_definition(text) {
                    acknowledge(&defined);
                }
                if let Some(from) = run_from(text) {
                    self.execute(start + from, lines);
                }
            }
            Err(()) => {
                self.failed = self.failed.max(EXIT_COMPILE);
                return Flow::Go;
            }
        }
        outln!("{}", format_stack(&self.machine, 32));
        Flow::Go
    }

    /// Adds `text` (from `origin`) to the session, replacing the labels it defines again;
    /// the labels it defines, each with whether it was defined before. A text that does
    /// not compile is reported (in its origin) and not kept.
    fn add(
        &mut self,
        text: &str,
        origin: Origin,
        stale: Vec<Span>,
    ) -> Result<Vec<(String, bool)>, ()> {
        let defined = defined_labels(text);
        let mut candidate = self.session.clone();
        for span in stale {
            blank(&mut candidate, span);
        }
        let mut result = Vec::new();
        for name in defined {
            let before = self.accepted.label(&name).map(|l| l.span);
            if let Some(span) = before {
                blank(&mut candidate, span);
            }
            result.push((name, before.is_some()));
        }
        candidate.push_str(text);
        if !text.ends_with('\n') {
            candidate.push('\n');
        }
        let mut origins = std::mem::take(&mut self.origins);
        origins.push(origin);
        match compile(&candidate) {
            Ok(program) => {
                self.origins = origins;
                self.session = candidate;
                self.accepted = program;
                Ok(result)
            }
            Err(diags) => {
                let mut shown = Vec::new();
                for d in diags.iter() {
                    shown.push(d.clone());
                }
                self.origins = origins;
                self.show_compile_errors(&CompileError::from(shown), &candidate);
                self.origins.pop();
                Err(())
            }
        }
    }

    /// The origin of the session's line `line`, and that line in it.
    fn locate(&self, line: u32) -> Option<(&Origin, u32)> {
        self.origins
            .iter()
            .find(|o| line >= o.first && line < o.first + o.lines)
            .map(|o| (o, line - o.first + o.own_first))
    }

    /// `span` of the session as a span of its origin.
    fn moved(&self, span: Span) -> Span {
        match self.locate(span.line) {
            Some((o, line)) => {
                let shift = |l: u32| l + line - span.line;
                let _ = o;
                Span {
                    line,
                    end_line: shift(span.end_line),
                    ..span
                }
            }
            None => span,
        }
    }

    /// The name and text to show a message at the session's line `line` with.
    fn origin_text(&self, line: u32) -> (String, &str) {
        match self.locate(line) {
            Some((o, _)) => (o.name.clone(), o.text.as_deref().unwrap_or(&self.typed)),
            None => ("<repl>".to_string(), &self.session),
        }
    }

    /// Prints compile errors of `candidate` (the session with an entry added), each in
    /// its origin.
    fn show_compile_errors(&self, diags: &CompileError, candidate: &str) {
        for d in diags.iter() {
            if self.locate(d.span.line).is_none() {
                err!("{}", d.render(candidate, "<repl>"));
                continue;
            }
            let mut d = d.clone();
            let (name, text) = self.origin_text(d.span.line);
            d.span = self.moved(d.span);
            for note in &mut d.notes {
                note.span = note.span.map(|s| self.moved(s));
            }
            err!("{}", d.render(text, &name));
        }
    }

    /// A runtime error of the session as its origin shows it, each call of its stack
    /// trace in its own origin.
    fn report(&mut self, e: &RuntimeError) -> u8 {
        let (name, text) = self.origin_text(e.span.line);
        let mut moved = e.clone();
        moved.span = self.moved(e.span);
        let place = |s: Span| {
            let (name, _) = self.origin_text(s.line);
            let at = self.moved(s);
            format!("{name}:{}:{}", at.line, at.col)
        };
        let rendered = moved.render_with(text, &name, &place);
        report_rendered(e, &rendered, None, &mut self.sink)
    }

    /// Runs the session's program from instruction `start`, the program's `read`
    /// answered by `lines`.
    fn execute(&mut self, start: usize, lines: &mut Lines) {
        self.machine.load(self.accepted.clone(), start);
        self.go_on(lines);
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
                trace_line(&mut std::io::stderr(), &self.machine);
            }
            let end = drive_reading(
                &mut self.machine,
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
                let (name, text) =
                    self.origin_text(self.machine.next_span().unwrap_or_default().line);
                let text = text.to_string();
                self.failed = report_input_failed(&e, &self.machine, &text, &name);
            }
            End::Interrupted => {
                end_the_output_line(&mut self.sink);
                let e = self.machine.interrupted();
                let (name, text) = self.origin_text(e.span.line);
                let mut e = e.clone();
                e.span = self.moved(e.span);
                err!("{}", e.render(text, &name));
            }
        }
        self.sink.flush();
        // The stack shown next starts a line of its own.
        self.sink.end_line();
    }

    fn command(&mut self, command: &str, lines: &mut Lines) -> Flow {
        let (name, arg) = command
            .split_once(char::is_whitespace)
            .map_or((command, ""), |(n, a)| (n, a.trim()));
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
            "clear" => self.clear_stack(),
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
        if self.accepted.labels().is_empty() {
            outln!("(no labels defined)");
        }
        for l in self.accepted.labels() {
            let (name, _) = self.origin_text(l.span.line);
            let at = self.moved(l.span);
            outln!("{:<16} {name}:{}:{}", l.name, at.line, at.col);
        }
    }

    /// `:disasm [LABEL]`: the compiled session, or the code of one label.
    fn disasm(&self, label: &str) {
        let all = disassemble(&self.accepted);
        if label.is_empty() {
            return out!("{all}");
        }
        if self.accepted.label(label).is_none() {
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

    fn clear_stack(&mut self) {
        self.machine = Machine::new(Program::default(), Vec::new()).with_limits(self.limits);
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
        let mut text = src.text;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        // Loaded again (`:reload`): the labels its earlier text defined and the new one
        // does not are gone.
        let defined_now = defined_labels(&text);
        let stale: Vec<(String, Span)> = self
            .accepted
            .labels()
            .iter()
            .filter(|l| !defined_now.contains(&l.name))
            .filter(|l| {
                self.locate(l.span.line)
                    .is_some_and(|(o, _)| o.path.as_deref() == Some(path))
            })
            .map(|l| (format!("`{}`", l.name), l.span))
            .collect();
        let origin = Origin {
            first: self.session_lines() + 1,
            lines: text.matches('\n').count() as u32,
            name: src.display_name.clone(),
            own_first: 1,
            text: Some(text.clone()),
            path: Some(path.to_path_buf()),
        };
        let removed: Vec<String> = stale.iter().map(|(n, _)| n.clone()).collect();
        match self.add(&text, origin, stale.into_iter().map(|(_, s)| s).collect()) {
            Ok(defined) => {
                lines.set_labels(self.labels());
                let redefined: Vec<String> = defined
                    .iter()
                    .filter(|(_, again)| *again)
                    .map(|(n, _)| format!("`{n}`"))
                    .collect();
                let names: Vec<&str> = defined.iter().map(|(n, _)| n.as_str()).collect();
                errln!("loaded {}; labels: {}", src.display_name, names.join(", "));
                if !redefined.is_empty() {
                    errln!("redefined {}", redefined.join(", "));
                }
                if !removed.is_empty() {
                    errln!("removed {} (no longer in the file)", removed.join(", "));
                }
                true
            }
            Err(()) => {
                self.failed = self.failed.max(EXIT_COMPILE);
                false
            }
        }
    }
}

/// Says which labels an entry defined (on standard error).
fn acknowledge(defined: &[(String, bool)]) {
    for (name, again) in defined {
        if *again {
            errln!("redefined `{name}`");
        } else {
            errln!("defined `{name}`");
        }
    }
}

/// The labels `text` defines, in order.
fn defined_labels(text: &str) -> Vec<String> {
    let (tokens, _) = lex(text);
    tokens
        .iter()
        .filter(|t| t.kind == TokenKind::LabelDef)
        .map(|t| t.label_name(text).to_string())
        .collect()
}

/// Blanks out the label definition at `span` of `text` (spaces of the same length, so
/// that every position after it holds).
fn blank(text: &mut String, span: Span) {
    let (from, to) = (span.start as usize, span.end as usize);
    if let Some(def) = text.get(from..to) {
        let spaces = " ".repeat(def.len());
        text.replace_range(from..to, &spaces);
    }
}

/// Where an entry runs from, as an instruction index within it: its start for code;
/// for a definition, the instruction after the one that ends it, when code follows on
/// the entry (`sq: dup * return 3 sq call println`); `None` when nothing is to run.
fn run_from(text: &str) -> Option<usize> {
    let (tokens, _) = lex(text);
    if !tokens
        .first()
        .is_some_and(|t| t.kind == TokenKind::LabelDef)
    {
        return Some(0);
    }
    let mut instructions = 0;
    let mut ended = false;
    for t in &tokens {
        if t.kind == TokenKind::LabelDef {
            if ended {
                return None;
            }
            continue;
        }
        if ended {
            return Some(instructions);
        }
        instructions += 1;
        ended = ends_flow(&t.kind);
    }
    None
}

/// Is `kind` an instruction after which execution cannot fall through?
fn ends_flow(kind: &TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Op(Op::Return | Op::Jmp | Op::Stop | Op::Exit)
    )
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
    while string_open(&text) || definition_open(&text) {
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

/// Does `text` start with a label definition?
pub fn is_definition(text: &str) -> bool {
    let (tokens, _) = lex(text);
    tokens
        .first()
        .is_some_and(|t| t.kind == TokenKind::LabelDef)
}

/// Is `text` a definition that goes on: it has no instruction after which execution
/// cannot fall through (`return`, `jmp`, `stop`, `exit`), and does not end with an empty
/// line?
pub fn definition_open(text: &str) -> bool {
    if !is_definition(text)
        || text
            .rsplit('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty())
    {
        return false;
    }
    let (tokens, _) = lex(text);
    !tokens.iter().any(|t| ends_flow(&t.kind))
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

    #[test]
    fn definitions_end_where_control_cannot_fall_through() {
        assert!(!is_definition("1 sq: dup"));
        assert!(is_definition("  sq: dup"));
        assert!(definition_open("sq:"));
        assert!(definition_open("sq:\ndup *"));
        assert!(!definition_open("sq:\ndup *\nreturn"));
        assert!(!definition_open("l: 1 + l jmp"));
        assert!(!definition_open("done: stop"));
        assert!(!definition_open("f: 1 +\n"), "an empty line ends it");
        assert!(!definition_open("1 2 +"));
        assert!(!definition_open("sq: dup * return 3 sq call println"));
    }

    #[test]
    fn code_after_a_definition_runs() {
        assert_eq!(run_from("1 2 +"), Some(0));
        assert_eq!(run_from("sq: dup * return"), None);
        assert_eq!(run_from("sq: dup * return 3 sq call println"), Some(3));
        assert_eq!(run_from("a: 1 return b: 2 return"), None);
    }

    #[test]
    fn blanking_a_definition_keeps_positions() {
        let mut s = String::from("1\n  sq: dup * return\nsq call\n");
        let p = compile(&s).unwrap();
        blank(&mut s, p.label("sq").unwrap().span);
        assert_eq!(s, "1\n      dup * return\nsq call\n");
    }
}
