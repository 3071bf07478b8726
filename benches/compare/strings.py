"""String building, written as benches/programs/strings.svm, for benches/compare.sh: str is
svm's cast_str, + of two strings its concat, int its cast_int.

Run: python3 benches/compare/strings.py 100000      # prints 99999800000
"""
import sys


def main(i):
    total = 0
    while i > 0:
        i = i - 1
        a = int(str(i) + "7")
        b = int(str(i) + "1")
        total = total + (a + b)
    return total


print(main(int(sys.argv[1])))
