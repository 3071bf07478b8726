//! A call frame: what the return stack holds. Made by the `call` instruction, and by
//! blocks for the calls they followed.

/// A return-stack entry: where a `call` returns to. Laid out as three `u32`s in this
/// order, which the WebAssembly tier reads and writes (`tier/layout.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub(crate) struct Frame {
    /// Instruction to continue at on `return`.
    pub(crate) ret: u32,
    /// Instruction index of the `call`.
    pub(crate) call: u32,
    /// The address that was called.
    pub(crate) target: u32,
}

impl Frame {
    /// The frame of the `call` at instruction `call` to address `target`: it returns
    /// to the instruction after the call.
    pub(crate) fn of_call(call: u32, target: u32) -> Frame {
        Frame {
            ret: call + 1,
            call,
            target,
        }
    }
}
