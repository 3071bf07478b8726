"""Fibonacci numbers modulo 1,000,000, written as benches/programs/shuffle.svm (whose stack
shuffles are Python's tuple assignment), for benches/compare.sh.

Run: python3 benches/compare/shuffle.py 10000000      # prints 546875
"""
import sys


def main(n):
    a, b = 0, 1
    while n > 0:
        a, b = b, (a + b) % 1000000
        n = n - 1
    return a


print(main(int(sys.argv[1])))
