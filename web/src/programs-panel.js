// The My programs panel: the programs kept in this browser (store.js, through
// saved-program.js), with open, rename (inline), duplicate, export and delete (with
// Undo); a new program; import of a .svm file by choosing it or dropping it on the editor;
// the recently replaced texts (replaced.js), each with Restore.

import { h, fill } from './dom.js';
import { toSvm, fileName, readSvm, sizeError } from './svm-file.js';

/** When a program was saved, shortly: "14:05" today, else "3 Nov". */
function when(ms, now = new Date()) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toDateString() === now.toDateString()
    ? d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

/** Saves `text` as a download named `name`. */
function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class ProgramsPanel {
  /**
   * `{ toggle, panel, editorHost }`: the toolbar button, the panel, the element the
   * editor lives in (files dropped on it are imported). `saved`: the SavedProgram;
   * `banner`: for messages.
   */
  constructor({ toggle, panel, editorHost }, { saved, banner }) {
    Object.assign(this, { toggle, panel, saved, banner });
    /** The program being renamed (its id), or null. */
    this.renaming = null;
    this.msg = h('p', { class: 'programs-msg', role: 'status', 'data-testid': 'programs-msg' });
    this.list = h('ol', { class: 'programs-list', 'aria-label': 'My programs' });
    this.replaced = h('div', { class: 'programs-replaced', 'data-testid': 'replaced' });
    this.file = h('input', { type: 'file', accept: '.svm,.txt,text/plain', hidden: true, 'data-testid': 'import-file' });
    this.file.addEventListener('change', () => {
      if (this.file.files[0]) this.importFile(this.file.files[0]);
      this.file.value = '';
    });
    fill(
      panel,
      h(
        'div',
        { class: 'programs-head' },
        h('h2', { id: 'programs-h' }, 'My programs'),
        h('button', { type: 'button', onclick: () => this.saved.create('Untitled') && this.say('A new program: Untitled.') }, 'New'),
        h('button', { type: 'button', onclick: () => this.file.click(), title: 'Open a .svm file as a new program (or drop it on the editor)' }, 'Import…'),
        h('button', { type: 'button', onclick: () => this.exportCurrent(), title: 'Download the program shown as a .svm file' }, 'Export this one'),
        h('button', { type: 'button', class: 'icon', 'aria-label': 'Close My programs', onclick: () => this.show(false) }, '×'),
        this.file,
      ),
      this.msg,
      this.list,
      this.replaced,
    );
    toggle.addEventListener('click', () => this.show(panel.hidden));
    // Escape closes the panel (a rename in progress takes its Escape first).
    panel.addEventListener('keydown', (e) => e.key === 'Escape' && (this.show(false), toggle.focus()));
    saved.listen(() => !panel.hidden && this.renaming === null && this.draw());
    attachDrop(editorHost, (f) => this.importFile(f));
  }

  show(open) {
    this.panel.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) this.draw();
  }

  say(text, ...extra) {
    fill(this.msg, text, ...extra);
  }

  draw() {
    const programs = this.saved.store.list();
    fill(
      this.list,
      programs.length ? programs.map((p) => this.row(p)) : h('li', { class: 'help' }, 'No program kept yet: what you type is kept as “My program”.'),
    );    this.drawReplaced();
  }

  /** The recently replaced texts, newest first, each with Restore (as a new program). */
  drawReplaced() {
    const versions = this.saved.replacedVersions();
    if (!versions.length) return fill(this.replaced);
    const peek = (source) => {
      const line = source.split('\n').find((l) => l.trim() && !/^\s*#/.test(l)) ?? source.split('\n')[0];
      return line.length > 60 ? `${line.slice(0, 59)}…` : line;
    };
    fill(
      this.replaced,
      h('h3', { id: 'replaced-h' }, 'Recently replaced'),
      h('p', { class: 'help' }, 'Texts that the page took out of the editor (an example or a link loaded over a draft, a draft left, a program deleted). Restore makes one a program of the list again.'),
      h(
        'div',
        { role: 'list', class: 'replaced-list', 'aria-labelledby': 'replaced-h' },
        versions.map((v) =>
          h(
            'div',
            { role: 'listitem', class: 'replaced-item', 'data-version': v.id },
            h('span', { class: 'replaced-name' }, v.name),
            h('small', { class: 'program-when' }, `${v.why} · ${when(v.when)}`),
            h('code', { class: 'replaced-peek' }, peek(v.source)),
            h('button', { type: 'button', onclick: () => this.restore(v), 'aria-label': `Restore ${v.name} (${v.why})` }, 'Restore'),
          ),
        ),
      ),
    );
  }

  restore(v) {
    if (this.saved.restoreVersion(v.id)) this.say(`“${v.name}” is back, as the program “${this.saved.store.name() ?? v.name}”.`);
  }

  row(p) {
    const name =
      this.renaming === p.id
        ? this.renameInput(p)
        : h(
            'button',
            { type: 'button', class: 'link program-name', 'aria-current': p.current ? 'true' : null, onclick: () => this.saved.open(p.id), title: 'Open this program' },
            p.name,
          );
    return h(
      'li',
      { 'data-id': p.id, class: p.current ? 'current' : null },
      name,
      h('small', { class: 'program-when' }, p.current ? 'open here' : when(p.updated)),
      h('span', { class: 'program-actions' }, [
        h('button', { type: 'button', onclick: () => ((this.renaming = p.id), this.draw(), this.list.querySelector('input')?.select()) }, 'Rename'),
        h('button', { type: 'button', onclick: () => this.saved.duplicate(p.id) && this.say(`“${p.name}” duplicated.`) }, 'Duplicate'),
        h('button', { type: 'button', onclick: () => this.exportProgram(p) }, 'Export'),
        h('button', { type: 'button', onclick: () => this.remove(p) }, 'Delete'),
      ]),
    );
  }

  /** The inline rename: Enter or leaving the field keeps the name, Escape leaves it. */
  renameInput(p) {
    const input = h('input', { class: 'program-rename', value: p.name, 'aria-label': `New name for ${p.name}`, maxlength: 200 });
    let done = false;
    const finish = (keep) => {
      if (done) return;
      done = true;
      this.renaming = null;
      if (keep && input.value.trim() && input.value.trim() !== p.name) this.saved.rename(p.id, input.value);
      this.draw();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') finish(true);
      else if (e.key === 'Escape') (e.stopPropagation(), finish(false));
    });
    input.addEventListener('blur', () => finish(true));
    queueMicrotask(() => input.focus());
    return input;
  }

  remove(p) {
    const gone = this.saved.remove(p.id);
    if (!gone) return;
    this.say(
      `“${p.name}” deleted. `,
      h('button', { type: 'button', class: 'link', onclick: () => this.saved.undoRemove(gone) && this.say(`“${p.name}” is back${gone.mine ? ', open here' : ''}.`) }, 'Undo'),
    );
  }

  /** Downloads a program of the list; the one this tab shows, as it is on screen. */
  exportProgram(p) {
    const program = p.current ? this.saved.current() : this.saved.store.entry(p.id);
    if (program) download(fileName(p.name), toSvm(program));
  }

  exportCurrent() {
    download(fileName(this.saved.store.name() ?? 'program'), toSvm(this.saved.current()));
  }

  /** Opens a chosen or dropped file as a new program; a file that is too large or not text is refused, nothing replaced. */
  async importFile(file) {
    const refuse = (why) => this.banner.show(`Not imported: ${why}. Nothing was replaced.`);
    const tooLarge = sizeError(file.name, file.size);
    if (tooLarge) return refuse(tooLarge);
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      return refuse(`${file.name} could not be read (${e.message})`);
    }
    const { program, error } = readSvm(file.name, bytes);
    if (error) return refuse(error);
    if (this.saved.create(program.name, program)) {
      this.banner.hide();
      this.say(`Imported ${file.name} as “${program.name}”.`);
    }
  }
}

/** Files dropped on `host` (the editor) go to `onFile(file)`; dropped text is left to the editor. */
export function attachDrop(host, onFile) {
  const hasFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  host.addEventListener(
    'dragover',
    (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    true,
  );
  host.addEventListener(
    'drop',
    (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.stopPropagation();
      const f = e.dataTransfer.files[0];
      if (f) onFile(f);
    },
    true,
  );
}
