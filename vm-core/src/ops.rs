//! The instruction set, defined once.
//!
//! Every operation of the language appears exactly once in the table below, with its
//! source name, the number of values it takes, its [`Class`], its stack effect, a
//! one-line description and an example. The lexer, the disassembler, the language
//! reference (`docs/language.md`), the CLI's `--ops` listing and the playground's hover
//! help are all generated from this table.
//!
//! The operations that compute a value from their operands alone (arithmetic,
//! comparisons, logic) have their meaning here too, as small pure functions ([`add`],
//! [`lt`], [`and`], ...) reached through their class ([`Arith::apply`],
//! [`Compare::numbers`], [`Logic`]). The plain interpreter, the block runner and the
//! optimizer's constant folding all call these functions: none of them defines what
//! `+` or `<` means. The other operations act on the machine (its stacks, its strings,
//! its input and output, its position); their meaning is their method in
//! `machine/instr.rs`.
//!
//! # Adding an operation
//!
//! 1. A row in the table below: its name, pops, class, effect, doc and example (the
//!    language reference and the hover help follow; `vm-core/tests/docs.rs` checks that
//!    `docs/language.md` was regenerated).
//! 2. For an arithmetic, comparison or logic operation: a variant of [`Arith`],
//!    [`Compare`] or [`Logic`] and its pure function here, with a unit test.
//! 3. A variant of the dispatch form `Code` (`program.rs`).
//!
//! Then `cargo build` names every other place, because every match over operations is
//! exhaustive: `Code::from` (`program.rs`), the plain interpreter's dispatch
//! (`machine/run.rs`) and, for an operation of a new shape, its method
//! (`machine/instr.rs`); the optimizer's `Builder::op` (`opt/trace.rs`) and `Form::of`
//! (`opt/rules.rs`), which either compile it into blocks (by the rewrite rules there)
//! or leave it to the plain instruction (`Step::Reject`), and `compiled` (`opt/mod.rs`). To run it inside blocks too: a `Micro` variant
//! (`block.rs`); the compiler then names `Micro::map` (`block.rs`), its text in
//! `micro_text` (`disasm.rs`), its case in the block runner's `exec`
//! (`machine/blocks.rs`) and what `home_below_top` (`opt/place.rs`) knows of it. `vm-core/tests/oracle/mod.rs` checks every operation
//! of the pure classes against exact math in every operand form, and
//! `vm-core/tests/differential.rs` checks that blocks change nothing observable.

/// What kind of operation it is, and for the pure ones, which.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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
}

macro_rules! define_ops {
    ($( $variant:ident $name:literal $pops:literal ($($class:tt)*) $effect:literal $doc:literal $example:literal; )*) => {
        /// One operation of the language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Op {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        /// The documentation of every operation, in table order.
        pub const OPS: &[OpInfo] = &[
            $( OpInfo {
                name: $name,
                effect: $effect,
                doc: $doc,
                example: $example,
                pops: $pops,
                class: Class::$($class)*,
            }, )*
        ];

        impl Op {
            /// Every operation, in table order (the same order as [`OPS`]).
            pub const ALL: &'static [Op] = &[ $( Op::$variant, )* ];

            /// The operation written `name` in source, if there is one.
            pub fn from_name(name: &str) -> Option<Op> {
                match name {
                    $( $name => Some(Op::$variant), )*
                    _ => None,
                }
            }

            /// Its class.
            #[inline(always)]
            pub const fn class(self) -> Class {
                match self {
                    $( Op::$variant => Class::$($class)*, )*
                }
            }
        }
    };
}

define_ops! {
    Add "+" 2 (Arithmetic(Arith::Add)) "( a b -- a+b )" "Adds two numbers; overflow is an error." "2 3 + println  # 5";
    Sub "-" 2 (Arithmetic(Arith::Sub)) "( a b -- a-b )" "Subtracts the top number from the one below it." "10 3 - println  # 7";
    Mul "*" 2 (Arithmetic(Arith::Mul)) "( a b -- a*b )" "Multiplies two numbers; overflow is an error." "6 7 * println  # 42";
    Div "/" 2 (Arithmetic(Arith::Div)) "( a b -- a/b )" "Divides, truncating toward zero; dividing by zero is an error." "-7 2 / println  # -3";
    Rem "%" 2 (Arithmetic(Arith::Rem)) "( a b -- a%b )" "Remainder of the truncating division; its sign follows a." "-7 2 % println  # -1";
    Eq "==" 2 (Comparison(Compare::Eq)) "( a b -- bool )" "True when a and b have the same type and value." "1 \"1\" == println  # false";
    Ne "!=" 2 (Comparison(Compare::Ne)) "( a b -- bool )" "The negation of `==`." "1 2 != println  # true";
    Lt "<" 2 (Comparison(Compare::Lt)) "( a b -- bool )" "True when the number a is less than b." "1 2 < println  # true";
    Le "<=" 2 (Comparison(Compare::Le)) "( a b -- bool )" "True when the number a is less than or equal to b." "2 2 <= println  # true";
    Gt ">" 2 (Comparison(Compare::Gt)) "( a b -- bool )" "True when the number a is greater than b." "1 2 > println  # false";
    Ge ">=" 2 (Comparison(Compare::Ge)) "( a b -- bool )" "True when the number a is greater than or equal to b." "3 2 >= println  # true";
    And "and" 2 (Logic(Logic::And)) "( a b -- bool )" "Logical and of two booleans." "true false and println  # false";
    Or "or" 2 (Logic(Logic::Or)) "( a b -- bool )" "Logical or of two booleans." "true false or println  # true";
    Not "not" 1 (Logic(Logic::Not)) "( a -- bool )" "Logical negation of a boolean." "false not println  # true";
    If "if" 3 (Logic(Logic::If)) "( cond t f -- t|f )" "Keeps t when the boolean cond is true, else f." "1 2 < \"yes\" \"no\" if println  # yes";
    Dup "dup" 1 (Stack(Shuffle::Dup)) "( a -- a a )" "Copies the top value." "5 dup * println  # 25";
    Drop "drop" 1 (Stack(Shuffle::Drop)) "( a -- )" "Discards the top value." "1 2 drop println  # 1";
    Swap "swap" 2 (Stack(Shuffle::Swap)) "( a b -- b a )" "Exchanges the two top values." "1 2 swap - println  # 1";
    Over "over" 2 (Stack(Shuffle::Over)) "( a b -- a b a )" "Copies the second value to the top." "1 2 over + + println  # 4";
    Rot "rot" 3 (Stack(Shuffle::Rot)) "( a b c -- b c a )" "Moves the third value to the top." "1 2 3 rot println  # 1";
    CastStr "cast_str" 1 (Text(Text::CastStr)) "( a -- str )" "The printed form of a value, as a string." "42 cast_str \"!\" concat println  # 42!";
    CastInt "cast_int" 1 (Text(Text::CastInt)) "( str -- num )" "Parses a signed decimal integer, ignoring surrounding whitespace; anything else is an error." "\" 12 \" cast_int 1 + println  # 13";
    Println "println" 1 (Io(Io::Println)) "( a -- )" "Prints a value and a newline." "\"hello\" println  # hello";
    Print "print" 1 (Io(Io::Print)) "( a -- )" "Prints a value without a newline." "1 print 2 println  # 12";
    Concat "concat" 2 (Text(Text::Concat)) "( a b -- str )" "Joins the printed forms of two values." "\"n=\" 3 concat println  # n=3";
    Read "read" 0 (Io(Io::Read)) "( -- str )" "Reads a line of input, trimmed; at the end of input, the empty string." "read println  # echoes one line";
    SleepMs "sleep_ms" 1 (Io(Io::SleepMs)) "( ms -- )" "Waits for that many milliseconds." "100 sleep_ms";
    Jmp "jmp" 1 (Control(Control::Jmp)) "( addr -- )" "Continues at an address (a label, or a token index)." "skip jmp \"no\" println skip: \"yes\" println  # yes";
    Call "call" 1 (Control(Control::Call)) "( addr -- )" "Pushes the return address on the return stack and jumps." "sq call println stop sq: 7 dup * return  # 49";
    Return "return" 0 (Control(Control::Return)) "( -- )" "Jumps back after the latest call." "f call \"back\" println stop f: return  # back";
    Stop "stop" 0 (Control(Control::Stop)) "( -- )" "Ends the program with exit code 0." "\"done\" println stop \"never\" println  # done";
    Exit "exit" 1 (Control(Control::Exit)) "( code -- )" "Ends the program with this exit code." "3 exit";
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
        match self {
            Arith::Add => Op::Add,
            Arith::Sub => Op::Sub,
            Arith::Mul => Op::Mul,
            Arith::Div => Op::Div,
            Arith::Rem => Op::Rem,
        }
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

/// The comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Compare {
    /// Its meaning on two numbers.
    #[inline(always)]
    pub fn numbers(self, a: i64, b: i64) -> bool {
        match self {
            Compare::Eq => a == b,
            Compare::Ne => a != b,
            Compare::Lt => lt(a, b),
            Compare::Le => le(a, b),
            Compare::Gt => gt(a, b),
            Compare::Ge => ge(a, b),
        }
    }

    /// Its meaning on any two values, from whether they are the same (the same type
    /// and value, strings by their text): `None` for the orders, which take numbers only.
    #[inline(always)]
    pub fn values(self, same: bool) -> Option<bool> {
        match self {
            Compare::Eq => Some(same),
            Compare::Ne => Some(!same),
            Compare::Lt | Compare::Le | Compare::Gt | Compare::Ge => None,
        }
    }

    /// The comparison with its operands exchanged: `a < b` is `b > a`.
    pub const fn flipped(self) -> Compare {
        match self {
            Compare::Eq => Compare::Eq,
            Compare::Ne => Compare::Ne,
            Compare::Lt => Compare::Gt,
            Compare::Le => Compare::Ge,
            Compare::Gt => Compare::Lt,
            Compare::Ge => Compare::Le,
        }
    }

    /// The operation.
    pub const fn op(self) -> Op {
        match self {
            Compare::Eq => Op::Eq,
            Compare::Ne => Op::Ne,
            Compare::Lt => Op::Lt,
            Compare::Le => Op::Le,
            Compare::Gt => Op::Gt,
            Compare::Ge => Op::Ge,
        }
    }
}

/// `<`.
#[inline(always)]
pub fn lt(a: i64, b: i64) -> bool {
    a < b
}

/// `<=`.
#[inline(always)]
pub fn le(a: i64, b: i64) -> bool {
    a <= b
}

/// `>`.
#[inline(always)]
pub fn gt(a: i64, b: i64) -> bool {
    a > b
}

/// `>=`.
#[inline(always)]
pub fn ge(a: i64, b: i64) -> bool {
    a >= b
}

/// The logic operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // the operations are documented in the table
pub enum Logic {
    And,
    Or,
    Not,
    If,
}

/// `and`.
#[inline(always)]
pub fn and(a: bool, b: bool) -> bool {
    a && b
}

/// `or`.
#[inline(always)]
pub fn or(a: bool, b: bool) -> bool {
    a || b
}

/// `not`.
#[inline(always)]
pub fn not(a: bool) -> bool {
    !a
}

/// `if`: `t` when `c` holds, else `f`.
#[inline(always)]
pub fn select<T>(c: bool, t: T, f: T) -> T {
    if c {
        t
    } else {
        f
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

    #[test]
    fn comparisons_and_logic() {
        let pairs = [(1, 2), (2, 2), (3, 2)];
        for c in [
            Compare::Eq,
            Compare::Ne,
            Compare::Lt,
            Compare::Le,
            Compare::Gt,
            Compare::Ge,
        ] {
            for (a, b) in pairs {
                assert_eq!(c.numbers(a, b), c.flipped().numbers(b, a), "{c:?} {a} {b}");
            }
        }
        let got: [bool; 4] = core::array::from_fn(|i| {
            [Compare::Lt, Compare::Le, Compare::Gt, Compare::Ge][i].numbers(2, 2)
        });
        assert_eq!(got, [false, true, false, true]);
        assert_eq!(Compare::Eq.values(false), Some(false));
        assert_eq!(Compare::Ne.values(false), Some(true));
        assert_eq!(Compare::Lt.values(true), None);
        assert!(and(true, true) && !and(true, false) && or(false, true) && !or(false, false));
        assert!(not(false) && !not(true));
        assert_eq!((select(true, 1, 2), select(false, 1, 2)), (1, 2));
    }
}
