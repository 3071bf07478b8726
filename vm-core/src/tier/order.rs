//! The module's blocks in their order, and which function runs which: blocks are in
//! the order of their starts, so that the blocks under one label (or before the first)
//! are a range of them, run by the label's function (several functions, for a label of
//! more than [`MAX_FUNCTION_BLOCKS`] blocks).

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use super::MAX_FUNCTION_BLOCKS;
use crate::block::NO_BLOCK;
use crate::program::{Code, Program};

/// The module's blocks in their order: by their start.
pub(super) struct Order {
    /// The start of each block of the program (by the program's block index).
    start: Vec<u32>,
    /// The module's index of each block of the program.
    module_index: Vec<u32>,
    /// The program's block index of each of the module's blocks.
    block: Vec<u32>,
}

impl Order {
    /// The order of `p`'s blocks.
    pub(super) fn new(p: &Program) -> Order {
        let mut start = vec![0; p.blocks.len()];
        let mut block = Vec::new();
        for (pc, c) in p.dispatch.iter().enumerate() {
            if let Code::Block(i) = *c {
                start[i as usize] = pc as u32;
                block.push(i);
            }
        }
        let mut module_index = vec![u32::MAX; p.blocks.len()];
        for (g, &i) in block.iter().enumerate() {
            module_index[i as usize] = g as u32;
        }
        Order {
            start,
            module_index,
            block,
        }
    }

    /// The module's blocks.
    pub(super) fn len(&self) -> usize {
        self.block.len()
    }

    /// The program's block index of the module's block `g`.
    pub(super) fn block(&self, g: u32) -> u32 {
        self.block[g as usize]
    }

    /// The instruction where the program's block `block` starts.
    pub(super) fn start(&self, block: u32) -> u32 {
        self.start[block as usize]
    }

    /// The module's index of the program's block `block` (a target's), or -1 for
    /// [`NO_BLOCK`].
    pub(super) fn module_index(&self, block: u32) -> i32 {
        if block == NO_BLOCK {
            -1
        } else {
            self.module_index[block as usize] as i32
        }
    }
}

/// The blocks of one function: a label's (or a run of them, for a label of many).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    /// The label's name, or `main` for the blocks before the first label.
    pub(super) label: String,
    /// The module's indexes of its blocks.
    pub(super) blocks: Range<u32>,
}

/// The functions of `p`'s blocks in `order`: the blocks under each label (or before the
/// first), in order, at most [`MAX_FUNCTION_BLOCKS`] to a function.
pub(super) fn groups(p: &Program, order: &Order) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for (g, &i) in order.block.iter().enumerate() {
        let pc = order.start(i);
        // The last label at or before the block's start (labels are in order).
        let under = p.labels.partition_point(|l| {
            p.pc_of(i64::from(l.addr))
                .is_some_and(|at| at <= pc as usize)
        });
        let label = under.checked_sub(1).and_then(|i| p.labels.get(i));
        let name = label.map_or_else(|| "main".to_string(), |l| l.name.clone());
        let g = g as u32;
        match groups.last_mut() {
            Some(last)
                if last.label == name
                    && last.blocks.end == g
                    && g - last.blocks.start < MAX_FUNCTION_BLOCKS =>
            {
                last.blocks.end = g + 1
            }
            _ => groups.push(Group {
                label: name,
                blocks: g..g + 1,
            }),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asm::compile;

    #[test]
    fn blocks_are_in_the_order_of_their_starts() {
        let p = compile("0 loop: 1 + dup 10 < loop swap if jmp\nend: println").unwrap();
        let order = Order::new(&p);
        assert!(order.len() >= 2);
        for g in 1..order.len() as u32 {
            assert!(order.start(order.block(g - 1)) < order.start(order.block(g)));
        }
        for g in 0..order.len() as u32 {
            assert_eq!(order.module_index(order.block(g)), g as i32);
        }
        assert_eq!(order.module_index(NO_BLOCK), -1);
    }

    #[test]
    fn the_blocks_of_a_label_are_one_function() {
        let p = compile("1 2 + a: 3 + 4 + b: 5 + println").unwrap();
        let order = Order::new(&p);
        let groups = groups(&p, &order);
        let labels: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["main", "a", "b"]);
        // Together, in order, they are every block once.
        let mut next = 0;
        for g in &groups {
            assert_eq!(g.blocks.start, next);
            next = g.blocks.end;
        }
        assert_eq!(next as usize, order.len());
    }

    #[test]
    fn a_label_of_many_blocks_is_several_functions() {
        let n = MAX_FUNCTION_BLOCKS as usize + 10;
        let src: String = core::iter::once("l: 0 println\n")
            .chain(core::iter::repeat_n("l l + println\n", n))
            .collect();
        let p = compile(&src).unwrap();
        let groups = groups(&p, &Order::new(&p));
        assert!(groups.len() >= 2, "{}", groups.len());
        for g in &groups {
            assert_eq!(g.label, "l");
            assert!(g.blocks.len() <= MAX_FUNCTION_BLOCKS as usize);
        }
        assert_eq!(groups[0].blocks.len(), MAX_FUNCTION_BLOCKS as usize);
    }
}
