// The tour's lessons as data: the order of their folders, a lesson's parts, its check,
// and the comparison of a finished run with the check. Pure: no DOM, no I/O; the files
// are read by whoever calls it (the build, a test). The format is in web/tour/README.md.

/** The fields a check may have (vm-cli/tests/tour.rs reads the same). */
const CHECK_FIELDS = ['args', 'input', 'output', 'stack', 'error', 'starter', 'predict'];
/** The most steps a lesson may ask to predict (vm-cli/tests/tour.rs has the same). */
export const PREDICT_MAX = 20;
/** The fields of a check's `starter`, which runs with the check's arguments and input. */
const STARTER_FIELDS = ['output', 'stack', 'error'];
/** At most this many differing lines are described; the rest are counted. */
const LINES_SHOWN = 5;
/** A line or value quoted in a difference is cut after this many characters. */
const QUOTE_CHARS = 60;
/** At most this many values of a stack are shown in a difference (the top ones). */
const STACK_SHOWN = 10;

/**
 * The lessons' folders in order: names `NN-slug` numbered 01, 02, … without a gap.
 * Returns `[{ number, slug, dir }]`; throws an Error naming the folder that is wrong.
 */
export function lessonOrder(dirs) {
  const lessons = dirs.map(lessonFolder);
  lessons.sort((a, b) => a.number - b.number);
  lessons.forEach((l, i) => {
    if (l.number !== i + 1) throw new Error(`${l.dir}: expected lesson ${i + 1} here (the numbers go 01, 02, … without a gap)`);
  });
  return lessons;
}

/** The files of a lesson's folder, by the name parseLesson gives their text. */
const LESSON_FILES = { markdown: 'lesson.md', starter: 'starter.svm', solution: 'solution.svm', check: 'check.json' };

/**
 * The whole tour from its files: `dirs` the names of the lessons' folders (web/tour's
 * folders), `read(dir, file)` the text of a file of one. Returns the lessons in order, as
 * parseLesson gives them; throws an Error naming the folder or file that is wrong.
 */
export function loadTour(dirs, read) {
  return lessonOrder(dirs).map(({ dir }) => {
    const texts = Object.fromEntries(Object.entries(LESSON_FILES).map(([key, file]) => [key, read(dir, file)]));
    return parseLesson({ dir, ...texts });
  });
}

/** A lesson's folder name `NN-slug` read: `{ number, slug, dir }`; throws when it is not one. */
export function lessonFolder(dir) {
  const m = /^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(dir);
  if (!m) throw new Error(`${dir}: a lesson's folder is named NN-slug, e.g. 01-push-and-print`);
  return { number: Number(m[1]), slug: m[2], dir };
}

/**
 * A lesson from its files' texts: `{ dir, markdown, starter, solution, check }` (`check`
 * the text of check.json). Returns `{ number, slug, dir, title, text, starter, solution,
 * check }`, `text` the Markdown after the title line. Throws an Error naming the file.
 */
export function parseLesson({ dir, markdown, starter, solution, check }) {
  const { number, slug } = lessonFolder(dir);
  const m = /^# (.+)\n/.exec(markdown);
  if (!m) throw new Error(`${dir}/lesson.md: the first line is the title, "# Title"`);
  let parsed;
  try {
    parsed = parseCheck(check);
  } catch (e) {
    throw new Error(`${dir}/check.json: ${e.message}`);
  }
  return { number, slug, dir, title: m[1].trim(), text: markdown.slice(m[0].length), starter, solution, check: parsed };
}

/**
 * Reads the text of a check.json: `{ args, input, output, stack, error, starter, predict }` with
 * `args` a string ('' when absent), `input` a list of lines, `output` the exact expected
 * output, `stack` null (not checked) or the expected final stack, bottom first, as
 * `{ type, value }` (`Num` with a decimal string, `Bool`, `Str`), `error` null or the kind
 * of runtime error the run must end with (`type_error`), and `starter` null or what the
 * starter does: a check of the same shape, with the same `args` and `input`, and
 * `predict` null or how many steps of the starter the lesson asks to predict. Throws an
 * Error saying what is wrong.
 */
export function parseCheck(text) {
  let c;
  try {
    c = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${e.message}`);
  }
  const check = checkFrom(c, CHECK_FIELDS);
  if (c.starter !== undefined) {
    try {
      check.starter = { ...checkFrom(c.starter, STARTER_FIELDS), args: check.args, input: check.input };
    } catch (e) {
      throw new Error(`"starter": ${e.message}`);
    }
  }
  return check;
}

/** A check from its JSON object, which may have the fields `known`; `starter` left null. */
function checkFrom(c, known) {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new Error('a check is a JSON object');
  const unknown = Object.keys(c).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new Error(`unknown field "${unknown}" (a check has ${known.join(', ')})`);
  if ('args' in c && typeof c.args !== 'string') throw new Error('"args" is a string, the arguments as typed after the file name');
  const input = c.input ?? [];
  if (!Array.isArray(input) || !input.every((l) => typeof l === 'string' && !l.includes('\n'))) {
    throw new Error('"input" is a list of lines (strings without a line break)');
  }
  if (typeof c.output !== 'string') throw new Error('"output" (a string, the exact expected output) is required');
  let stack = null;
  if ('stack' in c) {
    if (!Array.isArray(c.stack)) throw new Error('"stack" is a list of values, bottom first');
    stack = c.stack.map(typed);
  }
  if ('error' in c && !(typeof c.error === 'string' && /^[a-z_]+$/.test(c.error))) {
    throw new Error('"error" is the kind of a runtime error, such as "type_error"');
  }
  if ('error' in c && stack) throw new Error('a run that ends with an error has no final stack to check');
  if ('predict' in c && !(Number.isInteger(c.predict) && c.predict >= 1 && c.predict <= PREDICT_MAX)) {
    throw new Error(`"predict" is how many steps of the starter to predict, 1 to ${PREDICT_MAX}`);
  }
  return { args: c.args ?? '', input, output: c.output, stack, error: c.error ?? null, starter: null, predict: c.predict ?? null };
}

/** A JSON value of a check's stack as a value of the language. */
function typed(v) {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`the stack value ${v} is not an integer (or not exactly one)`);
    return { type: 'Num', value: String(v) };
  }
  if (typeof v === 'boolean') return { type: 'Bool', value: String(v) };
  if (typeof v === 'string') return { type: 'Str', value: v };
  throw new Error(`a stack value is an integer, a boolean or a string, not ${JSON.stringify(v)}`);
}

/**
 * What to run for a check: `{ args, stdin }` for the runner's `run` message. A `read`
 * beyond these lines is to be answered with the end of input (`input` with `eof: true`
 * on `needs_input`), as `svm` finds it at the end of a file.
 */
export function runRequest(check) {
  return { args: check.args, stdin: check.input.slice() };
}

/** The literal form of a value, as the stack shows it: strings quoted and escaped. */
export function literal({ type, value }) {
  if (type !== 'Str') return value;
  const escaped = value.replace(/[\\"\n\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t' })[c]);
  return `"${escaped}"`;
}

/**
 * Compares a finished run with a check. `run` is what the page knows when the run has
 * ended: `{ status, output, exit_code, error, stack, stack_len, diagnostics }`, as the
 * worker's `done` message carries them (status `halted`, `error` or `stopped`; `stack`
 * the top values `{ type, value, literal, cut, bytes }`, bottom first), `output` all of
 * the output, or status `compile` or `args` with the `diagnostics` of a `setup_error`.
 * Returns `{ passed, differences }`, each difference a sentence for the learner.
 */
export function compareRun(check, run) {
  const differences = [];
  switch (run.status) {
    case 'compile':
    case 'args': {
      const what = run.status === 'compile' ? 'the program does not compile' : 'the arguments cannot be read';
      const d = (run.diagnostics || [])[0];
      differences.push(d ? `${what}: ${d.message} (${where(d.span)})` : what);
      return { passed: false, differences };
    }
    case 'stopped':
      differences.push('the run was stopped before it ended');
      return { passed: false, differences };
    case 'error':
      if (run.error.kind !== check.error) {
        const expected = check.error ? `, not ${errorName(check.error)}` : '';
        differences.push(`the program stopped with a runtime error at ${where(run.error.span)}: ${run.error.message}${expected}`);
      }
      break;
    case 'halted':
      if (check.error) differences.push(`the program ended without an error; expected ${errorName(check.error)}`);
      else if (String(run.exit_code ?? '0') !== '0') differences.push(`the program ended with exit code ${run.exit_code}, not 0`);
      break;
    default:
      throw new Error(`compareRun: unknown status ${JSON.stringify(run.status)}`);
  }
  differences.push(...outputDifferences(check.output, run.output || ''));
  // The stack of a failed run is the one its error found: the error says enough.
  if (check.stack && run.status === 'halted') {
    const d = stackDifference(check.stack, run.stack || [], run.stack_len ?? (run.stack || []).length);
    if (d) differences.push(d);
  }
  return { passed: differences.length === 0, differences };
}

/** "a type error" for the kind `type_error`. */
function errorName(kind) {
  return `a${/^[aeiou]/.test(kind) ? 'n' : ''} ${kind.replace(/_/g, ' ')} error`.replace(/ error error$/, ' error');
}

/** "line 3, column 5" of a span. */
function where(span) {
  return span ? `line ${span.line}, column ${span.column}` : 'an unknown place';
}

/** A line or value quoted for a difference, cut when long. */
function quote(text) {
  return text === '' ? 'an empty line' : `\`${cut(text)}\``;
}

/** A text cut after QUOTE_CHARS characters (costing the same however long it is). */
function cut(text) {
  const chars = Array.from(text.slice(0, 2 * QUOTE_CHARS + 2));
  return chars.length > QUOTE_CHARS ? `${chars.slice(0, QUOTE_CHARS).join('')}…` : text;
}

/** The lines of an output, without the empty one after a final line break. */
function lines(text) {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

/** One differing line: `want` or `got` undefined when that output has no line `n`. */
function lineDifference(n, want, got) {
  if (got === undefined) return `line ${n}: expected ${quote(want)}, got nothing`;
  if (want === undefined) return `line ${n}: expected nothing, got ${quote(got)}`;
  return `line ${n}: expected ${quote(want)}, got ${quote(got)}`;
}

/**
 * How an output differs from the expected one, line by line. The expected output is a
 * lesson's, small; the actual one may be large (a megabyte of output): its lines past the
 * expected ones are counted, not copied.
 */
export function outputDifferences(expected, actual) {
  if (expected === actual) return [];
  const want = lines(expected);
  const found = [];
  let differing = 0;
  const differ = (n, w, g) => {
    differing++;
    if (found.length < LINES_SHOWN) found.push(lineDifference(n, w, g));
  };
  let count = 0; // lines of `actual` read
  for (let from = 0; from < actual.length; count++) {
    let end = actual.indexOf('\n', from);
    if (end < 0) end = actual.length;
    if (count < want.length || found.length < LINES_SHOWN) {
      const got = actual.slice(from, end);
      if (got !== want[count]) differ(count + 1, want[count], got);
    } else {
      differing++;
    }
    from = end + 1;
  }
  for (let i = count; i < want.length; i++) differ(i + 1, want[i], undefined);
  if (differing > found.length) found.push(`… and ${plural(differing - found.length, 'more differing line')}`);
  if (want.length !== count && want.length > 0 && count > 0) {
    found.push(`expected ${plural(want.length, 'line')} of output, got ${plural(count, 'line')}`);
  }
  if (differing === 0 && expected.endsWith('\n') !== actual.endsWith('\n')) {
    found.push(
      expected.endsWith('\n')
        ? 'the output does not end with a line break (`println` prints one, `print` does not)'
        : 'the output ends with a line break, which is not expected (`print` prints none)',
    );
  }
  if (actual === '' && expected !== '') found.unshift('the program printed nothing');
  return found;
}

/** "1 line", "2 lines". */
function plural(n, noun) {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A stack written as the page and `svm` write it, its top values only when deep. */
function showStack(literals, depth) {
  const top = literals.slice(-STACK_SHOWN).map(cut);
  const left = depth - top.length;
  return left > 0 ? `[… ${top.join(' ')}] (${plural(depth, 'value')})` : `[${top.join(' ')}]`;
}

/** Does a value the run reports equal the expected one? A cut string is compared by its
 * start and its size. */
function same(want, got) {
  if (want.type !== got.type) return false;
  if (!got.cut) return want.value === got.value;
  const start = got.value.replace(/…$/, '');
  return want.value.startsWith(start) && new TextEncoder().encode(want.value).length === got.bytes;
}

/** How the final stack differs from the expected one (null: it does not). */
export function stackDifference(expected, stack, depth) {
  const equal = depth === expected.length && stack.length === depth && expected.every((v, i) => same(v, stack[i]));
  if (equal) return null;
  const want = showStack(expected.map(literal), expected.length);
  const got = depth === 0 ? '[] (an empty stack)' : showStack(stack.map((v) => v.literal), depth);
  let text = `the final stack: expected ${want}, got ${got}`;
  // A number and a string that print alike are the classic mix-up: name it.
  const i = expected.findIndex((v, i) => stack[i] && v.type !== stack[i].type && v.value === stack[i].value);
  if (depth === expected.length && i >= 0) {
    text += ` (value ${i + 1} from the bottom is ${article(stack[i].type)} ${stack[i].literal}, not ${article(expected[i].type)} ${literal(expected[i])})`;
  }
  return text;
}

/** "the number", "the boolean", "the string" for a type name. */
function article(type) {
  return { Num: 'the number', Bool: 'the boolean', Str: 'the string' }[type] || type;
}
