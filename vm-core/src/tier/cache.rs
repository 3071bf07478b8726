//! The slot cache: while a block's code is written, where each slot of its window is
//! (in the stack's storage, or in its locals), which tags are known, and which slots'
//! storage is behind their locals. Inputs are loaded once, operations work on locals,
//! and the slots below the depth a block leaves are stored when it leaves.

use super::layout::tag::{BOOL, CONST, NUM};
use super::layout::{bits_local, local, tag_local, WindowSlot};
use super::wasm::{Body, Ins};
use crate::block::{Lit, WINDOW};

/// Loads slot `s`'s tag and bits from the stack's storage into its locals.
pub(super) fn load_slot(f: &mut Body, s: WindowSlot) {
    f.extend([
        local::WINDOW_TAGS.get(),
        Ins::I32Load8U(u32::from(s)),
        Ins::LocalSet(tag_local(s)),
        local::WINDOW_BITS.get(),
        Ins::I64Load(8 * u32::from(s)),
        Ins::LocalSet(bits_local(s)),
    ]);
}

/// Where each slot of the window is while a block's code is written: in the stack's
/// storage only, or in its locals (its tag either in its tag local or known to be a
/// given tag, its bits in its bits local), and whether the storage has its value.
#[derive(Clone)]
pub(super) struct Cache {
    slots: [Place; WINDOW],
}

/// Where one slot is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// Only in the stack's storage.
    Stored,
    /// In locals: the tag when it is known, whether the storage is behind, and the tag
    /// the storage is known to hold.
    Local {
        tag: Option<i32>,
        dirty: bool,
        stored: Option<i32>,
    },
}

impl Cache {
    /// Every slot in the storage only.
    pub(super) fn new() -> Cache {
        Cache {
            slots: [Place::Stored; WINDOW],
        }
    }

    fn place(&self, s: WindowSlot) -> Place {
        self.slots[usize::from(s) % WINDOW]
    }

    fn set_place(&mut self, s: WindowSlot, p: Place) {
        self.slots[usize::from(s) % WINDOW] = p;
    }

    /// Loads slot `s` from the storage into its locals, if it is not there.
    pub(super) fn load(&mut self, f: &mut Body, s: WindowSlot) {
        if self.place(s) == Place::Stored {
            load_slot(f, s);
            self.set_place(
                s,
                Place::Local {
                    tag: None,
                    dirty: false,
                    stored: None,
                },
            );
        }
    }

    /// The tag the storage of slot `s` is known to hold.
    fn stored(&self, s: WindowSlot) -> Option<i32> {
        match self.place(s) {
            Place::Local { stored, .. } => stored,
            Place::Stored => None,
        }
    }

    /// Slot `d` was written, with tag `tag` if known: its storage is now behind.
    pub(super) fn written(&mut self, d: WindowSlot, tag: Option<i32>) {
        let stored = self.stored(d);
        self.set_place(
            d,
            Place::Local {
                tag,
                dirty: true,
                stored,
            },
        );
    }

    /// The tag of slot `s`, if known while writing the code.
    pub(super) fn known(&self, s: WindowSlot) -> Option<i32> {
        match self.place(s) {
            Place::Local { tag, .. } => tag,
            Place::Stored => None,
        }
    }

    /// Pushes slot `s`'s tag.
    pub(super) fn push_tag(&mut self, f: &mut Body, s: WindowSlot) {
        self.load(f, s);
        match self.known(s) {
            Some(t) => f.push(Ins::I32Const(t)),
            None => f.push(Ins::LocalGet(tag_local(s))),
        }
    }

    /// The local with slot `s`'s bits (loaded first where needed: see [`Cache::load`];
    /// this one only names it).
    pub(super) fn bits(&self, s: WindowSlot) -> u32 {
        bits_local(s)
    }

    /// Pushes slot `s`'s bits.
    pub(super) fn push_bits(&mut self, f: &mut Body, s: WindowSlot) {
        self.load(f, s);
        f.push(Ins::LocalGet(bits_local(s)));
    }

    /// After a check that slot `s` holds `tag` passed.
    pub(super) fn now_known(&mut self, s: WindowSlot, tag: i32) {
        // (A slot whose storage is not behind has that tag in its storage too.)
        if let Place::Local { dirty, stored, .. } = self.place(s) {
            self.set_place(
                s,
                Place::Local {
                    tag: Some(tag),
                    dirty,
                    stored: if dirty { stored } else { Some(tag) },
                },
            );
        }
    }

    /// Sets slot `d` to the bits on the stack, with tag `tag`.
    pub(super) fn set(&mut self, f: &mut Body, d: WindowSlot, tag: i32) {
        f.push(Ins::LocalSet(bits_local(d)));
        self.written(d, Some(tag));
    }

    /// Copies slot `s` to slot `d`.
    pub(super) fn copy(&mut self, f: &mut Body, d: WindowSlot, s: WindowSlot) {
        if d == s {
            return;
        }
        self.load(f, s);
        let tag = self.known(s);
        if tag.is_none() {
            f.extend([Ins::LocalGet(tag_local(s)), Ins::LocalSet(tag_local(d))]);
        }
        f.extend([Ins::LocalGet(bits_local(s)), Ins::LocalSet(bits_local(d))]);
        self.written(d, tag);
    }

    /// Sets slot `d` to the literal `l`.
    pub(super) fn literal(&mut self, f: &mut Body, d: WindowSlot, l: Lit) {
        let (tag, bits) = match l {
            Lit::Num(n) => (NUM, n),
            Lit::Bool(b) => (BOOL, i64::from(b)),
            Lit::Str(i) => (CONST, i64::from(i)),
        };
        f.push(Ins::I64Const(bits));
        self.set(f, d, tag);
    }

    /// Stores the slots below `end` whose storage is behind.
    pub(super) fn flush(&mut self, f: &mut Body, end: u16) {
        for s in 0..end.min(WINDOW as u16) {
            if let Place::Local {
                tag,
                dirty: true,
                stored,
            } = self.place(s)
            {
                // (The tag is stored unless the storage is known to have it.)
                if tag.is_none() || tag != stored {
                    f.push(local::WINDOW_TAGS.get());
                    match tag {
                        Some(t) => f.push(Ins::I32Const(t)),
                        None => f.push(Ins::LocalGet(tag_local(s))),
                    }
                    f.push(Ins::I32Store8(u32::from(s)));
                }
                f.extend([
                    local::WINDOW_BITS.get(),
                    Ins::LocalGet(bits_local(s)),
                    Ins::I64Store(8 * u32::from(s)),
                ]);
                self.set_place(
                    s,
                    Place::Local {
                        tag,
                        dirty: false,
                        stored: tag,
                    },
                );
            }
        }
    }

    /// Before another round of a loop block: the round starts with its inputs in their
    /// locals, tags included (as `label.rs` loaded them for the first).
    pub(super) fn round_inputs(&self, f: &mut Body, need: u16) {
        for s in 0..need {
            match self.place(s) {
                Place::Local { tag: Some(t), .. } => {
                    f.extend([Ins::I32Const(t), Ins::LocalSet(tag_local(s))]);
                }
                Place::Local { tag: None, .. } => {}
                // (Not so: the first round loads every input, and a slot stays in its
                // locals. The storage has its value, after the flush.)
                Place::Stored => load_slot(f, s),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The code of these instructions.
    fn code(ins: &[Ins]) -> Vec<u8> {
        let mut f = Body::new(None);
        f.extend(ins.iter().cloned());
        f.finish().0
    }

    /// The code `write` writes with a fresh cache, and the cache after it.
    fn written(write: impl FnOnce(&mut Body, &mut Cache)) -> (Vec<u8>, Cache) {
        let mut f = Body::new(None);
        let mut cache = Cache::new();
        write(&mut f, &mut cache);
        (f.finish().0, cache)
    }

    /// Storing slot `s`: its tag (unless `tag` is `None`: the storage has it), then its
    /// bits.
    fn store(s: WindowSlot, tag: Option<Ins>) -> Vec<Ins> {
        let mut ins = Vec::new();
        if let Some(t) = tag {
            ins.extend([local::WINDOW_TAGS.get(), t, Ins::I32Store8(u32::from(s))]);
        }
        ins.extend([
            local::WINDOW_BITS.get(),
            Ins::LocalGet(bits_local(s)),
            Ins::I64Store(8 * u32::from(s)),
        ]);
        ins
    }

    #[test]
    fn a_slot_is_loaded_once() {
        let (once, _) = written(|f, c| c.load(f, 3));
        let (twice, cache) = written(|f, c| {
            c.load(f, 3);
            c.push_bits(f, 3);
            c.load(f, 3);
        });
        let mut expected = Vec::new();
        load_slot_into(&mut expected, 3);
        assert_eq!(once, code(&expected));
        expected.push(Ins::LocalGet(bits_local(3)));
        assert_eq!(twice, code(&expected));
        assert_eq!(cache.known(3), None);
    }

    fn load_slot_into(ins: &mut Vec<Ins>, s: WindowSlot) {
        ins.extend([
            local::WINDOW_TAGS.get(),
            Ins::I32Load8U(u32::from(s)),
            Ins::LocalSet(tag_local(s)),
            local::WINDOW_BITS.get(),
            Ins::I64Load(8 * u32::from(s)),
            Ins::LocalSet(bits_local(s)),
        ]);
    }

    #[test]
    fn a_flush_spills_written_slots_below_the_end_once() {
        let (got, _) = written(|f, c| {
            c.literal(f, 0, Lit::Num(7));
            c.literal(f, 1, Lit::Bool(true));
            c.literal(f, 5, Lit::Str(2));
            c.flush(f, 2);
            c.flush(f, 2);
        });
        let mut expected = vec![
            Ins::I64Const(7),
            Ins::LocalSet(bits_local(0)),
            Ins::I64Const(1),
            Ins::LocalSet(bits_local(1)),
            Ins::I64Const(2),
            Ins::LocalSet(bits_local(5)),
        ];
        expected.extend(store(0, Some(Ins::I32Const(NUM))));
        expected.extend(store(1, Some(Ins::I32Const(BOOL))));
        assert_eq!(got, code(&expected));
        let (_, cache) = written(|f, c| c.literal(f, 5, Lit::Str(2)));
        assert_eq!(cache.known(5), Some(CONST));
    }

    #[test]
    fn a_tag_the_storage_has_is_not_stored_again() {
        let (got, _) = written(|f, c| {
            c.load(f, 0);
            // (A check that slot 0 is a number passed.)
            c.now_known(0, NUM);
            f.push(Ins::I64Const(1));
            c.set(f, 0, NUM);
            c.flush(f, 1);
        });
        let mut expected = Vec::new();
        load_slot_into(&mut expected, 0);
        expected.extend([Ins::I64Const(1), Ins::LocalSet(bits_local(0))]);
        expected.extend(store(0, None));
        assert_eq!(got, code(&expected));
    }

    #[test]
    fn a_copy_of_an_unknown_tag_copies_both_locals() {
        let (got, cache) = written(|f, c| {
            c.copy(f, 2, 0);
            c.flush(f, 3);
        });
        let mut expected = Vec::new();
        load_slot_into(&mut expected, 0);
        expected.extend([
            Ins::LocalGet(tag_local(0)),
            Ins::LocalSet(tag_local(2)),
            Ins::LocalGet(bits_local(0)),
            Ins::LocalSet(bits_local(2)),
        ]);
        expected.extend(store(2, Some(Ins::LocalGet(tag_local(2)))));
        assert_eq!(got, code(&expected));
        assert_eq!(cache.known(2), None);
    }
}
