// The Reference panel's entries (pure): the language's syntax, idioms, limits and errors,
// extracted from docs/language.md at build time (build.mjs, `virtual:reference`), so the
// page and the document cannot drift; the operations come from vm-wasm's `ops()`. And
// the search as you type.
//
// In docs/language.md an entry is the text between
//   <!-- reference KIND: TITLE -->   and   <!-- /reference -->
// where KIND is one of KINDS; with the title `rows` each row of the table inside is an
// entry (titled by its first cell), with `items` each item of the list inside (titled by
// its bold lead, else by its first sentence and keeping it whole).

/** The groups of the Reference, in order: [kind, heading]. */
export const KINDS = [
  ['syntax', 'Syntax'],
  ['idioms', 'Idioms'],
  ['operations', 'Operations'],
  ['limits', 'Limits'],
  ['errors', 'Errors'],
];

const START = /^<!-- reference (\w+): (.*\S) -->\s*$/;
const END = /^<!-- \/reference -->\s*$/;

/** The anchor GitHub gives a heading: `## Calls and the return stack` -> `calls-and-the-return-stack`. */
export const anchor = (heading) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');

/** Markdown links `[text](url)` as their text, escaped pipes of tables as pipes. */
const plain = (text) => text.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1').replace(/\\\|/g, '|');

/** The cells of a table row `| a | b |` (escaped pipes stay in their cell). */
function cells(line) {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => plain(c.trim()));
}

const isRow = (line) => /^\s*\|/.test(line);
const isRule = (line) => /^\s*\|[\s|:-]+\|\s*$/.test(line);

/** A table's lines as a list: one item per row, `**first cell**: header: cell; …`. */
function tableAsList(lines) {
  const rows = lines.filter((l) => isRow(l) && !isRule(l)).map(cells);
  const [head, ...body] = rows;
  return body.map((r) => `- **${r[0]}**: ${r.slice(1).map((c, i) => `${head[i + 1]}: ${c}`).join('; ')}`);
}

/** The body of an entry: its lines, with tables written as lists (the page draws no tables). */
function bodyOf(lines) {
  const out = [];
  for (let i = 0; i < lines.length; ) {
    if (isRow(lines[i])) {
      const start = i;
      while (i < lines.length && isRow(lines[i])) i++;
      out.push(...tableAsList(lines.slice(start, i)));
    } else out.push(plain(lines[i++]));
  }
  return out.join('\n').trim();
}

/** One entry per row of the table in `lines`, titled by the row's first cell. */
function rowEntries(lines) {
  const rows = lines.filter((l) => isRow(l) && !isRule(l)).map(cells);
  const [head, ...body] = rows;
  return body.map((r) => ({
    title: r[0].charAt(0).toUpperCase() + r[0].slice(1),
    body: r
      .slice(1)
      .map((c, i) => (c ? `**${head[i + 1]}**: ${c}` : ''))
      .filter(Boolean)
      .join('\n\n'),
  }));
}

/** One entry per item of the list in `lines`, titled by its bold lead, else by its first sentence. */
function itemEntries(lines) {
  const items = [];
  for (const line of lines) {
    const m = /^- (.*)$/.exec(line);
    if (m) items.push([m[1]]);
    else if (items.length) items[items.length - 1].push(line.replace(/^ {2}/, ''));
  }
  return items.map((item) => {
    const text = item.join('\n').trim();
    const lead = /^\*\*(.+?)\*\*\s*/.exec(text);
    if (lead) return { title: lead[1].replace(/\.$/, ''), body: bodyOf(text.slice(lead[0].length).split('\n')) };
    return { title: text.split(/\.(\s|$)/)[0].replace(/\s+/g, ' '), body: bodyOf(text.split('\n')) };
  });
}

/**
 * The entries marked in `markdown` (docs/language.md): `[{ kind, title, body, section,
 * anchor }]` in document order; `body` is Markdown of markdown.js's subset, `section` the
 * `##` heading it is under and `anchor` that heading's anchor. Throws on a marker that is
 * not closed, an unknown kind, or an entry with no text (so a broken document fails the
 * build, not the page).
 */
export function extractReference(markdown) {
  const kinds = new Set(KINDS.map(([k]) => k));
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const entries = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const h = /^## +(.*\S)\s*$/.exec(lines[i]);
    if (h) section = h[1];
    const m = START.exec(lines[i]);
    if (!m) continue;
    const [, kind, title] = m;
    if (!kinds.has(kind)) throw new Error(`docs/language.md:${i + 1}: unknown kind of reference entry \`${kind}\``);
    const body = [];
    const at = i + 1;
    for (i++; i < lines.length && !END.test(lines[i]); i++) {
      if (START.test(lines[i])) break;
      body.push(lines[i]);
    }
    if (i >= lines.length || !END.test(lines[i])) throw new Error(`docs/language.md:${at}: reference entry \`${title}\` is not closed by <!-- /reference -->`);
    const made = title === 'rows' ? rowEntries(body) : title === 'items' ? itemEntries(body) : [{ title, body: bodyOf(body) }];
    if (!made.length || made.some((e) => !e.title || !e.body)) throw new Error(`docs/language.md:${at}: reference entry \`${title}\` is empty`);
    for (const e of made) entries.push({ kind, ...e, section, anchor: anchor(section) });
  }
  return entries;
}

/** The operations of `ops()` as entries of the Reference. */
export const opEntries = (ops) => ops.map((o) => ({ kind: 'operations', title: o.name, effect: o.effect, body: o.doc, example: o.example }));

/** What the search looks in: an entry's kind, title, effect, text and example, lower case. */
export const searchText = (e) => [e.kind, e.title, e.effect || '', e.body, e.example || ''].join('\n').toLowerCase();

/**
 * Words a person may search for that the reference says otherwise (lower case): a word of
 * the query also matches an entry that has one of these.
 */
export const SYNONYMS = Object.freeze({
  modulo: ['remainder'],
  modulus: ['remainder'],
  mod: ['remainder'],
  plus: ['adds'],
  minus: ['subtract'],
  times: ['multipl'],
  goto: ['jmp'],
  jump: ['jmp'],
  function: ['call'],
  subroutine: ['call'],
  procedure: ['call'],
  quit: ['ends the program'],
  halt: ['ends the program'],
  tostring: ['cast_str'],
  parseint: ['cast_int'],
});

/**
 * The entries that match `query`: each of its words (split at whitespace) appears in the
 * entry's search text, or one of its SYNONYMS does, in any order, case ignored; an empty
 * query matches all. Order is kept.
 */
export function filterReference(entries, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return entries.slice();
  const alternatives = words.map((w) => [w, ...(Object.hasOwn(SYNONYMS, w) ? SYNONYMS[w] : [])]);
  return entries.filter((e) => {
    const text = searchText(e);
    return alternatives.every((alts) => alts.some((a) => text.includes(a)));
  });
}
