"""Ackermann's function, written as benches/programs/ackermann.svm, for benches/compare.sh.

Run: python3 benches/compare/ackermann.py 3 9      # prints 4093
"""
import sys


def ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))


# A(3, n) recurses about 2^(n+3) calls deep; Python's default limit is 1,000.
sys.setrecursionlimit(1_000_000)
print(ack(int(sys.argv[1]), int(sys.argv[2])))
