"""CPU-bound work while data breakpoints watch an attribute, a global and a local that change rarely.

argv: N. The bench stops at SETUP (inside `work`, before the clock starts), sets the data breakpoint
of the case (model.rate, SETTING or limit), removes the line breakpoint and continues; the values
change once, halfway, and BENCH_SECONDS is the loop alone.
"""
import sys
import time

SETTING = 1


class Model:
    def __init__(self):
        self.rate = 1
        self.seen = 0


class Vec:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x * self.x + self.y * self.y


def configure(value):
    global SETTING
    SETTING = value


def work(n, model):
    limit = 97
    start = time.perf_counter()  # SETUP
    total = 0
    half = n // 2
    counts = {}
    for i in range(n):
        v = Vec(i % 7, i % 11)
        total += v.norm2() % limit
        key = i % 13
        counts[key] = counts.get(key, 0) + model.rate * SETTING
        if i == half:
            model.rate = 2
            configure(3)
            limit = 89
    print("BENCH_SECONDS %.6f" % (time.perf_counter() - start))
    return total + len(counts)


work(int(sys.argv[1]), Model())
