// The saved programs: the one the person keeps (in localStorage, shared by every tab of
// the browser) and a tab's draft (in sessionStorage, that tab only).
//
// - The kept program carries a revision. A tab saves over it only if it is still the
//   revision the tab last read or wrote; otherwise another tab has changed it, and the
//   tab is told (a conflict) instead of overwriting it silently.
// - A program opened from a share link is a draft of that tab: it is saved (and kept
//   across reloads of the tab) apart from the kept program, which it replaces only when
//   the person chooses to keep it.
//
// Pure: the storages are passed in (anything with getItem/setItem/removeItem).

/** The kept program, in localStorage. */
export const KEPT_KEY = 'simple-vm.playground.v1';
/** A tab's draft (a shared program), in sessionStorage. */
export const DRAFT_KEY = 'simple-vm.playground.draft';

/** A program as saved: { source, args, stdin, breakpoints } (and `rev` when kept). */
export function parseEntry(text) {
  let s;
  try {
    s = JSON.parse(text);
  } catch {
    return null;
  }
  if (!s || typeof s.source !== 'string') return null;
  const breakpoints = Array.isArray(s.breakpoints) ? s.breakpoints.filter((l) => Number.isInteger(l) && l > 0) : [];
  return {
    source: s.source,
    args: String(s.args ?? ''),
    stdin: String(s.stdin ?? ''),
    breakpoints,
    rev: typeof s.rev === 'string' ? s.rev : null,
  };
}

const plain = (state) => ({
  source: state.source,
  args: state.args ?? '',
  stdin: state.stdin ?? '',
  breakpoints: state.breakpoints ?? [],
});

/** Do two programs (with their arguments, input and breakpoints) hold the same? */
export const sameProgram = (a, b) => JSON.stringify(plain(a)) === JSON.stringify(plain(b));

/** A revision that no other tab makes. */
export const randomRev = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Storage that may be disabled or full: failures read as nothing, writes as false. */
export function get(storage, key) {
  try {
    return storage ? storage.getItem(key) : null;
  } catch {
    return null;
  }
}
export function set(storage, key, value) {
  try {
    if (!storage) return false;
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The saved programs of one tab. `mode` is `kept` (the tab shows the kept program) or
 * `draft` (a shared program, saved only in this tab). `fallback`: the program of a first
 * visit.
 */
export class ProgramStore {
  constructor({ local, session, fallback, newRev = randomRev }) {
    this.local = local;
    this.session = session;
    this.fallback = plain(fallback);
    this.newRev = newRev;
    this.mode = 'kept';
    /** The kept program's revision this tab's text starts from. */
    this.base = null;
  }

  /** The kept program as stored (or null). */
  stored() {
    return parseEntry(get(this.local, KEPT_KEY));
  }

  /** The kept program (the fallback when there is none); this tab now starts from it. */
  kept() {
    const s = this.stored();
    this.base = s ? s.rev : null;
    return s ? plain(s) : this.fallback;
  }

  /** What this tab shows when it opens: its draft if it has one, else the kept program. */
  load() {
    const draft = parseEntry(get(this.session, DRAFT_KEY));
    if (draft) {
      this.mode = 'draft';
      this.kept(); // the revision, for when the draft is left
      return plain(draft);
    }
    this.mode = 'kept';
    return this.kept();
  }

  /**
   * Saves the tab's program: the draft, or the kept program if no other tab has changed
   * it since this tab read or wrote it. Returns `saved`, `unchanged` (it is stored as it
   * is: nothing written, so other tabs hear of nothing), `conflict` (nothing written) or
   * `failed` (no storage).
   */
  save(state) {
    if (this.mode === 'draft') return set(this.session, DRAFT_KEY, JSON.stringify(plain(state))) ? 'saved' : 'failed';
    const s = this.stored();
    if ((s ? s.rev : null) !== this.base) return 'conflict';
    if (s && sameProgram(s, state)) return 'unchanged';
    return this.write(state);
  }

  /** Saves the tab's program as the kept one, over whatever another tab saved. */
  overwrite(state) {
    return this.write(state);
  }

  write(state) {
    const rev = this.newRev();
    if (!set(this.local, KEPT_KEY, JSON.stringify({ ...plain(state), rev }))) return 'failed';
    this.base = rev;
    return 'saved';
  }

  /** A shared program becomes this tab's draft (the kept program is left as it is). */
  openDraft(state) {
    this.mode = 'draft';
    return set(this.session, DRAFT_KEY, JSON.stringify(plain(state))) ? 'saved' : 'failed';
  }

  /** The draft becomes the kept program (the person chose it). */
  keepDraft(state) {
    set(this.session, DRAFT_KEY, null);
    this.mode = 'kept';
    return this.write(state);
  }

  /** Leaves the draft: returns the kept program, which this tab shows from now on. */
  leaveDraft() {
    set(this.session, DRAFT_KEY, null);
    this.mode = 'kept';
    return this.kept();
  }

  /**
   * A `storage` event (from another tab): true when it changed the kept program that
   * this tab shows, to a revision this tab has not seen.
   */
  changedElsewhere(event) {
    if (this.mode !== 'kept' || (event.key !== KEPT_KEY && event.key !== null)) return false;
    const s = this.stored();
    return (s ? s.rev : null) !== this.base;
  }
}
