"""The program of the per-request latency workloads, in the order one session measures them.

argv: STEPS DEPTH LIST_SIZE DICT_SIZE [startup]. Launch -> first stop at FIRST; STEPS `next`
requests over the loop below; continue to BOTTOM, DEPTH frames down, where stackTrace and the
variables of the big list and dict are timed. With "startup" it exits at FIRST (the plain
Python start-up figure).
"""
import sys

counter = 0  # FIRST
if sys.argv[-1] == "startup":
    sys.exit(0)
steps, depth, list_size, dict_size = (int(arg) for arg in sys.argv[1:5])
for _ in range(steps // 2 + 1):
    counter += 1


def bottom():
    big_list = list(range(256)) * (list_size // 256)
    big_dict = {"key%d" % i: i for i in range(dict_size)}
    return len(big_list) + len(big_dict)  # BOTTOM


def recurse(level):
    if level <= 1:
        return bottom()
    return recurse(level - 1)


sys.setrecursionlimit(depth + 500)
recurse(depth)
