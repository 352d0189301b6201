"""sys.settrace backend (every Python; the default before 3.12).

The global trace function runs once per new frame and returns None, so the frame runs untraced,
unless its file holds a breakpoint, a thread steps into user code, or all threads must stop.
"""
from __future__ import annotations

import dis
import sys
import threading
from types import CodeType, FrameType
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple

from ..breakpoints import plain_condition
from ..sources import code_lines
from .base import NO_CODE, UNKNOWN, Backend

if TYPE_CHECKING:
    from ..debugger import Debugger

# a generator's 'return' event is a real return only at one of these (at a yield, f_lasti is on the
# yield, before a 3.9-3.10 YIELD_FROM, or on the RESUME after it on 3.13)
_RETURN_OPS = {dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST") if name in dis.opmap}
_GENERATOR_FLAGS = 0x0020 | 0x0080 | 0x0100 | 0x0200  # CO_GENERATOR, CO_COROUTINE, CO_ITERABLE_COROUTINE, CO_ASYNC_GENERATOR


class SettraceBackend(Backend):
    name = "settrace"

    def __init__(self, debugger: "Debugger") -> None:
        self.dbg = debugger
        self.for_filename = debugger.breakpoints.for_filename
        self.by_raw_filename = debugger.breakpoints.by_raw_filename
        # per thread: the frame an exception is passing through, until a line runs there or it returns
        self._unwinding: Dict[int, Tuple[FrameType, BaseException]] = {}
        # id(code) -> the local trace function for its frames, or None: decided once per code object
        # and breakpoint version (an id lookup: hashing a code object hashes its bytecode)
        self._frame_tracer: Dict[int, Optional[Any]] = {}
        self._decided_codes: Dict[int, CodeType] = {}  # holding each code keeps its id unique
        self._decided_version = -1
        self.tracer = self._local  # one bound method, returned from every traced event
        self.last_code: Tuple[Optional[CodeType], Any] = NO_CODE  # the last line event's code and its file's breakpoints

    def install(self) -> None:
        settrace_all = getattr(threading, "settrace_all_threads", None)
        if settrace_all is not None:
            settrace_all(self._global_tracer())  # also threads that already run (3.12+)
        else:
            tracer = self._global_tracer()
            threading.settrace(tracer)
            sys.settrace(tracer)
        self.breakpoints_changed()

    def uninstall(self) -> None:
        threading.settrace(None)  # type: ignore[arg-type]
        sys.settrace(None)

    # ----- hot path ----------------------------------------------------------------------------
    def _global_tracer(self) -> Callable[[FrameType, str, Any], Optional[Any]]:
        """The trace function every new frame of the program goes through: a closure over what it
        reads, so that the common case (a code object decided before) is one dict lookup."""
        dbg = self.dbg
        decided = self._frame_tracer.get  # the dict is cleared, never replaced
        decide = self._decide
        call_wide = self._call_wide

        def call(frame: FrameType, event: str, arg: Any) -> Optional[Any]:
            if dbg.wide:
                return call_wide(frame)
            tracer = decided(id(frame.f_code), UNKNOWN)
            if tracer is UNKNOWN:
                return decide(frame.f_code)
            return tracer

        return call

    def _decide(self, code: CodeType) -> Optional[Any]:
        """Trace this code's frames only if a breakpoint is on one of its own lines, so the other
        functions of a file with breakpoints run untraced."""
        try:
            version = self.dbg.breakpoints.version
            if version != self._decided_version or len(self._decided_codes) > 100_000:
                self._frame_tracer.clear()
                self._decided_codes.clear()
                self._decided_version = version
            table = self.for_filename(code.co_filename)
            holds = table is not None and any(line in table for line in code_lines(code))
            tracer = self.tracer if holds else None
            self._frame_tracer[id(code)] = tracer
            self._decided_codes[id(code)] = code
            return tracer
        except Exception as exc:  # a fault in pdap never reaches the program
            self.dbg.fault("a new frame", exc)
            return None

    def _call_wide(self, frame: FrameType) -> Optional[Any]:
        """A new frame while a rare mode is on: stepping in, all-stop, exception or function breakpoints."""
        dbg = self.dbg
        code = frame.f_code
        if dbg.filter.is_agent(code) or threading.get_ident() in dbg.agent_threads:
            return None  # pdap's code, and library code pdap runs during a stop, are never traced
        if dbg.function_breakpoints.active:
            if dbg.function_start(frame):
                return self._local
        if dbg.trace_all or dbg.step_in or self.for_filename(code.co_filename) is not None:
            return self._local
        if dbg.exceptions.watching and (not dbg.just_my_code or dbg.filter.is_user(code)):
            return self._local
        return None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        try:
            dbg = self.dbg
            if event == "line":
                code = frame.f_code
                last = self.last_code
                if last[0] is code:
                    table = last[1]  # a hot loop: its file's breakpoints without a lookup
                else:
                    table = self.by_raw_filename.get(code.co_filename, UNKNOWN)
                    if table is UNKNOWN:
                        table = self.for_filename(code.co_filename)
                    self.last_code = (code, table)  # one tuple: threads may race here
                hit = table.get(frame.f_lineno) if table is not None else None
                held = None
                if hit is not None and not dbg.steps and not dbg.trace_all:
                    # a plain condition on a hot line: its compiled test, inline (see LineHits)
                    if hit.test_code is code:
                        try:
                            held = bool(hit.test(frame.f_locals))
                        except Exception:
                            held = None  # evaluated again by on_line, where the error is shown
                    else:
                        held = plain_condition(hit, code, frame)
                    if held is False:
                        return self.tracer
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
            return self.tracer
        except Exception as exc:  # a fault in pdap never reaches the program
            self.dbg.fault("a traced event", exc)
            return self.tracer

    def _leave(self, frame: FrameType, value: Any, unwinding: bool) -> None:
        code = frame.f_code
        lasti = frame.f_lasti
        if unwinding:
            kind = "unwind"
        elif code.co_flags & _GENERATOR_FLAGS and lasti >= 0 and code.co_code[lasti] not in _RETURN_OPS:
            kind = "yield"
        else:
            kind = "return"
        self.dbg.on_leave(frame, kind, value)

    def _on_exception(self, frame: FrameType, exc: BaseException) -> None:
        dbg = self.dbg
        if not dbg.exceptions.watching and not dbg.steps:
            return
        # until a line runs here or it returns: a return now is an unwind (a step tells them apart)
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
        self._frame_tracer.clear()  # new frames are decided again
        self.last_code = NO_CODE
        for frame in self._all_frames():
            if self.for_filename(frame.f_code.co_filename) is not None and frame.f_trace is None:
                frame.f_trace = self._local

    def watch_frame(self, frame: FrameType) -> None:
        frame.f_trace = self._local

    def mode_changed(self) -> None:
        if not self.dbg.exceptions.watching and not self.dbg.steps:
            self._unwinding.clear()
        if self.dbg.trace_all or self.dbg.step_in:
            is_agent = self.dbg.filter.is_agent
            for frame in self._all_frames():
                if frame.f_trace is None and not is_agent(frame.f_code):
                    frame.f_trace = self._local
