// The saved programs: "My programs", a list kept in localStorage (shared by every tab of
// the browser), the program a tab shows (one of them), and a tab's draft (in
// sessionStorage, that tab only).
//
// - localStorage holds an index (`INDEX_KEY`: each program's id, name and time of its
//   last save, and the program opened last) and one entry per program (`programKey(id)`:
//   source, arguments, input, breakpoints, revision, time).
// - Each program carries a revision. A tab saves over a program only if it is still the
//   revision the tab last read or wrote; otherwise another tab has changed it, and the tab
//   is told (a conflict) instead of overwriting it silently.
// - A program opened from a share link is a draft of that tab: it is saved (and kept
//   across reloads of the tab) apart from the list, which it joins only when the person
//   chooses.
// - The one program of earlier versions (`KEPT_KEY`) becomes the first program of the
//   list, "My program"; its old entry is removed only once the new one is written.
// - A write that fails (storage full or disabled) keeps the program in memory
//   (`pending`), says why (`error`: `quota` or `unavailable`), and is tried again at the
//   next save.
//
// Pure: the storages are passed in (anything with getItem/setItem/removeItem).

/** The one program of earlier versions, in localStorage (read once, for the migration). */
export const KEPT_KEY = 'simple-vm.playground.v1';
/** The list of programs, in localStorage. */
export const INDEX_KEY = 'simple-vm.programs.v1';
/** A tab's draft (a shared program), in sessionStorage. */
export const DRAFT_KEY = 'simple-vm.playground.draft';
/** The id of the program a tab shows, in sessionStorage (a reload keeps it). */
export const CURRENT_KEY = 'simple-vm.playground.current';
/** The name of the program migrated from earlier versions, and of a first save. */
export const FIRST_NAME = 'My program';
/** Where a program is kept, in localStorage. */
export const programKey = (id) => `simple-vm.program.${id}`;

/** A program as saved: { source, args, stdin, breakpoints } (and `rev`, `updated` when kept). */
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
    updated: Number.isFinite(s.updated) ? s.updated : 0,
    // A draft's name ("Example hello", "Shared program") and the fingerprint of the
    // program it was opened with (replaced.js), to tell whether it was edited since.
    name: typeof s.name === 'string' && s.name ? s.name : null,
    origin: typeof s.origin === 'string' ? s.origin : null,
  };
}

/** The index as stored -> { last, programs: [{ id, name, updated }] } (empty when junk). */
export function parseIndex(text) {
  let s;
  try {
    s = JSON.parse(text);
  } catch {
    return null;
  }
  if (!s || !Array.isArray(s.programs)) return null;
  const programs = s.programs
    .filter((p) => p && typeof p.id === 'string' && p.id)
    .map((p) => ({ id: p.id, name: typeof p.name === 'string' && p.name ? p.name : FIRST_NAME, updated: Number.isFinite(p.updated) ? p.updated : 0 }));
  return { last: typeof s.last === 'string' ? s.last : null, programs };
}

const plain = (state) => ({
  source: state.source,
  args: state.args ?? '',
  stdin: state.stdin ?? '',
  breakpoints: state.breakpoints ?? [],
});

/** Do two programs (with their arguments, input and breakpoints) hold the same? */
export const sameProgram = (a, b) => JSON.stringify(plain(a)) === JSON.stringify(plain(b));

/** `name`, or `name 2`, `name 3`… when the list has it already. */
export function uniqueName(names, name) {
  const taken = new Set(names);
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name} ${n}`)) n++;
  return `${name} ${n}`;
}

/** A revision (or an id) that no other tab makes. */
export const randomRev = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Storage that may be disabled or full: failures read as nothing. */
export function get(storage, key) {
  try {
    return storage ? storage.getItem(key) : null;
  } catch {
    return null;
  }
}

/** Writes (or removes, for null): null when done, else why not (`quota` or `unavailable`). */
export function set(storage, key, value) {
  try {
    if (!storage) return 'unavailable';
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, value);
    return null;
  } catch (e) {
    return e && (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED' || e.code === 22) ? 'quota' : 'unavailable';
  }
}

/**
 * The saved programs of one tab. `mode` is `kept` (the tab shows a program of the list,
 * `id`, or none yet: null) or `draft` (a shared program, saved only in this tab).
 * `fallback`: the program of a first visit.
 */
export class ProgramStore {
  constructor({ local, session, fallback, newRev = randomRev, newId = randomRev, now = Date.now }) {
    this.local = local;
    this.session = session;
    this.fallback = plain(fallback);
    this.newRev = newRev;
    this.newId = newId;
    this.now = now;
    this.mode = 'kept';
    /** The id of the program this tab shows (null: not saved yet). */
    this.id = null;
    /** The revision of that program this tab's text starts from. */
    this.base = null;
    /** Why the last write failed (`quota`, `unavailable`), or null. */
    this.error = null;
    /** The program a failed write could not store: it is kept here, and tried again. */
    this.pending = null;
    /** The program of earlier versions is shown but could not be moved into the list yet. */
    this.legacy = false;
    /** A draft's name ("Example hello", "Shared program"), and the fingerprint of what it was opened with. */
    this.draftName = null;
    this.draftOrigin = null;
  }

  // ---- the list ------------------------------------------------------------------------

  /** The index, after moving the one program of earlier versions into it. */
  index() {
    const idx = parseIndex(get(this.local, INDEX_KEY));
    if (idx) return idx;
    const old = parseEntry(get(this.local, KEPT_KEY));
    if (!old) return { last: null, programs: [] };
    // The migration: its entry first, then the index, then (both written) the old key.
    const id = this.newId();
    const updated = this.now();
    const migrated = { last: id, programs: [{ id, name: FIRST_NAME, updated }] };
    const entry = { ...plain(old), rev: old.rev ?? this.newRev(), updated };
    if (set(this.local, programKey(id), JSON.stringify(entry)) === null && this.writeIndex(migrated) === null) {
      set(this.local, KEPT_KEY, null);
      return migrated;
    }
    // Not written (storage full): the tab shows it all the same, and its first save that
    // succeeds makes it "My program".
    set(this.local, programKey(id), null);
    this.fallback = plain(old);
    this.legacy = true;
    return { last: null, programs: [] };
  }

  writeIndex(idx) {
    return set(this.local, INDEX_KEY, JSON.stringify(idx));
  }

  /** Changes the index (`change(idx)` edits it in place); null when written, else why not. */
  updateIndex(change) {
    const idx = this.index();
    change(idx);
    return this.writeIndex(idx);
  }

  /** The programs, the one saved last first: [{ id, name, updated, current }]. */
  list() {
    return this.index()
      .programs.map((p) => ({ ...p, current: this.mode === 'kept' && p.id === this.id }))
      .sort((a, b) => b.updated - a.updated);
  }

  /** A program's name (null when it is not in the list). */
  name(id = this.id) {
    return this.index().programs.find((p) => p.id === id)?.name ?? null;
  }

  /** A program of the list, as stored (or null). */
  entry(id) {
    return id ? parseEntry(get(this.local, programKey(id))) : null;
  }

  // ---- the program of this tab -----------------------------------------------------------

  /** This tab's program as stored (or null). */
  stored() {
    return this.entry(this.id);
  }

  /** This tab's program (the fallback when there is none); this tab now starts from it. */
  kept() {
    const s = this.stored();
    this.base = s ? s.rev : null;
    return s ? plain(s) : this.fallback;
  }

  /** The program a tab opens: the one it showed before a reload, else the one opened last, else the newest. */
  choose() {
    const idx = this.index();
    const has = (id) => id && idx.programs.some((p) => p.id === id);
    const mine = get(this.session, CURRENT_KEY);
    if (has(mine)) return mine;
    if (has(idx.last)) return idx.last;
    return [...idx.programs].sort((a, b) => b.updated - a.updated)[0]?.id ?? null;
  }

  /** What this tab shows when it opens: its draft if it has one, else a program of the list. */
  load() {
    this.id = this.choose();
    const draft = parseEntry(get(this.session, DRAFT_KEY));
    if (draft) {
      this.mode = 'draft';
      this.draftName = draft.name ?? 'Shared program';
      this.draftOrigin = draft.origin;
      this.kept(); // the revision, for when the draft is left
      return plain(draft);
    }
    this.mode = 'kept';
    return this.kept();
  }

  /** This tab shows program `id` from now on: returns it (null when there is no such program). */
  open(id) {
    const e = this.entry(id);
    if (!e) return null;
    this.id = id;
    this.mode = 'kept';
    set(this.session, DRAFT_KEY, null);
    this.remember();
    return this.kept();
  }

  /** Remembers this tab's program (for a reload of the tab, and for a new tab). */
  remember() {
    set(this.session, CURRENT_KEY, this.id);
    this.updateIndex((idx) => (idx.last = this.id));
  }

  /** A write's outcome: `saved`, or `failed` with the program kept in memory. */
  outcome(error, state) {
    this.error = error;
    this.pending = error ? plain(state) : null;
    return error ? 'failed' : 'saved';
  }

  /**
   * Saves the tab's program: the draft, or its program of the list if no other tab has
   * changed it since this tab read or wrote it (a tab with none yet adds "My program").
   * Returns `saved`, `unchanged` (it is stored as it is: nothing written, so other tabs
   * hear of nothing), `conflict` (nothing written) or `failed` (nothing written: `error`
   * says why, `pending` holds the program).
   */
  save(state) {
    if (this.mode === 'draft') return this.writeDraft(state);
    if (this.id === null) return this.create(FIRST_NAME, state) ? 'saved' : 'failed';
    const s = this.stored();
    if ((s ? s.rev : null) !== this.base) return 'conflict';
    if (s && sameProgram(s, state) && !this.pending) return 'unchanged';
    return this.write(state);
  }

  /** Saves the tab's program over whatever another tab saved (or back, if it was deleted). */
  overwrite(state) {
    if (this.id === null) return this.create(FIRST_NAME, state) ? 'saved' : 'failed';
    return this.write(state);
  }

  write(state) {
    const rev = this.newRev();
    const updated = this.now();
    const error = set(this.local, programKey(this.id), JSON.stringify({ ...plain(state), rev, updated }));
    if (error) return this.outcome(error, state);
    this.base = rev;
    const name = this.name() ?? FIRST_NAME;
    return this.outcome(
      this.updateIndex((idx) => {
        idx.programs = [...idx.programs.filter((p) => p.id !== this.id), { id: this.id, name, updated }];
        idx.last = this.id;
      }),
      state,
    );
  }

  /** Adds a program to the list and makes it this tab's: its id, or null when it could not be written. */
  create(name, state) {
    const previous = [this.id, this.base, this.mode];
    this.id = this.newId();
    this.base = null;
    this.mode = 'kept';
    const idx = this.index();
    idx.programs.push({ id: this.id, name: uniqueName(idx.programs.map((p) => p.name), name), updated: this.now() });
    const error = this.writeIndex(idx);
    if (error) this.outcome(error, state);
    else if (this.write(state) === 'saved') {
      set(this.session, DRAFT_KEY, null);
      set(this.session, CURRENT_KEY, this.id);
      if (this.legacy) {
        set(this.local, KEPT_KEY, null);
        this.legacy = false;
      }
      return this.id;
    }
    // Nothing half-made stays in the list; the tab keeps what it showed.
    const failed = this.id;
    this.updateIndex((i) => (i.programs = i.programs.filter((p) => p.id !== failed)));
    [this.id, this.base, this.mode] = previous;
    return null;
  }

  // ---- the operations of the list --------------------------------------------------------

  /** Renames a program (the name only: its text and revision stay). Returns whether it was written. */
  rename(id, name) {
    const clean = String(name).trim().slice(0, 200);
    if (!clean) return false;
    let found = false;
    const error = this.updateIndex((idx) => {
      const p = idx.programs.find((q) => q.id === id);
      if (!p) return;
      p.name = clean;
      found = true;
    });
    this.error = error;
    return found && !error;
  }

  /** A copy of a program, named "… (copy)", added to the list (this tab stays on its program): its id, or null. */
  duplicate(id) {
    const e = this.entry(id);
    if (!e) return null;
    const copy = this.newId();
    const updated = this.now();
    let error = set(this.local, programKey(copy), JSON.stringify({ ...plain(e), rev: this.newRev(), updated }));
    if (!error) {
      error = this.updateIndex((idx) =>
        idx.programs.push({ id: copy, name: uniqueName(idx.programs.map((p) => p.name), `${this.name(id) ?? FIRST_NAME} (copy)`), updated }),
      );
    }
    this.error = error;
    if (error) set(this.local, programKey(copy), null);
    return error ? null : copy;
  }

  /**
   * Deletes a program: returns what `restore` needs to bring it back (null when there is
   * no such program). A tab whose program it was has none until it opens another.
   */
  remove(id) {
    const idx = this.index();
    const meta = idx.programs.find((p) => p.id === id);
    const e = this.entry(id);
    if (!meta || !e) return null;
    idx.programs = idx.programs.filter((p) => p.id !== id);
    if (idx.last === id) idx.last = null;
    if (this.writeIndex(idx) !== null) return null;
    set(this.local, programKey(id), null);
    if (this.id === id) {
      this.id = null;
      this.base = null;
    }
    return { meta, entry: e };
  }

  /** Brings a deleted program back, as it was (its revision too). */
  restore({ meta, entry }) {
    if (set(this.local, programKey(meta.id), JSON.stringify(entry)) !== null) return false;
    return this.updateIndex((idx) => idx.programs.push(meta)) === null;
  }

  // ---- a shared program: the tab's draft ---------------------------------------------------

  /**
   * A shared program (or an example) becomes this tab's draft (the list is left as it
   * is). `name`: what the page calls it; `origin`: the fingerprint of the program it was
   * opened with (replaced.js), to tell whether it was edited since.
   */
  openDraft(state, { name = 'Shared program', origin = null } = {}) {
    this.mode = 'draft';
    this.draftName = name;
    this.draftOrigin = origin;
    return this.writeDraft(state);
  }

  writeDraft(state) {
    const entry = { ...plain(state), name: this.draftName, origin: this.draftOrigin };
    return this.outcome(set(this.session, DRAFT_KEY, JSON.stringify(entry)), state);
  }

  /** The draft replaces this tab's program of the list (the person chose it). */
  keepDraft(state) {
    set(this.session, DRAFT_KEY, null);
    this.mode = 'kept';
    return this.id === null ? (this.create(FIRST_NAME, state) ? 'saved' : 'failed') : this.write(state);
  }

  /** Leaves the draft: returns this tab's program of the list, which this tab shows from now on. */
  leaveDraft() {
    set(this.session, DRAFT_KEY, null);
    this.mode = 'kept';
    return this.kept();
  }

  /**
   * A `storage` event (from another tab): true when it changed the program that this tab
   * shows, to a revision this tab has not seen.
   */
  changedElsewhere(event) {
    if (this.mode !== 'kept' || this.id === null || (event.key !== programKey(this.id) && event.key !== null)) return false;
    const s = this.stored();
    return (s ? s.rev : null) !== this.base;
  }
}
