"""Nested loops, written as benches/programs/nested.svm, for benches/compare.sh: the sum of
(i * j) % 7 over 1 <= j <= i <= n.

Run: python3 benches/compare/nested.py 2000      # prints 5149144
"""
import sys


def main(i):
    acc = 0
    while i > 0:
        p = i * i
        while p > 0:
            acc = acc + p % 7
            p = p - i
        i = i - 1
    return acc


print(main(int(sys.argv[1])))
