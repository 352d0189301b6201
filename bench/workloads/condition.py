"""A hot line hit HITS times; the debuggers put a breakpoint with a false condition on it.

argv: HITS. Prints BENCH_SECONDS for the loop alone.
"""
import sys
import time


def hot(hits):
    total = 0
    for i in range(hits):
        total += i  # HOT
    return total


def main():
    hits = int(sys.argv[1])
    start = time.perf_counter()
    hot(hits)
    print("BENCH_SECONDS %.6f" % (time.perf_counter() - start))


main()
