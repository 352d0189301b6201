"""sys.settrace backend (every Python; the default before 3.12).

The global trace function runs once per new frame and returns None, so the frame runs untraced,
unless its file holds a breakpoint, a thread steps into user code, or all threads must stop.
"""
from __future__ import annotations

import dis
import sys
import threading
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

from ..breakpoints import plain_condition
from ..sources import code_lines
from .base import Backend

if TYPE_CHECKING:
    from ..debugger import Debugger

_YIELD_OPS = {dis.opmap[name] for name in ("YIELD_VALUE", "YIELD_FROM") if name in dis.opmap}


class SettraceBackend(Backend):
    name = "settrace"

    def __init__(self, debugger: "Debugger") -> None:
        self.dbg = debugger
        self.for_filename = debugger.breakpoints.for_filename
        # per thread: the frame an exception is passing through, until a line runs there or it returns
        self._unwinding: Dict[int, Tuple[FrameType, BaseException]] = {}
        self._code_holds: Dict[int, Tuple[CodeType, int, bool]] = {}

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
        if self.dbg.wide:
            return self._call_wide(frame)
        table = self.for_filename(frame.f_code.co_filename)
        if table is not None and self._holds_breakpoint(frame.f_code, table):
            return self._local
        return None

    def _holds_breakpoint(self, code: CodeType, table: Dict[int, Any]) -> bool:
        """Whether a breakpoint is on one of this code object's own lines; decided once per code
        and breakpoint table version, so other functions of the same file run untraced."""
        version = self.dbg.breakpoints.version
        known = self._code_holds.get(id(code))
        if known is not None and known[0] is code and known[1] == version:
            return known[2]
        holds = any(line in table for line in code_lines(code))
        self._code_holds[id(code)] = (code, version, holds)  # holding the code keeps its id unique
        return holds

    def _call_wide(self, frame: FrameType) -> Optional[Any]:
        """A new frame while a rare mode is on: stepping in, all-stop, exception or function breakpoints."""
        dbg = self.dbg
        code = frame.f_code
        if dbg.filter.is_agent(code):
            return None
        if dbg.function_breakpoints.active:
            if dbg.function_start(frame):
                return self._local
        if dbg.trace_all or dbg.step_in or self.for_filename(code.co_filename) is not None:
            return self._local
        if dbg.exceptions.watching and (not dbg.just_my_code or dbg.filter.is_user(code)):
            return self._local
        return None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        dbg = self.dbg
        if event == "line":
            table = self.for_filename(frame.f_code.co_filename)
            hit = table.get(frame.f_lineno) if table is not None else None
            held = None
            if hit is not None and not dbg.steps and not dbg.trace_all:
                held = plain_condition(hit, frame)
                if held is False:
                    return self._local
            if hit is not None or dbg.steps or dbg.trace_all:
                dbg.on_line(frame, hit, held is True)
            elif table is None and not dbg.wide:
                frame.f_trace = None  # nothing to watch here any more: run untraced
                return None
            if self._unwinding and self._unwinding.get(threading.get_ident(), (None,))[0] is frame:
                del self._unwinding[threading.get_ident()]  # the exception was handled here
        elif event == "exception":
            self._on_exception(frame, arg[1])
        elif event == "return" and self._unwinding:
            pending = self._unwinding.pop(threading.get_ident(), None)
            if pending is not None and pending[0] is frame and dbg.exceptions.user_unhandled:
                dbg.on_exception_unwind(frame, pending[1])
            if dbg.steps:
                self._leave(frame, arg, pending is not None and pending[0] is frame)
        elif event == "return" and dbg.steps:
            self._leave(frame, arg, False)
        return self._local

    def _leave(self, frame: FrameType, value: Any, unwinding: bool) -> None:
        code = frame.f_code
        lasti = frame.f_lasti
        if unwinding:
            kind = "unwind"
        else:
            kind = "yield" if lasti >= 0 and code.co_code[lasti] in _YIELD_OPS else "return"
        self.dbg.on_leave(frame, kind, value)

    def _on_exception(self, frame: FrameType, exc: BaseException) -> None:
        dbg = self.dbg
        if not dbg.exceptions.watching:
            return
        self._unwinding[threading.get_ident()] = (frame, exc)
        if dbg.exceptions.raised:
            dbg.on_exception_raised(frame, exc)

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
        if not self.dbg.exceptions.watching:
            self._unwinding.clear()
        if self.dbg.trace_all or self.dbg.step_in:
            is_agent = self.dbg.filter.is_agent
            for frame in self._all_frames():
                if frame.f_trace is None and not is_agent(frame.f_code):
                    frame.f_trace = self._local
