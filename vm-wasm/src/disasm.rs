//! The compiled program as rows, for the page's Compiled panel: the content of
//! `svm --disasm` (the core's [`vm_core::disassemble`]) as data the page draws.

use js_sys::{Array, Object, Reflect};
use vm_core::disasm::instr_text;
use vm_core::{CompileError, Instr, Program};
use wasm_bindgen::prelude::*;

use crate::convert::{JsDiagnostic, JsSpan, LineIndex};

/// One instruction of the compiled program, or the end of the program.
#[derive(Debug, Clone, PartialEq)]
pub struct JsRow {
    /// Its address: the token index that `jmp` and `call` use.
    pub address: u32,
    /// The labels defined at this address (label definitions are tokens too, so a
    /// label's address is the one of the instruction after it).
    pub labels: Vec<String>,
    /// The instruction as the disassembler writes it (`dup`, `42`, `end (address 8)`),
    /// `(end)` for the end.
    pub text: String,
    /// `num`, `bool`, `str`, `addr` (a label reference), `op`, or `end`.
    pub kind: &'static str,
    /// Its source position (none for the end).
    pub span: Option<JsSpan>,
    /// For a label reference: the address it pushes, where a `jmp` or `call` goes.
    pub target: Option<u32>,
    /// Where the optimizer compiled a block starting here: how many instructions run as one.
    pub block: Option<u32>,
}

/// The rows `first..first + count` of a compiled program, and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct JsDisasm {
    /// No compile errors?
    pub ok: bool,
    /// The compile errors, in source order.
    pub diagnostics: Vec<JsDiagnostic>,
    /// The number of instructions.
    pub instructions: usize,
    /// The number of tokens (label definitions included): the address of the end.
    pub tokens: u32,
    /// The number of labels.
    pub labels: usize,
    /// The number of string constants.
    pub strings: usize,
    /// All the rows there are: one per instruction, and the end.
    pub total: usize,
    /// The index of the first row given.
    pub first: usize,
    /// The rows asked for.
    pub rows: Vec<JsRow>,
}

/// The kind of an instruction, as the page names it.
fn kind(instr: Instr) -> &'static str {
    match instr {
        Instr::Num(_) => "num",
        Instr::Bool(_) => "bool",
        Instr::Str(_) => "str",
        Instr::Addr(_) => "addr",
        Instr::Op(_) => "op",
        // An instruction of a kind added later: drawn as an operation.
        _ => "op",
    }
}

impl JsDisasm {
    /// The rows `first..first + count` of a compile result of `index`'s source.
    pub fn new(
        result: &Result<Program, CompileError>,
        index: &LineIndex,
        first: usize,
        count: usize,
    ) -> JsDisasm {
        let p = match result {
            Ok(p) => p,
            Err(ds) => {
                return JsDisasm {
                    ok: false,
                    diagnostics: ds.iter().map(|d| JsDiagnostic::new(d, index)).collect(),
                    instructions: 0,
                    tokens: 0,
                    labels: 0,
                    strings: 0,
                    total: 0,
                    first: 0,
                    rows: Vec::new(),
                }
            }
        };
        let code = p.code();
        let total = code.len() + 1;
        let first = first.min(total);
        let end = first.saturating_add(count).min(total);
        let labels = p.labels();
        // The labels of a row are those after the previous instruction's address, up to
        // its own: as the disassembler prints them, before the instruction.
        let after = |pc: usize| {
            if pc == 0 {
                0
            } else {
                labels.partition_point(|l| l.addr <= p.address(pc - 1))
            }
        };
        let rows = (first..end)
            .map(|pc| {
                let (from, to) = if pc == code.len() {
                    (after(pc), labels.len())
                } else {
                    (
                        after(pc),
                        labels.partition_point(|l| l.addr <= p.address(pc)),
                    )
                };
                let names = labels[from..to.max(from)]
                    .iter()
                    .map(|l| l.name.clone())
                    .collect();
                match code.get(pc) {
                    Some(&instr) => JsRow {
                        address: p.address(pc),
                        labels: names,
                        text: instr_text(p, instr),
                        kind: kind(instr),
                        span: p.span(pc).map(|s| index.span(s)),
                        target: match instr {
                            Instr::Addr(a) => Some(a),
                            _ => None,
                        },
                        block: p.block_steps(pc),
                    },
                    None => JsRow {
                        address: p.token_count(),
                        labels: names,
                        text: "(end)".to_string(),
                        kind: "end",
                        span: None,
                        target: None,
                        block: None,
                    },
                }
            })
            .collect();
        // The distinct string constants, marked in a bit per pool index (a set or a sort
        // would bring its own code into the module).
        let mut seen = Vec::new();
        for instr in code {
            if let Instr::Str(s) = *instr {
                let s = s as usize;
                if seen.len() <= s {
                    seen.resize(s + 1, false);
                }
                seen[s] = true;
            }
        }
        JsDisasm {
            ok: true,
            diagnostics: Vec::new(),
            instructions: code.len(),
            tokens: p.token_count(),
            labels: labels.len(),
            strings: seen.iter().filter(|&&b| b).count(),
            total,
            first,
            rows,
        }
    }

    /// As a plain JavaScript object. Built by hand rather than through serde: the derived
    /// serializers of these rows cost the module several kilobytes.
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        set(&o, "ok", self.ok.into());
        set(&o, "diagnostics", crate::api::to_js(&self.diagnostics));
        set(&o, "instructions", (self.instructions as f64).into());
        set(&o, "tokens", self.tokens.into());
        set(&o, "labels", (self.labels as f64).into());
        set(&o, "strings", (self.strings as f64).into());
        set(&o, "total", (self.total as f64).into());
        set(&o, "first", (self.first as f64).into());
        set(
            &o,
            "rows",
            self.rows.iter().map(JsRow::to_js).collect::<Array>().into(),
        );
        o.into()
    }
}

impl JsRow {
    /// As a plain JavaScript object (`null` for a missing span, target or block).
    pub fn to_js(&self) -> JsValue {
        let o = Object::new();
        set(&o, "address", self.address.into());
        let labels: Array = self.labels.iter().map(|l| JsValue::from_str(l)).collect();
        set(&o, "labels", labels.into());
        set(&o, "text", JsValue::from_str(&self.text));
        set(&o, "kind", JsValue::from_str(self.kind));
        set(
            &o,
            "span",
            self.span.as_ref().map_or(JsValue::NULL, crate::api::to_js),
        );
        set(
            &o,
            "target",
            self.target.map_or(JsValue::NULL, JsValue::from),
        );
        set(&o, "block", self.block.map_or(JsValue::NULL, JsValue::from));
        o.into()
    }
}

/// Sets the field `name` of `o` (a fresh plain object, so this cannot fail).
fn set(o: &Object, name: &str, value: JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(name), &value);
}

/// The compiled program of `source` as rows (what `svm --disasm` prints): `{ ok,
/// diagnostics, instructions, tokens, labels, strings, total, first, rows: [{ address,
/// labels, text, kind, span, target, block }] }`, with only the rows `first..first +
/// count` (a large program crosses in pieces; `total` counts them all, the end included).
#[wasm_bindgen(unchecked_return_type = "Disasm")]
pub fn disasm(source: &str, first: u32, count: u32) -> JsValue {
    JsDisasm::new(
        &vm_core::compile(source),
        &LineIndex::new(source),
        first as usize,
        count as usize,
    )
    .to_js()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    fn rows(source: &str) -> JsDisasm {
        JsDisasm::new(
            &vm_core::compile(source),
            &LineIndex::new(source),
            0,
            usize::MAX,
        )
    }

    /// The rows written back in the disassembler's layout.
    fn text(d: &JsDisasm) -> String {
        let mut out = format!(
            "; {} instructions, {} tokens, {} labels, {} strings\n addr  line:col  instruction\n",
            d.instructions, d.tokens, d.labels, d.strings
        );
        for r in &d.rows {
            for l in &r.labels {
                let _ = writeln!(out, "                 {l}:");
            }
            match (&r.span, r.block) {
                (None, _) => {
                    let _ = writeln!(out, "{:>5}            (end)", r.address);
                }
                (Some(s), Some(n)) => {
                    let pos = format!("{}:{}", s.line, s.column);
                    let _ = writeln!(
                        out,
                        "{:>5}  {pos:>8}  {:<20} ; block: {n} instructions run as one",
                        r.address, r.text
                    );
                }
                (Some(s), None) => {
                    let pos = format!("{}:{}", s.line, s.column);
                    let _ = writeln!(out, "{:>5}  {pos:>8}  {}", r.address, r.text);
                }
            }
        }
        out
    }

    #[test]
    fn rows_are_what_svm_disasm_prints() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut sources: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "svm"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        sources.push("a: b: 1 \"s\" \"s\" \"t\" a jmp c: d:".to_string());
        sources.push("f call stop\nf: \"hi\" println\n  return end:".to_string());
        assert!(sources.len() > 5);
        for source in sources {
            let program = vm_core::compile(&source).unwrap();
            assert_eq!(text(&rows(&source)), vm_core::disassemble(&program));
        }
    }

    #[test]
    fn addresses_labels_targets_and_spans() {
        let d = rows("start: 1 2 + println end jmp end:");
        let got: Vec<_> = d
            .rows
            .iter()
            .map(|r| (r.address, r.labels.join(","), r.text.as_str(), r.target))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "start".into(), "1", None),
                (2, "".into(), "2", None),
                (3, "".into(), "+", None),
                (4, "".into(), "println", None),
                (5, "".into(), "end (address 8)", Some(8)),
                (6, "".into(), "jmp", None),
                (8, "end".into(), "(end)", None),
            ]
        );
        let println = d.rows[3].span.as_ref().unwrap();
        assert_eq!(
            (println.line, println.column, println.from, println.to),
            (1, 14, 13, 20)
        );
        assert_eq!((d.rows[4].kind, d.rows[6].kind), ("addr", "end"));
        assert_eq!(d.total, 7);
    }

    #[test]
    fn a_window_of_rows_and_errors() {
        let all = rows("1 2 3 4 5");
        let part = JsDisasm::new(
            &vm_core::compile("1 2 3 4 5"),
            &LineIndex::new("1 2 3 4 5"),
            2,
            2,
        );
        assert_eq!((part.first, part.total), (2, 6));
        assert_eq!(part.rows, all.rows[2..4].to_vec());
        let past = JsDisasm::new(&vm_core::compile("1"), &LineIndex::new("1"), 9, 9);
        assert!(past.rows.is_empty() && past.ok);
        let bad = rows("1 nope");
        assert!(!bad.ok && bad.rows.is_empty());
        assert_eq!(bad.diagnostics[0].span.column, 3);
    }
}
