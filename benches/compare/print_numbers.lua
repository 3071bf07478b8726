-- Prints the numbers 1 to n, one per line, written as benches/programs/print_numbers.svm
-- (the test at the loop's end), for benches/compare.sh.
-- Run: lua5.4 benches/compare/print_numbers.lua 1000000 > /tmp/numbers.txt      (or luajit)
--
-- io.write, not print: Lua's print flushes its output after every line (one write(2)
-- each), while svm's println, like io.write, writes through a buffer.
local n = tonumber(arg[1])
local i = 1
repeat
  io.write(i, "\n")
  i = i + 1
until i > n
