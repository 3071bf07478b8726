//! Loops that are one block: the block runner repeats such a block checking only the
//! step budget between rounds (`Block::again`). Each program here runs optimized and
//! unoptimized, in one go and paused every `budget` steps for many budgets, and
//! everything observable must agree: output, how the run ended (the error with its
//! position and trace), each pause's step count and position, the stacks.

mod common;

use common::host::observe;
use vm_core::{compile, Machine, Program, Status};

/// Runs `src` both ways for budgets 1 to 60 and unlimited; returns the steps the
/// optimized unlimited run took in blocks.
fn agree(src: &str) -> u64 {
    let p = compile(src).unwrap();
    let mut in_blocks = 0;
    for budget in (1..=60).chain([u64::MAX]) {
        let (fast, m) = observe(Machine::new(p.clone(), Vec::new()), budget, &[]);
        let (plain, _) = observe(Machine::new(p.unoptimized(), Vec::new()), budget, &[]);
        assert_eq!(fast, plain, "{src}\nbudget {budget}");
        in_blocks = m.block_steps();
    }
    in_blocks
}

#[test]
fn a_loop_block_goes_round_and_leaves() {
    // Sums 10 down to 1: the body (15 steps) goes round ten times, then the exit not
    // taken so far is taken.
    let sum = "0 10 loop: dup 0 > body end if jmp
        body: dup rot + swap 1 - loop jmp
        end: drop println";
    assert!(agree(sum) >= 140);
    // The condition goes round on `false` (`not` swapped the branches).
    let down = "7 loop: 1 - dup 0 == not loop end if jmp end: println";
    assert!(agree(down) >= 60);
    // Not taken at all: the loop is left after its first round.
    assert!(agree("0 loop: 1 - dup 0 > loop end if jmp end: println") > 0);
}

#[test]
fn an_error_in_a_later_round_is_the_plain_instructions_error() {
    // `1 +` overflows in the eighth round: the rounds before completed, the last one
    // is abandoned and the plain `+` reports the error at its position.
    let overflow = "9223372036854775800 loop: 1 + dup 0 > loop end if jmp end: println";
    assert!(agree(overflow) >= 7 * 9);
    // The condition is computed before the `1 +` that overflows, and is false in that
    // round: the abandoned round must not take its exit.
    let late = "9223372036854775804 loop: dup 9223372036854775807 < swap 1 + swap loop end if jmp end: println";
    assert!(agree(late) >= 3 * 11);
    // Division by zero when the counter reaches 0, after a side result was computed.
    let divide = "10 loop: 1 - dup 100 swap / drop dup -5 > loop end if jmp end: println";
    assert!(agree(divide) > 0);
    // A string reaches the loop's arithmetic in the second round: the type error.
    let types = "\"a\" 1 loop: + \"b\" swap dup 0 > loop end if jmp end: println";
    agree(types);
}

#[test]
fn loops_that_change_the_depth_are_checked_every_round() {
    // Each round leaves one more value: the stack's limit is reached in a round, which
    // must fail exactly where the plain `dup` does.
    let grows = "0 loop: 1 + dup dup 100000 < loop end if jmp end: println";
    let p = compile(grows).unwrap();
    let limits = vm_core::Limits {
        max_stack: 50,
        ..vm_core::Limits::default()
    };
    for budget in [1, 7, 9, 64, u64::MAX] {
        let run = |p: Program| {
            let mut m = Machine::new(p, Vec::new()).with_limits(limits);
            let mut out = String::new();
            let mut pauses = Vec::new();
            loop {
                let status = m.run(budget, &mut out);
                pauses.push((m.steps(), m.pc(), m.stack_len()));
                if status != Status::OutOfBudget {
                    return (format!("{status:?}"), pauses, m.block_steps() > 0);
                }
            }
        };
        let (fast, plain) = (run(p.clone()), run(p.unoptimized()));
        assert_eq!((&fast.0, &fast.1), (&plain.0, &plain.1), "budget {budget}");
        assert!(
            fast.0.contains("StackOverflow") || fast.0.contains("stack"),
            "{}",
            fast.0
        );
    }
}
