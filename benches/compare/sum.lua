-- 1 + 2 + ... + n in a counted loop, written as benches/programs/sum.svm, for benches/compare.sh.
-- Run: lua5.4 benches/compare/sum.lua 10000000      (or luajit)   prints 50000005000000
local n = tonumber(arg[1])
local sum = 0
while n > 0 do
  sum = sum + n
  n = n - 1
end
-- "%d": LuaJIT prints numbers of more than 14 digits in exponent form.
print(string.format("%d", sum))
