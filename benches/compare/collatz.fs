\ Total Collatz steps of 1..n, written as benches/programs/collatz.svm, for benches/compare.sh.
\ Run: gforth-fast benches/compare/collatz.fs 100000      \ prints 10753840
require ./args.fs
: collatz ( n -- total )
  0 swap                                        \ total k
  begin dup 0 > while
    swap over                                   \ k total x
    begin dup 1 <> while
      dup 2 mod 0 = if 2 / else 3 * 1 + then
      swap 1 + swap
    repeat
    drop swap 1 -                               \ total k-1
  repeat drop ;
number-arg collatz println bye
