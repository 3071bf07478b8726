//! The string limits at their edges: a string of exactly `max_string` bytes and a live
//! total of exactly `max_string_total` bytes are allowed, one byte more is an error.

use vm_core::{compile, Limits, Machine, Status};

/// Runs `src` with `limits`; the output, or the code of the error.
fn run(src: &str, limits: Limits) -> Result<String, &'static str> {
    let mut m = Machine::new(compile(src).unwrap(), vec![]).with_limits(limits);
    let mut out = String::new();
    match m.run(1_000_000, &mut out) {
        Status::Halted(0) => Ok(out),
        Status::Failed(e) => Err(e.kind.code()),
        other => panic!("{src}: {other:?}"),
    }
}

#[test]
fn one_string_may_be_exactly_the_limit() {
    let limits = Limits {
        max_string: 4,
        ..Limits::default()
    };
    assert_eq!(
        run("\"ab\" \"cd\" concat println", limits),
        Ok("abcd\n".into())
    );
    assert_eq!(run("1234 cast_str println", limits), Ok("1234\n".into()));
    assert_eq!(
        run("\"ab\" \"cde\" concat println", limits),
        Err("string_too_long")
    );
    assert_eq!(
        run("12345 cast_str println", limits),
        Err("string_too_long")
    );
}

#[test]
fn the_strings_alive_may_total_exactly_the_limit() {
    let limits = Limits {
        max_string_total: 8,
        ..Limits::default()
    };
    assert_eq!(
        run("\"abcd\" \"efgh\" concat println", limits),
        Ok("abcdefgh\n".into())
    );
    assert_eq!(
        run("\"abcd\" \"efghi\" concat println", limits),
        Err("string_memory")
    );
    // Two strings alive at once count together.
    assert_eq!(
        run(
            "\"ab\" \"cd\" concat \"ef\" \"gh\" concat println println",
            limits
        ),
        Ok("efgh\nabcd\n".into())
    );
    assert_eq!(
        run(
            "\"ab\" \"cd\" concat \"ef\" \"ghi\" concat println println",
            limits
        ),
        Err("string_memory")
    );
}
