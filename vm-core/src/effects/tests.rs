//! Unit tests of the analysis, one case each.

use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::asm::compile;
use crate::ops::{Op, OPS};

fn analyze(src: &str, args: Option<usize>) -> (Program, Effects) {
    let p = compile(src).unwrap();
    let e = Effects::analyze(&p, src, args);
    (p, e)
}

/// The depth before each instruction, in the program.
fn before(src: &str) -> Vec<Option<i64>> {
    let (p, e) = analyze(src, None);
    (0..p.code().len())
        .map(|pc| e.fact(0, pc).and_then(|f| f.before))
        .collect()
}

/// Each warning as `KIND LINE:COL MESSAGE`.
fn warnings(src: &str, args: Option<usize>) -> Vec<String> {
    let (_, e) = analyze(src, args);
    e.warnings()
        .iter()
        .map(|w| {
            alloc::format!(
                "{} {}:{} {}",
                w.kind.name(),
                w.span.line,
                w.span.col,
                w.message
            )
        })
        .collect()
}

fn effect(src: &str, label: &str) -> Effect {
    let (p, e) = analyze(src, None);
    e.label(&p, label).unwrap()
}

#[test]
fn straight_line() {
    let k = Some;
    assert_eq!(
        before("1 2 + dup println drop"),
        [k(0), k(1), k(2), k(1), k(2), k(1)]
    );
    let (_, e) = analyze("1 2 + dup println drop", None);
    let f = e.fact(0, 2).unwrap();
    assert_eq!((f.before, f.after, f.computed), (Some(2), Some(1), false));
    assert_eq!(e.routines()[0].effect, Effect::Ends { takes: 0 });
    assert!(e.warnings().is_empty());
    // Values from below the start are the program's arguments.
    let (_, e) = analyze("+ println", None);
    assert_eq!(e.routines()[0].takes, 2);
    assert_eq!(e.fact(0, 0).unwrap().before, Some(0));
    assert_eq!(e.fact(0, 1).unwrap().before, Some(-1));
    let h = e.hint(1).unwrap();
    assert_eq!((h.routine, h.before, h.after), (0, Some(1), Some(0)));
}

#[test]
fn types_of_the_top_values() {
    let (_, e) = analyze("\"s\" 1 true end 3 rot drop drop drop drop end:", None);
    let types = &e.fact(0, 4).unwrap().types;
    let t = Some;
    assert_eq!(
        types,
        &[t(Type::Str), t(Type::Num), t(Type::Bool), t(Type::Addr)]
    );
    // rot: "s" 1 end 3 true
    let types = &e.fact(0, 6).unwrap().types;
    assert_eq!(
        types,
        &[
            t(Type::Str),
            t(Type::Num),
            t(Type::Addr),
            t(Type::Num),
            t(Type::Bool)
        ]
    );
    let (_, e) = analyze("dup 1 + read concat cast_int 2 ==", None);
    let types = &e.fact(0, 7).unwrap().types;
    assert_eq!(types, &[None, t(Type::Num), t(Type::Num)]);
    assert_eq!(
        e.fact(0, 4).unwrap().types,
        [None, t(Type::Num), t(Type::Str)]
    );
}

#[test]
fn branches_that_agree() {
    let src = "true a b if jmp\na: 1 c jmp\nb: \"two\"\nc: println";
    let (p, e) = analyze(src, None);
    let c = p.pc_of(p.label("c").unwrap().addr.into()).unwrap();
    let f = e.fact(0, c).unwrap();
    assert_eq!((f.before, f.after), (Some(1), Some(0)));
    assert_eq!(f.types, [None]); // a number or a string
    assert!(e.warnings().is_empty());
    // Both labels are reached.
    assert!(e.fact(0, c - 1).is_some() && e.fact(0, c - 3).is_some());
}

#[test]
fn branches_that_disagree() {
    let src = "true a b if jmp\na: 1 2 c jmp\nb: 3\nc: println";
    assert_eq!(
        warnings(src, None),
        ["depths-differ 4:4 paths meet at `c` with different stack depths: 1 and 2 values"]
    );
    let (p, e) = analyze(src, None);
    let c = p.pc_of(p.label("c").unwrap().addr.into()).unwrap();
    assert_eq!(e.fact(0, c).unwrap().before, None);
    assert_eq!(e.fact(0, c).unwrap().after, None);
}

#[test]
fn a_loop_that_keeps_its_depth() {
    let src = "3\nloop:\n    dup println\n    1 - dup 0 > loop done if jmp\ndone:\n    drop";
    let (p, e) = analyze(src, None);
    assert!(e.warnings().is_empty());
    let done = p.pc_of(p.label("done").unwrap().addr.into()).unwrap();
    assert_eq!(e.fact(0, 1).unwrap().before, Some(1));
    assert_eq!(e.fact(0, done).unwrap().before, Some(1));
    assert_eq!(effect(src, "loop"), Effect::Ends { takes: 1 });
}

/// A loop that leaves a value each round has no fixed depth: a warning, and no claim from
/// its top on (what follows it is not known either).
#[test]
fn a_loop_that_grows_the_stack() {
    let src = "3\nloop:\n    dup 1 - dup 0 > loop done if jmp\ndone:\n    println";
    assert_eq!(
        warnings(src, Some(0)),
        ["depths-differ 3:5 paths meet at `loop` with different stack depths: 1 and 2 values"]
    );
    let (p, e) = analyze(src, Some(0));
    assert_eq!(e.fact(0, 1).unwrap().before, None);
    let done = p.pc_of(p.label("done").unwrap().addr.into()).unwrap();
    assert_eq!(e.fact(0, done).unwrap().before, None);
    // Without a known depth, no underflow is certain.
    assert!(
        warnings("1 a: 1 2 a b if jmp b: drop drop drop drop drop", Some(0))
            .iter()
            .all(|w| w.starts_with("depths-differ"))
    );
}

#[test]
fn calls_apply_the_callee_effect() {
    let src = "5 square call println stop\nsquare:   # ( n -- n*n )\n    dup * return";
    let (p, e) = analyze(src, Some(0));
    assert_eq!(
        effect(src, "square"),
        Effect::Returns {
            takes: 1,
            leaves: 1
        }
    );
    let call = e.fact(0, 2).unwrap();
    assert_eq!((call.before, call.after), (Some(2), Some(1)));
    assert_eq!(e.fact(0, 3).unwrap().before, Some(1));
    assert!(e.warnings().is_empty());
    // Inside the routine, depths count from its entry; hints count its inputs.
    let sq = e.routine_index(5).unwrap();
    assert_eq!(
        e.routines()[sq].entry,
        Entry::Address(p.label("square").unwrap().addr)
    );
    assert!(e.routines()[sq].called);
    assert_eq!(e.fact(sq, 5).unwrap().before, Some(0));
    let h = e.hint(6).unwrap();
    assert_eq!((h.routine, h.before, h.after), (sq, Some(2), Some(1)));
    // A conditional call of two routines that agree.
    let src = "1 2 < f g if call println\nstop\nf: 1 + return\ng: 2 * return";
    let (_, e) = analyze(src, None);
    assert_eq!(e.fact(0, 7).unwrap().before, Some(0));
    assert_eq!(e.routines()[0].takes, 1);
}

#[test]
fn routines_whose_returns_disagree() {
    let src = "true f call stop\nf: a b if jmp\na: 1 return\nb: return";
    assert_eq!(effect(src, "f"), Effect::Unknown);
    assert_eq!(
        warnings(src, None),
        ["depths-differ 4:4 `f` returns with different stack depths: 0 values here, 1 value at the other return"]
    );
    // After the call, nothing is known.
    let (_, e) = analyze(src, None);
    assert_eq!(e.fact(0, 3).unwrap().before, None);
}

#[test]
fn recursion() {
    let fib = "fib call println stop\nfib:\n    dup dup 1 == swap 0 == or not\n    recur base if\n    call\n    return\nrecur:\n    dup 1 - fib call\n    swap 2 - fib call\n    +\n    return\nbase:\n    return";
    assert_eq!(
        effect(fib, "fib"),
        Effect::Returns {
            takes: 1,
            leaves: 1
        }
    );
    assert_eq!(
        effect(fib, "recur"),
        Effect::Returns {
            takes: 1,
            leaves: 1
        }
    );
    assert_eq!(
        effect(fib, "base"),
        Effect::Returns {
            takes: 0,
            leaves: 0
        }
    );
    assert!(warnings(fib, Some(1)).is_empty());
    // One more value each level: no fixed effect.
    let grows = "3 r call\nstop\nr: dup 0 > r1 r2 if jmp\nr1: 1 - dup r call return\nr2: return";
    assert_eq!(effect(grows, "r"), Effect::Unknown);
    // A recursion that never returns.
    assert_eq!(effect("f call f: 1 f call", "f"), Effect::Ends { takes: 0 });
    // Needs that grow every round are given up as unknown.
    let deeper = "f call\nf: dup 0 == z r if jmp\nr: swap drop f call 0 return\nz: return";
    assert_eq!(effect(deeper, "f"), Effect::Unknown);
}

#[test]
fn computed_addresses_stop_the_analysis() {
    let src = "a 1 + jmp\na: 1 println\n2 println";
    let (_, e) = analyze(src, None);
    let jmp = e.fact(0, 3).unwrap();
    assert!(jmp.computed);
    assert_eq!(jmp.after, Some(0));
    assert!(e.fact(0, 4).is_none(), "nothing is claimed past it");
    assert_eq!(e.routines()[0].effect, Effect::Unknown);
    // In a routine: its effect is not known, and neither is its caller's depth after.
    let src = "f call 1 println stop\nf: dup call return";
    assert_eq!(effect(src, "f"), Effect::Unknown);
    let (_, e) = analyze(src, None);
    assert_eq!(e.fact(0, 2).unwrap().before, None);
    // A number that is one of a few known ones is not computed.
    let (_, e) = analyze("true 5 6 if jmp 1 2 3", None);
    assert!(!e.fact(0, 4).unwrap().computed);
    assert_eq!(e.fact(0, 5).unwrap().before, Some(0));
    // Jumps to the end, outside the program, or to a string go nowhere.
    let (_, e) = analyze("3 jmp 1 99 jmp \"x\" jmp", None);
    assert!(e.fact(0, 2).is_none());
    let (_, e) = analyze("false 5 99 if jmp 7", None);
    assert_eq!(e.fact(0, 5).unwrap().before, Some(0));
}

#[test]
fn underflow_certain_and_possible() {
    // Certain when the depth from the start is known: the arguments given, or the
    // program's stack comment.
    let w = warnings("1 + println", Some(0));
    assert_eq!(
        w,
        ["underflow 1:3 stack underflow on a path: `+` takes 2 values, but the stack has 1 here"]
    );
    assert!(warnings("1 + println", Some(1)).is_empty());
    assert!(warnings("1 + println", None).is_empty());
    assert_eq!(warnings("# ( -- )\n1 + println", None).len(), 1);
    assert!(warnings("# ( n -- )\n1 + println", None).is_empty());
    // Only the first underflow of a path.
    assert_eq!(warnings("drop drop drop", Some(1)).len(), 1);
    // In a callee, on the path through a call, with a note there.
    let (_, e) = analyze("1 f call stop\nf: + return", Some(0));
    let w = &e.warnings()[0];
    assert_eq!(
        (w.kind, w.span.line, w.span.col),
        (WarningKind::Underflow, 2, 4)
    );
    assert_eq!(w.notes[0].span.map(|s| (s.line, s.col)), Some((1, 5)));
    // Possible only (the depth is not known): no warning.
    let src = "read \"y\" == a b if jmp\na: 1\nb: 2 + + println";
    let w = warnings(src, Some(0));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("depths-differ 3:4"));
    // Certain on one branch: a path that underflows.
    let src = "read \"y\" == a b if jmp\na: drop\nb: 1";
    let w = warnings(src, Some(0));
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].starts_with("underflow 2:4 stack underflow on a path: `drop` takes 1 value"));
}

#[test]
fn stack_comments_are_checked() {
    let ok = "5 sq call println stop\nsq:   # ( n -- n*n )\n    dup * return";
    assert!(warnings(ok, None).is_empty());
    let wrong = "5 sq call println stop\nsq:   # ( a b -- c )\n    dup * return";
    assert_eq!(
        warnings(wrong, None),
        ["stack-comment 2:9 the stack comment of `sq` says `( a b -- c )` (2 in, 1 out), but it takes 1 value and leaves 1"]
    );
    // Naming more inputs than are read is fine when the depth change agrees.
    assert!(warnings("f: # ( a b -- a b )\n swap swap return", None).is_empty());
    assert!(warnings("f: # ( a -- a )\n return", None).is_empty());
    assert_eq!(warnings("f: # ( a -- )\n return", None).len(), 1);
    // Naming fewer inputs than are read is not.
    assert_eq!(warnings("f: # ( -- )\n dup drop return", None).len(), 1);
    // Before the definition, with the label's name.
    assert_eq!(warnings("# f ( a -- b c )\nf: dup * return", None).len(), 1);
    // A label that never returns: only what it takes is compared.
    assert!(warnings("done: # ( a -- )\n println stop", None).is_empty());
    assert_eq!(warnings("done: # ( -- )\n println stop", None).len(), 1);
    // An unknown effect is not compared.
    assert!(warnings("f: # ( -- )\n dup jmp", None).is_empty());
}

/// The analysis's own table of how many values each operation takes agrees with the
/// instruction set's, and with the `( before -- after )` text.
#[test]
fn pops_agree_with_the_op_table() {
    for (op, info) in Op::ALL.iter().zip(OPS) {
        assert_eq!(flow::pops(*op), i64::from(info.pops), "{}", info.name);
        let (takes, _, _) = comment::parse(info.effect).unwrap();
        assert_eq!(flow::pops(*op), i64::from(takes), "{}", info.name);
    }
}

#[test]
fn bad_input_does_not_panic() {
    // A source that is not the program's: comments are read from it as they are.
    let p = compile("f: 1 2 return").unwrap();
    for source in ["", "f:", "# ( a -- ) é\nf: # ( -- x y )", "\u{0}\"#"] {
        let _ = Effects::analyze(&p, source, Some(usize::MAX));
    }
    let (_, e) = analyze("", Some(3));
    assert!(e.hint(0).is_none() && e.warnings().is_empty() && e.complete());
    // Too large to analyse: nothing claimed.
    let mut big = String::new();
    for i in 0..3000 {
        big.push_str(&alloc::format!("l{i}: 1 drop\n"));
    }
    let (p, e) = analyze(&big, None);
    assert!(!e.complete() && e.routines().is_empty() && e.hint(0).is_none());
    assert!(e.label(&p, "l0").is_none());
}
