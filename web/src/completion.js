// Editing help in the editor: completion of operations (with their stack effect and
// description, from vm-wasm's `ops()`) and of the program's labels, as you type and on
// Ctrl+Space; and the one-click fixes of diagnostics that suggest a word ("did you mean
// the operation `println`?"), as CodeMirror lint actions.

import { autocompletion, completionKeymap, acceptCompletion, selectedCompletion, closeCompletion, completionStatus } from '@codemirror/autocomplete';
import { keymap } from '@codemirror/view';
import { Prec } from '@codemirror/state';
import { syntaxTree } from '@codemirror/language';

/** A word of the language as far as it is typed: no space, `#` or `"`. */
const WORD = /[^\s#"]+/;

/**
 * The labels a program defines (`name:` outside strings and comments, by the lexer's
 * rules: words end at whitespace, `#` or `"`; strings span lines and have escapes), in
 * order: `[{ name, line }]`. The program need not compile: it is being typed.
 */
export function definedLabels(text) {
  const labels = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        if (text[i] === '\n') line++;
      }
      i++;
    } else {
      const word = WORD.exec(text.slice(i, i + 256))[0];
      if (/^[^:]+:$/.test(word) && !/^[+-]?\d/.test(word)) labels.push({ name: word.slice(0, -1), line });
      i += word.length;
    }
  }
  return labels;
}

/**
 * The completion options: every operation (`{ name, effect, doc }` of `ops()`) and every
 * label (`{ name, line }` of `definedLabels`), each once (a label named like an operation
 * cannot be one, so operations win).
 */
export function completionOptions(ops, labels) {
  const names = new Set(ops.map((o) => o.name));
  const options = ops.map((o) => ({ label: o.name, type: 'function', detail: o.effect, info: o.doc }));
  for (const l of labels) {
    if (names.has(l.name)) continue;
    names.add(l.name);
    options.push({ label: l.name, type: 'variable', detail: 'label', info: `The label defined on line ${l.line}.`, boost: 1 });
  }
  return options;
}

/** Is `word` complete already: one of `names`, and no other name goes on from it? */
export function completeAlready(word, names) {
  return names.includes(word) && !names.some((n) => n !== word && n.startsWith(word));
}

/**
 * The word a diagnostic suggests instead of the one it marks (its note "did you mean the
 * operation `println`?" or "… the label `loop`?"), or null.
 */
export function suggestion(diagnostic) {
  for (const n of diagnostic.notes || []) {
    const m = /^did you mean the (?:operation|label) `([^`\s]+)`\?$/.exec(n.message);
    if (m) return m[1];
  }
  return null;
}

/** The lint actions of a diagnostic of `compile()`: replacing its word by the suggested one. */
export function fixActions(diagnostic) {
  const word = suggestion(diagnostic);
  if (!word) return [];
  return [
    {
      name: `Replace with ${word}`,
      apply: (view, from, to) => view.dispatch({ changes: { from, to, insert: word }, selection: { anchor: from + word.length }, userEvent: 'input.complete' }),
    },
  ];
}

/** Enter takes the selected option, unless it is the word typed already: then it is a line break. */
function acceptOrNewline(view) {
  if (completionStatus(view.state) !== 'active') return false;
  const option = selectedCompletion(view.state);
  const head = view.state.selection.main.head;
  const line = view.state.doc.lineAt(head);
  const typed = /[^\s#"]*$/.exec(line.text.slice(0, head - line.from))[0];
  if (option && option.label === typed) {
    closeCompletion(view);
    return false;
  }
  return acceptCompletion(view);
}

/**
 * The completion extension. `ops()`: the operations (empty until the module is there).
 * Programs longer than `maxChars` get no labels offered (they are not read as you type).
 */
export function completion({ ops, maxChars }) {
  const labels = (state) => (state.doc.length <= maxChars ? definedLabels(state.doc.toString()) : []);
  const source = (context) => {
    const word = context.matchBefore(WORD);
    if (!word && !context.explicit) return null;
    const node = syntaxTree(context.state).resolveInner(context.pos, -1);
    if (/string|comment|escape/i.test(node.name)) return null;
    const options = completionOptions(ops(), labels(context.state));
    if (word && !context.explicit && completeAlready(word.text, options.map((o) => o.label))) return null;
    return { from: word ? word.from : context.pos, options, validFor: /^[^\s#"]*$/ };
  };
  return [
    autocompletion({ override: [source], defaultKeymap: false, icons: true }),
    Prec.highest(
      keymap.of([...completionKeymap.filter((k) => k.key !== 'Enter'), { key: 'Enter', run: acceptOrNewline }, { key: 'Tab', run: acceptCompletion }]),
    ),
  ];
}
