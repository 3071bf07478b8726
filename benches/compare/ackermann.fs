\ Ackermann's function, written as benches/programs/ackermann.svm, for benches/compare.sh.
\ Run: gforth-fast benches/compare/ackermann.fs 3 9      \ prints 4093
require ./args.fs
: ack ( m n -- a )
  over 0 = if swap drop 1 + exit then           \ A(0, n) = n + 1
  dup 0 = if drop 1 - 1 recurse exit then       \ A(m, 0) = A(m - 1, 1)
  over swap 1 - recurse swap 1 - swap recurse ; \ A(m - 1, A(m, n - 1))
number-arg number-arg ack println bye
