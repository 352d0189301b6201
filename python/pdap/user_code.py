"""Running the user's code for the debugger (reprs, properties, expressions) within a time bound.

The agent answers requests on its reader thread. Anything that may run user code (a __repr__, a
property, an evaluated expression) runs instead on a helper thread, which pdap counts among its own
threads (so breakpoints and all-stop holds never catch it), while the reader thread keeps a
watchdog: a request is a batch of small tasks (one per variable shown), and each task gets a time
bound. A task that runs over is first interrupted by an exception raised in the helper thread
(PyThreadState_SetAsyncExc: it lands at the next bytecode, which stops Python-level loops and
runaway recursion); if it is stuck in C code (time.sleep, a lock, a regular expression) the helper
is abandoned, counted, and a fresh one takes over the rest of the batch. While an abandoned helper
is still inside the repr of some type, reprs of that type are refused at once instead of hanging
again.

One hand-off costs about 35 microseconds, so a variables request makes one or two of them, not one
per value.
"""
from __future__ import annotations

import _thread
import ctypes
import os
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, TypeVar

X = TypeVar("X")
R = TypeVar("R")

RENDER_TIMEOUT = 1.0  # one variable: its repr, len, attributes
REQUEST_BUDGET = 3.0  # after this much time in one request, the rest is shown without running user code
INTERRUPT_GRACE = 0.25  # how long an interrupted task gets to unwind before its helper is abandoned
MAX_ABANDONED = 8  # hung helpers tolerated; past that no more user code runs for the debugger


class Interrupted(BaseException):
    """Raised inside user code that the debugger ran and that ran over its time bound."""


class TimedOut(Exception):
    """A task ran over its time bound. what: 'repr of Foo', 'evaluation', ..."""

    def __init__(self, what: str, seconds: float, abandoned: bool) -> None:
        self.what = what
        self.seconds = seconds
        self.abandoned = abandoned
        text = "%s timed out after %s s" % (what, _secs(seconds))
        super().__init__(text + (" (still running in the background)" if abandoned else ""))


def _secs(seconds: float) -> str:
    return ("%.1f" % seconds).rstrip("0").rstrip(".")


def _set_async_exc() -> Optional[Callable[[int, Any], int]]:
    try:
        fn = ctypes.pythonapi["PyThreadState_SetAsyncExc"]  # our own function object: argtypes are ours
        fn.argtypes = [ctypes.c_ulong, ctypes.py_object]
        fn.restype = ctypes.c_int
        return fn
    except (AttributeError, OSError):  # not CPython: hung tasks are only abandoned
        return None


_SET_ASYNC_EXC = _set_async_exc()


class _Job:
    """A batch of tasks; results[i] is filled by whichever helper runs task i."""

    def __init__(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> None:
        self.fn = fn
        self.items = items
        self.results: List[Any] = [None] * len(items)
        self.errors: List[Optional[BaseException]] = [None] * len(items)
        self.next = 0  # the task being run (tasks before it are finished)
        self.started = time.monotonic()  # when task `next` started; always written before `next`
        self.done = threading.Event()
        self.cancelled = False  # run no further task


class _Helper:
    def __init__(self, guard: "Guard") -> None:
        self.guard = guard
        self.ident = 0
        self.abandoned = False
        self.job: Optional[_Job] = None
        self.wake = threading.Lock()
        self.wake.acquire()
        self.interrupt_for = -1  # the task an interrupt was sent for
        self.hung_type: Optional[type] = None
        self.current_type: Optional[type] = None  # whose user code runs now
        self.current_what = ""
        self.pid = os.getpid()
        ready = threading.Event()
        _thread.start_new_thread(self._main, (ready,))
        ready.wait(5.0)

    def _main(self, ready: threading.Event) -> None:
        self.ident = threading.get_ident()
        self.guard.agent_threads.add(self.ident)  # before any user code: breakpoints and holds skip us
        self.guard.by_ident[self.ident] = self
        ready.set()
        try:
            while not self.abandoned:
                try:
                    self.wake.acquire()
                    self._run_posted()  # no local here: an idle helper must keep no batch's values alive
                except BaseException:  # an interrupt that arrived after its task had finished
                    pass
        finally:
            self.guard.helper_exited(self)

    def _run_posted(self) -> None:
        job = self.job
        if job is not None:
            self._run(job)

    def _run(self, job: _Job) -> None:
        count = len(job.items)
        while True:
            try:
                index = job.next
                if index >= count or job.cancelled or self.abandoned:
                    break
                error: Optional[BaseException] = None
                result: Any = None
                try:
                    result = job.fn(job.items[index])
                except Interrupted as exc:
                    if self.interrupt_for != index:
                        continue  # meant for the task before this one: run this one again
                    error = exc
                except BaseException as exc:
                    error = exc
                self.current_type = None
                if self.abandoned:
                    return  # a fresh helper has taken this job over
                job.results[index] = result
                job.errors[index] = error
                self.interrupt_for = -1
                job.started = time.monotonic()
                job.next = index + 1
            except Interrupted:
                continue  # landed in this bookkeeping: go on where we are
        self.job = None
        job.done.set()


class Guard:
    """Runs batches of user-code tasks on helper threads, each task within a time bound."""

    def __init__(self, agent_threads: Set[int]) -> None:
        self.agent_threads = agent_threads
        self.by_ident: Dict[int, _Helper] = {}
        self.hanging: Dict[type, int] = {}  # types whose user code an abandoned helper is still in
        self.abandoned = 0
        self._helper: Optional[_Helper] = None
        self._lock = threading.Lock()  # one batch at a time

    # ----- on the helper thread (called by the rendering code) --------------------------------
    def enter(self, kind: type, what: str) -> bool:
        """About to run user code of this type (what: "the repr of Foo"); False if it must not."""
        if self.abandoned >= MAX_ABANDONED or (self.hanging and kind in self.hanging):
            return False
        helper = self.by_ident.get(threading.get_ident())
        if helper is not None:
            helper.current_type = kind
            helper.current_what = what
        return True

    def leave(self) -> None:
        helper = self.by_ident.get(threading.get_ident())
        if helper is not None:
            helper.current_type = None

    # ----- on the reader thread -----------------------------------------------------------------
    def map(self, fn: Callable[[X], R], items: Sequence[X], on_error: Callable[[X, BaseException], R],
            over_budget: Callable[[X], R], timeout: float = RENDER_TIMEOUT,
            budget: float = REQUEST_BUDGET, what: str = "the task") -> List[R]:
        """fn(item) for each item on a helper thread. A task that raises, or runs over `timeout`
        (TimedOut), gets on_error(item, exc) instead. Once `budget` is spent, the items not yet
        started get over_budget(item), called on this thread: it must not run user code."""
        if not items:
            return []
        with self._lock:
            job = _Job(fn, items)
            budget_end = time.monotonic() + budget
            self._post(job)
            while not job.done.is_set():
                index = job.next
                task_end = job.started + timeout
                now = time.monotonic()
                if now >= budget_end:
                    job.cancelled = True  # the task that runs may finish; no other starts
                until = task_end if job.cancelled else min(task_end, budget_end)
                if job.done.wait(max(0.0, until - now)) or job.next != index:
                    continue
                if time.monotonic() >= task_end:
                    self._overran(job, index, timeout, what)
            out: List[R] = []
            for i, item in enumerate(items):
                error = job.errors[i]
                if i >= job.next:
                    out.append(over_budget(item))
                elif error is None:
                    out.append(job.results[i])
                else:
                    out.append(on_error(item, error))
            return out

    def call(self, fn: Callable[[], R], timeout: float, what: str) -> R:
        """fn() on a helper thread: its result, or its exception raised here, or TimedOut."""

        def fail(_: int, exc: BaseException) -> R:
            raise exc

        def never(_: int) -> R:
            raise TimedOut(what, timeout, abandoned=True)

        return self.map(lambda _: fn(), [0], fail, never, timeout=timeout,
                        budget=timeout + 2 * INTERRUPT_GRACE + 1.0, what=what)[0]

    def _post(self, job: _Job) -> None:
        helper = self._helper
        if helper is None or helper.abandoned or helper.pid != os.getpid():  # a fork leaves threads behind
            helper = self._helper = _Helper(self)
        helper.job = job
        helper.wake.release()

    def _overran(self, job: _Job, index: int, timeout: float, what: str) -> None:
        """Task `index` ran over: interrupt it, and abandon its helper if that does not work."""
        helper = self._helper
        if helper is None:
            return
        kind = helper.current_type
        if kind is not None:
            what = helper.current_what
        helper.interrupt_for = index
        if _SET_ASYNC_EXC is not None and helper.ident:
            _SET_ASYNC_EXC(helper.ident, Interrupted)
            give_up = time.monotonic() + INTERRUPT_GRACE
            while time.monotonic() < give_up:
                if job.done.wait(0.01) or job.next != index:
                    if isinstance(job.errors[index], Interrupted):
                        job.errors[index] = TimedOut(what, timeout, abandoned=False)
                    return
        # stuck in C code: leave the helper to it and go on with the rest of the job on a new one
        helper.abandoned = True
        helper.hung_type = kind
        self.abandoned += 1
        if kind is not None:
            self.hanging[kind] = self.hanging.get(kind, 0) + 1
        self._helper = None
        job.errors[index] = TimedOut(what, timeout, abandoned=True)
        job.started = time.monotonic()
        job.next = index + 1
        if job.next >= len(job.items) or job.cancelled:
            job.done.set()
        else:
            self._post(job)

    def helper_exited(self, helper: _Helper) -> None:
        """An abandoned helper came back from the user code it hung in: it ends."""
        self.agent_threads.discard(helper.ident)  # the ident may be reused by a thread of the program
        self.by_ident.pop(helper.ident, None)
        if _SET_ASYNC_EXC is not None:
            try:
                _SET_ASYNC_EXC(helper.ident, ctypes.py_object())  # drop an interrupt still pending
            except BaseException:
                pass
        kind = helper.hung_type
        if kind is not None and self.hanging.get(kind):
            self.hanging[kind] -= 1
            if not self.hanging[kind]:
                del self.hanging[kind]
        self.abandoned = max(0, self.abandoned - 1)


class Capture:
    """Collects what one thread prints to sys.stdout/sys.stderr while the rest of the program's
    output goes where it always went (the program's other threads may be running)."""

    def __init__(self) -> None:
        self.ident = threading.get_ident()
        self.parts: List[str] = []
        self._saved: Dict[str, Any] = {}

    def __enter__(self) -> "Capture":
        for name in ("stdout", "stderr"):
            original = getattr(sys, name)
            self._saved[name] = original
            setattr(sys, name, _Tee(original, self))
        return self

    def __exit__(self, *exc: Any) -> None:
        for name, original in self._saved.items():
            current = getattr(sys, name)
            if isinstance(current, _Tee) and current.capture is self:
                setattr(sys, name, original)  # unless the program replaced it meanwhile

    def text(self) -> str:
        return "".join(self.parts)


class _Tee:
    def __init__(self, original: Any, capture: Capture) -> None:
        self.original = original
        self.capture = capture

    def write(self, text: Any) -> int:
        if threading.get_ident() == self.capture.ident:
            self.capture.parts.append(str(text))
            return len(text)
        return self.original.write(text)

    def flush(self) -> None:
        if threading.get_ident() != self.capture.ident:
            self.original.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)
