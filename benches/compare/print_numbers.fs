\ Prints the numbers 1 to n, one per line, written as benches/programs/print_numbers.svm
\ (the test at the loop's end), for benches/compare.sh.
\ Run: gforth-fast benches/compare/print_numbers.fs 1000000 > /tmp/numbers.txt
require ./args.fs
: print-numbers ( n -- ) 1 begin dup println 1 + over over < until drop drop ;
number-arg print-numbers bye
