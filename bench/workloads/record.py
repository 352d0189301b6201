"""A mixed program for the step-back recorder: calls, loops, dicts, strings, exceptions raised and
caught. Timed inside the process (BENCH_SECONDS), so start-up is excluded.

argv: ROUNDS. bench/record.ts runs it plain, under pdap without recording, recording all of the
program's code (record: true), and recording only `tiny` (record: ["__main__:tiny"]), which the
timed work never calls: the cost to code outside the scope.
"""
import sys
import time


def parse(word):
    try:
        return int(word)
    except ValueError:
        return len(word)


def tally(words):
    counts = {}
    total = 0
    for word in words:
        value = parse(word)
        counts[word] = counts.get(word, 0) + 1
        total += value
    return total, counts


def shapes(n):
    points = []
    for i in range(n):
        x = i % 13
        y = (i * 7) % 11
        points.append((x, y))
    area = 0
    for x, y in points:
        area += x * y
    return area


def tiny():
    return "recorded when in scope, never called by the timed work"


def main():
    rounds = int(sys.argv[1])
    words = ("alpha 12 beta 7 gamma x 42 delta " * 4).split()
    start = time.perf_counter()
    result = 0
    for _ in range(rounds):
        total, counts = tally(words)
        result += total + len(counts) + shapes(60)
    print("BENCH_SECONDS %.6f" % (time.perf_counter() - start))
    print("result", result)  # END


main()
