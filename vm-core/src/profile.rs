//! Where a program spends its instructions: counts per call path and per source line.
//! [`Profile`] is an [`Observer`]: profiling costs nothing when it is not used.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::machine::{Machine, Observer};
use crate::program::Program;

#[derive(Clone, Debug)]
struct Node {
    /// The address called to enter this path; `None` for the main program.
    target: Option<u32>,
    parent: usize,
    children: Vec<usize>,
    steps: u64,
}

/// Instruction counts by call path (label names) and by instruction.
#[derive(Clone, Debug)]
pub struct Profile {
    nodes: Vec<Node>,
    current: usize,
    depth: usize,
    per_pc: Vec<u64>,
}

impl Profile {
    /// A profile of a run of `machine`, from where it is now.
    pub fn new(machine: &Machine) -> Profile {
        Profile {
            nodes: vec![Node {
                target: None,
                parent: 0,
                children: Vec::new(),
                steps: 0,
            }],
            current: 0,
            depth: machine.call_depth(),
            per_pc: vec![0; machine.program().code().len()],
        }
    }

    /// The child of the current path entered by a call to `target`.
    fn enter(&mut self, target: u32) {
        let found = self.nodes[self.current]
            .children
            .iter()
            .copied()
            .find(|&c| self.nodes[c].target == Some(target));
        self.current = match found {
            Some(c) => c,
            None => {
                self.nodes.push(Node {
                    target: Some(target),
                    parent: self.current,
                    children: Vec::new(),
                    steps: 0,
                });
                let c = self.nodes.len() - 1;
                self.nodes[self.current].children.push(c);
                c
            }
        };
    }

    /// The total number of instructions counted.
    pub fn total(&self) -> u64 {
        self.nodes.iter().map(|n| n.steps).sum()
    }

    /// Folded stacks, as flamegraph tools read them: one line per call path with
    /// instructions of its own, `main;fib;recur 1234`, in the order paths were first seen.
    pub fn folded(&self, program: &Program) -> String {
        let mut out = String::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if node.steps == 0 {
                continue;
            }
            let mut path = Vec::new();
            let mut n = i;
            while n != 0 {
                path.push(self.name(program, n));
                n = self.nodes[n].parent;
            }
            path.push(String::from("main"));
            path.reverse();
            out.push_str(&format!("{} {}\n", path.join(";"), node.steps));
        }
        out
    }

    fn name(&self, program: &Program, node: usize) -> String {
        match self.nodes[node].target {
            Some(t) => program
                .label_at(t)
                .map_or_else(|| t.to_string(), String::from),
            None => String::from("main"),
        }
    }

    /// Instructions executed per source line, for lines with any: `(line, count)`.
    pub fn lines(&self, program: &Program) -> Vec<(u32, u64)> {
        let mut lines: Vec<(u32, u64)> = Vec::new();
        for (pc, &n) in self.per_pc.iter().enumerate() {
            let Some(span) = program.span(pc) else {
                continue;
            };
            if n == 0 {
                continue;
            }
            // Instructions are in the order of their tokens, so their lines only grow.
            match lines.last_mut() {
                Some((l, c)) if *l == span.line => *c += n,
                _ => lines.push((span.line, n)),
            }
        }
        debug_assert!(lines.windows(2).all(|w| w[0].0 < w[1].0));
        lines
    }
}

impl Observer for Profile {
    fn after(&mut self, machine: &Machine, pc: usize, steps: u64) -> bool {
        // The instructions ran in the path they started in: a `call` counts for the
        // caller, a `return` for the callee.
        self.nodes[self.current].steps += steps;
        for c in self.per_pc.iter_mut().skip(pc).take(steps as usize) {
            *c += 1;
        }
        let depth = machine.call_depth();
        if depth > self.depth {
            if let Some(target) = machine.innermost_call() {
                self.enter(target);
            }
        } else if depth < self.depth {
            self.current = self.nodes[self.current].parent;
        }
        self.depth = depth;
        true
    }
}
