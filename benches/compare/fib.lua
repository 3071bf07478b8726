-- Recursive Fibonacci, the same algorithm as examples/fib.svm, for benches/compare.sh.
-- Run: lua5.4 benches/compare/fib.lua 30      (or luajit)   prints 832040
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end
print(fib(tonumber(arg[1]) or 30))
