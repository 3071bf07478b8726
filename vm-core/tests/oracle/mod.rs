//! The edge oracle: every operation, in every operand form the optimizer makes, at the
//! edges of its values, checked against exact math computed here and against the plain
//! interpreter.
//!
//! A case is a one-line program (a *form* of the operation, then `println`) and its
//! arguments. The operands come from the arguments (or from earlier computation on
//! them), so the optimizer cannot fold them away; only the `folded` form has two
//! literals on purpose. The forms, one per shape the optimizer gives an operation
//! (`vm-core/src/opt/`, `vm-core/src/machine/blocks.rs`; `svm --disasm --blocks` prints them):
//!
//! | form | program | what the block does |
//! | --- | --- | --- |
//! | `in-place` | `swap swap OP` | register operands, the result written over the first input |
//! | `above` | `over over OP` | register operands, the result above the inputs |
//! | `computed` | `0 + swap 1 * swap OP` | register operands computed by earlier operations |
//! | `immediate` | `N OP` | an immediate right operand, in place |
//! | `dup-immediate` | `dup N OP` | an immediate right operand, the result above |
//! | `literal-left` | `N swap OP` | a literal left operand (`+ *` become immediates, comparisons flip) |
//! | `dup-literal-left` | `dup N swap OP` | the same, the result above |
//! | `folded` | `A B OP` | two literals, computed when the program is compiled |
//! | `shifted` | `1 - swap 1 + swap OP` | operands changed by earlier operations that can fail (a result must not be written over an input before the last check passed) |
//! | `reread` | `over over + drop over over OP rot rot ==` | the inputs read again (by `==`) after the result of `OP` is computed: it must not be written over them |
//!
//! The operations come from the table ([`vm_core::Op::ALL`], by class: [`operands`]), and
//! each is modelled by its class ([`apply`], [`exact`]), in matches that name every
//! operation of the class: one added to the table runs in every form at once, and its
//! model is a compile error until it is written.
//!
//! The operations with one operand run as `dup drop OP`, `dup OP`, `OP OP` and folded;
//! `if` with its condition from the arguments chooses between literals (`1 2 if`, after
//! `not`, and `true false if not`), between values (`dup dup if`), and between a number
//! and a boolean that is then compared (`1 true if 5 <`, `0 + true if 5 <`).
//!
//! The values are {MIN, MIN+1, -7, -1, 0, 1, 2, 3, 7, MAX-1, MAX}, both booleans and
//! strings, so that every operation also meets the wrong types. The expected result
//! (the printed value and the stack left, or the kind of error and the column of the
//! instruction at fault) comes from [`model`], which computes in `i128` and parses by
//! hand: it shares no code with the machine.
//!
//! [`check_edges`] runs every case on a [`Tier`] and reports every difference from the
//! model and from the plain interpreter. A tier that runs blocks also reports how many
//! steps ran in them: a case that succeeds must have run its whole form in a block, so
//! a fast path that is silently never taken fails the oracle too. A later tier (the
//! WebAssembly one, say) implements [`Tier`] and calls [`check_edges`].

#![allow(dead_code)] // each test binary uses its own part

use std::fmt::Write as _;
use std::sync::Arc;

use vm_core::ops::{Arith, Class, Compare, Io, Logic, Shuffle, Text};
use vm_core::{compile, Limits, Machine, Op, Program, Status, Value};

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    /// The program ended with this exit code.
    Halted(i64),
    /// A runtime error: its kind ([`vm_core::ErrorKind::code`]), position and message.
    Error {
        code: String,
        line: u32,
        col: u32,
        message: String,
    },
}

/// What a tier reports of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub output: String,
    pub end: End,
    /// The data stack at the end, bottom first.
    pub stack: Vec<Value>,
    /// Steps that ran inside compiled blocks, when the tier has any.
    pub block_steps: Option<u64>,
}

/// A way of running programs.
pub trait Tier {
    /// Its name, for messages.
    fn name(&self) -> &str;
    /// Runs `source` with `args` on the stack, to its end.
    fn run(&mut self, source: &str, args: &[Value]) -> Run;
}

/// Runs a compiled program to its end (it needs no input). The oracle's programs take
/// a few steps: a step limit turns a machine that loops into a wrong answer.
pub fn run_program(program: Program, args: &[Value]) -> Run {
    run_program_in(program, args, None).0
}

/// [`run_program`], with the blocks run in the compiled module of `tier` where it can
/// ([`Machine::run_tiered`]); also returns the steps the module ran.
pub fn run_program_in(
    program: Program,
    args: &[Value],
    mut tier: Option<&mut dyn vm_core::Tier>,
) -> (Run, u64) {
    let limits = Limits {
        max_steps: Some(1000),
        ..Limits::default()
    };
    let mut m = Machine::new(program, args.to_vec()).with_limits(limits);
    let mut output = String::new();
    let end = loop {
        let status = match tier.as_deref_mut() {
            Some(t) => m.run_tiered(u64::MAX, &mut output, t),
            None => m.run(u64::MAX, &mut output),
        };
        match status {
            Status::OutOfBudget | Status::Sleeping(_) => {}
            Status::Halted(code) => break End::Halted(code),
            Status::Failed(e) => {
                break End::Error {
                    code: e.kind.code().to_string(),
                    line: e.span.line,
                    col: e.span.col,
                    message: e.message(),
                }
            }
            Status::NeedsInput => m.provide_input(None),
            other => panic!("unexpected {other:?}"),
        }
    };
    let run = Run {
        output,
        end,
        stack: m.stack(),
        block_steps: Some(m.block_steps()),
    };
    (run, m.tier_steps())
}

/// The plain interpreter: the program without its blocks (what `svm --no-opt` runs).
pub struct Plain;

impl Tier for Plain {
    fn name(&self) -> &str {
        "plain"
    }
    fn run(&mut self, source: &str, args: &[Value]) -> Run {
        let program = compile(source).expect("oracle programs compile");
        let mut r = run_program(program.unoptimized(), args);
        assert_eq!(r.block_steps, Some(0), "the plain interpreter ran a block");
        r.block_steps = None;
        r
    }
}

/// The machine as it normally runs: the optimizer's blocks where they apply.
pub struct Blocks;

impl Tier for Blocks {
    fn name(&self) -> &str {
        "blocks"
    }
    fn run(&mut self, source: &str, args: &[Value]) -> Run {
        let program = compile(source).expect("oracle programs compile");
        run_program(program, args)
    }
}

pub const MIN: i64 = i64::MIN;
pub const MAX: i64 = i64::MAX;

/// The numbers at the edges.
pub const NUMBERS: [i64; 11] = [MIN, MIN + 1, -7, -1, 0, 1, 2, 3, 7, MAX - 1, MAX];

/// Every value the binary operations meet: the numbers, the booleans, two strings.
pub fn values() -> Vec<Value> {
    let mut v: Vec<Value> = NUMBERS.iter().map(|&n| Value::Num(n)).collect();
    v.push(Value::Bool(false));
    v.push(Value::Bool(true));
    v.push(Value::Str(Arc::from("s")));
    v.push(Value::Str(Arc::from("12")));
    v
}

/// Strings for `cast_int`: numbers with spaces and signs, the range's ends and just
/// past them, and what is not a number.
pub fn cast_strings() -> Vec<Value> {
    [
        "12",
        " -7 ",
        "+3",
        "-9223372036854775808",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "",
        "x",
        "1 2",
        "--1",
        "0",
    ]
    .iter()
    .map(|s| Value::Str(Arc::from(*s)))
    .collect()
}

/// A value as a literal of the language (the oracle's strings need no escapes).
pub fn literal(v: &Value) -> String {
    match v {
        Value::Num(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Str(s) => format!("\"{s}\""),
        other => panic!("a value the oracle does not model: {other:?}"),
    }
}

/// How many operands the oracle gives operation `op`, by its class: two or one, or
/// `None` for `if` (which has forms of its own, see the module's documentation) and the
/// operations it does not run on their own (the stack's, I/O, control).
pub fn operands(op: Op) -> Option<usize> {
    match op.class() {
        Class::Arithmetic(_) | Class::Comparison(_) => Some(2),
        Class::Logic(Logic::And | Logic::Or) | Class::Text(Text::Concat) => Some(2),
        Class::Logic(Logic::Not) | Class::Text(Text::CastStr | Text::CastInt) => Some(1),
        Class::Logic(Logic::If) | Class::Stack(_) | Class::Io(_) | Class::Control(_) => None,
    }
}

/// The operations of the table the oracle runs with `n` operands, in table order.
pub fn with_operands(n: usize) -> Vec<&'static str> {
    Op::ALL
        .iter()
        .filter(|&&op| operands(op) == Some(n))
        .map(|op| op.name())
        .collect()
}

/// Does the optimizer compile `op` into blocks? (It leaves text and I/O to the plain
/// instructions.)
fn compiled(op: Op) -> bool {
    match op.class() {
        Class::Arithmetic(_)
        | Class::Comparison(_)
        | Class::Logic(_)
        | Class::Stack(_)
        | Class::Control(_) => true,
        Class::Text(_) | Class::Io(_) => false,
    }
}

/// One program of the oracle.
#[derive(Clone, Debug)]
pub struct Case {
    /// The form's name (see the module's table).
    pub form: &'static str,
    /// The form's tokens, before the final `println`.
    pub tokens: Vec<String>,
    pub args: Vec<Value>,
}

impl Case {
    /// The program: the form and `println`, on one line.
    pub fn source(&self) -> String {
        let mut s = self.tokens.join(" ");
        s.push_str(" println");
        s
    }

    /// The column of token `i` in [`Case::source`].
    pub fn column(&self, i: usize) -> u32 {
        let before: usize = self.tokens[..i].iter().map(|t| t.chars().count() + 1).sum();
        before as u32 + 1
    }

    /// Is every instruction of the form one the optimizer compiles into blocks?
    fn all_compiled(&self) -> bool {
        self.tokens
            .iter()
            .all(|t| Op::from_name(t).is_none_or(compiled))
    }
}

fn case(form: &'static str, tokens: &[&str], args: &[Value]) -> Case {
    Case {
        form,
        tokens: tokens.iter().map(|t| t.to_string()).collect(),
        args: args.to_vec(),
    }
}

/// Every case of the oracle.
pub fn cases() -> Vec<Case> {
    let values = values();
    let mut out = Vec::new();
    for op in with_operands(2) {
        for a in &values {
            for b in &values {
                let (la, lb) = (literal(a), literal(b));
                let two = [a.clone(), b.clone()];
                out.push(case("in-place", &["swap", "swap", op], &two));
                out.push(case("above", &["over", "over", op], &two));
                out.push(case(
                    "computed",
                    &["0", "+", "swap", "1", "*", "swap", op],
                    &two,
                ));
                let one = [a.clone()];
                out.push(case("immediate", &[&lb, op], &one));
                out.push(case("dup-immediate", &["dup", &lb, op], &one));
                let one = [b.clone()];
                out.push(case("literal-left", &[&la, "swap", op], &one));
                out.push(case("dup-literal-left", &["dup", &la, "swap", op], &one));
                out.push(case("folded", &[&la, &lb, op], &[]));
                out.push(case(
                    "shifted",
                    &["1", "-", "swap", "1", "+", "swap", op],
                    &two,
                ));
                out.push(case(
                    "reread",
                    &[
                        "over", "over", "+", "drop", "over", "over", op, "rot", "rot", "==",
                    ],
                    &two,
                ));
            }
        }
    }
    let mut unary_values = values.clone();
    unary_values.extend(cast_strings());
    for op in with_operands(1) {
        for a in &unary_values {
            let one = [a.clone()];
            out.push(case("renamed", &["dup", "drop", op], &one));
            out.push(case("above", &["dup", op], &one));
            out.push(case("twice", &[op, op], &one));
            out.push(case("folded", &[&literal(a), op], &[]));
        }
    }
    // `if`: the condition from the arguments, the branches literals or values.
    for c in &values {
        let one = [c.clone()];
        out.push(case("select", &["1", "2", "if"], &one));
        out.push(case("negated", &["not", "1", "2", "if"], &one));
        out.push(case("values", &["dup", "dup", "if"], &one));
        // `not` of a choice between two booleans, and a choice between a number and
        // a boolean compared (the optimizer must not take it for a number).
        out.push(case("select-not", &["true", "false", "if", "not"], &one));
        out.push(case("mixed", &["1", "true", "if", "5", "<"], &one));
        let two = [c.clone(), Value::Num(3)];
        out.push(case(
            "mixed-computed",
            &["0", "+", "true", "if", "5", "<"],
            &two,
        ));
    }
    out
}

/// An error the model expects: its kind, the index of the token at fault, and the
/// stack as that instruction found it (a failing instruction changes nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub code: &'static str,
    pub token: usize,
    pub stack: Vec<Value>,
}

/// What the model expects of a case: the output and the final stack, or a fault.
pub type Expected = Result<(String, Vec<Value>), Fault>;

/// The printed form of a value (what `println` and `concat` write).
fn printed(v: &Value) -> String {
    match v {
        Value::Num(n) => n.to_string(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Value::Str(s) => s.to_string(),
        other => panic!("a value the oracle does not model: {other:?}"),
    }
}

/// `cast_int` by hand: surrounding spaces, an optional sign, decimal digits, in range.
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 30 {
        return None;
    }
    let mut n: i128 = 0;
    for b in digits.bytes() {
        n = n * 10 + i128::from(b - b'0');
    }
    let n = if neg { -n } else { n };
    i64::try_from(n).ok()
}

/// The exact result of arithmetic, in `i128`: `/` truncates toward zero and `%` takes
/// the sign of `a`, as Rust's integer operators do; `None` for division by zero.
pub fn exact(op: Arith, a: i64, b: i64) -> Option<i128> {
    let (a, b) = (i128::from(a), i128::from(b));
    match op {
        Arith::Add => Some(a + b),
        Arith::Sub => Some(a - b),
        Arith::Mul => Some(a * b),
        Arith::Div => (b != 0).then(|| a / b),
        Arith::Rem => (b != 0).then(|| a % b),
    }
}

/// What the operation `op` of the arithmetic, comparison, logic or text class gives for
/// `args` (its operands, the deepest first), or the kind of its error: the model of
/// each, by its class, computed here.
fn apply(op: Op, args: &[Value]) -> Result<Value, &'static str> {
    use Value::{Bool, Num, Str};
    match (op.class(), args) {
        (Class::Arithmetic(f), [Num(x), Num(y)]) => match exact(f, *x, *y) {
            None => Err("division_by_zero"),
            Some(r) => i64::try_from(r).map(Num).map_err(|_| "overflow"),
        },
        (Class::Comparison(Compare::Eq), [a, b]) => Ok(Bool(a == b)),
        (Class::Comparison(Compare::Ne), [a, b]) => Ok(Bool(a != b)),
        (Class::Comparison(c), [Num(x), Num(y)]) => Ok(Bool(match c {
            Compare::Lt => x < y,
            Compare::Le => x <= y,
            Compare::Gt => x > y,
            Compare::Ge => x >= y,
            Compare::Eq => x == y,
            Compare::Ne => x != y,
        })),
        (Class::Logic(l), [Bool(x), Bool(y)]) => match l {
            Logic::And => Ok(Bool(*x && *y)),
            Logic::Or => Ok(Bool(*x || *y)),
            Logic::Not | Logic::If => panic!("`{op}` does not take two booleans"),
        },
        (Class::Logic(Logic::Not), [Bool(b)]) => Ok(Bool(!b)),
        (Class::Text(t), args) => match (t, args) {
            (Text::Concat, [a, b]) => Ok(Str(Arc::from(printed(a) + &printed(b)))),
            (Text::CastStr, [a]) => Ok(Str(Arc::from(printed(a)))),
            (Text::CastInt, [Str(s)]) => parse_int(s).map(Num).ok_or("cast_int"),
            (Text::CastInt, [_]) => Err("type_error"),
            (Text::Concat | Text::CastStr | Text::CastInt, _) => {
                panic!("`{op}` takes another number of operands")
            }
        },
        // Operands of another type than the class takes.
        (Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_), _) => Err("type_error"),
        (Class::Stack(_) | Class::Io(_) | Class::Control(_), _) => {
            panic!("`{op}` is not computed from its operands")
        }
    }
}

/// The model: what the program of `case` must do, computed independently of the
/// machine.
pub fn model(case: &Case) -> Expected {
    let mut stack: Vec<Value> = case.args.clone();
    let mut output = String::new();
    let tokens = case.tokens.iter().map(String::as_str).chain(["println"]);
    for (i, t) in tokens.enumerate() {
        let fault = |code, stack: &Vec<Value>| Fault {
            code,
            token: i,
            stack: stack.clone(),
        };
        let lit = if let Ok(n) = t.parse::<i64>() {
            Some(Value::Num(n))
        } else if t == "true" || t == "false" {
            Some(Value::Bool(t == "true"))
        } else {
            t.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .map(|s| Value::Str(Arc::from(s)))
        };
        if let Some(v) = lit {
            stack.push(v);
            continue;
        }
        let op = Op::from_name(t).unwrap_or_else(|| panic!("the model does not know `{t}`"));
        let n = stack.len();
        match op.class() {
            Class::Stack(s) => match s {
                Shuffle::Dup => stack.push(stack[n - 1].clone()),
                Shuffle::Drop => {
                    stack.pop();
                }
                Shuffle::Swap => stack.swap(n - 1, n - 2),
                Shuffle::Over => stack.push(stack[n - 2].clone()),
                Shuffle::Rot => {
                    let a = stack.remove(n - 3);
                    stack.push(a);
                }
            },
            Class::Io(Io::Println) => {
                let v = stack.pop().expect("a value to print");
                output.push_str(&printed(&v));
                output.push('\n');
            }
            Class::Logic(Logic::If) => {
                let Value::Bool(c) = stack[n - 3] else {
                    return Err(fault("type_error", &stack));
                };
                let v = stack[if c { n - 2 } else { n - 1 }].clone();
                stack.truncate(n - 3);
                stack.push(v);
            }
            Class::Arithmetic(_) | Class::Comparison(_) | Class::Logic(_) | Class::Text(_) => {
                let k = operands(op).expect("an operation the oracle runs");
                match apply(op, &stack[n - k..]) {
                    Ok(v) => {
                        stack.truncate(n - k);
                        stack.push(v);
                    }
                    Err(code) => return Err(fault(code, &stack)),
                }
            }
            Class::Io(Io::Print | Io::Read | Io::SleepMs) | Class::Control(_) => {
                panic!("the oracle does not run `{t}`")
            }
        }
    }
    Ok((output, stack))
}

/// The differences between what `tier` did with `case` and what it should have done:
/// the model's result, and everything the plain interpreter shows (`plain`).
pub fn differences(case: &Case, got: &Run, plain: &Run, expected: &Expected) -> Vec<String> {
    let mut d = Vec::new();
    if (&got.output, &got.end, &got.stack) != (&plain.output, &plain.end, &plain.stack) {
        d.push(format!(
            "differs from the plain interpreter: got {:?} {:?} {:?}, plain {:?} {:?} {:?}",
            got.output, got.end, got.stack, plain.output, plain.end, plain.stack
        ));
    }
    match expected {
        Ok((output, stack)) => {
            if got.end != End::Halted(0) || &got.output != output || &got.stack != stack {
                d.push(format!(
                    "expected output {output:?} and stack {stack:?}, got {:?} {:?} {:?}",
                    got.output, got.end, got.stack
                ));
            }
            let len = case.tokens.len() as u64;
            match got.block_steps {
                Some(n) if case.all_compiled() && n != len => d.push(format!(
                    "{n} steps ran in blocks, expected the form's {len}"
                )),
                _ => {}
            }
        }
        Err(f) => {
            let col = case.column(f.token);
            let right = matches!(&got.end, End::Error { code, line: 1, col: c, .. }
                if code == f.code && *c == col);
            if !right || !got.output.is_empty() || got.stack != f.stack {
                d.push(format!(
                    "expected {} at 1:{col} with the stack {:?}, got {:?} {:?} {:?}",
                    f.code, f.stack, got.output, got.end, got.stack
                ));
            }
        }
    }
    d
}

/// Runs every case on `tier` and panics with every case that differs from the model
/// or from the plain interpreter. Returns the number of cases checked.
pub fn check_edges(tier: &mut dyn Tier) -> usize {
    let all = cases();
    let mut report = String::new();
    let mut failed = 0;
    for case in &all {
        let source = case.source();
        let got = tier.run(&source, &case.args);
        let plain = Plain.run(&source, &case.args);
        let diffs = differences(case, &got, &plain, &model(case));
        if !diffs.is_empty() {
            failed += 1;
            if failed <= 25 {
                let args: Vec<String> = case.args.iter().map(literal).collect();
                let _ = writeln!(
                    report,
                    "{} ({}, args {}): `{source}`",
                    tier.name(),
                    case.form,
                    args.join(" ")
                );
                for x in diffs {
                    let _ = writeln!(report, "    {x}");
                }
            }
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} edge cases are wrong on the {} tier (the first 25):\n{report}",
        all.len(),
        tier.name()
    );
    all.len()
}
