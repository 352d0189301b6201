"""Threads under the debugger: `threads` lists them, `thread N` switches; all stop together."""
import threading
import time

results = {}


def work(n):
    total = 0
    for i in range(n):
        total += i * i
    results[threading.current_thread().name] = total  # a good place for `b workers.py:12`


def main():
    threads = [threading.Thread(target=work, args=(10 ** k,), name=f"worker-{k}") for k in range(1, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(0)
    print(sorted(results.items()))


main()
