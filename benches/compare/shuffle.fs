\ Fibonacci numbers modulo 1,000,000 with the counter on the stack, written as
\ benches/programs/shuffle.svm, for benches/compare.sh.
\ Run: gforth-fast benches/compare/shuffle.fs 10000000      \ prints 546875
require ./args.fs
: shuffle ( n -- f )
  0 1 rot                                       \ a b n
  begin dup 0 > while
    rot rot swap over + 1000000 mod rot 1 -     \ b c n-1
  repeat drop drop ;
number-arg shuffle println bye
