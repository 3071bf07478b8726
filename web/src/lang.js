// The language mode: a stream tokenizer that follows vm-core's lexer rules
// (docs/language.md, "Source text"). Words end at whitespace, `#` or `"`; `#` starts a
// comment outside strings; strings may span lines and have the escapes \" \\ \n \t.

import { StreamLanguage, HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/** Operations that move control, shown apart from the other operations. */
const CONTROL = new Set(['jmp', 'call', 'return', 'stop', 'exit', 'if']);

const NUMBER = /^[+-]?\d+$/;
const LIKE_NUMBER = /^[+-]?\d/;

/** Token style of a word (no whitespace, `#` or `"` in it). */
export function classifyWord(word, opNames) {
  if (word.endsWith(':')) {
    const name = word.slice(0, -1);
    const kind = name === '' ? 'invalid' : classifyWord(name, opNames);
    return kind === 'labelName' ? 'labelName.definition' : 'invalid';
  }
  if (word.includes(':')) return 'invalid';
  if (word === 'true' || word === 'false') return 'bool';
  if (opNames.has(word)) return CONTROL.has(word) ? 'controlKeyword' : 'operatorKeyword';
  if (LIKE_NUMBER.test(word)) return NUMBER.test(word) ? 'number' : 'invalid';
  return 'labelName';
}

/**
 * The stream parser of the language for the given set of operation names: `token(stream,
 * state)` reads one token of a line and names its style (CodeMirror's StringStream).
 */
export function svmParser(opNames) {
  return {
    name: 'simple-vm',
    startState: () => ({ inString: false }),
    copyState: (s) => ({ inString: s.inString }),
    token(stream, state) {
      if (state.inString) {
        if (stream.match(/^\\./)) return 'escape';
        // A backslash with nothing after it on its line: string text (a token must move on).
        if (stream.match(/^\\$/)) return 'string';
        while (!stream.eol()) {
          const c = stream.peek();
          if (c === '"') {
            stream.next();
            state.inString = false;
            return 'string';
          }
          if (c === '\\') return 'string';
          stream.next();
        }
        return 'string';
      }
      if (stream.eatSpace()) return null;
      const c = stream.peek();
      if (c === '#') {
        stream.skipToEnd();
        return 'lineComment';
      }
      if (c === '"') {
        stream.next();
        state.inString = true;
        return 'string';
      }
      stream.match(/^[^\s#"]+/);
      return classifyWord(stream.current(), opNames);
    },
    blankLine() {},
    languageData: { commentTokens: { line: '#' } },
  };
}

/** A StreamLanguage for the given set of operation names. */
export const svmLanguage = (opNames) => StreamLanguage.define(svmParser(opNames));

/** Token colours come from the page's CSS variables (light and dark). */
export const svmHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: t.number, color: 'var(--tok-number)' },
    { tag: t.bool, color: 'var(--tok-bool)', fontWeight: '600' },
    { tag: t.string, color: 'var(--tok-string)' },
    { tag: t.escape, color: 'var(--tok-escape)', fontWeight: '600' },
    { tag: t.lineComment, color: 'var(--tok-comment)', fontStyle: 'italic' },
    { tag: t.definition(t.labelName), color: 'var(--tok-label-def)', fontWeight: '700' },
    { tag: t.labelName, color: 'var(--tok-label)' },
    { tag: t.controlKeyword, color: 'var(--tok-control)', fontWeight: '600' },
    { tag: t.operatorKeyword, color: 'var(--tok-op)' },
    { tag: t.invalid, color: 'var(--error)', textDecoration: 'underline wavy var(--error)' },
  ]),
);
