//! The instruction set, defined once.
//!
//! Every operation of the language appears exactly once in the table below, with its
//! source name, stack effect, a one-line description and an example. The lexer, the
//! disassembler, the language reference (`docs/language.md`), the CLI's `--ops` listing
//! and the playground's hover help are all generated from this table.

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
    pub pops: u8,
}

macro_rules! define_ops {
    ($( $variant:ident $name:literal $pops:literal $effect:literal $doc:literal $example:literal; )*) => {
        /// One operation of the language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Op {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        /// The documentation of every operation, in table order.
        pub const OPS: &[OpInfo] = &[
            $( OpInfo { name: $name, effect: $effect, doc: $doc, example: $example, pops: $pops }, )*
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
        }
    };
}

define_ops! {
    Add "+" 2 "( a b -- a+b )" "Adds two numbers; overflow is an error." "2 3 + println  # 5";
    Sub "-" 2 "( a b -- a-b )" "Subtracts the top number from the one below it." "10 3 - println  # 7";
    Mul "*" 2 "( a b -- a*b )" "Multiplies two numbers; overflow is an error." "6 7 * println  # 42";
    Div "/" 2 "( a b -- a/b )" "Divides, truncating toward zero; dividing by zero is an error." "-7 2 / println  # -3";
    Rem "%" 2 "( a b -- a%b )" "Remainder of the truncating division; its sign follows a." "-7 2 % println  # -1";
    Eq "==" 2 "( a b -- bool )" "True when a and b have the same type and value." "1 \"1\" == println  # false";
    Ne "!=" 2 "( a b -- bool )" "The negation of `==`." "1 2 != println  # true";
    Lt "<" 2 "( a b -- bool )" "True when the number a is less than b." "1 2 < println  # true";
    Le "<=" 2 "( a b -- bool )" "True when the number a is less than or equal to b." "2 2 <= println  # true";
    Gt ">" 2 "( a b -- bool )" "True when the number a is greater than b." "1 2 > println  # false";
    Ge ">=" 2 "( a b -- bool )" "True when the number a is greater than or equal to b." "3 2 >= println  # true";
    And "and" 2 "( a b -- bool )" "Logical and of two booleans." "true false and println  # false";
    Or "or" 2 "( a b -- bool )" "Logical or of two booleans." "true false or println  # true";
    Not "not" 1 "( a -- bool )" "Logical negation of a boolean." "false not println  # true";
    If "if" 3 "( cond t f -- t|f )" "Keeps t when the boolean cond is true, else f." "1 2 < \"yes\" \"no\" if println  # yes";
    Dup "dup" 1 "( a -- a a )" "Copies the top value." "5 dup * println  # 25";
    Drop "drop" 1 "( a -- )" "Discards the top value." "1 2 drop println  # 1";
    Swap "swap" 2 "( a b -- b a )" "Exchanges the two top values." "1 2 swap - println  # 1";
    Over "over" 2 "( a b -- a b a )" "Copies the second value to the top." "1 2 over + + println  # 4";
    Rot "rot" 3 "( a b c -- b c a )" "Moves the third value to the top." "1 2 3 rot println  # 1";
    CastStr "cast_str" 1 "( a -- str )" "The printed form of a value, as a string." "42 cast_str \"!\" concat println  # 42!";
    CastInt "cast_int" 1 "( str -- num )" "Parses a signed decimal integer, ignoring surrounding whitespace; anything else is an error." "\" 12 \" cast_int 1 + println  # 13";
    Println "println" 1 "( a -- )" "Prints a value and a newline." "\"hello\" println  # hello";
    Print "print" 1 "( a -- )" "Prints a value without a newline." "1 print 2 println  # 12";
    Concat "concat" 2 "( a b -- str )" "Joins the printed forms of two values." "\"n=\" 3 concat println  # n=3";
    Read "read" 0 "( -- str )" "Reads a line of input, trimmed; at the end of input, the empty string." "read println  # echoes one line";
    SleepMs "sleep_ms" 1 "( ms -- )" "Waits for that many milliseconds." "100 sleep_ms";
    Jmp "jmp" 1 "( addr -- )" "Continues at an address (a label, or a token index)." "skip jmp \"no\" println skip: \"yes\" println  # yes";
    Call "call" 1 "( addr -- )" "Pushes the return address on the return stack and jumps." "sq call println stop sq: 7 dup * return  # 49";
    Return "return" 0 "( -- )" "Jumps back after the latest call." "f call \"back\" println stop f: return  # back";
    Stop "stop" 0 "( -- )" "Ends the program with exit code 0." "\"done\" println stop \"never\" println  # done";
    Exit "exit" 1 "( code -- )" "Ends the program with this exit code." "3 exit";
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
}
