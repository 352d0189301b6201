"""sys.settrace backend (every Python; the default before 3.12).

The global trace function runs once per new frame and returns None, so the frame runs untraced,
unless its file holds a breakpoint, a thread steps into user code, or all threads must stop.
"""
from __future__ import annotations

import dis
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, Any, Optional

from .base import Backend

if TYPE_CHECKING:
    from ..debugger import Debugger

_YIELD_OPS = {dis.opmap[name] for name in ("YIELD_VALUE", "YIELD_FROM") if name in dis.opmap}


class SettraceBackend(Backend):
    name = "settrace"

    def __init__(self, debugger: "Debugger") -> None:
        self.dbg = debugger
        self.for_filename = debugger.breakpoints.for_filename

    def install(self) -> None:
        settrace_all = getattr(threading, "settrace_all_threads", None)
        if settrace_all is not None:
            settrace_all(self._call)  # also threads that already run (3.12+)
        else:
            threading.settrace(self._call)
            sys.settrace(self._call)
        self.breakpoints_changed()

    def uninstall(self) -> None:
        threading.settrace(None)  # type: ignore[arg-type]
        sys.settrace(None)

    # ----- hot path ----------------------------------------------------------------------------
    def _call(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        dbg = self.dbg
        if dbg.trace_all or dbg.step_in:
            return None if dbg.filter.is_agent(frame.f_code) else self._local
        if self.for_filename(frame.f_code.co_filename) is not None:
            return self._local
        return None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        dbg = self.dbg
        if event == "line":
            table = self.for_filename(frame.f_code.co_filename)
            hit = table.get(frame.f_lineno) if table is not None else None
            if hit is not None or dbg.steps or dbg.trace_all:
                try:
                    dbg.on_line(frame, hit)
                except Exception as exc:  # a debugger fault must never reach the program
                    dbg.fault("line event", exc)
            elif table is None:
                frame.f_trace = None  # nothing to watch here any more: run untraced
                return None
        elif event == "return" and dbg.steps:
            code = frame.f_code
            lasti = frame.f_lasti
            kind = "yield" if lasti >= 0 and code.co_code[lasti] in _YIELD_OPS else "return"
            try:
                dbg.on_leave(frame, kind)
            except Exception as exc:
                dbg.fault("return event", exc)
        return self._local

    # ----- instrumentation changes (rare) --------------------------------------------------------
    def _all_frames(self):
        agent = self.dbg.agent_threads
        for ident, frame in sys._current_frames().items():
            if ident in agent:
                continue
            while frame is not None:
                yield frame
                frame = frame.f_back

    def breakpoints_changed(self) -> None:
        for frame in self._all_frames():
            if self.for_filename(frame.f_code.co_filename) is not None and frame.f_trace is None:
                frame.f_trace = self._local

    def watch_frame(self, frame: FrameType) -> None:
        frame.f_trace = self._local

    def mode_changed(self) -> None:
        if self.dbg.trace_all or self.dbg.step_in:
            is_agent = self.dbg.filter.is_agent
            for frame in self._all_frames():
                if frame.f_trace is None and not is_agent(frame.f_code):
                    frame.f_trace = self._local
