-- Nested loops, written as benches/programs/nested.svm, for benches/compare.sh: the sum of
-- (i * j) % 7 over 1 <= j <= i <= n.
-- Run: lua5.4 benches/compare/nested.lua 2000      (or luajit)   prints 5149144
local i = tonumber(arg[1])
local acc = 0
while i > 0 do
  local p = i * i
  while p > 0 do
    acc = acc + p % 7
    p = p - i
  end
  i = i - 1
end
print(acc)
