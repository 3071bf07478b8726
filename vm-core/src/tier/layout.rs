//! Where the module keeps things: its globals (the machine's registers while compiled
//! code runs), the locals of a label's function, the order of its functions, the tags
//! of values and the layout of a call frame in memory. Each kind is one table whose
//! entries carry their index, name and type, so that the binary and the text are both
//! written from it; tags and frames are taken from the machine's own types
//! ([`Tag`], [`Frame`]).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::mem::{offset_of, size_of};

use super::wasm::{Global, Ins, Ty};
use crate::block::W;
use crate::frame::Frame;
use crate::slot::Tag;

/// A slot of a block's window (`block::W`): slot 0 is the first the block reads.
pub(super) type WindowSlot = W;

/// The module's globals, by index: the machine's registers while compiled code runs,
/// loaded by `run` from the state words and stored back when it returns.
pub(super) mod global {
    use super::{Global, Ty};

    /// The address of the stack's tags (a byte a slot).
    pub(crate) const TAGS: Global = Global {
        index: 0,
        name: "tags",
        ty: Ty::I32,
    };
    /// The address of the stack's bits (eight bytes a slot).
    pub(crate) const BITS: Global = Global {
        index: 1,
        name: "bits",
        ty: Ty::I32,
    };
    /// The address of the call frames.
    pub(crate) const FRAMES: Global = Global {
        index: 2,
        name: "frames",
        ty: Ty::I32,
    };
    /// The slots of stack storage at [`TAGS`] and [`BITS`].
    pub(crate) const STACK_LEN: Global = Global {
        index: 3,
        name: "stack_len",
        ty: Ty::I32,
    };
    /// Room for frames at [`FRAMES`].
    pub(crate) const FRAMES_CAP: Global = Global {
        index: 4,
        name: "frames_cap",
        ty: Ty::I32,
    };
    /// The deepest the stack may be.
    pub(crate) const MAX_STACK: Global = Global {
        index: 5,
        name: "max_stack",
        ty: Ty::I32,
    };
    /// The most frames there may be.
    pub(crate) const MAX_CALLS: Global = Global {
        index: 6,
        name: "max_calls",
        ty: Ty::I32,
    };
    /// The stack's depth.
    pub(crate) const SP: Global = Global {
        index: 7,
        name: "sp",
        ty: Ty::I32,
    };
    /// The call frames there are.
    pub(crate) const FRAME_COUNT: Global = Global {
        index: 8,
        name: "nframes",
        ty: Ty::I32,
    };
    /// The instruction the machine is at.
    pub(crate) const PC: Global = Global {
        index: 9,
        name: "pc",
        ty: Ty::I32,
    };
    /// The steps the budget has left.
    pub(crate) const LEFT: Global = Global {
        index: 10,
        name: "left",
        ty: Ty::I64,
    };

    /// Every global, in the order of their indexes (checked when compiled).
    pub(crate) const ALL: [Global; 11] = [
        TAGS,
        BITS,
        FRAMES,
        STACK_LEN,
        FRAMES_CAP,
        MAX_STACK,
        MAX_CALLS,
        SP,
        FRAME_COUNT,
        PC,
        LEFT,
    ];

    const _: () = {
        let mut i = 0;
        while i < ALL.len() {
            assert!(ALL[i].index == i as u32);
            i += 1;
        }
    };
}

/// A local of a label's function before its slots' locals: its index, its name in the
/// text, its type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Local {
    /// Its index (the parameter is 0).
    pub(super) index: u32,
    /// Its name in the text.
    pub(super) name: &'static str,
    /// Its type.
    pub(super) ty: Ty,
}

impl Local {
    /// `local.get` of it.
    pub(super) fn get(self) -> Ins {
        Ins::LocalGet(self.index)
    }

    /// `local.set` of it.
    pub(super) fn set(self) -> Ins {
        Ins::LocalSet(self.index)
    }

    /// `local.tee` of it.
    pub(super) fn tee(self) -> Ins {
        Ins::LocalTee(self.index)
    }
}

/// The locals of a label's function: its parameters (the block to run first, where it
/// returns to a direct caller, the direct calls under way, and the machine's registers,
/// kept in locals while the function runs and returned with its result), then scratch;
/// the slots' locals follow them ([`tag_local`], [`bits_local`]).
pub(super) mod local {
    use super::{Local, Ty};

    /// The first parameter: the module's index of the block to run (then of the next one,
    /// in this function).
    pub(crate) const BLOCK: Local = Local {
        index: 0,
        name: "block",
        ty: Ty::I32,
    };
    /// The count of frames below which the last frame of the direct call that called this
    /// function is popped (the frames there were with it pushed): there the function
    /// returns [`RETURNED`](crate::tier::RETURNED) to its caller; 0 when `run` called it.
    pub(crate) const RETURN_BELOW: Local = Local {
        index: 1,
        name: "ret_below",
        ty: Ty::I32,
    };
    /// The direct calls under way, this function's among them: past
    /// [`MAX_DIRECT_DEPTH`](crate::tier::MAX_DIRECT_DEPTH) its calls go the indirect way
    /// (0 when `run` called it).
    pub(crate) const DEPTH: Local = Local {
        index: 2,
        name: "depth",
        ty: Ty::I32,
    };
    /// The stack's depth (a parameter, and returned).
    pub(crate) const SP: Local = Local {
        index: 3,
        name: "sp",
        ty: Ty::I32,
    };
    /// The call frames there are (a parameter, and returned).
    pub(crate) const FRAME_COUNT: Local = Local {
        index: 4,
        name: "nframes",
        ty: Ty::I32,
    };
    /// The steps the budget has left (a parameter, and returned).
    pub(crate) const LEFT: Local = Local {
        index: 5,
        name: "left",
        ty: Ty::I64,
    };
    /// The instruction the machine is at, when it leaves (a parameter, and returned).
    pub(crate) const PC: Local = Local {
        index: 6,
        name: "pc",
        ty: Ty::I32,
    };
    /// What the function returns first: the index of the next block, in another
    /// function, or a status (negative).
    pub(crate) const NEXT: Local = Local {
        index: 7,
        name: "ret",
        ty: Ty::I32,
    };
    /// The depth where the block's window starts.
    pub(crate) const BASE: Local = Local {
        index: 8,
        name: "base",
        ty: Ty::I32,
    };
    /// The address of the window's tags.
    pub(crate) const WINDOW_TAGS: Local = Local {
        index: 9,
        name: "tags",
        ty: Ty::I32,
    };
    /// The address of the window's bits.
    pub(crate) const WINDOW_BITS: Local = Local {
        index: 10,
        name: "bits",
        ty: Ty::I32,
    };
    /// What `at` gave for the instruction a `return` goes to.
    pub(crate) const AT_VALUE: Local = Local {
        index: 11,
        name: "r",
        ty: Ty::I32,
    };
    /// The address of the first frame a block pushes.
    pub(crate) const FRAME_ADDRESS: Local = Local {
        index: 12,
        name: "frame",
        ty: Ty::I32,
    };
    /// A tag, chosen by `select`.
    pub(crate) const TAG: Local = Local {
        index: 13,
        name: "tag",
        ty: Ty::I32,
    };
    /// The result of an arithmetic operation.
    pub(crate) const RESULT: Local = Local {
        index: 14,
        name: "z",
        ty: Ty::I64,
    };

    /// Every one of them, in the order of their indexes (checked when compiled).
    pub(crate) const ALL: [Local; 15] = [
        BLOCK,
        RETURN_BELOW,
        DEPTH,
        SP,
        FRAME_COUNT,
        LEFT,
        PC,
        NEXT,
        BASE,
        WINDOW_TAGS,
        WINDOW_BITS,
        AT_VALUE,
        FRAME_ADDRESS,
        TAG,
        RESULT,
    ];

    const _: () = {
        let mut i = 0;
        while i < ALL.len() {
            assert!(ALL[i].index == i as u32);
            i += 1;
        }
    };
}

/// The first of the slots' locals: for each slot of the window its tag (`i32`, `$tN`)
/// then its bits (`i64`, `$sN`).
const FIRST_SLOT_LOCAL: u32 = local::ALL.len() as u32;

/// The local holding slot `s`'s tag (`i32`).
pub(super) fn tag_local(s: WindowSlot) -> u32 {
    FIRST_SLOT_LOCAL + 2 * u32::from(s)
}

/// The local holding slot `s`'s bits (`i64`).
pub(super) fn bits_local(s: WindowSlot) -> u32 {
    FIRST_SLOT_LOCAL + 2 * u32::from(s) + 1
}

/// A label's function's parameters: [`local::BLOCK`] to [`local::PC`].
pub(super) const LABEL_PARAMS: [Ty; 7] = [
    Ty::I32,
    Ty::I32,
    Ty::I32,
    Ty::I32,
    Ty::I32,
    Ty::I64,
    Ty::I32,
];

/// What a label's function returns: [`local::NEXT`], then the registers ([`local::SP`],
/// [`local::FRAME_COUNT`], [`local::LEFT`], [`local::PC`]).
pub(super) const LABEL_RESULTS: [Ty; 5] = [Ty::I32, Ty::I32, Ty::I32, Ty::I64, Ty::I32];

const _: () = assert!(local::PC.index as usize + 1 == LABEL_PARAMS.len());

/// The types of a label's function's locals after its parameters: the registers and
/// scratch, then a tag and bits for each of `window` slots.
pub(super) fn label_local_types(window: u16) -> Vec<Ty> {
    let registers = local::ALL[LABEL_PARAMS.len()..].iter().map(|l| l.ty);
    let slots = (0..window).flat_map(|_| [Ty::I32, Ty::I64]);
    registers.chain(slots).collect()
}

/// The names of a label's function's locals, parameters first (as
/// [`label_local_types`]).
pub(super) fn label_local_names(window: u16) -> Vec<String> {
    let registers = local::ALL.iter().map(|l| l.name.to_string());
    let slots = (0..window).flat_map(|s| [format!("t{s}"), format!("s{s}")]);
    registers.chain(slots).collect()
}

/// The module's functions, by index: `at`, `run`, then the labels' (and after them the
/// parts of `at` in a large program).
pub(super) mod function {
    /// `at(pc)`: what starts at an instruction.
    pub(crate) const AT: u32 = 0;
    /// `run(tags, bits, frames, state)`: the export.
    pub(crate) const RUN: u32 = 1;
    /// The first label's function.
    pub(crate) const FIRST_LABEL: u32 = 2;
}

/// The tags of values, as the stack's storage holds them (a byte a slot).
pub(super) mod tag {
    use super::Tag;

    /// A number.
    pub(crate) const NUM: i32 = Tag::Num as i32;
    /// A boolean.
    pub(crate) const BOOL: i32 = Tag::Bool as i32;
    /// A string constant of the program.
    pub(crate) const CONST: i32 = Tag::Const as i32;
    /// The bit that strings' tags have, and other tags not: a string made while running
    /// or a constant.
    pub(crate) const STRING_BIT: i32 = Tag::Str as i32 & Tag::Const as i32;

    const _: () = assert!(STRING_BIT != 0);
    const _: () = assert!(NUM & STRING_BIT == 0 && BOOL & STRING_BIT == 0);
}

/// The size of a call frame in memory ([`Frame`] is `repr(C)`).
pub(super) const FRAME_SIZE: u32 = size_of::<Frame>() as u32;

/// Where a frame's fields are in it, each a `u32`: where it returns to, the `call`,
/// the address called.
pub(super) const FRAME_RET: u32 = offset_of!(Frame, ret) as u32;
/// See [`FRAME_RET`].
pub(super) const FRAME_CALL: u32 = offset_of!(Frame, call) as u32;
/// See [`FRAME_RET`].
pub(super) const FRAME_TARGET: u32 = offset_of!(Frame, target) as u32;

/// A frame's fields with their offsets in it.
pub(super) fn frame_fields(frame: &Frame) -> [(u32, u32); 3] {
    [
        (FRAME_RET, frame.ret),
        (FRAME_CALL, frame.call),
        (FRAME_TARGET, frame.target),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slot::Slot;

    #[test]
    fn globals_are_numbered_in_order_and_named_once() {
        for (i, g) in global::ALL.iter().enumerate() {
            assert_eq!(g.index, i as u32, "{}", g.name);
        }
        let mut names: Vec<&str> = global::ALL.iter().map(|g| g.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), global::ALL.len());
        // Only the budget is 64 bits.
        let wide: Vec<&str> = global::ALL
            .iter()
            .filter(|g| g.ty == Ty::I64)
            .map(|g| g.name)
            .collect();
        assert_eq!(wide, ["left"]);
    }

    #[test]
    fn locals_are_numbered_in_order_then_the_slots() {
        for (i, l) in local::ALL.iter().enumerate() {
            assert_eq!(l.index, i as u32, "{}", l.name);
        }
        let names = label_local_names(3);
        let types = label_local_types(3);
        // The parameters have a name, not a declaration.
        let params = LABEL_PARAMS.len();
        assert_eq!(names.len(), types.len() + params);
        assert_eq!(names[local::SP.index as usize], "sp");
        assert_eq!(names[tag_local(0) as usize], "t0");
        assert_eq!(names[bits_local(2) as usize], "s2");
        assert_eq!(bits_local(2) as usize, names.len() - 1);
        for s in 0..3 {
            assert_eq!(types[tag_local(s) as usize - params], Ty::I32);
            assert_eq!(types[bits_local(s) as usize - params], Ty::I64);
        }
        for l in &local::ALL[params..] {
            assert_eq!(types[l.index as usize - params], l.ty, "{}", l.name);
        }
    }

    #[test]
    fn tags_are_the_machines() {
        for (t, tag) in [
            (Tag::Num, tag::NUM),
            (Tag::Bool, tag::BOOL),
            (Tag::Const, tag::CONST),
        ] {
            assert_eq!(t as i32, tag);
        }
        // A string's tag has the bit; a number's and a boolean's not.
        for (t, string) in [
            (Tag::Num, false),
            (Tag::Bool, false),
            (Tag::Str, true),
            (Tag::Const, true),
        ] {
            assert_eq!(t as i32 & tag::STRING_BIT != 0, string, "{t:?}");
        }
        // The storage holds a tag in a byte.
        assert!(size_of::<Tag>() == 1 && Slot::num(1).tag as u8 == tag::NUM as u8);
    }

    #[test]
    fn a_frame_is_three_words_in_order() {
        assert_eq!(FRAME_SIZE, 12);
        let f = Frame::of_call(7, 40);
        assert_eq!(frame_fields(&f), [(0, 8), (4, 7), (8, 40)]);
    }
}
