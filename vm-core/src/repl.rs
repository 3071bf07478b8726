//! A REPL session: the rules by which `svm`'s REPL (with no file) and the playground's
//! console run entries one after the other on one live machine. Pure: the host reads
//! the entries, drives the machine ([`Session::machine_mut`]) and shows what it says.
//!
//! Entries that compile are kept: each new one is compiled after all of them, so labels
//! defined earlier can be called later. An entry that starts with a label definition
//! (`sq: dup * return`) defines it; it goes on over several lines while
//! [`definition_open`] (until an instruction after which execution cannot fall through,
//! `return`, `jmp`, `stop`, `exit`, or an empty line), and code after that instruction
//! on the same entry runs (`sq: dup * return 3 sq call println`). Defining a label again
//! replaces it: its earlier definition is blanked out of the session's source (spaces
//! of the same length, so positions hold), and calls made after that, also from earlier
//! definitions, go to the new one. Other entries run from their first token, on the
//! stack the earlier ones left. An entry that does not compile is not kept.
//!
//! Positions in messages are `<repl>:LINE:COL`, LINE counting every line typed since the
//! start or [`Session::reset`] (commands count as one line each); code added from a
//! file ([`Session::add_file`]) is reported in its file. With [`Limits::max_steps`],
//! each entry that runs may take that many steps (the REPL's per-entry budget): the
//! step count goes on over the session, the budget starts afresh with every entry.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::asm::compile;
use crate::error::{CompileError, Diagnostic, ErrorKind, RuntimeError, Span};
use crate::lexer::{lex, TokenKind};
use crate::machine::{Limits, Machine};
use crate::ops::Op;
use crate::program::Program;

/// The name messages give the typed lines.
pub const TYPED: &str = "<repl>";

/// Where a part of the session's source came from: typed lines, or a file.
#[derive(Clone, Debug)]
struct Origin {
    /// The session's line where it starts (1-based).
    first: u32,
    /// How many lines it has in the session.
    lines: u32,
    /// The session's byte offset where it starts.
    start: u32,
    /// What messages call it: [`TYPED`] or the file's name.
    name: String,
    /// Its own line number of its first line.
    own_first: u32,
    /// Its own byte offset of its first byte.
    own_start: u32,
    /// A file's text (typed lines are in [`Session::typed`]).
    text: Option<String>,
    /// What the host calls the file (its path), for [`Session::add_file`] again.
    key: Option<String>,
}

/// A definition typed, for [`Session::definitions`]: the part of the session's source
/// that defines labels, and the labels of it still in effect.
#[derive(Clone, Debug)]
struct Definition {
    from: usize,
    to: usize,
    labels: Vec<String>,
}

/// A label an entry defined, and whether it was defined before (`redefined`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defined {
    /// The label's name.
    pub name: String,
    /// It was defined before: this replaces it.
    pub again: bool,
}

/// A compile error of an entry, placed in its origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// [`TYPED`], or the file's name.
    pub origin: String,
    /// The diagnostic, its positions in its origin's own text (for typed lines: the
    /// text typed since the start or `:reset`, [`Session::typed`]).
    pub diagnostic: Diagnostic,
}

/// What became of an entry ([`Session::enter`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entered {
    /// `quit` or `help` typed as a word where the command was meant: the message.
    Hint(String),
    /// It did not compile and is not kept: its errors placed, and rendered as `svm`
    /// prints them (source lines with carets).
    Rejected {
        /// The errors, in their origins.
        errors: Vec<Placed>,
        /// Their rendering.
        rendered: String,
    },
    /// It was kept: the labels it defined, and whether code of it is to run (the
    /// machine is then at its start: drive it to its end).
    Accepted {
        /// The labels it defined, in order.
        defined: Vec<Defined>,
        /// Whether code of it runs.
        runs: bool,
    },
}

/// A command (`:reset`, `:clear`, ...): `text` starting with `:`, as its name and
/// argument (both trimmed); `None` for code.
pub fn command(text: &str) -> Option<(&str, &str)> {
    let command = text.trim().strip_prefix(':')?.trim();
    Some(
        command
            .split_once(char::is_whitespace)
            .map_or((command, ""), |(n, a)| (n, a.trim())),
    )
}

/// A REPL session: the source kept so far, its program and the machine.
#[derive(Clone, Debug)]
pub struct Session {
    limits: Limits,
    /// The source of every entry and file kept, one after the other; a label defined
    /// again has its earlier definition blanked out.
    source: String,
    origins: Vec<Origin>,
    /// Every line typed since the start or `reset`.
    typed: String,
    accepted: Program,
    machine: Machine,
    definitions: Vec<Definition>,
}

impl Session {
    /// A new session: nothing defined, an empty stack; `limits` for its machine
    /// ([`Limits::max_steps`]: per entry).
    pub fn new(limits: Limits) -> Session {
        Session {
            limits,
            source: String::new(),
            origins: Vec::new(),
            typed: String::new(),
            accepted: Program::default(),
            machine: Machine::new(Program::default(), Vec::new()).with_limits(limits),
            definitions: Vec::new(),
        }
    }

    /// `:reset`: forgets everything (labels, stack, the lines typed).
    pub fn reset(&mut self) {
        *self = Session::new(self.limits);
    }

    /// `:clear`: empties the stack; the labels stay.
    pub fn clear_stack(&mut self) {
        self.machine = Machine::new(Program::default(), Vec::new()).with_limits(self.limits);
    }

    /// A command was typed (other than `:reset`): it counts as a line.
    pub fn command_typed(&mut self) {
        self.typed.push('\n');
    }

    /// The machine, with the stack the entries left.
    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// The machine, to drive an entry that runs to its end.
    pub fn machine_mut(&mut self) -> &mut Machine {
        &mut self.machine
    }

    /// The program of every entry kept.
    pub fn program(&self) -> &Program {
        &self.accepted
    }

    /// The lines typed since the start or `reset` (what `<repl>:LINE` counts).
    pub fn typed(&self) -> &str {
        &self.typed
    }

    /// The line (of [`Session::typed`]) the next entry starts on.
    pub fn next_line(&self) -> u32 {
        lines_of(&self.typed) + 1
    }

    /// The labels defined so far, in the order of the session's source.
    pub fn labels(&self) -> Vec<String> {
        self.accepted
            .labels()
            .iter()
            .map(|l| l.name.clone())
            .collect()
    }

    /// The labels, each with its origin's name and the position of its definition there
    /// (`:words`).
    pub fn words(&self) -> Vec<(String, String, Span)> {
        self.accepted
            .labels()
            .iter()
            .map(|l| {
                (
                    l.name.clone(),
                    self.origin_of(l.span.line).0,
                    self.moved(l.span),
                )
            })
            .collect()
    }

    /// The definitions typed that are still in effect, in the order they were typed, each
    /// ending with a line break (a label defined again keeps only its last definition).
    pub fn definitions(&self) -> String {
        let mut out = String::new();
        for d in self.definitions.iter().filter(|d| !d.labels.is_empty()) {
            out.push_str(self.source[d.from..d.to].trim());
            out.push('\n');
        }
        out
    }

    /// Starts with a program that ran: `machine` made from `text` (named `name`, the file
    /// `key`), run by the host; its labels stay defined (`svm -i FILE`).
    pub fn start_with(&mut self, text: &str, name: &str, key: &str, machine: Machine) {
        let mut text = String::from(text);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.origins.push(Origin {
            first: 1,
            lines: lines_of(&text),
            start: 0,
            name: name.to_string(),
            own_first: 1,
            own_start: 0,
            text: Some(text.clone()),
            key: Some(key.to_string()),
        });
        self.source = text;
        self.accepted = machine.program().clone();
        self.machine = machine;
    }

    /// Takes a typed entry (not a command; several lines joined with `\n`): compiles it
    /// after the session, keeps it when it compiles, and when code of it is to run, loads
    /// the machine at its start with the per-entry budget.
    pub fn enter(&mut self, text: &str) -> Entered {
        let own_first = self.next_line();
        let own_start = self.typed.len() as u32;
        self.typed.push_str(text);
        self.typed.push('\n');
        let word = text.trim();
        if matches!(word, "quit" | "help") && self.accepted.label(word).is_none() {
            return Entered::Hint(format!("`{word}` is not an operation: type :{word}"));
        }
        let origin = Origin {
            first: lines_of(&self.source) + 1,
            lines: lines_of(text) + 1,
            start: self.source.len() as u32,
            name: TYPED.to_string(),
            own_first,
            own_start,
            text: None,
            key: None,
        };
        let at = self.source.len();
        let start = self.accepted.code().len();
        match self.add(text, origin, Vec::new()) {
            Ok(defined) => {
                let from = run_from(text);
                if is_definition(text) {
                    let to = at + from.map_or(text.len(), |(_, byte)| byte);
                    let labels = defined.iter().map(|d| d.name.clone()).collect();
                    self.definitions.push(Definition {
                        from: at,
                        to,
                        labels,
                    });
                }
                if let Some((first, _)) = from {
                    self.machine.load(self.accepted.clone(), start + first);
                    self.give_budget();
                }
                Entered::Accepted {
                    defined,
                    runs: from.is_some(),
                }
            }
            Err((errors, rendered)) => Entered::Rejected { errors, rendered },
        }
    }

    /// A file's labels join the session (`:load`), replacing those defined before, and
    /// those that its earlier text (added with the same `key`) defined and this one does
    /// not go: nothing of it runs. The labels it defined, and those removed; or its
    /// errors, rendered (the file is not added).
    pub fn add_file(
        &mut self,
        text: &str,
        name: &str,
        key: &str,
    ) -> Result<(Vec<Defined>, Vec<String>), String> {
        let mut text = String::from(text);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let defined_now = defined_labels(&text);
        let stale: Vec<&crate::program::Label> = self
            .accepted
            .labels()
            .iter()
            .filter(|l| !defined_now.contains(&l.name))
            .filter(|l| {
                self.locate(l.span.line)
                    .is_some_and(|(o, _)| o.key.as_deref() == Some(key))
            })
            .collect();
        let removed: Vec<String> = stale.iter().map(|l| l.name.clone()).collect();
        let spans = stale.iter().map(|l| l.span).collect();
        let origin = Origin {
            first: lines_of(&self.source) + 1,
            lines: lines_of(&text),
            start: self.source.len() as u32,
            name: name.to_string(),
            own_first: 1,
            own_start: 0,
            text: Some(text.clone()),
            key: Some(key.to_string()),
        };
        match self.add(&text, origin, spans) {
            Ok(defined) => Ok((defined, removed)),
            Err((_, rendered)) => Err(rendered),
        }
    }

    /// Gives the machine the per-entry budget: [`Limits::max_steps`] more steps.
    fn give_budget(&mut self) {
        let limits = Limits {
            max_steps: self
                .limits
                .max_steps
                .map(|n| self.machine.steps().saturating_add(n)),
            ..self.limits
        };
        let machine = core::mem::replace(
            &mut self.machine,
            Machine::new(Program::default(), Vec::new()),
        );
        self.machine = machine.with_limits(limits);
    }

    /// Adds `text` (from `origin`) to the session, blanking out `stale` and the earlier
    /// definitions of the labels it defines again; the labels it defines. A text that
    /// does not compile is not kept: its errors, placed and rendered.
    fn add(
        &mut self,
        text: &str,
        origin: Origin,
        stale: Vec<Span>,
    ) -> Result<Vec<Defined>, (Vec<Placed>, String)> {
        let mut candidate = self.source.clone();
        for span in stale {
            blank(&mut candidate, span);
        }
        let mut result = Vec::new();
        for name in defined_labels(text) {
            let before = self.accepted.label(&name).map(|l| l.span);
            if let Some(span) = before {
                blank(&mut candidate, span);
            }
            result.push(Defined {
                name,
                again: before.is_some(),
            });
        }
        candidate.push_str(text);
        if !text.ends_with('\n') {
            candidate.push('\n');
        }
        self.origins.push(origin);
        match compile(&candidate) {
            Ok(program) => {
                self.source = candidate;
                self.accepted = program;
                for d in &mut self.definitions {
                    d.labels.retain(|l| !result.iter().any(|r| &r.name == l));
                }
                Ok(result)
            }
            Err(diags) => {
                let shown = self.place_errors(&diags, &candidate);
                self.origins.pop();
                Err(shown)
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
    pub fn moved(&self, span: Span) -> Span {
        match self.locate(span.line) {
            Some((o, line)) => Span {
                start: span.start - o.start + o.own_start,
                end: span.end - o.start + o.own_start,
                line,
                end_line: span.end_line + line - span.line,
                ..span
            },
            None => span,
        }
    }

    /// The name and the text of the origin of the session's line `line`.
    pub fn origin_of(&self, line: u32) -> (String, &str) {
        match self.locate(line) {
            Some((o, _)) => (o.name.clone(), o.text.as_deref().unwrap_or(&self.typed)),
            None => (TYPED.to_string(), &self.source),
        }
    }

    /// The errors of `candidate` (the session with a text added), each in its origin,
    /// and their rendering.
    fn place_errors(&self, diags: &CompileError, candidate: &str) -> (Vec<Placed>, String) {
        let mut placed = Vec::new();
        let mut rendered = String::new();
        for d in diags.iter() {
            if self.locate(d.span.line).is_none() {
                rendered.push_str(&d.render(candidate, TYPED));
                continue;
            }
            let mut d = d.clone();
            let (name, text) = self.origin_of(d.span.line);
            d.span = self.moved(d.span);
            for note in &mut d.notes {
                note.span = note.span.map(|s| self.moved(s));
            }
            rendered.push_str(&d.render(text, &name));
            placed.push(Placed {
                origin: name,
                diagnostic: d,
            });
        }
        (placed, rendered)
    }

    /// A runtime error of the session's machine in its origin: its position moved there,
    /// a step limit said as the per-entry budget. With its origin's name and text.
    pub fn placed_error(&self, e: &RuntimeError) -> (RuntimeError, String, &str) {
        let (name, text) = self.origin_of(e.span.line);
        let mut moved = e.clone();
        moved.span = self.moved(e.span);
        if let (ErrorKind::StepLimit { .. }, Some(limit)) = (&e.kind, self.limits.max_steps) {
            moved.kind = ErrorKind::StepLimit { limit };
        }
        (moved, name, text)
    }

    /// A runtime error of the session's machine rendered as `svm` prints it, in its
    /// origin, each call of its stack trace in its own origin.
    pub fn render_error(&self, e: &RuntimeError) -> String {
        let (moved, name, text) = self.placed_error(e);
        let place = |s: Span| {
            let (name, _) = self.origin_of(s.line);
            let at = self.moved(s);
            format!("{name}:{}:{}", at.line, at.col)
        };
        moved.render_with(text, &name, &place)
    }
}

/// How many line breaks `text` has.
fn lines_of(text: &str) -> u32 {
    text.matches('\n').count() as u32
}

/// The stack as the REPL prints it: literals, bottom first, top on the right; only the
/// top `max` values, with how many more there are (`[… 4 more, 5 "a b"]`).
pub fn stack_line(m: &Machine, max: usize) -> String {
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
/// The labels `text` defines, in order.
pub fn defined_labels(text: &str) -> Vec<String> {
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

/// Where an entry runs from: the index of an instruction within it, and the byte offset
/// of its token. Its start for code; for a definition, the instruction after the one
/// that ends it, when code follows on the entry (`sq: dup * return 3 sq call println`);
/// `None` when nothing is to run.
pub fn run_from(text: &str) -> Option<(usize, usize)> {
    let (tokens, _) = lex(text);
    if !tokens
        .first()
        .is_some_and(|t| t.kind == TokenKind::LabelDef)
    {
        return Some((0, 0));
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
            return Some((instructions, t.span.start as usize));
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

/// Is `text` an entry that goes on over another line: a string or a definition open?
pub fn entry_open(text: &str) -> bool {
    string_open(text) || definition_open(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::Status;
    use crate::value::Value;

    /// Runs every entry of `entries` in one session: after each, the stack (or what
    /// became of it).
    fn session(limits: Limits, entries: &[&str]) -> Vec<String> {
        let mut s = Session::new(limits);
        let mut shown = Vec::new();
        for e in entries {
            if let Some((name, _)) = command(e) {
                match name {
                    "reset" => s.reset(),
                    "clear" => {
                        s.command_typed();
                        s.clear_stack();
                    }
                    _ => s.command_typed(),
                }
                shown.push(format!("{:?}", s.machine().stack()));
                continue;
            }
            match s.enter(e) {
                Entered::Hint(h) => shown.push(h),
                Entered::Rejected { rendered, .. } => shown.push(rendered),
                Entered::Accepted { runs, .. } => {
                    if runs {
                        let mut out = String::new();
                        if let Status::Failed(e) = s.machine_mut().run(u64::MAX, &mut out) {
                            shown.push(s.render_error(&e));
                            continue;
                        }
                    }
                    shown.push(format!("{:?}", s.machine().stack()));
                }
            }
        }
        shown
    }

    fn num(n: i64) -> Value {
        Value::Num(n)
    }

    #[test]
    fn definitions_are_kept_and_called_later() {
        let shown = session(
            Limits::default(),
            &[
                "3",
                "sq: dup * return",
                "sq call",
                "sq: dup dup * * return",
                "sq call",
            ],
        );
        assert_eq!(shown[2], format!("{:?}", [num(9)]));
        assert_eq!(shown[4], format!("{:?}", [num(729)]));
    }

    #[test]
    fn redefining_says_so_and_earlier_callers_follow() {
        let mut s = Session::new(Limits::default());
        assert_eq!(
            s.enter("sq: dup * return"),
            Entered::Accepted {
                defined: alloc::vec![Defined {
                    name: "sq".into(),
                    again: false
                }],
                runs: false
            }
        );
        s.enter("quad: sq call sq call return");
        assert_eq!(
            s.enter("sq: 1 + return"),
            Entered::Accepted {
                defined: alloc::vec![Defined {
                    name: "sq".into(),
                    again: true
                }],
                runs: false
            }
        );
        assert!(matches!(
            s.enter("5 quad call"),
            Entered::Accepted { runs: true, .. }
        ));
        s.machine_mut().run(u64::MAX, &mut String::new());
        assert_eq!(s.machine().stack(), [num(7)]);
        assert_eq!(
            s.definitions(),
            "quad: sq call sq call return\nsq: 1 + return\n"
        );
        assert_eq!(s.labels(), ["quad", "sq"]);
    }

    #[test]
    fn code_after_a_definition_runs() {
        assert_eq!(run_from("1 2 +"), Some((0, 0)));
        assert_eq!(run_from("sq: dup * return"), None);
        assert_eq!(
            run_from("sq: dup * return 3 sq call println"),
            Some((3, 17))
        );
        assert_eq!(run_from("a: 1 return b: 2 return"), None);
        let shown = session(Limits::default(), &["sq: dup * return 3 sq call"]);
        assert_eq!(shown, [format!("{:?}", [num(9)])]);
    }

    #[test]
    fn errors_point_into_the_lines_typed() {
        let mut s = Session::new(Limits::default());
        s.enter("1");
        s.machine_mut().run(u64::MAX, &mut String::new());
        s.command_typed();
        match s.enter("2 nope call") {
            Entered::Rejected { errors, rendered } => {
                let d = &errors[0].diagnostic;
                assert_eq!(errors[0].origin, TYPED);
                assert_eq!((d.span.line, d.span.col), (3, 3));
                assert_eq!(
                    &s.typed()[d.span.start as usize..d.span.end as usize],
                    "nope"
                );
                assert!(rendered.contains("--> <repl>:3:3"), "{rendered}");
            }
            other => panic!("{other:?}"),
        }
        // Not kept: the stack and labels are as before.
        assert_eq!(s.machine().stack(), [num(1)]);
        assert!(matches!(s.enter("+"), Entered::Accepted { runs: true, .. }));
        match s.machine_mut().run(u64::MAX, &mut String::new()) {
            Status::Failed(e) => {
                let (moved, name, text) = s.placed_error(&e);
                assert_eq!(
                    (name.as_str(), moved.span.line, moved.span.col),
                    (TYPED, 4, 1)
                );
                assert_eq!(
                    &text[moved.span.start as usize..moved.span.end as usize],
                    "+"
                );
                assert!(s.render_error(&e).contains("--> <repl>:4:1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reset_forgets_everything_and_lines_count_again() {
        let shown = session(
            Limits::default(),
            &["1", "sq: dup * return", ":reset", "sq call"],
        );
        assert_eq!(shown[2], "[]");
        assert!(shown[3].contains("undefined label `sq`"), "{}", shown[3]);
        assert!(shown[3].contains("<repl>:1:1"), "{}", shown[3]);
    }

    #[test]
    fn clear_empties_the_stack_and_keeps_the_labels() {
        let shown = session(
            Limits::default(),
            &["2 sq: dup * return", ":clear", "3 sq call"],
        );
        assert_eq!(shown[1], "[]");
        assert_eq!(shown[2], format!("{:?}", [num(9)]));
    }

    #[test]
    fn the_budget_is_per_entry() {
        let limits = Limits {
            max_steps: Some(100),
            ..Limits::default()
        };
        // Each entry may take 100 steps, however many the ones before took.
        let many = "0 l: 1 + dup 10 < l done if jmp done:";
        let shown = session(limits, &[many, ":clear", many, "0 l2: l2 jmp"]);
        assert_eq!(shown[0], format!("{:?}", [num(10)]));
        assert_eq!(shown[2], format!("{:?}", [num(10)]));
        assert!(
            shown[3].contains("step limit: 100 steps executed"),
            "{}",
            shown[3]
        );
    }

    #[test]
    fn hints_for_commands_typed_without_their_colon() {
        let shown = session(Limits::default(), &["quit", "help"]);
        assert_eq!(
            shown,
            [
                "`quit` is not an operation: type :quit",
                "`help` is not an operation: type :help"
            ]
        );
        assert_eq!(command(" :load  a b "), Some(("load", "a b")));
        assert_eq!(command("1 2"), None);
    }

    #[test]
    fn files_replace_and_remove_their_labels() {
        let mut s = Session::new(Limits::default());
        let (defined, removed) = s
            .add_file("a: 1 return\nb: 2 return\n", "lib.svm", "lib.svm")
            .unwrap();
        assert_eq!(defined.len(), 2);
        assert!(removed.is_empty());
        let (defined, removed) = s.add_file("a: 3 return\n", "lib.svm", "lib.svm").unwrap();
        assert_eq!(
            defined,
            [Defined {
                name: "a".into(),
                again: true
            }]
        );
        assert_eq!(removed, ["b"]);
        let words = s.words();
        assert_eq!(words.len(), 1);
        assert_eq!((words[0].1.as_str(), words[0].2.line), ("lib.svm", 1));
        assert!(s
            .add_file("x: nope return", "bad.svm", "bad.svm")
            .unwrap_err()
            .contains("bad.svm:1:4"));
    }

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
        assert!(entry_open("\"abc") && entry_open("sq: dup"));
    }

    #[test]
    fn blanking_a_definition_keeps_positions() {
        let mut s = String::from("1\n  sq: dup * return\nsq call\n");
        let p = compile(&s).unwrap();
        blank(&mut s, p.label("sq").unwrap().span);
        assert_eq!(s, "1\n      dup * return\nsq call\n");
    }
}
