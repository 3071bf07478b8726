// The input prompt in the Output panel: when a `read` finds no line left in the Input
// panel, the person types one (Send) or ends the input (End input, Ctrl+D).

export class InputPrompt {
  /**
   * `{ form, input, eof }`: the prompt's form, its field and its End input button.
   * `onLine(line)`, `onEof()`: the answer; `focusEditor()`: where the focus goes when the
   * prompt is hidden while it has it.
   */
  constructor({ form, input, eof }, { onLine, onEof, focusEditor }) {
    this.form = form;
    this.input = input;
    this.focusEditor = focusEditor;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      onLine(input.value);
    });
    eof.addEventListener('click', () => onEof());
    input.addEventListener('keydown', (e) => {
      if (e.key === 'd' && e.ctrlKey) {
        e.preventDefault();
        eof.click();
      }
    });
  }

  /** Shown while the run waits for a line (`state.prompt`). */
  render({ prompt }) {
    if (prompt === !this.form.hidden) return;
    if (prompt) this.show();
    else this.hide();
  }

  show() {
    this.form.hidden = false;
    this.input.value = '';
    // Focus without the browser's scroll (it would take the header away); bring the
    // prompt into view only if it is not.
    this.input.focus({ preventScroll: true });
    this.form.scrollIntoView({ block: 'nearest' });
  }

  hide() {
    if (this.form.contains(document.activeElement)) this.focusEditor();
    this.form.hidden = true;
  }
}
