//! Traces that go on past a conditional jump, with a side exit for the branch they did
//! not follow (`Micro::Guard`, `Block::sides`). Each program here is a loop with two
//! conditional jumps, so that the optimizer makes loop blocks with side exits; its
//! operands come from the arguments, so that nothing folds. It runs optimized and
//! unoptimized, in one go and paused every `budget` steps for budgets 1 to 60, and
//! everything observable must agree: output, how the run ended (the error with its
//! position and trace, the step limit), each pause's step count, position and stack.

mod common;

use common::host::Observed;
use vm_core::{compile, disassemble_blocks, Limits, Machine, Program, Value};

/// A run of `program` with `args` and `limits`, paused every `budget` steps (see
/// `common::host::observe`), and the steps it ran in blocks.
fn observe(program: Program, args: &[i64], limits: Limits, budget: u64) -> (Observed, u64) {
    let args = args.iter().map(|&n| Value::Num(n)).collect();
    let (seen, m) =
        common::host::observe(Machine::new(program, args).with_limits(limits), budget, &[]);
    (seen, m.block_steps())
}

/// The step limit of every run here: some of the programs loop for ever on some
/// arguments.
const STEPS: u64 = 3_000;

/// Runs `src` with `args` both ways, with `limits`, for budgets 1 to 60 and unlimited;
/// returns the steps the optimized unlimited run took in blocks, and how it ended.
fn agree_with(src: &str, args: &[i64], limits: Limits) -> (u64, String) {
    let p = compile(src).unwrap();
    let mut last = (0, String::new());
    for budget in (1..=60).chain([u64::MAX]) {
        let (fast, blocks) = observe(p.clone(), args, limits, budget);
        let (plain, _) = observe(p.unoptimized(), args, limits, budget);
        assert_eq!(fast, plain, "{src}\nargs {args:?}, budget {budget}");
        last = (blocks, format!("{:?}", fast.end));
    }
    last
}

fn agree(src: &str, args: &[i64]) -> (u64, String) {
    let limits = Limits {
        max_steps: Some(STEPS),
        ..Limits::default()
    };
    agree_with(src, args, limits)
}

/// `src` has a block with a side exit (else these tests would test nothing new).
fn has_side_exits(src: &str) {
    let text = disassemble_blocks(&compile(src).unwrap());
    assert!(text.contains("side exit 0"), "{text}");
}

/// Collatz's steps from n (the argument) down to 1: the body is a conditional jump to
/// `even` or `odd`, then one back to the test, so `even` and `odd` each start a loop
/// block whose side exit leaves the inner loop.
const COLLATZ: &str = "0 swap
    inner: dup 1 == done step if jmp
    step: dup 2 % 0 == even odd if jmp
    even: 2 / counted jmp
    odd: 3 * 1 +
    counted: swap 1 + swap inner jmp
    done: drop println";

#[test]
fn collatz_agrees_at_the_edges() {
    has_side_exits(COLLATZ);
    // `even` and `odd` go from one to the other without leaving the loop runner.
    let text = disassemble_blocks(&compile(COLLATZ).unwrap());
    assert!(text.contains("then a loop to go on with"), "{text}");
    assert!(text.contains("(a loop to go on with)"), "{text}");
    // 27 takes 111 steps; it spends most of its steps in blocks.
    let (blocks, end) = agree(COLLATZ, &[27]);
    assert!(blocks > 1_000, "{blocks}");
    assert!(end.contains("Halted") || end.contains("Finished"), "{end}");
    for n in [1, 2, 3, 6, 7, 1024] {
        agree(COLLATZ, &[n]);
    }
    // 3n + 1 overflows in the odd branch (a side exit's target): the plain `*` or `+`
    // reports it at its position.
    for n in [i64::MAX, i64::MAX - 2, 3_074_457_345_618_258_603] {
        let (_, end) = agree(COLLATZ, &[n]);
        assert!(
            end.contains("Overflow") || end.contains("overflow"),
            "{n}: {end}"
        );
    }
    // 3_074_457_345_618_258_602 * 3 + 1 is i64::MAX exactly, which is odd: the next
    // odd step overflows.
    agree(COLLATZ, &[3_074_457_345_618_258_602]);
    // Halved once, it is odd and 3n overflows: in the `odd` loop, which the runner went
    // on with at once from a side exit of the `step` loop.
    let (_, end) = agree(COLLATZ, &[6_148_914_691_236_517_206]);
    assert!(end.contains("verflow"), "{end}");
    // Zero, negatives and MIN go round for ever (or fail): the step limit ends them.
    for n in [0, -1, -7, -17, i64::MIN, i64::MIN + 1] {
        let (_, end) = agree(COLLATZ, &[n]);
        assert!(!end.is_empty());
    }
}

/// A count down whose side exits leave other stacks than the loop's: at `end` a
/// computed value, a copy and a literal (5) above the counter, at `low` the counter
/// one lower.
const COUNT: &str = "loop: swap 1 + swap 5 over 0 > body end if jmp
    body: drop 1 - dup -3 > loop low if jmp
    end: println println println stop
    low: \"low\" println println println";

#[test]
fn side_exits_leave_the_stack_of_the_jump() {
    has_side_exits(COUNT);
    // `a n`: n rounds, then the side exit to `end` (from the block at `loop`).
    let (blocks, _) = agree(COUNT, &[0, 20]);
    assert!(blocks > 100, "{blocks}");
    for args in [
        [0, 0],
        [0, 1],
        [-5, 3],
        [i64::MIN, 7],
        [0, -2],
        [7, -3],
        [0, -1000],
    ] {
        agree(COUNT, &args);
    }
    // `a + 1` overflows in a later round, inside the loop block.
    let (_, end) = agree(COUNT, &[i64::MAX - 3, 10]);
    assert!(end.contains("verflow"), "{end}");
    // `n - 1` overflows at MIN: n > 0 is false first, so the side exit is taken.
    agree(COUNT, &[0, i64::MIN]);
    agree(COUNT, &[i64::MAX, i64::MAX]);
}

/// A negation left on the stack at the jump: the side exit must compute it.
const NEGATION: &str = "loop: 1 - dup 0 < not dup body end if jmp
    body: drop dup 3 % 0 != loop end if jmp
    end: println println";

#[test]
fn values_not_computed_yet_are_computed_for_the_side_exit() {
    has_side_exits(NEGATION);
    for n in [1, 2, 3, 10, 11, 100, 0, -1, i64::MIN + 1, i64::MAX] {
        agree(NEGATION, &[n]);
    }
    // `1 -` of MIN overflows in the first round.
    let (_, end) = agree(NEGATION, &[i64::MIN]);
    assert!(end.contains("verflow"), "{end}");
}

/// Division and remainder after a guard: by zero, and MIN by -1.
const DIVIDE: &str = "loop: over over / drop over over % drop dup 0 != body end if jmp
    body: swap 1 - swap over 0 > loop end if jmp
    end: println println";

#[test]
fn division_errors_inside_a_block_with_side_exits() {
    has_side_exits(DIVIDE);
    let (blocks, _) = agree(DIVIDE, &[50, 7]);
    assert!(blocks > 100, "{blocks}");
    for args in [
        [50, -7],
        [3, 0],
        [0, 0],
        [-4, 1],
        [i64::MAX, -1],
        [5, i64::MIN],
    ] {
        agree(DIVIDE, &args);
    }
    // MIN / -1 overflows; MIN % -1 is 0.
    let (_, end) = agree(DIVIDE, &[i64::MIN, -1]);
    assert!(end.contains("verflow"), "{end}");
    let (_, end) = agree(DIVIDE, &[3, 0]);
    assert!(end.contains("ero"), "{end}");
}

/// The side exit to `end` leaves the counter and the next one; the loop keeps only the
/// next one, in the counter's slot. That slot must not be written before the guard, or
/// the side exit would find the next value there instead of the counter.
const SHADOW: &str = "loop: dup 100 < over 1 + swap body end if jmp
    body: swap drop dup 50 != loop end if jmp
    end: println println";

#[test]
fn results_wait_for_the_last_guard() {
    has_side_exits(SHADOW);
    for n in [
        0,
        40,
        49,
        50,
        51,
        99,
        100,
        -3,
        i64::MAX - 1,
        i64::MAX,
        i64::MIN,
    ] {
        agree(SHADOW, &[n]);
    }
}

/// Like Collatz, two loops that go from one to the other, but `odd` takes more room on
/// the stack (five copies) than `even`.
const ROOMY: &str = "0 swap
    inner: dup 0 == done step if jmp
    step: dup 2 % 0 == even odd if jmp
    even: 1 - counted jmp
    odd: dup dup dup dup dup drop drop drop drop 1 - drop 1 -
    counted: swap 1 + swap inner jmp
    done: drop println";

#[test]
fn loops_gone_on_with_at_once_are_checked_for_their_room() {
    let text = disassemble_blocks(&compile(ROOMY).unwrap());
    assert!(text.contains("then a loop to go on with"), "{text}");
    // With room for `even` but not for `odd`, the plain `dup` must fail, whichever
    // way the runner came to `odd`.
    for max_stack in 2..9 {
        let limits = Limits {
            max_stack,
            max_steps: Some(STEPS),
            ..Limits::default()
        };
        for n in [7, 8, 100] {
            agree_with(ROOMY, &[n], limits);
        }
    }
}

/// `a + 1` must not be written in place before `x / -1`, which overflows for MIN (then
/// the block is abandoned and the plain `+` runs again), though `x` is known to be a
/// number by then (`%` checked it).
const NEGATE: &str = "loop: dup 2 % drop swap 1 + swap -1 / dup 0 != body end if jmp
    body: dup 1000 < loop end if jmp
    end: println println";

#[test]
fn results_wait_for_a_division_that_can_fail() {
    has_side_exits(NEGATE);
    for args in [[0, 7], [0, 0], [5, -30], [i64::MAX, 3]] {
        agree(NEGATE, &args);
    }
    let (_, end) = agree(NEGATE, &[0, i64::MIN]);
    assert!(end.contains("verflow"), "{end}");
    agree(NEGATE, &[0, i64::MIN + 1]);
}

#[test]
fn stack_limits_near_a_block_with_side_exits() {
    // Room for the literal and the copy the loop pushes, or not quite: where the block
    // cannot be sure of its room, the plain instructions run and fail where they do.
    for max_stack in [2, 3, 4, 5, 8] {
        let limits = Limits {
            max_stack,
            max_steps: Some(STEPS),
            ..Limits::default()
        };
        agree_with(COUNT, &[0, 9], limits);
        agree_with(COLLATZ, &[27], limits);
    }
}
