//! How the machine holds values: [`Slot`]s of 16 bytes that are `Copy`, with the text
//! of strings kept aside in a [`Strings`] table and collected when no slot refers to it.
//!
//! A slot is a tag and 64 bits: a number, a boolean (0 or 1), the index of a string in
//! the table, or the index of one of the program's string constants. Moving, copying
//! and dropping values is therefore a plain copy with nothing to count or free, which is
//! what the interpreter does most. [`crate::Value`] is the form values take outside the
//! machine.
//!
//! The [`Stack`] keeps tags and bits in two arrays. Besides being compact, this keeps
//! every copy of a value two separate narrow copies: a slot written as two fields and
//! read back at once as one wide load (which compilers like to do for a 16-byte struct)
//! makes the processor wait for the write to reach the cache, and the interpreter
//! copies values it has just computed all the time.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use crate::ops::Type;
use crate::program::Program;
use crate::value::Value;

/// What a slot's bits mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Tag {
    /// A signed 64-bit number.
    #[default]
    Num = 0,
    /// A boolean: the bits are 0 or 1.
    Bool = 1,
    /// A string made while running: the bits index the machine's [`Strings`].
    Str = 2,
    /// A string constant of the program: the bits index `Program::strings`.
    Const = 3,
}

impl Tag {
    /// The tag whose byte (its `repr(u8)`) is `b`, if any.
    pub(crate) fn from_byte(b: u8) -> Option<Tag> {
        match b {
            0 => Some(Tag::Num),
            1 => Some(Tag::Bool),
            2 => Some(Tag::Str),
            3 => Some(Tag::Const),
            _ => None,
        }
    }
}

/// One value on the machine's stack. `==` on slots compares their bits (the language's
/// `==` is [`View::equal`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) tag: Tag,
    pub(crate) bits: u64,
}

impl Slot {
    /// A number.
    #[inline(always)]
    pub(crate) const fn num(n: i64) -> Slot {
        Slot {
            tag: Tag::Num,
            bits: n as u64,
        }
    }

    /// A boolean.
    #[inline(always)]
    pub(crate) const fn bool(b: bool) -> Slot {
        Slot {
            tag: Tag::Bool,
            bits: b as u64,
        }
    }

    /// The program's string constant `index`.
    #[inline(always)]
    pub(crate) const fn constant(index: u32) -> Slot {
        Slot {
            tag: Tag::Const,
            bits: index as u64,
        }
    }

    /// The number, if this is one.
    #[inline(always)]
    pub(crate) fn as_num(self) -> Option<i64> {
        (self.tag == Tag::Num).then_some(self.bits as i64)
    }

    /// The boolean, if this is one.
    #[inline(always)]
    pub(crate) fn as_bool(self) -> Option<bool> {
        (self.tag == Tag::Bool).then_some(self.bits != 0)
    }

    /// Is this a value of type `ty`?
    #[inline(always)]
    pub(crate) fn is(self, ty: Type) -> bool {
        match ty {
            Type::Num => self.tag == Tag::Num,
            Type::Bool => self.tag == Tag::Bool,
            Type::Str => self.is_str(),
            Type::Any => true,
        }
    }

    /// Is this a string (made while running or a constant)?
    #[inline(always)]
    pub(crate) fn is_str(self) -> bool {
        matches!(self.tag, Tag::Str | Tag::Const)
    }
}

/// The machine's stack storage: tags and bits in two arrays of the same length.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stack {
    tags: Vec<Tag>,
    bits: Vec<u64>,
}

impl Stack {
    /// The number of slots stored (the stack's depth is kept by the machine).
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.bits.len()
    }

    /// Makes room for `len` slots (new ones read as the number 0).
    pub(crate) fn resize(&mut self, len: usize) {
        self.tags.resize(len, Tag::Num);
        self.bits.resize(len, 0);
    }

    /// Slot `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Slot {
        Slot {
            tag: self.tags[i],
            bits: self.bits[i],
        }
    }

    /// The tags and bits of every slot stored.
    pub(crate) fn parts_mut(&mut self) -> (&mut [Tag], &mut [u64]) {
        (&mut self.tags, &mut self.bits)
    }

    /// Makes room for at least `len` slots, doubling the storage (at least 64 slots)
    /// so that growing one slot at a time stays cheap.
    #[inline(always)]
    pub(crate) fn grow_to(&mut self, len: usize) {
        if len > self.len() {
            self.grow(len);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, len: usize) {
        self.resize(len.max(self.len() * 2).max(64));
    }

    /// Stores slot `i`.
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, s: Slot) {
        self.tags[i] = s.tag;
        self.bits[i] = s.bits;
    }

    /// The slots in `range`.
    pub(crate) fn iter(&self, range: core::ops::Range<usize>) -> impl Iterator<Item = Slot> + '_ {
        range.map(|i| self.get(i))
    }

    /// The `N` slots from `base`, as two whole arrays, if there are that many.
    #[inline(always)]
    pub(crate) fn window<const N: usize>(
        &mut self,
        base: usize,
    ) -> Option<(&mut [Tag; N], &mut [u64; N])> {
        let end = base.checked_add(N)?;
        let tags = self.tags.get_mut(base..end)?.try_into().ok()?;
        let bits = self.bits.get_mut(base..end)?.try_into().ok()?;
        Some((tags, bits))
    }
}

/// The strings a running program made, by index. Slots refer to them by index and do
/// not own them; [`Strings::collect`] frees those that no slot refers to any more.
#[derive(Clone, Debug, Default)]
pub(crate) struct Strings {
    entries: Vec<Option<Arc<str>>>,
    free: Vec<u32>,
    /// Entries in use.
    used: usize,
}

impl Strings {
    /// Stores `s` and returns its slot.
    pub(crate) fn insert(&mut self, s: Arc<str>) -> Slot {
        self.used += 1;
        let index = match self.free.pop() {
            Some(i) => {
                self.entries[i as usize] = Some(s);
                i
            }
            None => {
                self.entries.push(Some(s));
                (self.entries.len() - 1) as u32
            }
        };
        Slot {
            tag: Tag::Str,
            bits: u64::from(index),
        }
    }

    /// The entries in use.
    pub(crate) fn used(&self) -> usize {
        self.used
    }

    /// The shared text of the string in `slot` (a [`Tag::Str`] slot of this table).
    fn rc(&self, slot: Slot) -> &Arc<str> {
        match self.entries.get(slot.bits as usize) {
            Some(Some(s)) => s,
            // Slots of a machine only ever hold indexes of live entries.
            _ => unreachable!("a string slot refers to a freed entry"),
        }
    }

    /// Marks the entries that `roots` refer to; returns the marks and the total length
    /// of the marked strings.
    fn mark(&self, roots: impl Iterator<Item = Slot>) -> (Vec<bool>, usize) {
        let mut marks = vec![false; self.entries.len()];
        let mut bytes = 0usize;
        for s in roots {
            if s.tag == Tag::Str {
                let i = s.bits as usize;
                if !marks[i] {
                    marks[i] = true;
                    bytes = bytes.saturating_add(self.rc(s).len());
                }
            }
        }
        (marks, bytes)
    }

    /// The total length of the distinct strings that `roots` refer to.
    #[cfg(test)]
    pub(crate) fn live_bytes(&self, roots: impl Iterator<Item = Slot>) -> usize {
        self.mark(roots).1
    }

    /// Frees every entry that no slot of `roots` refers to; returns the total length
    /// of the strings kept.
    pub(crate) fn collect(&mut self, roots: impl Iterator<Item = Slot>) -> usize {
        let (marks, bytes) = self.mark(roots);
        for (entry, marked) in self.entries.iter_mut().zip(marks) {
            if !marked {
                *entry = None;
            }
        }
        while matches!(self.entries.last(), Some(None)) {
            self.entries.pop();
        }
        // Highest first, so that `pop` reuses low indexes first.
        self.free.clear();
        let entries = &self.entries;
        self.free.extend(
            (0..entries.len())
                .rev()
                .filter(|&i| entries[i].is_none())
                .map(|i| i as u32),
        );
        self.used = self.entries.len() - self.free.len();
        bytes
    }
}

/// Reading slots as values: what a slot's string is, and the [`Value`] it stands for.
/// Needs both tables a string can live in.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub(crate) strings: &'a Strings,
    pub(crate) program: &'a Program,
}

impl<'a> View<'a> {
    /// The view of a machine's strings and its program's constants.
    #[inline(always)]
    pub(crate) fn new(strings: &'a Strings, program: &'a Program) -> View<'a> {
        View { strings, program }
    }

    /// The text of a string slot.
    #[inline]
    pub(crate) fn text(self, slot: Slot) -> &'a str {
        match slot.tag {
            Tag::Str => self.strings.rc(slot),
            Tag::Const => self.program.string(slot.bits as u32),
            Tag::Num | Tag::Bool => "",
        }
    }

    /// The value a slot stands for.
    pub(crate) fn value(self, slot: Slot) -> Value {
        match slot.tag {
            Tag::Num => Value::Num(slot.bits as i64),
            Tag::Bool => Value::Bool(slot.bits != 0),
            Tag::Str => Value::Str(Arc::clone(self.strings.rc(slot))),
            Tag::Const => Value::Str(Arc::clone(self.program.string(slot.bits as u32))),
        }
    }

    /// The language's `==`: the same type and the same value (strings by their text).
    #[inline]
    pub(crate) fn equal(self, a: Slot, b: Slot) -> bool {
        match (a.tag, b.tag) {
            (Tag::Num, Tag::Num) | (Tag::Bool, Tag::Bool) => a.bits == b.bits,
            (Tag::Str | Tag::Const, Tag::Str | Tag::Const) => {
                (a.tag == b.tag && a.bits == b.bits) || self.text(a) == self.text(b)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;

    #[test]
    fn slots_are_two_words() {
        assert_eq!(core::mem::size_of::<Slot>(), 16);
    }

    #[test]
    fn the_stack_keeps_slots() {
        let mut s = Stack::default();
        s.resize(3);
        s.set(0, Slot::num(-5));
        s.set(2, Slot::bool(true));
        assert_eq!(s.get(0), Slot::num(-5));
        assert_eq!(s.get(1), Slot::num(0));
        assert_eq!(s.get(2), Slot::bool(true));
        assert_eq!(
            s.iter(1..3).collect::<Vec<_>>(),
            [Slot::num(0), Slot::bool(true)]
        );
        assert!(s.window::<64>(0).is_none());
        s.resize(65);
        let (tags, bits) = s.window::<64>(1).unwrap();
        tags[0] = Tag::Bool;
        bits[0] = 0;
        assert_eq!(s.get(1), Slot::bool(false));
    }

    #[test]
    fn collect_frees_what_no_slot_refers_to() {
        let mut t = Strings::default();
        let a = t.insert(Arc::from("aa"));
        let b = t.insert(Arc::from("bbb"));
        let c = t.insert(Arc::from("c"));
        assert_eq!(t.used(), 3);
        assert_eq!(t.live_bytes([a, c, c, Slot::num(7)].into_iter()), 3);
        assert_eq!(t.collect([b].into_iter()), 3);
        assert_eq!(t.used(), 1);
        // Freed entries are reused; the kept one still reads the same.
        let d = t.insert(Arc::from("dddd"));
        assert_eq!(d.bits, 0);
        let p = compile("").unwrap();
        let view = View::new(&t, &p);
        assert_eq!(view.text(b), "bbb");
        assert_eq!(view.text(d), "dddd");
        assert_eq!(t.collect([].into_iter()), 0);
        assert_eq!(t.used(), 0);
        assert!(t.entries.is_empty() && t.free.is_empty());
    }

    #[test]
    fn equality_follows_the_language() {
        let p = compile("\"x\" \"y\"").unwrap();
        let mut t = Strings::default();
        let x = t.insert(Arc::from("x"));
        let view = View::new(&t, &p);
        assert!(view.equal(x, Slot::constant(0)));
        assert!(!view.equal(x, Slot::constant(1)));
        assert!(view.equal(Slot::num(1), Slot::num(1)));
        assert!(!view.equal(Slot::num(1), Slot::bool(true)));
        assert!(!view.equal(Slot::num(0), Slot::constant(0)));
        assert!(view.equal(Slot::bool(false), Slot::bool(false)));
    }
}
