-- Total Collatz steps of 1..n, written as benches/programs/collatz.svm, for benches/compare.sh.
-- Run: lua5.4 benches/compare/collatz.lua 100000      (or luajit)   prints 10753840
--
-- Lua 5.4 halves with its integer division `//`. LuaJIT has no `//` (its numbers are
-- doubles), so there the same text is compiled with `/`, which is exact for an even
-- number. Either way the loop below is the whole program, compiled once by `load`.
local source = [[
  local k = ...
  local total = 0
  while k > 0 do
    local x = k
    while x ~= 1 do
      if x % 2 == 0 then x = x DIV 2 else x = 3 * x + 1 end
      total = total + 1
    end
    k = k - 1
  end
  return total
]]
local collatz = load((source:gsub("DIV", jit and "/" or "//")))
print(collatz(tonumber(arg[1])))
