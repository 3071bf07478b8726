//! The REPL: each entry is compiled and run on the same machine; the stack is shown after
//! each one; errors are shown and the session goes on.
//!
//! Entries that compile are kept: each new one is compiled after all of them, so labels
//! defined earlier can be called later. An entry that starts with a label definition
//! (`sq: dup * return`) is a definition: it is kept and not run, and it goes on over
//! several lines (prompt `... `) until one ends with `return`, `jmp`, `stop` or `exit`,
//! or an empty line. Other entries run from their first token. Positions in messages are
//! `<repl>:LINE:COL`, LINE counting every line typed since the start or `:reset`.

use std::io::IsTerminal;
use std::path::Path;

use vm_core::lexer::{lex, TokenKind};
use vm_core::{compile, Limits, Machine, Op, Program, Quiet, OPS};

use crate::editor::Lines;
use crate::host::{clear_interrupt, drive_reading, format_stack, report, End, Read, Sink};
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

/// The text of `:help`.
fn help() -> String {
    let mut s = String::from(
        "Type code and press Enter: it runs, and the stack is shown (top on the right).\n\
         An entry that starts with a label definition (`name:`) defines it without running;\n\
         it may go on over several lines (prompt `... `) until `return`, `jmp`, `stop` or\n\
         `exit` ends it, or an empty line. A string left open goes on the same way.\n\
         Examples (typed in this order):\n",
    );
    for (typed, shown) in EXAMPLES {
        s.push_str(&format!("  > {typed:<30} {shown}\n"));
    }
    s.push_str(
        "Commands: :help, :ops (list operations), :load FILE (its labels, not run),\n\
         :clear (empty the stack), :reset (forget everything), :quit (or Ctrl+D).\n\
         Keys: Up/Down history, Ctrl+R search it, Tab completes, Ctrl+L clears the screen,\n\
         Ctrl+C drops the line being typed or stops the one running.",
    );
    s
}

/// Runs the REPL on stdin; returns the process exit code. With `start`, the REPL
/// starts with that program's labels, after running it (`svm -i FILE`).
pub fn run(limits: Limits, start: Option<(source::Source, Machine)>) -> u8 {
    let mut lines = Lines::open(std::io::stdin().is_terminal());
    if lines.interactive() {
        errln!(
            "simple-vm {} REPL. :help for help, :quit or Ctrl-D to leave.",
            env!("CARGO_PKG_VERSION")
        );
    }
    let mut repl = Repl::new(limits);
    if let Some((src, machine)) = start {
        repl.start_with(src, machine, &mut lines);
    }
    loop {
        let text = match read_entry(&mut lines) {
            Entry::Text(text) => text,
            Entry::Cancelled => continue,
            Entry::End => break,
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

/// A REPL session: the source kept so far, its program and the machine.
struct Repl {
    limits: Limits,
    /// Every line typed (the ones that failed to compile as empty lines, so that line
    /// numbers stay those typed).
    session: String,
    /// The program of `session`.
    accepted: Program,
    machine: Machine,
    sink: Sink,
    /// The exit code of a session fed from a pipe: 0, [`EXIT_COMPILE`] when an entry
    /// failed to compile, [`EXIT_RUNTIME`] when one failed at run time.
    failed: u8,
}

impl Repl {
    fn new(limits: Limits) -> Repl {
        Repl {
            limits,
            session: String::new(),
            accepted: Program::default(),
            machine: Machine::new(Program::default(), Vec::new()).with_limits(limits),
            sink: Sink::stdout(),
            failed: 0,
        }
    }

    /// Starts with a program file: runs `machine` (made from it) from its start; its
    /// labels stay defined (`svm -i FILE`).
    fn start_with(&mut self, src: source::Source, machine: Machine, lines: &mut Lines) {
        self.session = src.text;
        if !self.session.ends_with('\n') {
            self.session.push('\n');
        }
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
        if let Some(command) = text.trim().strip_prefix(':') {
            let flow = self.command(command.trim(), lines);
            // Keep the line count, so that positions are input line numbers (after
            // :reset they start again at 1).
            if !self.session.is_empty() || !command.trim().starts_with("reset") {
                self.session.push('\n');
            }
            if flow == Flow::Go {
                outln!("{}", format_stack(&self.machine, 32));
            }
            return flow;
        }
        let word = text.trim();
        if matches!(word, "quit" | "help") && self.accepted.label(word).is_none() {
            errln!("error: `{word}` is not an operation: type :{word}");
            self.session.push('\n');
            return Flow::Go;
        }
        let candidate = format!("{}{text}\n", self.session);
        let program = match compile(&candidate) {
            Ok(p) => p,
            Err(diags) => {
                err!("{}", diags.render(&candidate, "<repl>"));
                self.session.extend(text.split('\n').map(|_| '\n'));
                self.failed = self.failed.max(EXIT_COMPILE);
                return Flow::Go;
            }
        };
        let start = self.accepted.code().len();
        self.session = candidate;
        self.accepted = program.clone();
        lines.set_labels(self.labels());
        if !is_definition(text) {
            self.execute(program, start, lines);
        }
        outln!("{}", format_stack(&self.machine, 32));
        Flow::Go
    }

    /// Runs `program` from instruction `start`, the program's `read` answered by `lines`.
    fn execute(&mut self, program: Program, start: usize, lines: &mut Lines) {
        self.machine.load(program, start);
        self.go_on(lines);
    }

    /// Runs the machine from where it is to the end of its program.
    fn go_on(&mut self, lines: &mut Lines) {
        clear_interrupt();
        let mut input = || lines.read("", false);
        let end = drive_reading(
            &mut self.machine,
            &mut self.sink,
            u64::MAX,
            &mut Quiet,
            &mut input,
        );
        match end {
            End::Halted(_) | End::Paused => {}
            End::Failed(e) => {
                let program = self.machine.program();
                report(&e, program, &mut self.sink, &self.session, "<repl>");
                self.failed = EXIT_RUNTIME;
            }
            End::Interrupted => {
                err!(
                    "{}",
                    self.machine.interrupted().render(&self.session, "<repl>")
                )
            }
        }
        self.sink.flush();
    }

    fn command(&mut self, command: &str, lines: &mut Lines) -> Flow {
        let (name, arg) = command
            .split_once(char::is_whitespace)
            .map_or((command, ""), |(n, a)| (n, a.trim()));
        match name {
            "quit" | "q" => return Flow::Quit,
            "ops" => {
                for op in OPS {
                    outln!("{:<9} {:<20} {}", op.name, op.effect, op.doc);
                }
            }
            "clear" => self.clear_stack(),
            "reset" => {
                *self = Repl::new(self.limits);
                lines.set_labels(Vec::new());
            }
            "load" if !arg.is_empty() => self.load(Path::new(arg), lines),
            "load" => errln!("error: `:load` needs a file: `:load FILE`"),
            "help" | "h" | "?" | "" => outln!("{}", help()),
            _ => errln!("error: unknown command `:{name}`; :help lists the commands"),
        }
        Flow::Go
    }

    fn clear_stack(&mut self) {
        self.machine = Machine::new(Program::default(), Vec::new()).with_limits(self.limits);
    }

    /// `:load FILE`: the file's labels join the session; nothing of it runs.
    fn load(&mut self, path: &Path, lines: &mut Lines) {
        let src = match source::load(path) {
            Ok(s) => s,
            Err(source::LoadError::Usage(msg)) => return errln!("error: {msg}"),
            Err(source::LoadError::Invalid(msg)) => return err!("{msg}"),
        };
        if let Err(diags) = compile(&src.text) {
            err!("{}", diags.render(&src.text, &src.display_name));
            return;
        }
        let candidate = format!("{}{}\n", self.session, src.text);
        match compile(&candidate) {
            Ok(p) => {
                self.session = candidate;
                self.accepted = p;
                lines.set_labels(self.labels());
                let names = self.labels().join(", ");
                errln!("loaded {}; labels: {names}", src.display_name);
            }
            Err(diags) => {
                err!("{}", diags.render(&candidate, "<repl>"));
            }
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
}

fn read_entry(lines: &mut Lines) -> Entry {
    let mut text = match lines.read("> ", true) {
        Read::Line(line) => line,
        Read::Interrupted => return Entry::Cancelled,
        Read::End => return Entry::End,
    };
    while string_open(&text) || definition_open(&text) {
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

/// Does `text` start with a label definition?
pub fn is_definition(text: &str) -> bool {
    let (tokens, _) = lex(text);
    tokens
        .first()
        .is_some_and(|t| t.kind == TokenKind::LabelDef)
}

/// Is `text` a definition that goes on: it does not end with an instruction after
/// which execution cannot fall through (`return`, `jmp`, `stop`, `exit`), nor with an
/// empty line?
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
    !tokens.last().is_some_and(|t| {
        matches!(
            t.kind,
            TokenKind::Op(Op::Return | Op::Jmp | Op::Stop | Op::Exit)
        )
    })
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
    }
}
