//! The baseline for svm's printing in benches/compare.sh: prints the numbers 1 to n, one
//! per line, to standard output.
//!
//! By default it makes exactly one write(2) system call per line: each line is
//! formatted into a small buffer and handed whole to the line-buffered `Stdout`, which
//! writes a complete line at once. This is what a program pays when it does not buffer
//! its output (and what `println!` in a loop costs). With `--buffered` it writes through
//! a 64 KiB `BufWriter` instead, as `svm` does: the cost of formatting alone, with one
//! write(2) per 64 KiB.
//!
//! Run: print_lines 1000000 [--buffered] > /tmp/numbers.txt

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args
        .next()
        .map_or(1_000_000, |a| a.parse().expect("n must be a non-negative integer"));
    let buffered = args.next().as_deref() == Some("--buffered");

    let stdout = io::stdout();
    let mut out: Box<dyn Write> = if buffered {
        Box::new(BufWriter::with_capacity(64 * 1024, stdout.lock()))
    } else {
        Box::new(stdout.lock())
    };
    let mut line = String::with_capacity(24);
    for i in 1..=n {
        line.clear();
        writeln!(line, "{i}").expect("formatting into a String");
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}
