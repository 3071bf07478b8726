-- String building, written as benches/programs/strings.svm, for benches/compare.sh:
-- tostring is svm's cast_str, `..` its concat, tonumber its cast_int.
-- Run: lua5.4 benches/compare/strings.lua 100000      (or luajit)   prints 99999800000
local i = tonumber(arg[1])
local sum = 0
while i > 0 do
  i = i - 1
  local a = tonumber(tostring(i) .. "7")
  local b = tonumber(i .. "1")
  sum = sum + (a + b)
end
-- "%d": LuaJIT prints numbers of more than 14 digits in exponent form.
print(string.format("%d", sum))
