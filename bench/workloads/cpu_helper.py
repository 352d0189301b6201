"""Another file of the CPU-bound program: it holds the breakpoint of the "other file" workload."""


def checksum(x, y):
    return (x * 31 + y) % 1009


def never_called():
    return "a breakpoint here is set but never hit"  # UNHIT_OTHER
