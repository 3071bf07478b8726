// The saved program and the bar above the editor about it: the tab's program of "My
// programs" is saved as you type (store.js), a shared link opens as this tab's draft, a
// change made in another tab is followed or, when this tab has edits of its own, asked
// about, and a save that fails (storage full or disabled) is said, the program staying
// on the page. The operations of the list (programs-panel.js) go through here.

import { h, fill } from './dom.js';
import { ProgramStore, programKey, sameProgram } from './store.js';
import { decodeState, isShareFragment } from './share.js';
import { keepReplaced, takeReplaced, listReplaced, fingerprint } from './replaced.js';

/** A storage of the browser, or null where it is disabled (reading it can throw). */
function storage(name) {
  try {
    return window[name];
  } catch {
    return null;
  }
}

/** Saving waits this long after the last change (ms). */
const SAVE_DELAY_MS = 250;

export class SavedProgram {
  /** `bar`: the program bar; `banner` (banner.js); `fallback`: the program of a first visit. */
  constructor({ bar, banner, fallback }) {
    this.bar = bar;
    this.banner = banner;
    /** The kind of message the bar shows (`draft` or `conflict`), or null when hidden. */
    this.barKind = null;
    this.timer = 0;
    this.store = new ProgramStore({ local: storage('localStorage'), session: storage('sessionStorage'), fallback });
    addEventListener('pagehide', () => this.timer && this.saveNow());
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && this.timer && this.saveNow());
    addEventListener('storage', (e) => this.changedElsewhere(e));
    // A program that could not be stored is lost with the page: the browser asks first.
    addEventListener('beforeunload', (e) => this.store.pending && e.preventDefault());
    /** Called when the list or this tab's program changes (the panels redraw): `listen(fn)`. */
    this.listeners = [];
    /** The failure last said in the banner (`quota`, `unavailable`), or null. */
    this.said = null;
  }

  /** `fn()` is called when the list, the recently replaced or this tab's program change. */
  listen(fn) {
    this.listeners.push(fn);
  }

  onChange() {
    for (const fn of this.listeners) fn();
  }

  /**
   * Where this tab's text goes: `{ kind: 'kept', id }` (a program of the list) or `{ kind:
   * 'draft', name, origin }`. A load carries the place it left and the one it makes, in
   * the editor's history: undoing it goes back there (`follow`).
   */
  place() {
    const s = this.store;
    return s.mode === 'draft' ? { kind: 'draft', name: s.draftName, origin: s.draftOrigin } : { kind: 'kept', id: s.id };
  }

  /**
   * What the tab shows is called: `{ name, saved, key }` (saved: kept in My programs;
   * key: the same for the same program of the list or draft, whatever its name).
   */
  title() {
    if (this.away) return { name: 'A lesson of the tour', saved: false, away: true, key: 'tour' };
    const s = this.store;
    if (s.mode === 'draft') return { name: s.draftName ?? 'Shared program', saved: false, key: `draft:${s.draftName}:${s.draftOrigin}` };
    return { name: s.name() ?? 'My program', saved: s.id !== null && !s.pending, key: `kept:${s.id}` };
  }

  /**
   * The editor's text went back or forward to `place` (an undo or redo of a load): this
   * tab saves there from now on. Nothing is written over another place.
   */
  follow(place) {
    if (!place || this.away) return;
    const s = this.store;
    if (place.kind === 'kept') {
      if (s.mode !== 'draft') return;
      this.cancelSave();
      s.leaveDraft();
      this.hideBar();
    } else {
      if (s.mode === 'draft' && s.draftName === place.name && s.draftOrigin === place.origin) return;
      this.cancelSave();
      s.openDraft(this.current(), place);
      this.showDraftBar();
    }
    this.onChange();
  }

  /** The versions the page took out of the editor, newest first (replaced.js). */
  replacedVersions() {
    return listReplaced(this.store.local);
  }

  /**
   * The tab's draft is about to be left or replaced (`why`): if it was edited since it
   * was opened, its text is kept among the recently replaced.
   */
  keepDraft(why) {
    if (this.store.mode !== 'draft') return null;
    const p = this.current();
    if (fingerprint(p) === this.store.draftOrigin) return null;
    return keepReplaced(this.store.local, p, { name: this.store.draftName ?? 'Shared program', why });
  }

  /** The program to show at start: the tab's draft or the kept program. */
  load() {
    return this.store.load();
  }

  /**
   * Once the editor is there. `current()`: the program shown ({ source, args, stdin,
   * breakpoints }); `replace(p)`: shows program `p` (one undoable change); `running()`:
   * a run is going on; `forget()`: forgets the editor's undo history (another program
   * of the list was opened).
   */
  attach({ current, replace, running, forget = () => {} }) {
    Object.assign(this, { current, replace, running, forget });
    // What was loaded is what is stored: nothing to save (a save pending here would make
    // this tab take another tab's save for a conflict).
    this.cancelSave();
    if (this.store.mode === 'draft') this.showDraftBar();
  }

  saveNow() {
    this.cancelSave();
    if (this.away) return;
    this.report(this.store.save(this.current()));
  }

  /** Says what a save came to: a conflict in the bar, a failure in the banner (once), a success after one. */
  report(result) {
    if (result === 'conflict') this.showConflict();
    if (result === 'failed' && this.said !== this.store.error) {
      this.said = this.store.error;
      this.banner.show(
        this.store.error === 'quota'
          ? 'This browser’s storage is full: your program is not saved, but it stays on this page. Export it from My programs, or delete programs you no longer need, and it is saved again.'
          : 'This browser does not let the page store anything: your program stays on this page while it is open. Export it from My programs to keep it.',
      );
    } else if (result === 'saved' && this.said) {
      this.said = null;
      this.banner.show('Your program is saved again.', 'info');
    }
    this.onChange();
    return result;
  }

  saveSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.saveNow(), SAVE_DELAY_MS);
  }

  cancelSave() {
    clearTimeout(this.timer);
    this.timer = 0;
  }

  /**
   * The editor is to show something else (a lesson of the tour): the program is saved as
   * it is, then neither saved nor replaced (by another tab's change) until `back()`.
   */
  leave() {
    if (this.away) return;
    this.cancelSave();
    this.left = this.current();
    this.leftResult = this.store.save(this.left);
    this.away = true;
    this.hideBar();
    this.onChange();
  }

  /**
   * Back from elsewhere: returns the program to show again, and saving goes on. It is the
   * stored one (the tab's draft or the kept program, another tab's change included); or,
   * when it could not be saved (a conflict, no storage), the very program that was left.
   */
  back() {
    if (!this.away) return this.current();
    this.away = false;
    queueMicrotask(() => this.onChange());
    if (this.leftResult === 'conflict') {
      this.showConflict();
      return this.left;
    }
    if (this.leftResult === 'failed') return this.left;
    const p = this.store.load();
    if (this.store.mode === 'draft') this.showDraftBar();
    return p;
  }

  /** The bar above the editor: a message and its choices ([label, onclick]). */
  showBar(kind, message, actions = []) {
    this.barKind = kind;
    this.bar.dataset.kind = kind;
    fill(
      this.bar,
      h('span', { class: 'msg' }, message),
      actions.map(([label, onclick]) =>
        h('button', { type: 'button', onclick: () => (onclick(), this.hideBar()) }, label),
      ),
    );
    this.bar.hidden = false;
  }

  hideBar() {
    this.barKind = null;
    this.bar.hidden = true;
  }

  /** This tab shows a shared program (or an example), saved apart from the kept one. */
  showDraftBar() {
    const name = this.store.draftName ?? 'Shared program';
    const shared = name === 'Shared program';
    const mine = this.store.name() ?? 'My program';
    this.showBar(
      'draft',
      shared
        ? 'A shared program: your own program is kept apart, and edits here stay in this tab.'
        : `${name}, not saved: your program “${mine}” is kept as it was, and edits here stay in this tab.`,
      [
        shared ? ['Keep this one instead', () => this.keepInstead()] : null,
        ['Save as a new program', () => this.saveAsNew(shared ? 'Shared program' : name.replace(/^Example /, ''))],
        [shared ? 'Back to my program' : `Back to “${mine}”`, () => this.backToKept()],
      ].filter(Boolean),
    );
  }

  /** The draft replaces this tab's program of the list; the program it replaces is kept among the recently replaced. */
  keepInstead() {
    const old = this.store.stored();
    if (old) keepReplaced(this.store.local, old, { name: this.store.name() ?? 'My program', why: `replaced by “${this.store.draftName ?? 'Shared program'}” (Keep this one instead)` });
    this.report(this.store.keepDraft(this.current()));
  }

  /** Leaves the draft for this tab's program of the list (undoable: Ctrl+Z goes back to the draft). */
  backToKept() {
    this.keepDraft(`left for “${this.store.name() ?? 'My program'}”`);
    const before = this.place();
    const p = this.store.leaveDraft();
    this.replace(p, { before, after: this.place() });
    this.cancelSave();
    this.onChange();
  }

  /**
   * Opens an example as this tab's draft: the program of the list is left as it is
   * (saved first), and a draft edited since it was opened is kept among the recently
   * replaced. Ctrl+Z in the editor goes back to what was there, and to its place.
   */
  openExample(ex) {
    this.flush();
    this.keepDraft(`the example ${ex.name} was loaded over it`);
    const before = this.place();
    const p = { source: ex.source, args: ex.args ?? '', stdin: ex.stdin ?? '', breakpoints: [] };
    this.store.openDraft(p, { name: `Example ${ex.name}`, origin: fingerprint(p) });
    this.replace(p, { before, after: this.place() });
    this.saveNow();
    this.showDraftBar();
    this.onChange();
  }

  /**
   * The kept program was changed in another tab while this one has edits of its own (or a
   * run going, which a new text would leave behind).
   */
  showConflict(message = 'Your program was changed in another tab; the edits in this tab are not saved.') {
    if (this.store.id !== null && !this.store.stored()) {
      // Deleted there: what this tab shows is the only copy left.
      this.showBar('conflict', 'This program was deleted in another tab; it is still here, not saved.', [
        ['Save it again', () => this.report(this.store.overwrite(this.current()))],
      ]);
      return;
    }
    this.showBar('conflict', message, [
      ['Load the other tab’s version', () => this.replace(this.store.kept())],
      ['Save this tab’s version over it', () => this.report(this.store.overwrite(this.current()))],
    ]);
  }

  /** Another tab saved the kept program: follow it if this tab has no edits of its own waiting to be saved; else ask. */
  changedElsewhere(e) {
    if (!this.current || this.away) return;
    if (e.storageArea !== storage('localStorage')) return;
    this.onChange(); // the list may have changed
    if (e.key !== null && e.key !== programKey(this.store.id)) return;
    if (!this.store.changedElsewhere(e)) return;
    const stored = this.store.stored();
    if (stored && sameProgram(stored, this.current())) this.store.kept(); // the same program: nothing to do
    else if (!stored || this.timer || this.barKind === 'conflict') this.showConflict();
    else if (this.running()) this.showConflict('Your program was changed in another tab; this tab still shows the program it runs.');
    else {
      this.replace(this.store.kept());
      // What was loaded is what is stored: nothing to save.
      this.cancelSave();
    }
  }

  /** Opens a share link in the address's fragment, if there is one, as this tab's draft. */
  async openShareLink() {
    const fragment = location.hash.slice(1);
    if (!isShareFragment(fragment)) return;
    // The link has been read (or refused): a reload then keeps later edits.
    history.replaceState(null, '', location.pathname + location.search);
    try {
      const s = await decodeState(fragment);
      // The kept program is saved as it is, and stays: the shared one is this tab's draft
      // until the person chooses to keep it. A draft edited since it was opened is kept
      // among the recently replaced.
      if (this.timer) this.saveNow();
      this.keepDraft('a share link was opened over it');
      const before = this.place();
      this.store.openDraft(s, { name: 'Shared program', origin: fingerprint(s) });
      this.replace(s, { before, after: this.place() });
      this.saveNow();
      this.showDraftBar();
      this.onChange();
      this.banner.hide();
    } catch (e) {
      this.banner.show(`This share link could not be opened: ${e.message}. Your current program was kept.`);
    }
  }

  // ---- the operations of My programs -------------------------------------------------------

  /** Saves what is waiting to be saved, before this tab leaves its program. */
  flush() {
    if (this.timer) this.saveNow();
  }

  /** This tab shows program `id` of the list. */
  open(id) {
    this.beforeSwitch?.(); // whatever shows something else in the editor (the tour) closes first
    this.flush();
    if (this.store.entry(id)) this.keepDraft(`left for “${this.store.name(id) ?? 'a program'}”`);
    const p = this.store.open(id);
    if (!p) return false;
    this.hideBar();
    this.show(p);
    return true;
  }

  /** A new program of the list (`p`, or an empty one), shown in this tab. */
  create(name, p = { source: '', args: '', stdin: '', breakpoints: [] }) {
    this.beforeSwitch?.();
    this.flush();
    // A draft edited since it was opened, left for another program, is kept among the
    // recently replaced (not when it is the program made: Save as a new program).
    const draft = this.store.mode === 'draft' ? this.current() : null;
    const keep = draft && draft !== p && fingerprint(draft) !== this.store.draftOrigin ? { name: this.store.draftName ?? 'Shared program' } : null;
    const id = this.store.create(name, p);
    if (id && keep) keepReplaced(this.store.local, draft, { ...keep, why: `left for the new program “${this.store.name(id)}”` });
    if (!id) {
      this.report('failed');
      return null;
    }
    this.hideBar();
    this.show(p);
    return id;
  }

  /** Shows another program of the list: what was loaded is what is stored, and Ctrl+Z does not reach back into the one before. */
  show(p) {
    this.replace(p);
    this.forget();
    this.cancelSave();
    this.onChange();
  }

  /** The program shown (a shared draft, say) becomes a new program of the list. */
  saveAsNew(name) {
    const p = this.current();
    return this.create(name, p);
  }

  rename(id, name) {
    const done = this.store.rename(id, name);
    this.onChange();
    return done;
  }

  duplicate(id) {
    this.flush();
    const copy = this.store.duplicate(id);
    if (!copy) this.report('failed');
    this.onChange();
    return copy;
  }

  /**
   * Deletes a program: returns what `undoRemove` takes. It is kept among the recently
   * replaced (Restore brings it back after a reload too). This tab, if it showed it,
   * opens another (or a new one).
   */
  remove(id) {
    this.flush();
    const mine = id === this.store.id && this.store.mode === 'kept';
    const gone = this.store.remove(id);
    if (!gone) return null;
    gone.version = keepReplaced(this.store.local, gone.entry, { name: gone.meta.name, why: 'deleted' });
    gone.mine = mine;
    if (mine) {
      const next = this.store.list()[0];
      if (next) this.open(next.id);
      else gone.made = this.create('Untitled');
    }
    this.onChange();
    return gone;
  }

  /** Brings a deleted program back; if this tab showed it, this tab shows it again (the empty one made in its place goes). */
  undoRemove(gone) {
    const done = this.store.restore(gone);
    if (!done) return (this.report('failed'), false);
    if (gone.version) takeReplaced(this.store.local, gone.version);
    if (gone.mine) {
      const made = gone.made && this.store.id === gone.made ? this.store.entry(gone.made) : null;
      this.open(gone.meta.id);
      if (made && !made.source.trim() && !made.args && !made.stdin) this.store.remove(gone.made);
    }
    this.onChange();
    return done;
  }

  /** Restores a recently replaced version as a new program of the list, shown in this tab. */
  restoreVersion(id) {
    const v = takeReplaced(this.store.local, id);
    if (!v) return null;
    // (An example's draft is named after the example, as Save as a new program does.)
    const made = this.create(v.name.replace(/^Example /, ''), v);
    if (!made) keepReplaced(this.store.local, v, { name: v.name, why: v.why, now: v.when, id: v.id });
    this.onChange();
    return made;
  }
}
