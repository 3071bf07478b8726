"""Total Collatz steps of 1..n, written as benches/programs/collatz.svm, for benches/compare.sh.

Run: python3 benches/compare/collatz.py 100000      # prints 10753840
"""
import sys


def main(k):
    total = 0
    while k > 0:
        x = k
        while x != 1:
            if x % 2 == 0:
                x = x // 2
            else:
                x = 3 * x + 1
            total = total + 1
        k = k - 1
    return total


print(main(int(sys.argv[1])))
