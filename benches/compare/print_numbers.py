"""Prints the numbers 1 to n, one per line, written as benches/programs/print_numbers.svm
(the test at the loop's end), for benches/compare.sh.

Run: python3 benches/compare/print_numbers.py 1000000 > /tmp/numbers.txt
"""
import sys


def main(n):
    i = 1
    while True:
        print(i)
        i = i + 1
        if i > n:
            break


main(int(sys.argv[1]))
