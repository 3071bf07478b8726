//! The benchmark suite of `benches/suite.tsv`, read for the Criterion benchmarks and the
//! suite test, and what each workload must print, computed here in plain Rust so that a
//! wrong program (or a wrong answer in the table) cannot hide.

// Each target that includes this module uses only some of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::PathBuf;

/// The table, as `compare.sh` reads it too.
const TABLE: &str = include_str!("suite.tsv");

/// One workload of the suite: a line of `benches/suite.tsv`.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The workload's name; its other implementations are `benches/compare/NAME.*`.
    pub name: &'static str,
    /// The svm program, relative to the repository's root.
    pub program: &'static str,
    /// The arguments `compare.sh` runs it with.
    pub args: &'static str,
    /// What it prints with `args`: one line, or `seq` (the numbers 1 to n, one a line).
    pub answer: &'static str,
    /// The name of its Criterion benchmark.
    pub bench: &'static str,
    /// The arguments of the benchmark (and of the check of the other implementations).
    pub bench_args: &'static str,
    /// What it prints with `bench_args`.
    pub bench_answer: &'static str,
    /// What the workload stresses.
    pub shape: &'static str,
}

impl Workload {
    /// The source of the svm program, read from the repository.
    pub fn source(&self) -> String {
        let path = repository_root().join(self.program);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The whole output expected for `args`, given the table's `answer` for them.
    pub fn expected_output(answer: &str, args: &str) -> String {
        if answer == "seq" {
            let n = numbers(args)[0];
            (1..=n).fold(String::new(), |mut out, i| {
                writeln!(out, "{i}").expect("writing to a String");
                out
            })
        } else {
            format!("{answer}\n")
        }
    }
}

/// The root of the repository (the parent of `vm-core`, whose manifest runs these targets).
pub fn repository_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Every workload of the table, in its order; panics on a malformed line.
pub fn workloads() -> Vec<Workload> {
    TABLE
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&'static str> = line.split('\t').collect();
            let [name, program, args, answer, bench, bench_args, bench_answer, shape] = fields[..]
            else {
                panic!("benches/suite.tsv: not 8 tab-separated fields: {line:?}");
            };
            Workload {
                name,
                program,
                args,
                answer,
                bench,
                bench_args,
                bench_answer,
                shape,
            }
        })
        .collect()
}

/// The workload called `name`; panics if the table has none.
pub fn workload(name: &str) -> Workload {
    workloads()
        .into_iter()
        .find(|w| w.name == name)
        .unwrap_or_else(|| panic!("benches/suite.tsv has no workload {name:?}"))
}

/// The numbers of an argument string such as `"3 9"`.
pub fn numbers(args: &str) -> Vec<i64> {
    args.split_whitespace()
        .map(|a| a.parse().unwrap_or_else(|_| panic!("not a number: {a:?}")))
        .collect()
}

/// What workload `name` prints for `args`, computed in Rust (the line without its
/// newline, or `seq` for printing); `None` for an unknown name. `sum` and `strings` use
/// the closed forms n(n+1)/2 and the sum over i < n of (10i+7) + (10i+1), 10n² - 2n.
pub fn reference(name: &str, args: &str) -> Option<String> {
    let a = numbers(args);
    let value = match name {
        "fib" => fib(a[0]),
        "ackermann" => ackermann(a[0], a[1]),
        "sum" => a[0] * (a[0] + 1) / 2,
        "nested" => nested(a[0]),
        "collatz" => (1..=a[0]).map(collatz_steps).sum(),
        "shuffle" => shuffle(a[0]),
        "strings" => 10 * a[0] * a[0] - 2 * a[0],
        "print_numbers" => return Some("seq".to_string()),
        _ => return None,
    };
    Some(value.to_string())
}

fn fib(n: i64) -> i64 {
    if n < 2 {
        n
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

/// Ackermann's function, with the tail call as a loop.
fn ackermann(mut m: i64, mut n: i64) -> i64 {
    loop {
        if m == 0 {
            return n + 1;
        }
        n = if n == 0 { 1 } else { ackermann(m, n - 1) };
        m -= 1;
    }
}

/// The sum of (i * j) % 7 over 1 <= j <= i <= n.
fn nested(n: i64) -> i64 {
    (1..=n)
        .flat_map(|i| (1..=i).map(move |j| (i * j) % 7))
        .sum()
}

fn collatz_steps(mut x: i64) -> i64 {
    let mut steps = 0;
    while x != 1 {
        x = if x % 2 == 0 { x / 2 } else { 3 * x + 1 };
        steps += 1;
    }
    steps
}

/// The n-th Fibonacci number modulo 1,000,000.
fn shuffle(n: i64) -> i64 {
    let (mut a, mut b) = (0, 1);
    for _ in 0..n {
        (a, b) = (b, (a + b) % 1_000_000);
    }
    a
}
