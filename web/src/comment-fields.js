// The `# args:` and `# stdin:` comments of a program and the Arguments and Input fields
// (pure). The model: the fields are what Run uses. Loading a program (an example, an
// import) fills them from its comments; editing a comment fills the field it names
// again; a field edited away from the program's comment is said beside the fields, with
// a button to take the comment's. A comment taken out leaves the field as it is.

/** Programs longer than this are not read for comments as you type (characters). */
export const MAX_CHARS = 512 * 1024;

const PATTERNS = { args: /#\s*args:(.*)$/gm, stdin: /#\s*stdin:(.*)$/gm };

/**
 * The values of the `# key:` comments of a source, as svm-file.js `directives` reads
 * them, in one pass of one regular expression (it runs after every pause in the typing:
 * `directives` makes a regular expression per line).
 */
export function scan(source, key) {
  if (!source.includes(`${key}:`)) return [];
  return Array.from(source.matchAll(PATTERNS[key]), (m) => m[1].replace(/^ /, '').replace(/\r$/, ''));
}

/** What a source's comments say: { args, stdin }, each null when it has no such comment. */
export function commentFields(source) {
  if (source.length > MAX_CHARS) return { args: null, stdin: null };
  const args = scan(source, 'args');
  const stdin = scan(source, 'stdin');
  return { args: args.length ? args.join(' ').trim() : null, stdin: stdin.length ? stdin.join('\n') + '\n' : null };
}

/**
 * The fields an edit of the comments sets: the comments were `before` and are `after`
 * (commentFields); returns { args?, stdin? }, only those whose comment changed and is
 * there.
 */
export function followComments(before, after) {
  const out = {};
  if (after.args !== null && after.args !== before.args) out.args = after.args;
  if (after.stdin !== null && after.stdin !== before.stdin) out.stdin = after.stdin;
  return out;
}

/** Input text with one final newline (none when empty), line ends as `\n`. */
const lines = (s) => {
  const t = s.replace(/\r\n?/g, '\n');
  return t === '' || t.endsWith('\n') ? t : `${t}\n`;
};

/** Which fields differ from the program's comments: { args, stdin } (false where there is no comment). */
export function differences(comments, fields) {
  return {
    args: comments.args !== null && comments.args !== fields.args.trim(),
    stdin: comments.stdin !== null && comments.stdin !== lines(fields.stdin),
  };
}
