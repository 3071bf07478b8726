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
/// steps (the shares measured: 99% for fib, the loops and primes, 81%
/// for printing numbers, 68% for the string benchmark, whose `concat`, `cast_str`
/// and `cast_int` run as plain instructions).
#[test]
fn blocks_run_on_the_benchmark_programs() {
    use vm_core::{compile, Machine, Value};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // (program, its argument, the share of steps in blocks, in percent, at least)
    let programs: [(&str, Option<i64>, u64); 6] = [
        ("examples/fib.svm", Some(20), 95),
        ("benches/programs/count_loop.svm", None, 95),
        ("benches/programs/calls.svm", None, 95),
        ("benches/programs/print_numbers.svm", Some(1_000_000), 75),
        ("benches/programs/strings.svm", None, 60),
        ("examples/primes.svm", Some(1000), 95),
    ];
    for (path, arg, percent) in programs {
        let source = std::fs::read_to_string(root.join(path)).unwrap();
        let args: Vec<Value> = arg.map(Value::Num).into_iter().collect();
        let mut m = Machine::new(compile(&source).unwrap(), args);
        let mut out = String::new();
        m.run(200_000, &mut out);
        let share = m.block_steps() * 100 / m.steps();
        println!("{path}: {share}% of {} steps in blocks", m.steps());
        assert!(
            share >= percent,
            "{path}: only {share}% of the steps ran in blocks"
        );
    }
}
