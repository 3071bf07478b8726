//! The machine's side of the WebAssembly tier ([`crate::tier`]): the [`Tier`] a host
//! supplies to [`Machine::run_tiered`], and the [`TierCall`] it gets, with the
//! registers the compiled module works on.

use alloc::vec::Vec;

use super::fuel::Fuel;
use super::Machine;
use crate::block::WINDOW;
use crate::frame::Frame;
use crate::program::Program;
use crate::slot::Tag;
use crate::tier::{state, STATUS_NEEDS_FRAMES, STATUS_NEEDS_STACK};

/// A compiled module of the program ([`crate::tier::compile`]), as a host runs it.
///
/// The host calls the module's `run(tags, bits, frames, state)` on the storage of the
/// [`TierCall`] and returns what it returned. A host whose memory is the module's
/// passes [`TierCall::addresses`]; another copies the storage in and out (see the
/// methods of [`TierCall`]). The module must be the one compiled from the machine's
/// program.
pub trait Tier {
    /// Runs the module on `call`; returns its status (see [`crate::tier`]'s
    /// `STATUS_*`). A host that could not run it returns
    /// [`crate::tier::STATUS_STOPPED`] with the state as it was.
    fn enter(&mut self, call: &mut TierCall<'_>) -> u32;

    /// May the machine leave the module alone for a while after a call into it that ran
    /// few steps (see [`Machine::run_tiered`])? Yes by default: a call costs a host far
    /// more than a block in the block runner (a call into WebAssembly through
    /// JavaScript), so a program that leaves the module at once each time (to print, to
    /// make a string) runs faster without it. Either way the results are the same.
    fn backs_off(&self) -> bool {
        true
    }
}

/// A call into the module that ran fewer steps than this is short: the machine then
/// runs blocks in the block runner for a while (at least [`BACK_OFF_MIN`] block steps,
/// twice as many after each short call in a row, at most [`BACK_OFF_MAX`]) before it
/// calls the module again.
const SHORT_CALL: u64 = 64;
const BACK_OFF_MIN: u64 = 64;
const BACK_OFF_MAX: u64 = 1 << 16;
/// A call that leaves less fuel than this may have stopped for want of fuel (a block's
/// budget is at most a few hundred steps).
const SPENT: u64 = 1024;

/// The registers and storage the compiled module works on, for one call of its `run`.
pub struct TierCall<'a> {
    tags: &'a mut [Tag],
    bits: &'a mut [u64],
    frames: &'a mut [Frame],
    state: [u64; state::LEN],
}

impl TierCall<'_> {
    /// The addresses of the stack's tags (a byte a slot), its bits (a `u64` a slot), the
    /// frames (12 bytes each: return position, call, target, as `u32`s) and the state
    /// words: the arguments of the module's `run` when it shares the host's memory.
    pub fn addresses(&mut self) -> [usize; 4] {
        [
            self.tags.as_mut_ptr() as usize,
            self.bits.as_mut_ptr() as usize,
            self.frames.as_mut_ptr() as usize,
            self.state.as_mut_ptr() as usize,
        ]
    }

    /// The state words ([`crate::tier::state`]).
    pub fn state(&mut self) -> &mut [u64; state::LEN] {
        &mut self.state
    }

    /// The tags of the stack storage, a byte each.
    pub fn tag_bytes(&self) -> Vec<u8> {
        self.tags.iter().map(|&t| t as u8).collect()
    }

    /// Sets the tags from bytes (as [`TierCall::tag_bytes`] gives them); `false`, and
    /// nothing changed, if one is not a tag.
    pub fn set_tag_bytes(&mut self, bytes: &[u8]) -> bool {
        let tag = Tag::from_byte;
        if bytes.len() != self.tags.len() || bytes.iter().any(|&b| tag(b).is_none()) {
            return false;
        }
        for (t, &b) in self.tags.iter_mut().zip(bytes) {
            *t = tag(b).unwrap_or_default();
        }
        true
    }

    /// The bits of the stack storage.
    pub fn bits(&mut self) -> &mut [u64] {
        self.bits
    }

    /// The frames' room, as `u32`s: return position, call, target for each.
    pub fn frame_words(&self) -> Vec<u32> {
        self.frames
            .iter()
            .flat_map(|f| [f.ret, f.call, f.target])
            .collect()
    }

    /// Sets the frames' room from `u32`s (as [`TierCall::frame_words`] gives them).
    pub fn set_frame_words(&mut self, words: &[u32]) {
        for (f, w) in self.frames.iter_mut().zip(words.chunks_exact(3)) {
            *f = Frame {
                ret: w[0],
                call: w[1],
                target: w[2],
            };
        }
    }
}

/// Where a host whose memory is not the machine's puts a [`TierCall`] in its memory:
/// the byte offsets of the state words, the tags, the bits and the frames (the
/// arguments of the module's `run`), and the bytes the memory must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Image {
    /// The state words' offset (8-aligned).
    pub state: usize,
    /// The tags' offset.
    pub tags: usize,
    /// The bits' offset (8-aligned).
    pub bits: usize,
    /// The frames' offset (4-aligned).
    pub frames: usize,
    /// The end of the frames' room: the memory's least size.
    pub end: usize,
}

impl Image {
    /// The arguments of the module's `run` for this image: tags, bits, frames, state.
    pub fn arguments(&self) -> [usize; 4] {
        [self.tags, self.bits, self.frames, self.state]
    }
}

impl TierCall<'_> {
    /// Where this call's parts go in a memory from offset `base` on: the state words,
    /// then the tags, the bits and the frames, with room for all the stack storage and
    /// frames the module may use ([`state::STACK_LEN`], [`state::FRAMES_CAP`]).
    pub fn image(&self, base: usize) -> Image {
        let state = base.next_multiple_of(8);
        let tags = state + 8 * state::LEN;
        let bits = (tags + self.tags.len()).next_multiple_of(8);
        let frames = bits + 8 * self.bits.len();
        let end = frames + FRAME_BYTES * self.frames.len();
        Image {
            state,
            tags,
            bits,
            frames,
            end,
        }
    }

    /// Writes the state words and the parts of the storage in use (the stack's `SP`
    /// slots, the `FRAMES` frames) into `memory` at `image` (from [`TierCall::image`];
    /// `memory` at least `image.end` bytes). Slots and frames above those are free
    /// space, which the module writes before it reads.
    pub fn write_image(&self, image: &Image, memory: &mut [u8]) {
        let sp = self.used(state::SP, self.tags.len());
        let frames = self.used(state::FRAMES, self.frames.len());
        for (i, w) in self.state.iter().enumerate() {
            put(memory, image.state + 8 * i, &w.to_le_bytes());
        }
        for (i, &t) in self.tags[..sp].iter().enumerate() {
            memory[image.tags + i] = t as u8;
        }
        for (i, b) in self.bits[..sp].iter().enumerate() {
            put(memory, image.bits + 8 * i, &b.to_le_bytes());
        }
        for (i, f) in self.frames[..frames].iter().enumerate() {
            let at = image.frames + FRAME_BYTES * i;
            put(memory, at, &f.ret.to_le_bytes());
            put(memory, at + 4, &f.call.to_le_bytes());
            put(memory, at + 8, &f.target.to_le_bytes());
        }
    }

    /// Reads back what the module left in `memory` at `image`: the state words, then
    /// the stack's `SP` slots and the `FRAMES` frames they now say (at most the room
    /// there is). `false`, and nothing changed, if a tag there is not a tag.
    pub fn read_image(&mut self, image: &Image, memory: &[u8]) -> bool {
        let mut words = [0; state::LEN];
        for (i, w) in words.iter_mut().enumerate() {
            *w = u64::from_le_bytes(word(memory, image.state + 8 * i));
        }
        let sp =
            usize::try_from(words[state::SP]).map_or(self.tags.len(), |n| n.min(self.tags.len()));
        let tags = &memory[image.tags..image.tags + sp];
        if tags.iter().any(|&b| Tag::from_byte(b).is_none()) {
            return false;
        }
        self.state = words;
        let frames = self.used(state::FRAMES, self.frames.len());
        for (t, &b) in self.tags.iter_mut().zip(tags) {
            *t = Tag::from_byte(b).unwrap_or_default();
        }
        for (i, b) in self.bits[..sp].iter_mut().enumerate() {
            *b = u64::from_le_bytes(word(memory, image.bits + 8 * i));
        }
        for (i, f) in self.frames[..frames].iter_mut().enumerate() {
            let at = image.frames + FRAME_BYTES * i;
            let w = |k: usize| u32::from_le_bytes(half(memory, at + 4 * k));
            *f = Frame {
                ret: w(0),
                call: w(1),
                target: w(2),
            };
        }
        true
    }

    /// The state word `i` as a count of at most `room`.
    fn used(&self, i: usize, room: usize) -> usize {
        usize::try_from(self.state[i]).map_or(room, |n| n.min(room))
    }
}

/// A frame's bytes in a module's memory: three `u32`s.
const FRAME_BYTES: usize = 12;
const _: () = assert!(core::mem::size_of::<Frame>() == FRAME_BYTES);

fn put(memory: &mut [u8], at: usize, bytes: &[u8]) {
    memory[at..at + bytes.len()].copy_from_slice(bytes);
}

fn word(memory: &[u8], at: usize) -> [u8; 8] {
    let mut w = [0; 8];
    w.copy_from_slice(&memory[at..at + 8]);
    w
}

fn half(memory: &[u8], at: usize) -> [u8; 4] {
    let mut w = [0; 4];
    w.copy_from_slice(&memory[at..at + 4]);
    w
}

impl Machine {
    /// Runs blocks in the compiled module from `pc`, as [`Machine::run_tier`] does,
    /// unless the machine is leaving it alone for a while (see [`SHORT_CALL`]): then
    /// nothing runs (0 steps).
    pub(super) fn enter_tier(
        &mut self,
        p: &Program,
        pc: usize,
        fuel: Fuel,
        tier: &mut dyn Tier,
    ) -> (usize, u64) {
        if self.leaving_tier_alone() {
            return (pc, 0);
        }
        let (next, steps) = self.run_tier(p, pc, fuel, tier);
        if tier.backs_off() {
            // (A call that stopped because the fuel ran out is not short: the next call
            // is the next slice's.)
            let mut rest = fuel;
            rest.spend(steps);
            if steps < SHORT_CALL && rest.allows(SPENT) {
                self.tier_wait = (self.tier_wait * 2).clamp(BACK_OFF_MIN, BACK_OFF_MAX);
                self.tier_retry_at = self.block_steps + self.tier_wait;
            } else {
                self.tier_wait = 0;
            }
        }
        (next, steps)
    }

    /// Is the machine leaving the module alone for a while (after short calls)?
    fn leaving_tier_alone(&self) -> bool {
        self.block_steps < self.tier_retry_at
    }

    /// The fuel for the block runner at a block the module did not run: while the
    /// machine leaves the module alone, at most `BACK_OFF_MAX` steps, so that a long
    /// loop comes back to the module soon.
    pub(super) fn runner_fuel(&self, fuel: Fuel) -> Fuel {
        if self.leaving_tier_alone() {
            fuel.at_most(BACK_OFF_MAX)
        } else {
            fuel
        }
    }

    /// Runs blocks in the compiled module from `pc` (where a block starts) for at most
    /// the steps `fuel` allows; returns where it stopped and the steps taken, as
    /// `run_blocks`. The module gets the fuel as its `LEFT` state word and gives back
    /// what is left of it there.
    fn run_tier(
        &mut self,
        p: &Program,
        pc: usize,
        fuel: Fuel,
        tier: &mut dyn Tier,
    ) -> (usize, u64) {
        let clamp = |n: usize| n.min(u32::MAX as usize) as u64;
        let mut pc = pc;
        let mut left = fuel;
        // Room for 64 more frames to start with (what the module writes there is cut
        // off again after the call, so a bigger start would cost every call), twice as
        // much room whenever the module asks for more.
        let mut room = 64;
        let len = self.frames.len();
        let mut cap = (len + room).min(self.limits.max_calls.max(len));
        loop {
            self.stack.grow_to(self.sp + WINDOW);
            let len = self.frames.len();
            cap = cap.max(len);
            self.frames.resize(cap, Frame::default());
            let (tags, bits) = self.stack.parts_mut();
            let mut state = [0; state::LEN];
            state[state::SP] = self.sp as u64;
            state[state::STACK_LEN] = clamp(tags.len());
            state[state::FRAMES] = len as u64;
            state[state::FRAMES_CAP] = clamp(cap);
            state[state::MAX_STACK] = clamp(self.limits.max_stack);
            state[state::MAX_CALLS] = clamp(self.limits.max_calls);
            state[state::PC] = pc as u64;
            state[state::LEFT] = left.left();
            let mut call = TierCall {
                tags,
                bits,
                frames: &mut self.frames,
                state,
            };
            let status = tier.enter(&mut call);
            let s = call.state;
            // (Kept within bounds whatever the module said, so that nothing can panic.)
            let stored = self.stack.len();
            self.frames.truncate((s[state::FRAMES] as usize).min(cap));
            self.sp = (s[state::SP] as usize).min(stored);
            pc = (s[state::PC] as usize).min(p.code.len());
            left = left.at_most(s[state::LEFT]);
            match status {
                STATUS_NEEDS_STACK => self.stack.grow_to(stored + 1),
                STATUS_NEEDS_FRAMES if cap < self.limits.max_calls => {
                    room *= 2;
                    cap = (self.frames.len() + room).min(self.limits.max_calls);
                }
                _ => break,
            }
        }
        (pc, fuel.used(left))
    }
}
