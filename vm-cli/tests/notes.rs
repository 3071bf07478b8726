//! Notes that runtime errors get on the command line.

mod common;

use common::{program, run, text};

#[test]
fn falling_into_a_subroutine_gets_a_note() {
    let p = program(
        "fall",
        "3 square call println\n\nsquare:\n  dup *\n  return\n",
    );
    let out = run(&[p.to_str().unwrap()], "");
    assert_eq!(text(&out.stdout), "9\n");
    assert_eq!(out.status.code(), Some(70));
    let err = text(&out.stderr);
    assert!(err.contains("stack underflow"), "{err}");
    assert!(
        err.contains("note: execution ran into `square:` at line 3; did you forget `stop`?"),
        "{err}"
    );
    // Not when the label was reached by a call or a jump, nor after `stop`.
    for source in [
        "0 square jmp\nsquare: dup * return",
        "println stop\nsquare: dup * return",
        "5 loop: drop loop jmp",
        "println",
    ] {
        let p = program("nofall", source);
        let err = text(&run(&[p.to_str().unwrap()], "").stderr);
        assert!(err.contains("error:"), "{source}: {err}");
        assert!(!err.contains("ran into"), "{source}: {err}");
    }
}
