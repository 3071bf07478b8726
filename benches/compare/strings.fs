\ String building, written as benches/programs/strings.svm, for benches/compare.sh: a number
\ to its text (svm's cast_str), two texts joined into a buffer (concat), the text back to
\ a number (cast_int). Forth has no string values, so concat copies into one buffer.
\ Run: gforth-fast benches/compare/strings.fs 100000      \ prints 99999800000
require ./args.fs
create buf 64 allot
: >str ( n -- a u ) s>d tuck dabs <# #s rot sign #> ;
: concat ( a1 u1 a2 u2 -- a u )
  2swap tuck buf swap move                      \ a2 u2 u1
  dup >r buf + swap dup >r move
  buf r> r> + ;
: >int ( a u -- n ) s>number? 0= abort" not a number" d>s ;
: strings ( n -- sum )
  0 swap                                        \ sum i
  begin dup 0 > while
    1 -
    dup >str s" 7" concat >int                  \ sum i 10i+7
    over >str s" 1" concat >int                 \ sum i 10i+7 10i+1
    + rot + swap
  repeat drop ;
number-arg strings println bye
