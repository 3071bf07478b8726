//! Recursive Fibonacci, the same algorithm as examples/fib.svm, in native Rust, for
//! benches/compare.sh (which compiles it with `rustc -O`). n comes from the command line
//! so that the compiler cannot compute the result ahead of time.
//!
//! Run: fib 30      # prints 832040

fn fib(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn main() {
    let n = std::env::args()
        .nth(1)
        .map_or(30, |a| a.parse().expect("n must be a non-negative integer"));
    println!("{}", fib(n));
}
