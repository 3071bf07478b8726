//! The macros that make everything listing the operations from the table's rows
//! (`mod.rs`): [`Op`](super::Op), [`OPS`](super::OPS), the machine's dispatch form
//! `Code` and the match over it with each operation's class a constant in its arm, and
//! `BinOp`, the pure operations of two operands, which a block holds as one shape.

/// A row's signature: `[]` for an operation that is not pure, else `[TAKES -> GIVES,
/// FAILS]`.
macro_rules! sig {
    () => {
        None
    };
    ($($takes:ident)* -> $gives:ident, $fails:ident) => {
        Some(Sig {
            takes: &[$(Type::$takes),*],
            gives: Type::$gives,
            fails: Fails::$fails,
        })
    };
}

/// Generates everything that lists the operations from the table's rows. (The first
/// token is a `$`, for the macros it defines in turn.)
macro_rules! define_ops {
    ($d:tt $(
        $variant:ident $name:literal $pops:literal ($($class:tt)*) [$($sig:tt)*]
        $effect:literal $doc:literal $example:literal;
    )*) => {
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
                sig: sig!($($sig)*),
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

            /// For a pure operation, what it takes and gives (its row's signature).
            #[inline(always)]
            pub const fn sig(self) -> Option<Sig> {
                match self {
                    $( Op::$variant => sig!($($sig)*), )*
                }
            }
        }

        impl Class {
            /// The operation of this class (each class's value is one row's).
            pub const fn op(self) -> Op {
                match self {
                    $( Class::$($class)* => Op::$variant, )*
                }
            }
        }

        /// The form of an instruction that the machine dispatches on (a program's
        /// `dispatch`, see `program.rs`): the literals, one variant per operation (so
        /// that dispatch is a single jump), and [`Code::Block`] where a block of the
        /// program's block form starts.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)] // the literals are `Instr`'s
        pub(crate) enum Code {
            Num(i64),
            Bool(bool),
            Str(u32),
            Addr(u32),
            $(
                #[doc = $doc]
                $variant,
            )*
            /// The start of the block with this index in the program's blocks.
            Block(u32),
        }

        impl Code {
            /// The code of operation `op`.
            #[inline(always)]
            pub(crate) const fn of(op: Op) -> Code {
                match op {
                    $( Op::$variant => Code::$variant, )*
                }
            }
        }

        /// `match_code!(code, |class| each; PATTERN => ARM, ...)`: a `match` over the
        /// [`Code`] `code` with the arms given for the literals and blocks, and an
        /// arm per operation that runs `each` with `class` bound to the operation's
        /// class. The class is a constant in each arm, so each arm is that
        /// operation's own code once `each` is inlined (the plain interpreter's
        /// dispatch stays one jump).
        macro_rules! match_code {
            ($d code:expr, |$d class:ident| $d each:expr; $d ($d pat:pat => $d arm:expr),+ $d (,)?) => {
                match $d code {
                    $d ($d pat => $d arm,)+
                    $( crate::ops::Code::$variant => {
                        let $d class = crate::ops::Op::$variant.class();
                        $d each
                    } )*
                }
            };
        }
        pub(crate) use match_code;

        binary_ops!(@scan $d [] [] $( $variant [$($sig)*] )*);
    };
}

/// Sorts the rows (each a variant and its signature) into the pure operations of two
/// operands (a signature that takes two) and the others, then defines `BinOp` and
/// `with_binary_ops!` from them. (The first token is a `$`, as for [`define_ops!`].)
macro_rules! binary_ops {
    (@scan $d:tt [$($bin:ident)*] [$($other:ident)*]
        $variant:ident [$a:ident $b:ident -> $gives:ident, $fails:ident] $($rest:tt)*) => {
        binary_ops!(@scan $d [$($bin)* $variant] [$($other)*] $($rest)*);
    };
    (@scan $d:tt [$($bin:ident)*] [$($other:ident)*]
        $variant:ident [$($sig:tt)*] $($rest:tt)*) => {
        binary_ops!(@scan $d [$($bin)*] [$($other)* $variant] $($rest)*);
    };
    (@scan $d:tt [$($bin:ident)*] [$($other:ident)*]) => {
        /// A pure operation of two operands (its row's signature takes two): what a
        /// block holds as one shape, `Micro::Bin` (`block.rs`), whichever it is.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)] // the operations are documented in the table
        pub(crate) enum BinOp {
            $( $bin, )*
        }

        impl BinOp {
            /// The operation.
            #[inline(always)]
            pub(crate) const fn op(self) -> Op {
                match self {
                    $( BinOp::$bin => Op::$bin, )*
                }
            }

            /// `op`, if it is a pure operation of two operands.
            pub(crate) const fn of(op: Op) -> Option<BinOp> {
                match op {
                    $( Op::$bin => Some(BinOp::$bin), )*
                    $( Op::$other => None, )*
                }
            }
        }

        /// `with_binary_ops!(then)`: `then! { ... }` with the variant of every
        /// [`BinOp`], in table order, for what a module makes of each.
        macro_rules! with_binary_ops {
            ($d then:ident) => {
                $d then! { $( $bin )* }
            };
        }
        pub(crate) use with_binary_ops;
    };
}
