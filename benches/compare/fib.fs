\ Recursive Fibonacci, the same algorithm as examples/fib.svm, for benches/compare.sh.
\ Run: gforth-fast benches/compare/fib.fs 30      \ prints 832040
require ./args.fs
: fib ( n -- fib[n] ) dup 2 < if exit then dup 1- recurse swap 2 - recurse + ;
number-arg fib println bye
