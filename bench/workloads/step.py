"""Step over a line that calls a ~20 ms CPU-bound function (in this same file, as user code is).

argv: REPS N. A debugger stops at STEP (breakpoint) and sends `next`; plain Python and pdb report
the in-process duration of each call as BENCH_STEP_SECONDS.
"""
import sys
import time


def square(x):
    return x * x


def busy(n):
    total = 0
    for i in range(n):
        total += square(i) % 7
    return total


def main():
    reps, n = int(sys.argv[1]), int(sys.argv[2])
    durations = []
    for _ in range(reps):
        start = time.perf_counter(); busy(n); durations.append(time.perf_counter() - start)  # noqa: E702  # STEP
    print("BENCH_STEP_SECONDS " + " ".join("%.6f" % d for d in durations))


main()
