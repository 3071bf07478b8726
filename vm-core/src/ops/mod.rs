//! The instruction set, defined once.
//!
//! Every operation of the language is one row of the table below: its variant, its
//! source name, the number of values it takes, its [`Class`], for a pure operation its
//! [`Sig`] (the types it takes and gives, and whether it can fail), its stack effect, a
//! one-line description and an example. What the rest of the crate knows of an
//! operation comes from its row:
//!
//! - [`Op`], [`OPS`], [`Op::ALL`], [`Op::from_name`], [`Op::class`] and [`Op::sig`];
//! - the machine's dispatch form `Code` (a variant per operation, so that the plain
//!   interpreter's dispatch is one jump, re-exported by `program.rs`), and the match
//!   that goes with it, `match_code!`: one arm per operation, in which its class is a
//!   constant, so that each arm is that operation's own code;
//! - `BinOp`, the pure operations of two operands, which a block holds as one shape
//!   (`Micro::Bin` in `block.rs`), and `with_binary_ops!`, which hands them to
//!   `block.rs` for the block runner's dispatch form;
//! - the lexer, the disassembler, the language reference (`docs/language.md`), the CLI's
//!   `--ops` listing and the playground's hover help.
//!
//! The pure operations, which compute a value from their operands alone (arithmetic,
//! comparisons, logic), have their meaning here too, as small pure functions ([`add`],
//! [`lt`], [`and`], ...) reached through their class ([`Arith::apply`],
//! [`Compare::numbers`], [`Logic::both`]). The plain interpreter (`machine/run.rs`,
//! `machine/instr.rs`), the block runner (`machine/blocks.rs`), the optimizer's constant
//! folding and placement (`opt/`), the disassembler and the WebAssembly tier's analysis
//! of strings all read the class, the function and the [`Sig`]: none of them has a case
//! per operator, and none defines what `+` or `<` means or which operations can fail. A
//! block holds a pure operation of two operands as one shape, the operation with its
//! slots and a right operand that is a slot or an immediate (`Micro::Bin`, `block.rs`).
//! The other operations act on the machine (its stacks, its strings, its input and
//! output, its position); their meaning is their method in `machine/instr.rs`.
//!
//! # Adding an operation
//!
//! 1. A row in the table below: its name, pops, class, signature for a pure one (`[]`
//!    for the others), effect, doc and example (its place in the table is its place in
//!    `svm --ops` and the reference). Then regenerate the language reference
//!    (`BLESS=1 cargo test -p vm-core --test docs`); the hover help and `--ops`
//!    follow by themselves.
//! 2. For a pure operation: a variant of [`Arith`] (here) or of [`Compare`] or
//!    [`Logic`] (`logic.rs`), its arms in their methods and its function beside them,
//!    with a unit test. The interpreter, the block runner (through `BinOp` and
//!    `MicroCode`, generated), the optimizer (which folds it, gives it an immediate
//!    operand, puts a literal left operand on the right when it commutes, and knows
//!    from its [`Sig`] whether it can fail) and the disassembler take it from there.
//! 3. Its lowering to WebAssembly in the tier (`tier/lower.rs`; its matches over the
//!    classes are exhaustive, so the compiler points at it).
//! 4. Its model in the edge oracle (`vm-core/tests/oracle/mod.rs`: exact math computed
//!    independently of the machine, in matches the compiler points at too). The
//!    oracle and the other tests that run every operation (`tests/properties.rs`,
//!    `tests/tier.rs`, `tests/differential.rs`, `fuzz/fuzz_targets/tier.rs`) take
//!    their operations from [`Op::ALL`], so the new one is in them at once.
//!
//! An operation of a new shape (not a pure function of its operands) also needs its
//! method in `machine/instr.rs` and its case in the plain interpreter's `op`
//! (`machine/run.rs`, by class); the optimizer's `Builder::op` (`opt/trace.rs`),
//! `Form::of` (`opt/rules.rs`) and `compiled` (`opt/mod.rs`) say whether blocks take it. Every match over classes is
//! exhaustive, so `cargo build` names each place.
//!
//! Adding `min` this way (its row, `Arith::Min` with its arms in `apply` and
//! `commutes`, `ops::min` and its unit test, its lowering with `select` in
//! `tier/lower.rs`, its model in the oracle's `exact`) was tried on commit dbe20f6
//! (the tier in layers) and reverted: the compiler pointed at the
//! tier's `arith`, then at the oracle's `exact`; every test of `vm-core` passed, the
//! edge oracle running `min` in every form, and `svm -e '3 -5 min println'` printed
//! `-5`:
//!
//! ```text
//!  docs/language.md            |  1 +
//!  vm-core/src/ops/mod.rs      | 15 ++++++++++++++-
//!  vm-core/src/tier/lower.rs   |  7 +++++++
//!  vm-core/tests/oracle/mod.rs |  1 +
//!  4 files changed, 23 insertions(+), 1 deletion(-)
//! ```

#[macro_use]
mod define;
mod logic;
mod sig;

pub use logic::{and, ge, gt, le, lt, not, or, select, Compare, Logic};
pub use sig::{Fails, Sig, Type};

/// What kind of operation it is, and for the pure ones, which.
///
/// Not `#[non_exhaustive]`, unlike [`Op`]: a match over the classes names every one
/// (tests included), so that an operation of a new class is a compile error wherever
/// operations are told apart, never a case that a catch-all quietly takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// `+ - * / %`: checked arithmetic on two numbers.
    Arithmetic(Arith),
    /// `== != < <= > >=`: a boolean from two values.
    Comparison(Compare),
    /// `and or not if`: on booleans.
    Logic(Logic),
    /// `dup drop swap over rot`: moving values on the stack.
    Stack(Shuffle),
    /// `cast_str cast_int concat`: making strings and reading them.
    Text(Text),
    /// `print println read sleep_ms`: asking the host.
    Io(Io),
    /// `jmp call return stop exit`: where the program goes on.
    Control(Control),
}

impl Class {
    /// The class's name, as the documentation groups operations.
    pub fn name(self) -> &'static str {
        match self {
            Class::Arithmetic(_) => "arithmetic",
            Class::Comparison(_) => "comparison",
            Class::Logic(_) => "logic",
            Class::Stack(_) => "stack",
            Class::Text(_) => "text",
            Class::Io(_) => "I/O",
            Class::Control(_) => "control",
        }
    }
}

/// Static documentation of one operation, straight from the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpInfo {
    /// The operation as it is written in source.
    pub name: &'static str,
    /// Stack effect in Forth notation, `( before -- after )`, top of stack on the right.
    pub effect: &'static str,
    /// One line saying what it does.
    pub doc: &'static str,
    /// A small program using it, with what it prints in a trailing comment.
    pub example: &'static str,
    /// How many values it takes from the stack (for its underflow check).
    pub(crate) pops: u8,
    /// Its class.
    pub class: Class,
    /// For a pure operation (arithmetic, comparison, logic), what it takes and gives.
    pub sig: Option<Sig>,
}

define_ops! { $
    Add "+" 2 (Arithmetic(Arith::Add)) [Num Num -> Num, Overflow]
        "( a b -- a+b )" "Adds two numbers; overflow is an error."
        "2 3 + println  # 5";
    Sub "-" 2 (Arithmetic(Arith::Sub)) [Num Num -> Num, Overflow]
        "( a b -- a-b )" "Subtracts the top number from the one below it."
        "10 3 - println  # 7";
    Mul "*" 2 (Arithmetic(Arith::Mul)) [Num Num -> Num, Overflow]
        "( a b -- a*b )" "Multiplies two numbers; overflow is an error."
        "6 7 * println  # 42";
    Div "/" 2 (Arithmetic(Arith::Div)) [Num Num -> Num, Divisor]
        "( a b -- a/b )" "Divides, truncating toward zero; dividing by zero is an error."
        "-7 2 / println  # -3";
    Rem "%" 2 (Arithmetic(Arith::Rem)) [Num Num -> Num, Divisor]
        "( a b -- a%b )" "Remainder of the truncating division; its sign follows a."
        "-7 2 % println  # -1";
    Eq "==" 2 (Comparison(Compare::Eq)) [Any Any -> Bool, Never]
        "( a b -- bool )" "True when a and b have the same type and value."
        "1 \"1\" == println  # false";
    Ne "!=" 2 (Comparison(Compare::Ne)) [Any Any -> Bool, Never]
        "( a b -- bool )" "The negation of `==`."
        "1 2 != println  # true";
    Lt "<" 2 (Comparison(Compare::Lt)) [Num Num -> Bool, Never]
        "( a b -- bool )" "True when the number a is less than b."
        "1 2 < println  # true";
    Le "<=" 2 (Comparison(Compare::Le)) [Num Num -> Bool, Never]
        "( a b -- bool )" "True when the number a is less than or equal to b."
        "2 2 <= println  # true";
    Gt ">" 2 (Comparison(Compare::Gt)) [Num Num -> Bool, Never]
        "( a b -- bool )" "True when the number a is greater than b."
        "1 2 > println  # false";
    Ge ">=" 2 (Comparison(Compare::Ge)) [Num Num -> Bool, Never]
        "( a b -- bool )" "True when the number a is greater than or equal to b."
        "3 2 >= println  # true";
    And "and" 2 (Logic(Logic::And)) [Bool Bool -> Bool, Never]
        "( a b -- bool )" "Logical and of two booleans."
        "true false and println  # false";
    Or "or" 2 (Logic(Logic::Or)) [Bool Bool -> Bool, Never]
        "( a b -- bool )" "Logical or of two booleans."
        "true false or println  # true";
    Not "not" 1 (Logic(Logic::Not)) [Bool -> Bool, Never]
        "( a -- bool )" "Logical negation of a boolean."
        "false not println  # true";
    If "if" 3 (Logic(Logic::If)) [Bool Any Any -> Any, Never]
        "( cond t f -- t|f )" "Keeps t when the boolean cond is true, else f."
        "1 2 < \"yes\" \"no\" if println  # yes";
    Dup "dup" 1 (Stack(Shuffle::Dup)) []
        "( a -- a a )" "Copies the top value."
        "5 dup * println  # 25";
    Drop "drop" 1 (Stack(Shuffle::Drop)) []
        "( a -- )" "Discards the top value."
        "1 2 drop println  # 1";
    Swap "swap" 2 (Stack(Shuffle::Swap)) []
        "( a b -- b a )" "Exchanges the two top values."
        "1 2 swap - println  # 1";
    Over "over" 2 (Stack(Shuffle::Over)) []
        "( a b -- a b a )" "Copies the second value to the top."
        "1 2 over + + println  # 4";
    Rot "rot" 3 (Stack(Shuffle::Rot)) []
        "( a b c -- b c a )" "Moves the third value to the top."
        "1 2 3 rot println  # 1";
    CastStr "cast_str" 1 (Text(Text::CastStr)) []
        "( a -- str )" "The printed form of a value, as a string."
        "42 cast_str \"!\" concat println  # 42!";
    CastInt "cast_int" 1 (Text(Text::CastInt)) []
        "( str -- num )" "Parses a signed decimal integer, ignoring surrounding whitespace; anything else is an error."
        "\" 12 \" cast_int 1 + println  # 13";
    Println "println" 1 (Io(Io::Println)) []
        "( a -- )" "Prints a value and a newline."
        "\"hello\" println  # hello";
    Print "print" 1 (Io(Io::Print)) []
        "( a -- )" "Prints a value without a newline."
        "1 print 2 println  # 12";
    Concat "concat" 2 (Text(Text::Concat)) []
        "( a b -- str )" "Joins the printed forms of two values."
        "\"n=\" 3 concat println  # n=3";
    Read "read" 0 (Io(Io::Read)) []
        "( -- str )" "Reads a line of input, trimmed; at the end of input, the empty string."
        "read println  # echoes one line";
    SleepMs "sleep_ms" 1 (Io(Io::SleepMs)) []
        "( ms -- )" "Waits for that many milliseconds."
        "100 sleep_ms";
    Jmp "jmp" 1 (Control(Control::Jmp)) []
        "( addr -- )" "Continues at an address (a label, or a token index)."
        "skip jmp \"no\" println skip: \"yes\" println  # yes";
    Call "call" 1 (Control(Control::Call)) []
        "( addr -- )" "Pushes the return address on the return stack and jumps."
        "sq call println stop sq: 7 dup * return  # 49";
    Return "return" 0 (Control(Control::Return)) []
        "( -- )" "Jumps back after the latest call."
        "f call \"back\" println stop f: return  # back";
    Stop "stop" 0 (Control(Control::Stop)) []
        "( -- )" "Ends the program with exit code 0."
        "\"done\" println stop \"never\" println  # done";
    Exit "exit" 1 (Control(Control::Exit)) []
        "( code -- )" "Ends the program with this exit code."
        "3 exit";
}

/// Why an arithmetic operation has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithError {
    /// The exact result does not fit in a signed 64-bit integer.
    Overflow,
    /// `/` or `%` by zero.
    DivisionByZero,
}

/// The result of an arithmetic operation.
pub type Exact = Result<i64, ArithError>;

/// The arithmetic operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl Arith {
    /// Its meaning: the function that computes it.
    #[inline(always)]
    pub fn apply(self, a: i64, b: i64) -> Exact {
        match self {
            Arith::Add => add(a, b),
            Arith::Sub => sub(a, b),
            Arith::Mul => mul(a, b),
            Arith::Div => div(a, b),
            Arith::Rem => rem(a, b),
        }
    }

    /// The operation.
    pub const fn op(self) -> Op {
        Class::Arithmetic(self).op()
    }

    /// Is `a op b` the same as `b op a`?
    pub const fn commutes(self) -> bool {
        match self {
            Arith::Add | Arith::Mul => true,
            Arith::Sub | Arith::Div | Arith::Rem => false,
        }
    }
}

/// `+`.
#[inline(always)]
pub fn add(a: i64, b: i64) -> Exact {
    a.checked_add(b).ok_or(ArithError::Overflow)
}

/// `-`.
#[inline(always)]
pub fn sub(a: i64, b: i64) -> Exact {
    a.checked_sub(b).ok_or(ArithError::Overflow)
}

/// `*`.
#[inline(always)]
pub fn mul(a: i64, b: i64) -> Exact {
    a.checked_mul(b).ok_or(ArithError::Overflow)
}

/// `/`, truncating toward zero.
#[inline(always)]
pub fn div(a: i64, b: i64) -> Exact {
    match a.checked_div(b) {
        Some(q) => Ok(q),
        None if b == 0 => Err(ArithError::DivisionByZero),
        None => Err(ArithError::Overflow),
    }
}

/// `%`, the remainder of the truncating division: exact, so `MIN % -1` is 0 (only
/// division by zero fails).
#[inline(always)]
pub fn rem(a: i64, b: i64) -> Exact {
    match b {
        0 => Err(ArithError::DivisionByZero),
        -1 => Ok(0),
        _ => Ok(a % b),
    }
}

/// The operations that move values on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Shuffle {
    Dup,
    Drop,
    Swap,
    Over,
    Rot,
}

/// The operations on text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Text {
    CastStr,
    CastInt,
    Concat,
}

/// The operations that ask the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Io {
    Println,
    Print,
    Read,
    SleepMs,
}

/// The operations that change where the program goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Control {
    Jmp,
    Call,
    Return,
    Stop,
    Exit,
}

impl Op {
    /// The documentation of this operation.
    pub fn info(self) -> &'static OpInfo {
        &OPS[self as usize]
    }

    /// The operation as it is written in source.
    pub fn name(self) -> &'static str {
        self.info().name
    }
}

impl core::fmt::Display for Op {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl BinOp {
    /// Its class.
    #[inline(always)]
    pub(crate) const fn class(self) -> Class {
        self.op().class()
    }

    /// What it takes and gives (its row's signature, which every `BinOp` has).
    #[inline(always)]
    pub(crate) const fn sig(self) -> Sig {
        match self.op().sig() {
            Some(sig) => sig,
            None => panic!("a `BinOp` is a pure operation"),
        }
    }
}

impl core::fmt::Display for BinOp {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.op().name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_enum_agree() {
        assert_eq!(Op::ALL.len(), OPS.len());
        for (i, op) in Op::ALL.iter().enumerate() {
            assert_eq!(*op as usize, i);
            assert_eq!(Op::from_name(op.name()), Some(*op));
            assert!(op.info().effect.starts_with("( ") && op.info().effect.ends_with(" )"));
        }
        assert_eq!(Op::from_name("nope"), None);
    }

    #[test]
    fn pops_match_the_stack_effect() {
        for info in OPS {
            let before = info.effect[2..].split("--").next().unwrap();
            assert_eq!(
                before.split_whitespace().count(),
                info.pops as usize,
                "{}",
                info.name
            );
        }
    }

    #[test]
    fn classes_name_their_operation() {
        for &op in Op::ALL {
            assert_eq!(op.class(), op.info().class);
            let back = match op.class() {
                Class::Arithmetic(a) => a.op(),
                Class::Comparison(c) => c.op(),
                Class::Logic(_)
                | Class::Stack(_)
                | Class::Text(_)
                | Class::Io(_)
                | Class::Control(_) => op,
            };
            assert_eq!(back, op, "{op}");
            assert_eq!(op.class().op(), op, "{op}");
        }
    }

    #[test]
    fn codes_follow_the_table() {
        for &op in Op::ALL {
            let code = Code::of(op);
            let class = match_code!(code, |class| Some(class);
                Code::Num(_) | Code::Bool(_) | Code::Str(_) | Code::Addr(_) | Code::Block(_) => None,
            );
            assert_eq!(class, Some(op.class()), "{op}");
            // The pure operations of two operands, and only they, are `BinOp`s.
            let two = op.sig().is_some_and(|s| s.takes.len() == 2);
            assert_eq!(BinOp::of(op).map(BinOp::op), two.then_some(op), "{op}");
        }
    }

    #[test]
    fn arithmetic_is_exact_or_an_error() {
        use ArithError::*;
        assert_eq!(Arith::Add.apply(2, 3), Ok(5));
        assert_eq!(Arith::Add.apply(i64::MAX, 1), Err(Overflow));
        assert_eq!(Arith::Sub.apply(i64::MIN, 1), Err(Overflow));
        assert_eq!(Arith::Sub.apply(10, 3), Ok(7));
        assert_eq!(Arith::Mul.apply(i64::MIN, -1), Err(Overflow));
        assert_eq!(Arith::Mul.apply(6, 7), Ok(42));
        assert_eq!(Arith::Div.apply(-7, 2), Ok(-3));
        assert_eq!(Arith::Div.apply(1, 0), Err(DivisionByZero));
        assert_eq!(Arith::Div.apply(i64::MIN, -1), Err(Overflow));
        assert_eq!(Arith::Rem.apply(-7, 2), Ok(-1));
        assert_eq!(Arith::Rem.apply(i64::MIN, -1), Ok(0));
        assert_eq!(Arith::Rem.apply(5, 0), Err(DivisionByZero));
        assert!(Arith::Add.commutes() && !Arith::Sub.commutes());
    }
}
