// Predict the next step: the learner types the stack they expect after the next
// instruction, the machine takes the step, and the two are shown side by side. This
// module is the pure part: reading what was typed, and comparing it with the stack the
// run then shows. (predict-panel.js is the panel.)

/** The most values a prediction may have (a longer stack is not a question to type). */
export const PREDICT_MAX_VALUES = 50;

/**
 * Reads a typed stack, bottom first, values separated by spaces, as the language writes
 * them: integers (`-3`), `true` and `false`, and strings in double quotes with the
 * language's escapes (`\"`, `\\`, `\n`, `\t`). An empty text is the empty stack.
 * Returns `{ values: [{ type, value }] }` or `{ error, column }` (column from 1).
 */
export function parsePrediction(text) {
  const values = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === ',') {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) return { error: 'a string is not closed: it needs its closing "', column: start + 1 };
        const d = text[i];
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i + 1];
          const map = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
          const u = e === 'u' ? /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i + 2)) : null;
          if (u) {
            const code = parseInt(u[1], 16);
            if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return { error: `\\u{${u[1]}} is not a Unicode scalar value`, column: i + 1 };
            s += String.fromCodePoint(code);
            i += 2 + u[0].length;
            continue;
          }
          if (!(e in map)) return { error: `\\${e ?? ''} is not an escape of the language (\\" \\\\ \\n \\t \\u{HEX})`, column: i + 1 };
          s += map[e];
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      i++;
      values.push({ type: 'Str', value: s });
    } else {
      while (i < n && !' \t,"'.includes(text[i])) i++;
      const word = text.slice(start, i);
      if (/^[+-]?\d+$/.test(word)) {
        const v = BigInt(word);
        if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return { error: `${word} is not a number of the language (64 bits)`, column: start + 1 };
        values.push({ type: 'Num', value: v.toString() });
      } else if (word === 'true' || word === 'false') {
        values.push({ type: 'Bool', value: word });
      } else {
        return { error: `\`${word}\` is not a value: type numbers, true, false or "strings", bottom first`, column: start + 1 };
      }
    }
    if (values.length > PREDICT_MAX_VALUES) return { error: `more than ${PREDICT_MAX_VALUES} values`, column: start + 1 };
  }
  return { values };
}

/** A value as the Stack panel writes it: strings quoted and escaped. */
export function literalOf({ type, value }) {
  if (type !== 'Str') return value;
  // (Other control characters as \u{…}, as the language shows them.)
  const escape = (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t' })[c] ?? `\\u{${c.codePointAt(0).toString(16)}}`;
  // eslint-disable-next-line no-control-regex
  return `"${value.replace(/[\\"\u0000-\u001f\u007f]/g, escape)}"`;
}

/**
 * Compares a prediction (`values`, bottom first) with the stack the run shows: `stack`
 * the top values (vm-wasm's ValueViews, bottom first) of a stack `total` deep. Returns
 * `{ right, rows }`: `rows` from the top down, `{ expected, actual, same }` with the
 * literals (null where one side has no value at that depth), as many as the deeper side
 * (the values the run did not send count as not the same).
 */
export function comparePrediction(values, stack, total = stack.length) {
  const depth = Math.max(values.length, total);
  const rows = [];
  for (let k = 0; k < depth; k++) {
    const e = values[values.length - 1 - k] ?? null;
    const shown = stack[stack.length - 1 - k];
    const a = k < total ? (shown ?? { type: null, value: null, literal: '…', cut: true }) : null;
    const same = Boolean(e && a && !a.cut && a.type === e.type && a.value === e.value);
    rows.push({ expected: e ? literalOf(e) : null, actual: a ? a.literal : null, same });
  }
  return { right: values.length === total && rows.every((r) => r.same), rows };
}
