-- Fibonacci numbers modulo 1,000,000, written as benches/programs/shuffle.svm (whose
-- stack shuffles are Lua's multiple assignment), for benches/compare.sh.
-- Run: lua5.4 benches/compare/shuffle.lua 10000000      (or luajit)   prints 546875
local n = tonumber(arg[1])
local a, b = 0, 1
while n > 0 do
  a, b = b, (a + b) % 1000000
  n = n - 1
end
print(a)
