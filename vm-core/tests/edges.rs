//! The edge oracle (`tests/oracle/mod.rs`) on the plain interpreter and on the
//! optimizer's blocks: every operation, in every operand form, at the edges of its
//! values, against exact math.

mod oracle;

use oracle::{check_edges, Blocks, Plain};

#[test]
fn plain_interpreter_at_the_edges() {
    let n = check_edges(&mut Plain);
    assert!(n > 20_000, "only {n} cases");
}

#[test]
fn blocks_at_the_edges() {
    let n = check_edges(&mut Blocks);
    assert!(n > 20_000, "only {n} cases");
}

/// The benchmark programs and fib take the blocks for nearly all their steps: a guard
/// that became stricter, or a block that is never entered, changes no result but
/// would make them slow; this turns it into a failure. Each runs its first 200,000
/// steps. The shares measured are 99.9% for fib and the loops, 99.8% for primes,
/// 81.8% for printing numbers and 74.9% for the string benchmark, whose `concat`,
/// `cast_str` and `cast_int` run as plain instructions; the run is deterministic, so
/// the bounds are close (fib's `return`s run as plain instructions make it 97%).
#[test]
fn blocks_run_on_the_benchmark_programs() {
    use vm_core::{compile, Machine, Value};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // (program, its argument, the share of steps in blocks, in per mille, at least)
    let programs: [(&str, Option<i64>, u64); 6] = [
        ("examples/fib.svm", Some(20), 990),
        ("benches/programs/count_loop.svm", None, 990),
        ("benches/programs/calls.svm", None, 990),
        ("benches/programs/print_numbers.svm", Some(1_000_000), 810),
        ("benches/programs/strings.svm", Some(100_000), 745),
        ("examples/primes.svm", Some(1000), 990),
    ];
    for (path, arg, permille) in programs {
        let source = std::fs::read_to_string(root.join(path)).unwrap();
        let args: Vec<Value> = arg.map(Value::Num).into_iter().collect();
        let mut m = Machine::new(compile(&source).unwrap(), args);
        let mut out = String::new();
        m.run(200_000, &mut out);
        let share = m.block_steps() * 1000 / m.steps();
        println!("{path}: {share}‰ of {} steps in blocks", m.steps());
        assert!(
            share >= permille,
            "{path}: only {share}% of the steps ran in blocks"
        );
    }
}

/// A block runs when it fits exactly: the stack filled to its limit, the return stack
/// to its limit, a budget of exactly its steps (a guard one too strict would leave
/// these to the plain instructions, slower and unnoticed).
#[test]
fn blocks_run_right_at_the_limits() {
    use vm_core::{compile, Limits, Machine, Status};
    let run = |src: &str, limits: Limits, budget: u64| {
        let mut m = Machine::new(compile(src).unwrap(), Vec::new()).with_limits(limits);
        let mut out = String::new();
        let status = m.run(budget, &mut out);
        (status, out, m.block_steps())
    };
    let exact = Limits {
        max_stack: 3,
        max_calls: 1,
        ..Limits::default()
    };
    // Three values on a stack of three: the block `1 2 3 + +`, 5 steps.
    let stack = "1 2 3 + + println";
    assert_eq!(
        run(stack, exact, u64::MAX),
        (Status::Halted(0), "6\n".to_string(), 5)
    );
    // Two values, added, then a third: the stack never holds more than two.
    let two = Limits {
        max_stack: 2,
        ..Limits::default()
    };
    assert_eq!(
        run("1 2 + 3 + println", two, u64::MAX),
        (Status::Halted(0), "6\n".to_string(), 5)
    );
    // A budget of the block's 5 steps.
    assert_eq!(
        run(stack, Limits::default(), 5),
        (Status::OutOfBudget, String::new(), 5)
    );
    // One call on a return stack of one: `f call 7 return`, 4 steps.
    assert_eq!(
        run("f call println stop f: 7 return", exact, u64::MAX),
        (Status::Halted(0), "7\n".to_string(), 4)
    );
}

/// A trace that needs more window slots than a block has (64 `+` in a row read 65
/// values and make 64 temporaries) is not made into a block: it runs plain, and adds
/// up right.
#[test]
fn traces_wider_than_the_window_run_plain() {
    use vm_core::{compile, Machine, Status, Value};
    let src = format!("{}println", "+ ".repeat(64));
    let args: Vec<Value> = (1..=65).map(|n| Value::Num(n * 1000 + n)).collect();
    let sum: i64 = (1..=65).map(|n| n * 1000 + n).sum();
    let mut m = Machine::new(compile(&src).unwrap(), args);
    let mut out = String::new();
    assert_eq!(m.run(u64::MAX, &mut out), Status::Halted(0));
    assert_eq!(out, format!("{sum}\n"));
}

/// Every operation of the table that computes from its operands alone (the
/// arithmetic, comparison and logic classes) and every text operation is in the
/// oracle, which runs it on the plain interpreter and in blocks and compares both with
/// exact math: an operation added to the table without its edge cases fails here.
#[test]
fn the_oracle_covers_every_operation_of_the_pure_classes() {
    use vm_core::ops::Class;
    let mut checked = 0;
    for info in vm_core::OPS {
        let pure = match info.class {
            Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_) | Class::Text(_) => true,
            Class::Stack(_) | Class::Io(_) | Class::Control(_) => false,
        };
        if pure {
            // `if` has forms of its own (see the oracle's module documentation).
            let covered = oracle::with_operands(2).contains(&info.name)
                || oracle::with_operands(1).contains(&info.name)
                || info.name == "if";
            assert!(covered, "`{}` is not in the edge oracle", info.name);
            checked += 1;
        }
    }
    // The 18 of these classes when the oracle was written, and any added since.
    assert!(checked >= 18, "{checked}");
}
