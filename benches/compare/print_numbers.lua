-- Prints the numbers 1 to n, one per line, written as benches/programs/print_numbers.svm
-- (the test at the loop's end), for benches/compare.sh.
-- Run: lua5.4 benches/compare/print_numbers.lua 1000000 > /tmp/numbers.txt      (or luajit)
local n = tonumber(arg[1])
local i = 1
repeat
  print(i)
  i = i + 1
until i > n
