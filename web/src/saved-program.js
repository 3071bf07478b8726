// The saved program and the bar above the editor about it: the kept program is saved as
// you type (store.js), a shared link opens as this tab's draft, and a change made in
// another tab is followed or, when this tab has edits of its own, asked about.

import { h, fill } from './dom.js';
import { ProgramStore, KEPT_KEY, sameProgram } from './store.js';
import { decodeState, isShareFragment } from './share.js';

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
  }

  /** The program to show at start: the tab's draft or the kept program. */
  load() {
    return this.store.load();
  }

  /**
   * Once the editor is there. `current()`: the program shown ({ source, args, stdin,
   * breakpoints }); `replace(p)`: shows program `p` (one undoable change); `running()`:
   * a run is going on.
   */
  attach({ current, replace, running }) {
    Object.assign(this, { current, replace, running });
    // What was loaded is what is stored: nothing to save (a save pending here would make
    // this tab take another tab's save for a conflict).
    this.cancelSave();
    if (this.store.mode === 'draft') this.showDraftBar();
  }

  saveNow() {
    this.cancelSave();
    if (this.away) return;
    if (this.store.save(this.current()) === 'conflict') this.showConflict();
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
  }

  /**
   * Back from elsewhere: returns the program to show again, and saving goes on. It is the
   * stored one (the tab's draft or the kept program, another tab's change included); or,
   * when it could not be saved (a conflict, no storage), the very program that was left.
   */
  back() {
    if (!this.away) return this.current();
    this.away = false;
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

  /** This tab shows a shared program, saved apart from the kept one. */
  showDraftBar() {
    this.showBar('draft', 'A shared program: your own program is kept apart, and edits here stay in this tab.', [
      ['Keep this one instead', () => this.store.keepDraft(this.current())],
      ['Back to my program', () => this.replace(this.store.leaveDraft())],
    ]);
  }

  /**
   * The kept program was changed in another tab while this one has edits of its own (or a
   * run going, which a new text would leave behind).
   */
  showConflict(message = 'Your program was changed in another tab; the edits in this tab are not saved.') {
    this.showBar('conflict', message, [
      ['Load the other tab’s version', () => this.replace(this.store.kept())],
      ['Save this tab’s version over it', () => this.store.overwrite(this.current())],
    ]);
  }

  /** Another tab saved the kept program: follow it if this tab has no edits of its own waiting to be saved; else ask. */
  changedElsewhere(e) {
    if (!this.current || this.away) return;
    if (e.storageArea !== storage('localStorage') || (e.key !== KEPT_KEY && e.key !== null)) return;
    if (!this.store.changedElsewhere(e)) return;
    const stored = this.store.stored();
    if (stored && sameProgram(stored, this.current())) this.store.kept(); // the same program: nothing to do
    else if (this.timer || this.barKind === 'conflict') this.showConflict();
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
      // until the person chooses to keep it.
      if (this.timer) this.saveNow();
      this.store.openDraft(s);
      this.replace(s);
      this.saveNow();
      this.showDraftBar();
      this.banner.hide();
    } catch (e) {
      this.banner.show(`This share link could not be opened: ${e.message}. Your current program was kept.`);
    }
  }
}
