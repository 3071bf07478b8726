//! The static stack effects of a source text, as the editor shows them: a hint per line
//! (the depth before its first instruction and after its last), each label's inferred
//! effect (hover), and the analysis' warnings (diagnostics of severity "warning").
//!
//! Pure Rust (serde structs from [`vm_core::effects::Effects`]), unit-tested natively.

use serde::Serialize;
use vm_core::effects::{Effect, Effects};
use vm_core::Program;

use crate::convert::{JsCompiled, JsNote, JsSpan, LineIndex};

/// The depths of one run of a line's instructions that belong to one routine (a line
/// usually has one; `stop  helper: dup` has two: the program's and the label's).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsLineHint {
    /// The line, from 1.
    pub line: u32,
    /// UTF-16 offset just past the run's last instruction (where a hint may be drawn).
    pub to: usize,
    /// The depth before the run's first instruction, counting what its routine takes
    /// (never negative), when known.
    pub before: Option<u32>,
    /// The depth after its last instruction, when known.
    pub after: Option<u32>,
    /// The label whose routine the depths are counted in (null: the program's).
    pub routine: Option<String>,
}

/// A label's inferred effect.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsLabelEffect {
    /// The label.
    pub name: String,
    /// `( 1 -- 1 )`, `( 2 -- ) never returns` or `unknown`.
    pub effect: String,
    /// Whether a `call` of a known address reaches it.
    pub called: bool,
}

/// A warning of the analysis.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsWarning {
    /// `depths-differ`, `underflow` or `stack-comment`.
    pub kind: &'static str,
    /// What is off, in one line.
    pub message: String,
    /// Where.
    #[serde(flatten)]
    pub span: JsSpan,
    /// Related positions.
    pub notes: Vec<JsNote>,
}

/// The result of `effects(source, budget)`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct JsEffects {
    /// Did the program compile? (Without it there is nothing else.)
    pub ok: bool,
    /// Was the analysis done within its budget? (false: the program is too large, and
    /// nothing is claimed.)
    pub complete: bool,
    /// How many values the program was taken to start with (its stack comment), if known.
    pub args: Option<u32>,
    /// The program's own effect (`( 0 -- )`: it takes no arguments), as text.
    pub program: String,
    /// The hints, in source order.
    pub lines: Vec<JsLineHint>,
    /// Each label's effect, in source order.
    pub labels: Vec<JsLabelEffect>,
    /// The warnings, in source order.
    pub warnings: Vec<JsWarning>,
}

impl JsEffects {
    /// Analyses `source` (processing at most `budget` instructions; see
    /// [`Effects::analyze_within`]).
    pub fn new(source: &str, budget: u64) -> JsEffects {
        match vm_core::compile(source) {
            Ok(program) => JsEffects::of(&program, source, &LineIndex::new(source), budget),
            Err(_) => JsEffects::empty(false, false),
        }
    }

    /// Analyses `program`, compiled from `source` (indexed by `index`).
    pub fn of(program: &Program, source: &str, index: &LineIndex, budget: u64) -> JsEffects {
        let effects = Effects::analyze_within(program, source, None, budget);
        if !effects.complete() {
            return JsEffects::empty(true, false);
        }
        let program_effect = effects
            .routines()
            .first()
            .map_or_else(|| "unknown".to_string(), |r| program_text(r.effect));
        JsEffects {
            ok: true,
            complete: true,
            args: effects.args(),
            program: program_effect,
            lines: line_hints(program, &effects, index),
            labels: program
                .labels()
                .iter()
                .filter_map(|l| {
                    let pc = program.pc_of(l.addr.into())?;
                    let r = effects.routine_at(pc)?;
                    Some(JsLabelEffect {
                        name: l.name.clone(),
                        effect: r.effect.to_string(),
                        called: r.called,
                    })
                })
                .collect(),
            warnings: effects
                .warnings()
                .iter()
                .map(|w| JsWarning {
                    kind: w.kind.name(),
                    message: w.message.clone(),
                    span: index.span(w.span),
                    notes: JsNote::all(&w.notes, index),
                })
                .collect(),
        }
    }

    fn empty(ok: bool, complete: bool) -> JsEffects {
        JsEffects {
            ok,
            complete,
            args: None,
            program: "unknown".to_string(),
            lines: Vec::new(),
            labels: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// The result of `check(source, budget)`: what `compile` and `effects` give, from one
/// compilation (the page's checker asks for both as the text changes).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct JsCheck {
    /// As `compile(source)` gives it.
    pub compiled: JsCompiled,
    /// As `effects(source, budget)` gives it, when the program compiles.
    pub effects: Option<JsEffects>,
}

impl JsCheck {
    /// Compiles `source` once, and analyses it when it compiles.
    pub fn new(source: &str, budget: u64) -> JsCheck {
        let result = vm_core::compile(source);
        let index = LineIndex::new(source);
        JsCheck {
            compiled: JsCompiled::new(&result, &index),
            effects: result
                .as_ref()
                .ok()
                .map(|p| JsEffects::of(p, source, &index, budget)),
        }
    }
}

/// The program's effect: it takes its arguments and leaves what it leaves when it ends
/// (it never returns: `return` there is an error).
fn program_text(e: Effect) -> String {
    match e {
        Effect::Ends { takes } => format!("( {takes} -- )"),
        other => other.to_string(),
    }
}

/// One hint per run of a line's instructions in one routine.
fn line_hints(program: &Program, effects: &Effects, index: &LineIndex) -> Vec<JsLineHint> {
    let mut out: Vec<JsLineHint> = Vec::new();
    // The routine of the run being built, and whether it continues on this line.
    let mut last: Option<(u32, usize)> = None;
    for pc in 0..program.code().len() {
        let (Some(span), Some(hint)) = (program.span(pc), effects.hint(pc)) else {
            last = None;
            continue;
        };
        let to = index.span(span).to;
        match out.last_mut() {
            Some(h) if last == Some((span.line, hint.routine)) => {
                h.after = hint.after;
                h.to = to;
            }
            _ => {
                let routine = match effects.routines().get(hint.routine).map(|r| r.entry) {
                    Some(vm_core::effects::Entry::Address(addr)) => {
                        program.label_at(addr).map(str::to_string)
                    }
                    _ => None,
                };
                out.push(JsLineHint {
                    line: span.line,
                    to,
                    before: hint.before,
                    after: hint.after,
                    routine,
                });
            }
        }
        last = Some((span.line, hint.routine));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hint as a tuple: line, before, after, routine.
    type Row = (u32, Option<u32>, Option<u32>, Option<String>);

    fn hints(source: &str) -> Vec<Row> {
        JsEffects::new(source, Effects::BUDGET)
            .lines
            .into_iter()
            .map(|h| (h.line, h.before, h.after, h.routine))
            .collect()
    }

    #[test]
    fn a_hint_per_line_from_its_first_instruction_to_its_last() {
        let source = "5 square call\nprintln stop\nsquare:   # ( n -- n*n )\n    dup * return";
        let got = hints(source);
        assert_eq!(
            got,
            vec![
                (1, Some(0), Some(1), None),
                (2, Some(1), Some(0), None),
                (4, Some(1), Some(1), Some("square".to_string())),
            ]
        );
        let e = JsEffects::new(source, Effects::BUDGET);
        assert_eq!(e.program, "( 0 -- )");
        assert_eq!(
            e.labels,
            vec![JsLabelEffect {
                name: "square".into(),
                effect: "( 1 -- 1 )".into(),
                called: true
            }]
        );
        assert!(e.warnings.is_empty());
    }

    #[test]
    fn two_routines_on_one_line_get_a_hint_each() {
        let got = hints("1 2 f call stop f: + return");
        assert_eq!(
            got,
            vec![
                (1, Some(0), Some(1), None),
                (1, Some(2), Some(1), Some("f".to_string())),
            ]
        );
    }

    #[test]
    fn the_hint_ends_where_the_line_s_last_instruction_ends() {
        let source = "1 2 +  # three\nprintln";
        let e = JsEffects::new(source, Effects::BUDGET);
        // `1 2 +` folds to one instruction spanning the three tokens: its end is after `+`.
        assert_eq!(e.lines[0].to, 5);
        assert_eq!(e.lines[1].to, source.len());
    }

    #[test]
    fn warnings_cross_with_their_kind_and_position() {
        let source = "1 a b if jmp\na: 1\nb: println";
        let e = JsEffects::new(source, Effects::BUDGET);
        assert_eq!(e.warnings.len(), 1);
        let w = &e.warnings[0];
        assert_eq!(w.kind, "depths-differ");
        assert_eq!((w.span.line, w.span.column), (3, 4));
        assert!(
            w.message.contains("different stack depths"),
            "{}",
            w.message
        );

        let e = JsEffects::new("sq: # ( a b -- c )\n dup * return", Effects::BUDGET);
        assert_eq!(e.warnings[0].kind, "stack-comment");
        let e = JsEffects::new("# ( -- )\n+ println", Effects::BUDGET);
        assert_eq!(e.warnings[0].kind, "underflow");
    }

    #[test]
    fn check_gives_the_compile_result_and_the_effects_of_one_compilation() {
        let c = JsCheck::new("1 nope call", Effects::BUDGET);
        assert!(!c.compiled.ok && c.compiled.diagnostics.len() == 1 && c.effects.is_none());
        let source = "5 square call println stop\nsquare: dup * return";
        let c = JsCheck::new(source, Effects::BUDGET);
        assert!(c.compiled.ok);
        assert_eq!(c.compiled.labels[0].name, "square");
        assert_eq!(c.effects, Some(JsEffects::new(source, Effects::BUDGET)));
    }

    #[test]
    fn a_program_that_does_not_compile_or_is_too_large_claims_nothing() {
        let e = JsEffects::new("nope call", Effects::BUDGET);
        assert!(!e.ok && e.lines.is_empty() && e.warnings.is_empty());
        let e = JsEffects::new("1 2 println println", 1);
        assert!(e.ok && !e.complete && e.lines.is_empty());
    }
}
