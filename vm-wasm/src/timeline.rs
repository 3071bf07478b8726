//! The stack over time, for the page's timeline: a session's [`Record`] read a step at a
//! time, as numbers and value views. The page's
//! worker makes its rows from them (with the instructions' text and positions of
//! `disasm`): this keeps the module small.

use vm_core::Record;

use crate::convert::JsValueView;

/// The most characters of a string a value's view shows.
pub const CHIP_CHARS: usize = 24;

/// Step `step` of `record` (0: the start): numbers and the top `max` values (bottom
/// first, strings cut to [`CHIP_CHARS`] characters with their whole size).
///
/// The numbers are the record's size, `[steps, headEnd, tailStart, leftOut, keep]`
/// (steps `1..=headEnd` and `tailStart..=steps` are kept), then, when the step is kept,
/// `[pc, popped, output, depth]` and the step and pc that pushed each value. `pc` is -1
/// for step 0 and for a value that was an argument; `output` is the output printed up to
/// this step, in bytes (UTF-8). A step that is not kept has only the size, and no values.
pub fn step(record: &Record, step: u64, max: usize) -> (Vec<f64>, Vec<JsValueView>) {
    let mut n = vec![
        record.steps() as f64,
        record.head_end() as f64,
        record.tail_start() as f64,
        record.left_out() as f64,
        record.keep() as f64,
    ];
    let row = record.row(step);
    let stack = if step > 0 && row.is_none() {
        None
    } else {
        record.stack_at(step)
    };
    let Some(s) = stack else {
        return (n, Vec::new());
    };
    let pc = |pc: Option<usize>| pc.map_or(-1.0, |p| p as f64);
    n.extend_from_slice(&[
        pc(row.map(|r| r.pc)),
        row.map_or(0, |r| r.popped) as f64,
        row.map_or(0, |r| r.output) as f64,
        s.len() as f64,
    ]);
    let mut values = Vec::new();
    for e in &s[s.len().saturating_sub(max)..] {
        n.extend_from_slice(&[e.step as f64, pc(e.pc)]);
        let mut v = JsValueView::new(&e.value, CHIP_CHARS);
        if e.is_cut() {
            v.bytes = e.bytes;
            v.cut = true;
        }
        values.push(v);
    }
    (n, values)
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
    fn steps_values_and_output() {
        let core = recorded("\"é\" println 1 2\nswap \"abc\" print", "7", 100);
        let record = core.record().unwrap();
        // The size, then pc, popped, output so far (bytes: "é" is two), depth.
        let heads: Vec<_> = (0..=8)
            .map(|s| step(record, s, 2).0.get(..9).map(<[f64]>::to_vec))
            .collect();
        let size = [7.0, 7.0, 8.0, 0.0, 100.0];
        let want = [
            [-1.0, 0.0, 0.0, 1.0],
            [0.0, 0.0, 0.0, 2.0],
            [1.0, 1.0, 3.0, 1.0],
            [2.0, 0.0, 3.0, 2.0],
            [3.0, 0.0, 3.0, 3.0],
            [4.0, 2.0, 3.0, 3.0],
            [5.0, 0.0, 3.0, 4.0],
            [6.0, 1.0, 6.0, 3.0],
        ];
        let want: Vec<_> = want
            .iter()
            .map(|w| Some([&size[..], w].concat()))
            .chain([None])
            .collect();
        assert_eq!(heads, want);
        assert_eq!(step(record, 8, 2).0, size);
        // After swap: 2 (pushed at step 4, pc 3) under 1 (step 3, pc 2); the argument has no pc.
        let (n, values) = step(record, 5, 2);
        assert_eq!(n[9..], [4.0, 3.0, 3.0, 2.0]);
        let values: Vec<_> = values.into_iter().map(|v| v.literal).collect();
        assert_eq!(values, ["2", "1"]);
        assert_eq!(step(record, 0, 2).0[9..], [0.0, -1.0]);
        assert_eq!(record.last_steps(), [1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn left_out_steps_and_long_strings() {
        let src = "0 l: 1 + dup 100 < l end if jmp end: drop\n\"x\" m: dup concat m jmp";
        let core = recorded(src, "", 10);
        let record = core.record().unwrap();
        let (n, _) = step(record, 0, 3);
        let [steps, head, tail, left, _, ..] = n[..] else {
            panic!()
        };
        assert_eq!((head, tail), (10.0, steps - 9.0));
        assert!(left > 500.0);
        assert_eq!(step(record, 11, 3), (n[..5].to_vec(), Vec::new()));
        let top = step(record, steps as u64, 3).1.pop().unwrap();
        assert_eq!((top.bytes, top.cut), (16 << 20, true));
        assert_eq!(top.literal.chars().count(), CHIP_CHARS + 3);
        // The counting loop's `jmp` last ran in the steps left out; the last step is the
        // `dup` before the `concat` that failed.
        let last = record.last_steps();
        assert_eq!(last.len(), 16);
        assert!(last[9] as f64 > head && (last[9] as f64) < tail);
        assert_eq!(last[12] as f64, steps);
    }
}
