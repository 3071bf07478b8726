// The Arguments and Input fields, and the arguments shown beside Run ("with arguments:
// 10"; a click goes to the field): a program typed over an example never gets its
// arguments unnoticed.

import { h, fill } from './dom.js';

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
