-- Ackermann's function, written as benches/programs/ackermann.svm, for benches/compare.sh.
-- Run: lua5.4 benches/compare/ackermann.lua 3 9      (or luajit)   prints 4093
local function ack(m, n)
  if m == 0 then return n + 1 end
  if n == 0 then return ack(m - 1, 1) end
  return ack(m - 1, ack(m, n - 1))
end
print(ack(tonumber(arg[1]), tonumber(arg[2])))
