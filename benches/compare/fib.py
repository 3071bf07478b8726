"""Recursive Fibonacci, the same algorithm as examples/fib.svm, for benches/compare.sh.

Run: python3 benches/compare/fib.py 30      # prints 832040
"""
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
