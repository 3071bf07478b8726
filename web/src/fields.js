// The Arguments and Input fields, and the arguments shown beside Run ("with arguments:
// 10"; a click goes to the field): a program typed over an example never gets its
// arguments unnoticed.

import { h, fill } from './dom.js';
import { commentFields, followComments, differences } from './comment-fields.js';

/** The Input panel as lines; a final newline does not add an empty line. */
export function stdinLines(text) {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The arguments a run pushes, shortened for a label. */
export const argsLabel = (args) => (args.length > 60 ? `${args.slice(0, 59)}…` : args);

export class Fields {
  /** `{ args, stdin, chip }`: the two fields and the button beside Run; `onInput()`: an edit. */
  constructor({ args, stdin, chip }, { onInput }) {
    this.argsEl = args;
    this.stdinEl = stdin;
    this.chip = chip;
    args.addEventListener('input', () => {
      this.valid();
      this.showArgs();
      onInput();
    });
    stdin.addEventListener('input', onInput);
    chip.addEventListener('click', () => {
      args.focus({ preventScroll: true });
      args.scrollIntoView({ block: 'nearest' });
      args.select();
    });
  }

  get args() {
    return this.argsEl.value;
  }

  get stdin() {
    return this.stdinEl.value;
  }

  /** Sets both fields ({ args, stdin }). */
  set({ args, stdin }) {
    this.argsEl.value = args;
    this.stdinEl.value = stdin;
    this.valid();
    this.showArgs();
  }

  /** Beside Run: the arguments it will push, if any. */
  showArgs() {
    const args = this.args.trim();
    this.chip.hidden = !args;
    // "args:" on a narrow screen, where the header has little room.
    fill(this.chip, h('span', { class: 'long' }, 'with arguments: '), h('span', { class: 'short' }, 'args: '), argsLabel(args));
    this.chip.title = `Run pushes these arguments first: ${args.length > 500 ? `${args.slice(0, 499)}…` : args} (click to edit them)`;
  }

  /** The arguments could not be read (or can again: `valid`). */
  invalid() {
    this.argsEl.setAttribute('aria-invalid', 'true');
  }

  valid() {
    this.argsEl.removeAttribute('aria-invalid');
  }

  /** Selects a diagnostic's columns in the Arguments field. */
  selectArgs(d) {
    this.argsEl.focus();
    this.argsEl.setSelectionRange(d.from, Math.max(d.to, d.from + 1));
  }
}

/** An edit of the comments is followed after this long without another (ms). */
const COMMENT_DELAY = 250;

/**
 * The `# args:` / `# stdin:` comments and the fields (the model is comment-fields.js's):
 * an edited comment fills its field again, and a field that differs from the program's
 * comment is said in `note`, with a button that takes the comment's.
 */
export class CommentSync {
  /** `fields` (Fields); `note`: the element under the fields; `text()`: the editor's text; `onFields()`: the fields were set. */
  constructor({ fields, note, text, onFields }) {
    Object.assign(this, { fields, note, text, onFields });
    this.before = { args: null, stdin: null };
    this.timer = 0;
  }

  /** Another program was loaded (or the text came back with an undo): its comments are the new start. */
  reset() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.before = commentFields(this.text());
    this.check();
  }

  /** The program was edited: its comments are read again once the typing pauses. */
  edited() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sync(), COMMENT_DELAY);
  }

  /** Reads the comments now: a changed one fills its field. */
  sync() {
    clearTimeout(this.timer);
    this.timer = 0;
    const after = commentFields(this.text());
    const set = followComments(this.before, after);
    this.before = after;
    if ('args' in set || 'stdin' in set) {
      this.fields.set({ args: set.args ?? this.fields.args, stdin: set.stdin ?? this.fields.stdin });
      this.onFields();
    }
    this.check();
  }

  // The run control's watcher: a run reads the fields after a comment typed just before it.
  starting() {
    if (this.timer) this.sync();
  }

  message() {}

  /**
   * A field was typed in: what was typed stays. A comment edited just before, not read
   * yet, does not overwrite it: it counts as read, and the note says they differ.
   */
  fieldEdited() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = 0;
      this.before = commentFields(this.text());
    }
    this.check();
  }

  /** Says which fields differ from the program's comments (or nothing). */
  check() {
    const c = this.before;
    const d = differences(c, this.fields);
    const take = (what) =>
      h('button', { type: 'button', class: 'link', onclick: () => (this.fields.set({ args: what === 'args' ? c.args : this.fields.args, stdin: what === 'stdin' ? c.stdin : this.fields.stdin }), this.onFields(), this.check()) }, 'Use the comment’s');
    fill(
      this.note,
      d.args ? h('span', {}, 'Arguments differ from the program’s ', h('code', {}, `# args: ${c.args.length > 60 ? `${c.args.slice(0, 59)}…` : c.args}`), ' comment: Run uses the field. ', take('args')) : null,
      d.stdin ? h('span', {}, 'Input differs from the program’s ', h('code', {}, '# stdin:'), ' comments: Run uses the field. ', take('stdin')) : null,
    );
    this.note.hidden = !(d.args || d.stdin);
  }
}
