//! The warnings of the analysis, and their rendering (like a compile error's, as
//! `warning: …`).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

use crate::error::{excerpt, Note, Span};
use crate::program::{Instr, Program};
use crate::text::{counted, escape_controls};

use super::comment::Comments;
use super::flow::{pops, Depth};
use super::{Effect, Effects, Entry, Work};

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// Two paths meet with different stack depths (at an instruction, or at the returns
    /// of a routine).
    DepthsDiffer,
    /// On a path, an operation certainly finds fewer values than it takes.
    Underflow,
    /// A label's stack comment disagrees with its inferred effect.
    StackComment,
}

impl WarningKind {
    /// A short name: `depths-differ`, `underflow`, `stack-comment`.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::DepthsDiffer => "depths-differ",
            WarningKind::Underflow => "underflow",
            WarningKind::StackComment => "stack-comment",
        }
    }
}

/// A warning: the program compiles and may run, but something about its stack is off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// What is off, in one line.
    pub message: String,
    /// Where.
    pub span: Span,
    /// More context: related positions.
    pub notes: Vec<Note>,
}

impl Warning {
    /// Renders the warning as a compile error is rendered, but as `warning: …`: the
    /// position as `--> FILE:LINE:COL`, the source line with a caret under the token,
    /// and the notes.
    ///
    /// ```
    /// use vm_core::effects::Effects;
    /// let source = "1 a b if jmp\na: 1\nb: println";
    /// let program = vm_core::compile(source).unwrap();
    /// let effects = Effects::analyze(&program, source, None);
    /// let shown = effects.warnings()[0].render(source, "x.svm");
    /// assert!(shown.starts_with("warning: paths meet at `b` with different stack depths"), "{shown}");
    /// assert!(shown.contains(" --> x.svm:3:4\n  |\n3 | b: println\n  |    ^^^^^^^\n"), "{shown}");
    /// ```
    pub fn render(&self, source: &str, file: &str) -> String {
        let mut out = String::new();
        let s = self.span;
        let pad = " ".repeat(format!("{}", s.line).len());
        let file = escape_controls(file);
        let _ = writeln!(out, "warning: {}", escape_controls(&self.message));
        let _ = writeln!(out, "{pad}--> {file}:{}:{}", s.line, s.col);
        if let Some((text, carets)) = excerpt(source, s) {
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{} | {text}", s.line);
            let _ = writeln!(out, "{pad} | {carets}");
        }
        for note in &self.notes {
            let message = escape_controls(&note.message);
            match note.span {
                Some(n) => {
                    let _ = writeln!(out, "{pad} = note: {message} ({file}:{}:{})", n.line, n.col);
                }
                None => {
                    let _ = writeln!(out, "{pad} = note: {message}");
                }
            }
        }
        out
    }
}

fn warning(kind: WarningKind, message: String, span: Span) -> Warning {
    Warning {
        kind,
        message,
        span,
        notes: Vec::new(),
    }
}

fn note(w: &mut Warning, message: String, span: Option<Span>) {
    w.notes.push(Note { message, span });
}

/// How a routine is named in messages.
fn name(program: &Program, w: &Work) -> String {
    match w.entry {
        Entry::Program => String::from("the program"),
        Entry::Address(a) => match program.label_at(a) {
            Some(l) => format!("`{l}`"),
            None => format!("the routine at address {a}"),
        },
    }
}

/// The warnings of an analysis, in source order.
pub(super) fn warnings(
    program: &Program,
    routines: &[Work],
    effects: &Effects,
    comments: &Comments,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let span = |pc: usize| program.span(pc).unwrap_or_default();
    // Paths that meet with different depths, in the routine each instruction is shown in.
    for (i, w) in routines.iter().enumerate() {
        let base = w.flow.needs;
        for (&pc, s) in &w.flow.states {
            let Depth::Conflict(a, b) = s.depth else {
                continue;
            };
            if effects.owner.get(pc).copied().flatten() != Some(i) {
                continue;
            }
            let (lo, hi) = (a.min(b) + base, a.max(b) + base);
            let at = match program.label_at(program.address(pc)) {
                Some(l) => format!("at `{l}` "),
                None => String::new(),
            };
            let mut x = warning(
                WarningKind::DepthsDiffer,
                format!("paths meet {at}with different stack depths: {lo} and {hi} values"),
                span(pc),
            );
            note(
                &mut x,
                String::from(
                    "a loop that grows or shrinks the stack each round, or branches that leave \
                     different numbers of values, have no fixed depth: none is claimed from here",
                ),
                None,
            );
            out.push(x);
        }
    }
    // Routines whose returns leave different depths.
    let mut seen = BTreeSet::new();
    for w in routines.iter().filter(|w| !w.main) {
        let known: Vec<(usize, i64)> = w
            .flow
            .returns
            .iter()
            .filter_map(|(&pc, d)| d.known().map(|d| (pc, d)))
            .collect();
        let Some(&(first, d0)) = known.first() else {
            continue;
        };
        if let Some(&(pc, d)) = known.iter().find(|(_, d)| *d != d0) {
            if seen.insert(pc) {
                let base = w.flow.needs;
                let mut x = warning(
                    WarningKind::DepthsDiffer,
                    format!(
                        "{} returns with different stack depths: {} here, {} at the other return",
                        name(program, w),
                        counted((d + base).max(0) as u64, "value"),
                        counted((d0 + base).max(0) as u64, "value"),
                    ),
                    span(pc),
                );
                note(&mut x, String::from("the other return"), Some(span(first)));
                out.push(x);
            }
        }
    }
    underflows(program, routines, effects, &mut out);
    stack_comments(program, effects, comments, &mut out);
    by_position(out)
}

/// The warnings in source order (by position, then kind, then as found). A stable sort,
/// made of the unstable sort of numbers this module already has: a sort of the warnings
/// themselves is 10 KB more of the page's WebAssembly.
fn by_position(out: Vec<Warning>) -> Vec<Warning> {
    let rank = |k: WarningKind| match k {
        WarningKind::DepthsDiffer => 0,
        WarningKind::StackComment => 1,
        WarningKind::Underflow => 2,
    };
    // Position (a u32) in the high bits, then the kind (2 bits), then the index (29 bits:
    // more warnings than that would not fit in memory).
    let mut keys: Vec<i64> = out
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let i = i64::try_from(i).unwrap_or(0) & ((1 << 29) - 1);
            (i64::from(w.span.start) << 31) | (rank(w.kind) << 29) | i
        })
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<Warning>> = out.into_iter().map(Some).collect();
    keys.iter()
        .filter_map(|k| {
            slots
                .get_mut(usize::try_from(k & ((1 << 29) - 1)).ok()?)?
                .take()
        })
        .collect()
}

/// The least depth each routine is certainly entered with on some path from the
/// program's start (when the program's arguments are known), and the call that gives it.
fn entries(routines: &[Work], effects: &Effects, args: i64) -> Vec<Option<(i64, Option<usize>)>> {
    let mut entry: Vec<Option<(i64, Option<usize>)>> = alloc::vec![None; routines.len()];
    entry[0] = Some((args, None));
    for _ in 0..routines.len().min(200) + 1 {
        let mut changed = false;
        for (i, w) in routines.iter().enumerate() {
            let Some((e, _)) = entry[i] else { continue };
            for site in &w.flow.calls {
                let (Some(d), Some(&t)) = (site.depth, effects.index.get(&site.target)) else {
                    continue;
                };
                if e < site.low {
                    continue; // every path to it has underflowed on the way
                }
                let v = e + d;
                if v >= 0 && entry[t].is_none_or(|(old, _)| v < old) {
                    entry[t] = Some((v, Some(site.pc)));
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    entry
}

fn underflows(program: &Program, routines: &[Work], effects: &Effects, out: &mut Vec<Warning>) {
    let Some(args) = effects.args else {
        return;
    };
    let entry = entries(routines, effects, i64::from(args));
    let mut seen = BTreeSet::new();
    for (i, w) in routines.iter().enumerate() {
        let Some((e, via)) = entry[i] else { continue };
        for (&pc, s) in &w.flow.states {
            let (Some(d), Some(&Instr::Op(op))) = (s.depth.known(), program.code().get(pc)) else {
                continue;
            };
            let (have, need) = (e + d, pops(op));
            // A path entered with `e` values reaches it (none has underflowed on the way).
            if e < s.low || have < 0 || have >= need || !seen.insert(pc) {
                continue;
            }
            let span = program.span(pc).unwrap_or_default();
            let mut x = warning(
                WarningKind::Underflow,
                format!(
                    "stack underflow on a path: `{op}` takes {}, but the stack has {} here",
                    counted(need as u64, "value"),
                    have
                ),
                span,
            );
            if let Some(call) = via {
                let m = format!("on the path through this call of {}", name(program, w));
                note(&mut x, m, program.span(call));
            } else if w.main {
                let m = format!(
                    "the program starts with {}",
                    counted(u64::from(args), "value")
                );
                note(&mut x, m, None);
            }
            out.push(x);
        }
    }
}

fn stack_comments(
    program: &Program,
    effects: &Effects,
    comments: &Comments,
    out: &mut Vec<Warning>,
) {
    // (Inserted, not collected: see `facts` in mod.rs.)
    let mut by_start: BTreeMap<u32, _> = BTreeMap::new();
    for (s, c) in &comments.labels {
        by_start.insert(*s, c);
    }
    for label in program.labels() {
        let Some(c) = by_start.get(&label.span.start) else {
            continue;
        };
        let Some(effect) = effects.label(program, &label.name) else {
            continue;
        };
        let says = format!(
            "the stack comment of `{}` says `{}` ({} in, {} out)",
            label.name, c.text, c.takes, c.leaves
        );
        let message = match effect {
            Effect::Returns { takes, leaves } => {
                let agrees = i64::from(c.leaves) - i64::from(c.takes)
                    == i64::from(leaves) - i64::from(takes)
                    && c.takes >= takes;
                if agrees {
                    continue;
                }
                format!(
                    "{says}, but it takes {} and leaves {leaves}",
                    counted(takes.into(), "value")
                )
            }
            Effect::Ends { takes } => {
                if c.takes >= takes {
                    continue;
                }
                format!(
                    "{says}, but it takes {} (and never returns)",
                    counted(takes.into(), "value")
                )
            }
            Effect::Unknown => continue,
        };
        let mut x = warning(WarningKind::StackComment, message, c.span);
        note(
            &mut x,
            format!("`{}` is defined here", label.name),
            Some(label.span),
        );
        out.push(x);
    }
}
