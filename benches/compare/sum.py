"""1 + 2 + ... + n in a counted loop, written as benches/programs/sum.svm, for benches/compare.sh.

Run: python3 benches/compare/sum.py 10000000      # prints 50000005000000
"""
import sys


def main(n):
    total = 0
    while n > 0:
        total = total + n
        n = n - 1
    return total


print(main(int(sys.argv[1])))
