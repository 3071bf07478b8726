\ Words shared by the Forth programs of benches/compare.sh: the next command-line
\ argument as a number, and printing a number on a line of its own (as svm's println).
: number-arg ( -- n ) next-arg s>number? 0= abort" the argument must be a number" d>s ;
: println ( n -- ) 0 .r cr ;
