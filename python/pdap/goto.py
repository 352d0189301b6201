"""Jumping (DAP gotoTargets / goto): make another line of the stopped frame the next one to run.

Python lets a frame's f_lineno be set only by the thread running that frame, from inside a trace
or monitoring callback for it. A thread stopped at a line is just there: blocked inside the line
callback, in Debugger.stop. So the request does not set the line itself: it hands the target to
the stopped thread and wakes it alone (the program's other threads stay held), and that thread sets
f_lineno, reports the outcome to the waiting request, and stops again at its new line (reason
'goto'), still inside the same callback.
"""
from __future__ import annotations

import threading
import warnings
from types import FrameType
from typing import Any, Dict, List, Optional

from .errors import REFUSED, RequestError
from .sources import SourceLines

ANSWER_TIMEOUT = 2.0  # the stopped thread answers at once; a bound so a request never hangs


class Jump:
    """One goto request for a stopped thread: the line, and the thread's answer."""

    __slots__ = ("line", "done", "error", "notes")

    def __init__(self, line: int) -> None:
        self.line = line
        self.done = threading.Event()
        self.error: Optional[str] = None
        self.notes: List[str] = []  # what Python warned about (3.12+: locals left unbound)

    def perform(self, frame: FrameType) -> None:
        """On the stopped thread, inside its line callback. Python's warnings about the jump are
        the client's to read, never written to the program's stderr (its other threads are held)."""
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame.f_lineno = self.line  # type: ignore[misc]  # a frame's line is writable in a trace callback
            self.notes = ["jump to line %d: %s" % (self.line, w.message) for w in caught]
        except (ValueError, TypeError) as exc:
            self.error = str(exc)
        finally:
            self.done.set()

    def wait(self) -> None:
        """On the request's thread."""
        if not self.done.wait(ANSWER_TIMEOUT):
            raise RuntimeError("the thread did not take the jump in time")
        if self.error:
            raise RequestError("cannot jump to line %d: %s" % (self.line, self.error), REFUSED)


def goto_targets(args: Dict[str, Any]) -> Dict[str, Any]:
    """The line asked for, or the next line with code (as a breakpoint there would move)."""
    source = args.get("source")
    line = args.get("line")
    if not isinstance(source, dict) or not isinstance(source.get("path"), str) or not isinstance(line, int):
        raise RequestError("gotoTargets needs source.path and line")
    lines = SourceLines(source["path"])
    if lines.error:
        raise RequestError(lines.error)
    target = lines.resolve(line)
    targets: List[Dict[str, Any]] = []
    if target is not None:
        targets.append({"id": target, "label": "line %d" % target, "line": target})
    return {"targets": targets}
