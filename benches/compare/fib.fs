\ Recursive Fibonacci, the same algorithm as examples/fib.svm, for benches/compare.sh.
\ Run: gforth-fast benches/compare/fib.fs      \ prints 832040
: fib ( n -- fib[n] ) dup 2 < if exit then dup 1- recurse swap 2 - recurse + ;
30 fib . cr bye
