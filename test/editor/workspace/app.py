"""The program the editor test debugs: a dict, an object, a call to step into, a loop, a child."""
import os
import subprocess
import sys


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y


def scale(point, factor):
    scaled = Point(point.x * factor, point.y * factor)  # STEP_IN
    return scaled


def main():
    run_id = os.getpid()  # tells a restarted program from the first
    config = {"name": "demo", "size": 3}
    origin = Point(1, 2)
    print("hello from app")  # BP_MAIN
    moved = scale(origin, 10)
    total = 0  # AFTER_CALL
    for i in range(10):
        total += i  # BP_LOOP
    print("to stderr", file=sys.stderr)
    subprocess.run([sys.executable, "child.py"], check=True)
    print("done", total, moved.x)


main()
