"""CPU-bound work (calls, loops, objects), timed inside the process so start-up is excluded.

argv: ROUNDS. The debuggers set a breakpoint that is never hit, either in this file (UNHIT_SAME)
or in cpu_helper.py (UNHIT_OTHER), and the overhead is BENCH_SECONDS against plain Python's.
"""
import sys
import time

import cpu_helper


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def add(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def norm2(self):
        return self.x * self.x + self.y * self.y


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def churn(n):
    acc = Vec(0, 0)
    total = 0
    for i in range(n):
        v = Vec(i % 7, i % 11)
        acc = acc.add(v)
        total += v.norm2()
    counts = {}
    for i in range(n // 4):
        key = "k%d" % (i % 97)
        counts[key] = counts.get(key, 0) + 1
    return total + len(counts) + fib(15) + cpu_helper.checksum(acc.x, acc.y)


def never_called():
    return "a breakpoint here is set but never hit"  # UNHIT_SAME


def main():
    rounds = int(sys.argv[1])
    start = time.perf_counter()
    for _ in range(rounds):
        churn(5000)
    print("BENCH_SECONDS %.6f" % (time.perf_counter() - start))


main()
