// Unit tests of the Reference's entries (reference-data.js): what is extracted from
// docs/language.md, the search as you type, and that the document and the page cannot
// drift: the entries the build bundles are those of the document, the document covers
// what the Reference must (syntax, idioms, limits, errors), and its operations are
// exactly vm-wasm's `ops()`.
//
//   node --test web/test/reference.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, ops } from '../pkg/vm_wasm.js';
import { extractReference, filterReference, opEntries, anchor, KINDS, SYNONYMS, searchText } from '../src/reference-data.js';
import { readReference } from '../build.mjs';

const WEB = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const LANGUAGE = fs.readFileSync(path.join(WEB, '..', 'docs', 'language.md'), 'utf8');
initSync({ module: fs.readFileSync(path.join(WEB, 'pkg', 'vm_wasm_bg.wasm')) });

const SAMPLE = `# Title

## First part

<!-- reference syntax: Strings -->
Strings have escapes: \`\\n\`, see [the table](#x).
<!-- /reference -->

Not in the reference.

## Limits

<!-- reference limits: rows -->
| limit | default | flag |
| --- | --- | --- |
| depth | 10 | \`--max a\\|b\` |
| size | 5 | |
<!-- /reference -->

<!-- reference errors: items -->
- **Folded.** Calls in a row
  are one entry:

  \`\`\`
  in f
  \`\`\`
- An empty stack says so. More.
<!-- /reference -->
`;

test('entries: titled blocks, one per table row, one per list item, with their section', () => {
  const e = extractReference(SAMPLE);
  assert.deepEqual(
    e.map((x) => [x.kind, x.title, x.section, x.anchor]),
    [
      ['syntax', 'Strings', 'First part', 'first-part'],
      ['limits', 'Depth', 'Limits', 'limits'],
      ['limits', 'Size', 'Limits', 'limits'],
      ['errors', 'Folded', 'Limits', 'limits'],
      ['errors', 'An empty stack says so', 'Limits', 'limits'],
    ],
  );
  assert.equal(e[0].body, 'Strings have escapes: `\\n`, see the table.');
  assert.equal(e[1].body, '**default**: 10\n\n**flag**: `--max a|b`');
  assert.equal(e[2].body, '**default**: 5');
  assert.equal(e[3].body, 'Calls in a row\nare one entry:\n\n```\nin f\n```');
  assert.equal(e[4].body, 'An empty stack says so. More.');
  assert.equal(anchor('Calls and the return stack'), 'calls-and-the-return-stack');
  assert.equal(anchor('`svm fmt`: formatting'), 'svm-fmt-formatting');
});

test('a broken document fails the build: an unclosed entry, an unknown kind, an empty one', () => {
  assert.throws(() => extractReference('<!-- reference syntax: A -->\ntext\n'), /line|not closed/);
  assert.throws(() => extractReference('<!-- reference syntax: A -->\ntext\n<!-- reference syntax: B -->\nx\n<!-- /reference -->'), /`A` is not closed/);
  assert.throws(() => extractReference('<!-- reference nonsense: A -->\ntext\n<!-- /reference -->'), /unknown kind/);
  assert.throws(() => extractReference('<!-- reference syntax: A -->\n\n<!-- /reference -->'), /`A` is empty/);
});

test('the search: every word, in any order, case ignored, in title, text, effect or example', () => {
  const entries = [...extractReference(SAMPLE), ...opEntries([{ name: 'dup', effect: '( a -- a a )', doc: 'Copies the top value.', example: '5 dup * println' }])];
  const titles = (q) => filterReference(entries, q).map((e) => e.title);
  assert.deepEqual(titles('ESCAPE'), ['Strings']);
  assert.deepEqual(titles('  '), ['Strings', 'Depth', 'Size', 'Folded', 'An empty stack says so', 'dup']);
  assert.deepEqual(titles('( a -- a a )'), ['dup']);
  assert.deepEqual(titles('println'), ['dup']);
  assert.deepEqual(titles('row one'), ['Folded']);
  assert.deepEqual(titles('default 10'), ['Depth']);
  assert.deepEqual(titles('limits'), ['Depth', 'Size']); // the kind counts
  assert.deepEqual(titles('escape nothing'), []);
});

test('the search knows the words people use for what the language names otherwise: modulo finds %', () => {
  const entries = [...extractReference(LANGUAGE), ...opEntries(ops())];
  const titles = (q) => filterReference(entries, q).map((e) => e.title);
  assert.ok(titles('modulo').includes('%'), titles('modulo').join(', '));
  assert.ok(titles('MOD').includes('%'));
  assert.ok(titles('goto').includes('jmp'));
  assert.ok(titles('function').includes('call'));
  // A word with no synonym matches as it is, and every word must match.
  assert.deepEqual(titles('modulo dup'), []);
  for (const [word, alternatives] of Object.entries(SYNONYMS)) {
    assert.equal(word, word.toLowerCase());
    assert.ok(alternatives.every((a) => entries.some((e) => searchText(e).includes(a))), `${word}: a synonym that no entry has`);
  }
});

test('docs/language.md covers the syntax, the idioms, the limits and the errors', () => {
  const entries = extractReference(LANGUAGE);
  const kinds = new Set(entries.map((e) => e.kind));
  for (const [kind] of KINDS) if (kind !== 'operations') assert.ok(kinds.has(kind), kind);
  const find = (q) => filterReference(entries, q).map((e) => e.title);
  // The list: numbers and their range, strings and escapes, comments, labels and
  // addresses, arguments; cond then else if jmp, loops, calls; the limits; the errors.
  assert.ok(find('integer 9223372036854775807').includes('Integer'));
  assert.deepEqual(find('escapes'), ['String']);
  assert.ok(find('comment').includes('Tokens and comments'));
  assert.ok(find('label address').includes('Addresses and labels'));
  assert.ok(find('arguments pushed').includes('Arguments'));
  assert.ok(find('if jmp').includes('Conditional jumps: cond then else if jmp'));
  assert.ok(find('loop').includes('Loops'));
  assert.ok(find('call return').includes('Calls: call and return'));
  // Every row of the limits table is an entry.
  const limitsTable = LANGUAGE.slice(LANGUAGE.indexOf('| limit | default |'), LANGUAGE.indexOf('<!-- /reference -->', LANGUAGE.indexOf('| limit | default |')));
  const rows = limitsTable.trim().split('\n').length - 2;
  assert.equal(entries.filter((e) => e.kind === 'limits').length, rows + 1);
  assert.ok(find('stack overflow').includes('Reaching a limit'));
  // A table inside an entry is drawn as a list (the page draws no tables).
  const values = entries.find((e) => e.title === 'Values and their types');
  assert.match(values.body, /^- \*\*`Num`\*\*: printed form: decimal: `-7`; literal form \(stack display\): `-7`\n- \*\*`Bool`\*\*/);
  assert.ok(entries.filter((e) => e.kind === 'errors').length >= 5);
});

test('the document and the page cannot drift: the bundle has the document\'s entries; the operations are ops()', () => {
  const bundled = readReference();
  assert.deepEqual(bundled.entries, extractReference(LANGUAGE));
  assert.match(bundled.url, /^https:\/\/github\.com\/.+\/blob\/main\/docs\/language\.md$/);
  // The operations table of the document (kept by vm-core's docs test) and ops() are the same.
  const table = LANGUAGE.slice(LANGUAGE.indexOf('<!-- ops:start -->'), LANGUAGE.indexOf('<!-- ops:end -->'));
  // Columns: operation, class, stack effect, description, example.
  const inDoc = [...table.matchAll(/^\| `(.+?)` \| [a-zA-Z/]+ \| `(.+?)` \|/gm)].map((m) => [m[1], m[2].replace(/\\\|/g, '|')]);
  assert.deepEqual(inDoc, ops().map((o) => [o.name, o.effect]));
  // The built page has them (when it is built).
  const dist = path.join(WEB, 'dist');
  if (fs.existsSync(dist)) {
    // (The page's script is split in chunks: main.HASH.js and main.*.HASH.js.)
    const js = fs
      .readdirSync(dist)
      .filter((f) => /^main\..*\.js$/.test(f))
      .map((f) => fs.readFileSync(path.join(dist, f), 'utf8'))
      .join('\n');
    for (const e of bundled.entries) assert.ok(js.includes(JSON.stringify(e.title).slice(1, -1)), `the page lacks "${e.title}": rebuild it`);
  }
});
