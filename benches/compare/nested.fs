\ Nested loops, written as benches/programs/nested.svm, for benches/compare.sh: the sum
\ of (i * j) mod 7 over 1 <= j <= i <= n.
\ Run: gforth-fast benches/compare/nested.fs 2000      \ prints 5149144
require ./args.fs
: nested ( n -- acc )
  0 swap                                        \ acc i
  begin dup 0 > while
    dup dup * rot                               \ i p acc
    begin over 0 > while
      over 7 mod +  rot rot over - rot          \ i p-i acc+p%7
    repeat
    swap drop swap 1 -                          \ acc i-1
  repeat drop ;
number-arg nested println bye
