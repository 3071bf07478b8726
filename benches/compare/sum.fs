\ 1 + 2 + ... + n in a counted loop, written as benches/programs/sum.svm, for benches/compare.sh.
\ Run: gforth-fast benches/compare/sum.fs 10000000      \ prints 50000005000000
require ./args.fs
: sum ( n -- s ) 0 swap begin dup 0 > while dup rot + swap 1 - repeat drop ;
number-arg sum println bye
