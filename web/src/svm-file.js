// Programs as .svm files: the arguments and input travel as the comments the examples and
// the golden tests use (`# args: 10`, one `# stdin: line` per line of input). Pure: used by
// build.mjs (the examples) and by the page (export and import).

/** The largest file an import accepts (bytes). */
export const MAX_IMPORT_BYTES = 1 << 20;

/** The values of the `# key:` comments of a source, in order. */
export function directives(source, key) {
  const out = [];
  const re = new RegExp(`#\\s*${key}:(.*)$`);
  for (const line of source.split('\n')) {
    // (A line of a CRLF file: `.` does not take its `\r`, so it goes first.)
    const m = line.replace(/\r$/, '').match(re);
    if (m) out.push(m[1].replace(/^ /, ''));
  }
  return out;
}

/** The arguments and input a source's comments give: { args, stdin }. */
export function fieldsOf(source) {
  const stdin = directives(source, 'stdin');
  return { args: directives(source, 'args').join(' '), stdin: stdin.length ? stdin.join('\n') + '\n' : '' };
}

const DIRECTIVE_LINE = /^\s*#\s*(args|stdin):/;

/**
 * A program -> the text of its .svm file. A source whose comments already give its
 * arguments and input is written as it is; otherwise its whole-line `# args:` and
 * `# stdin:` comments are replaced by ones at the top that do.
 */
export function toSvm({ source, args = '', stdin = '' }) {
  const want = { args: args.trim(), stdin: stdin === '' || stdin.endsWith('\n') ? stdin : stdin + '\n' };
  const have = fieldsOf(source);
  if (have.args.trim() === want.args && have.stdin === want.stdin) return source;
  const head = [];
  if (want.args) head.push(`# args: ${want.args}`);
  for (const line of want.stdin.replace(/\r\n?/g, '\n').split('\n').slice(0, -1)) head.push(`# stdin: ${line}`);
  const body = source
    .split('\n')
    .filter((l) => !DIRECTIVE_LINE.test(l))
    .join('\n');
  return head.length ? `${head.join('\n')}\n${body}` : body;
}

/** A file name for a program's name: `name.svm`, without characters file systems refuse. */
export function fileName(name) {
  const base = String(name).replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').trim().slice(0, 100) || 'program';
  return /\.svm$/i.test(base) ? base : `${base}.svm`;
}

/** Why a file of `size` bytes is refused (too large), or null. */
export function sizeError(name, size) {
  const mib = (n) => `${(n / (1 << 20)).toFixed(1)} MiB`;
  return size > MAX_IMPORT_BYTES ? `${name} is ${mib(size)}; a program file may be at most ${mib(MAX_IMPORT_BYTES)}` : null;
}

/**
 * An imported file: its name and bytes -> { program: { name, source, args, stdin } } or
 * { error } saying why it is refused (too large, not text).
 */
export function readSvm(name, bytes) {
  const tooLarge = sizeError(name, bytes.length);
  if (tooLarge) return { error: tooLarge };
  let source;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { error: `${name} is not a text file (it is not UTF-8)` };
  }
  // A NUL, or other control characters than tab, newline, carriage return and form feed: binary.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(source)) return { error: `${name} is not a text file (it holds control characters)` };
  if (source.startsWith('\ufeff')) source = source.slice(1);
  const base = String(name).replace(/\.(svm|txt)$/i, '') || 'Imported program';
  return { program: { name: base, source, ...fieldsOf(source), breakpoints: [] } };
}
