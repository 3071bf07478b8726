//! The stack over time, for the page's timeline: the rows of a session's [`Record`] (the
//! stack at each kept step, where each value was pushed, the output so far) and the stack
//! each source line last left, as plain JavaScript objects built by hand (as
//! [`crate::disasm`] does, for the module's size).

use js_sys::{Array, Object};
use vm_core::disasm::instr_text;
use vm_core::record::Entry;
use vm_core::{Program, Record};
use wasm_bindgen::prelude::*;

use crate::convert::{JsSpan, LineIndex};
use crate::disasm::set;

/// The most characters of a string a chip or a line's note shows.
const CHIP_CHARS: usize = 24;

/// The size of a record: which steps are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct JsTimeline {
    /// Steps recorded.
    pub steps: u64,
    /// Steps `1..=head_end` are kept.
    pub head_end: u64,
    /// Steps `tail_start..=steps` are kept.
    pub tail_start: u64,
    /// Steps left out between the two.
    pub left_out: u64,
    /// How many first and last steps are kept at most.
    pub keep: usize,
}

/// A value of the stack at a step.
#[derive(Debug, Clone, PartialEq)]
pub struct JsChip {
    /// `Num`, `Bool` or `Str`.
    pub ty: &'static str,
    /// Its literal, a long string cut and ending in `…"`.
    pub text: String,
    /// The whole size of a string in bytes; 0 for the others.
    pub bytes: usize,
    /// Whether `text` was cut.
    pub cut: bool,
    /// The step that pushed it; 0 for an argument.
    pub step: u64,
    /// The token that pushed it; none for an argument.
    pub span: Option<JsSpan>,
}

/// One kept step: its instruction and the stack after it.
#[derive(Debug, Clone, PartialEq)]
pub struct JsStep {
    /// The step, from 1; 0 is the start.
    pub step: u64,
    /// The instruction as the disassembler writes it; `start` for step 0.
    pub text: String,
    /// Its token; none for step 0.
    pub span: Option<JsSpan>,
    /// How many values it took off the stack.
    pub popped: usize,
    /// Output printed up to this step, in UTF-16 units.
    pub output: usize,
    /// The depth of the stack after it.
    pub depth: usize,
    /// The top values of the stack after it, bottom first.
    pub values: Vec<JsChip>,
}

/// The stack a source line last left: after the last step that ran one of its
/// instructions.
#[derive(Debug, Clone, PartialEq)]
pub struct JsLineNote {
    /// The line, from 1.
    pub line: u32,
    /// The step.
    pub step: u64,
    /// The stack's depth; none when the step was left out.
    pub depth: Option<usize>,
    /// The top values written as literals, bottom first, `…` before them when there are
    /// more; none when the step was left out.
    pub text: Option<String>,
}

/// The size of `record`.
pub fn info(record: &Record) -> JsTimeline {
    JsTimeline {
        steps: record.steps(),
        head_end: record.head_end(),
        tail_start: record.tail_start(),
        left_out: record.left_out(),
        keep: record.keep(),
    }
}

fn chip(e: &Entry, program: &Program, index: &LineIndex) -> JsChip {
    let text = e.value.literal_cut(CHIP_CHARS);
    JsChip {
        ty: e.value.type_name(),
        cut: e.is_cut() || text.ends_with("…\""),
        text,
        bytes: e.bytes,
        step: e.step,
        span: e.pc.and_then(|pc| program.span(pc)).map(|s| index.span(s)),
    }
}

/// The kept steps among `first..first + count`, each with the top `max_values` values
/// of its stack. `output` is all the run's output (the UTF-16 counts come from it).
pub fn steps(
    record: &Record,
    program: &Program,
    index: &LineIndex,
    output: &str,
    first: u64,
    count: u64,
    max_values: usize,
) -> Vec<JsStep> {
    let mut rows = Vec::new();
    let mut stack: Option<Vec<Entry>> = None;
    let (mut bytes, mut units) = (0usize, 0usize);
    for step in first..first.saturating_add(count).min(record.steps() + 1) {
        let row = record.row(step);
        stack = match (stack, row) {
            (Some(mut s), Some(r)) => {
                r.apply(&mut s);
                Some(s)
            }
            _ => record.stack_at(step),
        };
        let Some(s) = &stack else { continue };
        if step > 0 && row.is_none() {
            continue;
        }
        let out = row.map_or(0, |r| r.output as usize).min(output.len());
        units += output
            .get(bytes.min(out)..out)
            .map_or(0, |t| t.encode_utf16().count());
        bytes = out;
        let pc = row.map(|r| r.pc);
        rows.push(JsStep {
            step,
            text: pc
                .and_then(|pc| program.code().get(pc))
                .map_or_else(|| "start".to_string(), |&i| instr_text(program, i)),
            span: pc.and_then(|pc| program.span(pc)).map(|s| index.span(s)),
            popped: row.map_or(0, |r| r.popped),
            output: units,
            depth: s.len(),
            values: s[s.len().saturating_sub(max_values)..]
                .iter()
                .map(|e| chip(e, program, index))
                .collect(),
        });
    }
    rows
}

/// The stack each line of `program` last left, the top `max_values` values of it.
pub fn lines(record: &Record, program: &Program, max_values: usize) -> Vec<JsLineNote> {
    record
        .lines(program)
        .into_iter()
        .map(|(line, step)| {
            let stack = record.stack_at(step).filter(|_| record.row(step).is_some());
            JsLineNote {
                line,
                step,
                depth: stack.as_ref().map(Vec::len),
                text: stack.as_ref().map(|s| note_text(s, max_values)),
            }
        })
        .collect()
}

/// `… 3 "ab" true`: the top `max` values, bottom first; `[]` for an empty stack.
fn note_text(stack: &[Entry], max: usize) -> String {
    if stack.is_empty() {
        return "[]".to_string();
    }
    let from = stack.len().saturating_sub(max);
    let mut text = if from > 0 {
        "… ".to_string()
    } else {
        String::new()
    };
    for (i, e) in stack[from..].iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(&e.value.literal_cut(CHIP_CHARS));
    }
    text
}

fn span_js(span: &Option<JsSpan>) -> JsValue {
    span.as_ref().map_or(JsValue::NULL, crate::api::to_js)
}

impl JsTimeline {
    /// `{ steps, headEnd, tailStart, leftOut, keep }`.
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        set(&o, "steps", (self.steps as f64).into());
        set(&o, "headEnd", (self.head_end as f64).into());
        set(&o, "tailStart", (self.tail_start as f64).into());
        set(&o, "leftOut", (self.left_out as f64).into());
        set(&o, "keep", (self.keep as f64).into());
        o.into()
    }
}

impl JsStep {
    /// `{ step, text, span, popped, output, depth, values: [{ type, text, bytes, cut, step, span }] }`.
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        set(&o, "step", (self.step as f64).into());
        set(&o, "text", JsValue::from_str(&self.text));
        set(&o, "span", span_js(&self.span));
        set(&o, "popped", (self.popped as f64).into());
        set(&o, "output", (self.output as f64).into());
        set(&o, "depth", (self.depth as f64).into());
        let values: Array = self
            .values
            .iter()
            .map(|c| {
                let v = Object::new();
                set(&v, "type", JsValue::from_str(c.ty));
                set(&v, "text", JsValue::from_str(&c.text));
                set(&v, "bytes", (c.bytes as f64).into());
                set(&v, "cut", c.cut.into());
                set(&v, "step", (c.step as f64).into());
                set(&v, "span", span_js(&c.span));
                JsValue::from(v)
            })
            .collect();
        set(&o, "values", values.into());
        o.into()
    }
}

impl JsLineNote {
    /// `{ line, step, depth, text }` (`null` depth and text for a step left out).
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        set(&o, "line", self.line.into());
        set(&o, "step", (self.step as f64).into());
        set(
            &o,
            "depth",
            self.depth.map_or(JsValue::NULL, |d| (d as f64).into()),
        );
        set(
            &o,
            "text",
            self.text
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str),
        );
        o.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Core, Options};

    fn recorded(src: &str, args: &str, keep: usize) -> Core {
        let opts = Options {
            record: Some(keep),
            ..Options::default()
        };
        let mut core = Core::new(src, args, opts).unwrap();
        while core.run(5, || 0.0).status == "paused" {}
        core
    }

    #[test]
    fn steps_chips_and_output() {
        let core = recorded("\"é\" println 1 2\nswap \"abc\" print", "7", 100);
        let (record, program, index, output) = core.record().unwrap();
        assert_eq!(output, "é\nabc");
        let info = info(record);
        assert_eq!((info.steps, info.head_end, info.left_out), (7, 7, 0));
        let rows = steps(record, program, index, output, 0, 100, 2);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.step, r.text.as_str(), r.output, r.depth))
            .collect();
        assert_eq!(
            got,
            [
                (0, "start", 0, 1),
                (1, "\"é\"", 0, 2),
                (2, "println", 2, 1),
                (3, "1", 2, 2),
                (4, "2", 2, 3),
                (5, "swap", 2, 3),
                (6, "\"abc\"", 2, 4),
                (7, "print", 5, 3),
            ]
        );
        // After swap: the top two, 1 (pushed at step 3, line 1 column 13) on top.
        let top: Vec<_> = rows[5]
            .values
            .iter()
            .map(|c| (c.text.as_str(), c.step))
            .collect();
        assert_eq!(top, [("2", 4), ("1", 3)]);
        let span = rows[5].values[1].span.as_ref().unwrap();
        assert_eq!((span.line, span.column), (1, 13));
        assert_eq!(rows[0].values[0].span, None);
        assert_eq!(rows[5].popped, 2);
        // A window in the middle.
        let part = steps(record, program, index, output, 4, 2, 2);
        assert_eq!(part, rows[4..6]);
        let notes = lines(record, program, 2);
        let got: Vec<_> = notes
            .iter()
            .map(|n| (n.line, n.step, n.text.as_deref()))
            .collect();
        assert_eq!(got, [(1, 4, Some("… 1 2")), (2, 7, Some("… 2 1"))]);
    }

    #[test]
    fn left_out_steps_and_long_strings() {
        let core = recorded(
            "0 l: 1 + dup 100 < l end if jmp end: drop\n\"x\" m: dup concat m jmp",
            "",
            10,
        );
        let (record, program, index, output) = core.record().unwrap();
        let info = info(record);
        assert_eq!(
            (info.head_end, info.tail_start, info.keep),
            (10, info.steps - 9, 10)
        );
        assert!(info.left_out > 500);
        let rows = steps(record, program, index, output, 5, 20, 3);
        assert_eq!(
            rows.iter().map(|r| r.step).collect::<Vec<_>>(),
            [5, 6, 7, 8, 9, 10]
        );
        let last = &steps(record, program, index, output, info.steps, 1, 3)[0];
        let top = last.values.last().unwrap();
        assert_eq!(
            (top.bytes, top.cut, top.text.chars().count()),
            (16 << 20, true, CHIP_CHARS + 3)
        );
        // The counting loop's line last ran in the steps left out; the other's is kept.
        let notes = lines(record, program, 3);
        let got: Vec<_> = notes.iter().map(|n| (n.line, n.depth)).collect();
        assert_eq!(got, [(1, None), (2, Some(2))]);
        assert_eq!(notes[1].step, info.steps);
    }
}
