"""sys.monitoring backend (PEP 669, Python 3.12+).

LINE events are enabled only on code objects of files that hold breakpoints (found at PY_START,
which is then DISABLEd for every other code object) and on frames being stepped; every line
without a breakpoint DISABLEs itself after its first event, so untouched code runs at full speed.
"""
from __future__ import annotations

import sys
from threading import get_ident
from types import CodeType, FrameType
from typing import Any, Dict, Optional, Set, Tuple

from ..breakpoints import plain_condition
from .base import NO_LINE, UNKNOWN, Backend, TracerHost
from .interrupts import from_signal_handler, program_tail, strip_after

mon = sys.monitoring  # type: ignore[attr-defined]
E = mon.events
DISABLE = mon.DISABLE
STEP_LOCAL = E.LINE | E.PY_RETURN | E.PY_YIELD
DATA_LOCAL = E.LINE | E.PY_RETURN  # code that may change a watched value: its lines and its returns
getframe = sys._getframe


class MonitoringBackend(Backend):
    name = "monitoring"

    def __init__(self, debugger: TracerHost) -> None:
        self.dbg = debugger
        self.for_filename = debugger.breakpoints.for_filename
        self.by_raw_filename = debugger.breakpoints.by_raw_filename
        self.last_line: Tuple[Optional[CodeType], int, Any] = NO_LINE  # the last line event's breakpoints
        self.tool = -1
        self.watched: Set[CodeType] = set()
        self.watched_ids: Set[int] = set()  # id() of watched codes: hashing a code object is slow
        self.data = debugger.data
        self.data_codes = debugger.data.codes  # id(code) -> what its lines check (cleared, never replaced)
        self.data_events: Dict[int, CodeType] = {}  # codes given DATA_LOCAL events, to take back
        # a program's exception pdap re-raises from a callback, until its RAISE event in the
        # program's frame takes pdap's frames out of its traceback
        self._reraising: Optional[BaseException] = None

    def install(self) -> None:
        for tool in (mon.DEBUGGER_ID, 1, 2, 3, 4):  # another debugger may hold the usual id
            if mon.get_tool(tool) is None:
                mon.use_tool_id(tool, "pdap")
                self.tool = tool
                break
        else:
            raise RuntimeError("every sys.monitoring tool id is taken by other tools")
        tool = self.tool
        mon.register_callback(tool, E.PY_START, self._start)
        mon.register_callback(tool, E.LINE, self._line)
        mon.register_callback(tool, E.PY_RETURN, self._return)
        mon.register_callback(tool, E.PY_YIELD, self._yield)
        mon.register_callback(tool, E.PY_UNWIND, self._unwind)
        mon.register_callback(tool, E.RAISE, self._raise)
        self._set_global_events()
        self.breakpoints_changed()

    # ----- hot path ----------------------------------------------------------------------------
    def _start(self, code: CodeType, offset: int) -> Any:
        try:
            dbg = self.dbg
            if dbg.filter.is_agent(code):
                return DISABLE  # pdap's own functions never need events, even while all-stop traces widely
            if dbg.function_breakpoints.active:
                frame = sys._getframe(1)
                if dbg.function_start(frame):
                    return None  # keep reporting this function's starts
            # also while LINE is on globally (stepping in, all-stop): that ends, this code's
            # breakpoints stay (a module stopped on entry, then continued, reaches its breakpoint)
            if self.for_filename(code.co_filename) is not None:
                mon.set_local_events(self.tool, code, mon.get_local_events(self.tool, code) | E.LINE)
            if self.data.active and self.data.classify(code):
                self._data_events(code)
        except BaseException as exc:
            if not isinstance(exc, Exception) or from_signal_handler(exc):
                raise self._interrupted(exc)  # noqa: B904  # a signal handler's: the program's
            self.dbg.fault("a function start", exc)  # a fault in pdap never reaches the program
        # LINE events stay on where set; this code's later starts need no callback (breakpoint
        # changes call restart_events, which brings PY_START back once per code object)
        return DISABLE

    def _line(self, code: CodeType, line: int) -> Any:
        try:
            dbg = self.dbg
            if self.data_codes and id(code) in self.data_codes:
                if dbg.on_data_line(getframe(1), line):
                    return None  # stopped after the line that changed a watched value
                if self.data.rearm:
                    self.data.rearm = False
                    mon.restart_events()  # a writer line runs: the line after it must report
            last = self.last_line
            if last[0] is code and last[1] == line:
                hit = last[2]  # a hot line: its breakpoints without two lookups
            else:
                table: Any = self.by_raw_filename.get(code.co_filename, UNKNOWN)
                if table is UNKNOWN:
                    table = self.for_filename(code.co_filename)
                hit = table.get(line) if table is not None else None
                self.last_line = (code, line, hit)  # one tuple: threads may race here
            if hit is None:
                if not dbg.trace_all and not dbg.step_in and id(code) not in self.watched_ids:
                    if id(code) in self.data_codes and self.data.line_needed(code, line):
                        return None  # its lines check a data breakpoint
                    return DISABLE  # no breakpoint here and no step watches this code: until restart_events
            elif not dbg.steps and not dbg.trace_all:
                # a plain condition on a hot line: its compiled test, inline (see LineHits)
                if hit.test_code is code:
                    try:
                        false = not hit.test(getframe(1).f_locals)  # type: ignore[misc]  # set with test_code
                    except Exception:
                        false = None  # evaluated again below, where the error is shown
                else:
                    held = plain_condition(hit, code, getframe(1))
                    false = None if held is None else not held
                if false:
                    return None
                if false is False:
                    return self._on_line(hit, True)
            if dbg.filter.is_agent(code):
                return DISABLE
            if hit is None and get_ident() in dbg.agent_threads:
                return None  # library code run by pdap during a stop (os.path…): only a user thread may stop there
            return self._on_line(hit, False)
        except BaseException as exc:
            if not isinstance(exc, Exception) or from_signal_handler(exc):
                raise self._interrupted(exc)  # noqa: B904  # a signal handler's: the program's
            self.dbg.fault("a line event", exc)  # a fault in pdap never reaches the program
            return DISABLE

    def _interrupted(self, exc: BaseException) -> BaseException:
        """An exception from a signal handler (or one a stop kept) inside a callback: raised into
        the program's frame (monitoring stays on), where its RAISE event takes pdap's frames out
        of its traceback."""
        filter = self.dbg.filter
        exc.with_traceback(program_tail(exc.__traceback__, filter.is_agent, filter.is_user))
        self._reraising = exc
        self._set_global_events()
        return exc

    def _on_line(self, hit: Any, condition_held: bool) -> Any:
        self.dbg.on_line(sys._getframe(2), hit, condition_held)
        return None

    def _return(self, code: CodeType, offset: int, value: Any) -> Any:
        if self.data_codes and id(code) in self.data_codes:
            try:
                self.dbg.on_data_return(getframe(1))
            except BaseException as exc:  # a signal handler's exception (or one a stop kept): the program's
                raise self._interrupted(exc)  # noqa: B904  # the program's own exception, as it was (no __cause__ set)
        if self.dbg.steps:
            self._leave("return", value)
        return None

    def _yield(self, code: CodeType, offset: int, value: Any) -> Any:
        if self.dbg.steps:
            self._leave("yield")
        return None

    def _unwind(self, code: CodeType, offset: int, exc: BaseException) -> Any:
        try:
            dbg = self.dbg
            if dbg.data.locals:
                dbg.on_data_unwind(sys._getframe(1))
            if dbg.exceptions.user_unhandled:
                dbg.on_exception_unwind(sys._getframe(1), exc)
            if dbg.steps:
                self.dbg.on_leave(sys._getframe(1), "unwind")
        except BaseException as raised:  # a signal handler's exception: the program's
            raise self._interrupted(raised)  # noqa: B904  # the program's own exception, as it was (no __cause__ set)
        return None

    def _raise(self, code: CodeType, offset: int, exc: BaseException) -> Any:
        try:
            if exc is self._reraising:
                self._reraising = None
                strip_after(exc.__traceback__, self.dbg.filter.is_agent)
                self._set_global_events()
            dbg = self.dbg
            if dbg.exceptions.raised:
                dbg.on_exception_raised(sys._getframe(1), exc)
        except BaseException as raised:  # a signal handler's exception: the program's
            raise self._interrupted(raised)  # noqa: B904  # the program's own exception, as it was (no __cause__ set)
        return None

    def _leave(self, kind: str, value: Any = None) -> None:
        try:
            self.dbg.on_leave(sys._getframe(2), kind, value)
        except BaseException as exc:  # a signal handler's exception (or one a stop kept): the program's
            raise self._interrupted(exc)  # noqa: B904  # the program's own exception, as it was (no __cause__ set)

    # ----- instrumentation changes (rare) --------------------------------------------------------
    def _set_global_events(self) -> None:
        dbg = self.dbg
        events = E.PY_START
        if dbg.trace_all or dbg.step_in:
            events |= E.LINE
        if dbg.steps or dbg.exceptions.user_unhandled or dbg.data.locals:
            events |= E.PY_UNWIND
        if dbg.exceptions.raised or self._reraising is not None:
            events |= E.RAISE
        mon.set_events(self.tool, events)

    def breakpoints_changed(self) -> None:
        self.last_line = NO_LINE
        if self.tool < 0:
            return
        self._watch_running_breakpoints()
        self._watch_data()
        self._set_global_events()
        mon.restart_events()

    def _data_events(self, code: CodeType) -> None:
        self.data_events[id(code)] = code
        mon.set_local_events(self.tool, code, mon.get_local_events(self.tool, code) | DATA_LOCAL)

    def _base_events(self, code: CodeType) -> int:
        """The local events a code object keeps when no step watches it."""
        events = E.LINE if self.for_filename(code.co_filename) is not None else 0
        if id(code) in self.data_codes:
            events |= DATA_LOCAL
        return events

    def _watch_data(self) -> None:
        """Data breakpoints changed: codes that no longer check one lose their events; running
        frames whose code may change a watched value get them (new code objects at PY_START)."""
        for key, code in list(self.data_events.items()):
            if key not in self.data_codes:
                del self.data_events[key]
                keep = self._base_events(code) | (STEP_LOCAL if key in self.watched_ids else 0)
                mon.set_local_events(self.tool, code, keep)
        if not self.data.active:
            return
        for code, _ in list(self.data_codes.values()):
            self._data_events(code)
        agent = self.dbg.agent_threads
        for ident, frame in sys._current_frames().items():
            if ident in agent:
                continue
            while frame is not None:
                if self.data.classify(frame.f_code):
                    self._data_events(frame.f_code)
                frame = frame.f_back

    def _watch_running_breakpoints(self) -> None:
        """LINE events for every running frame whose file holds breakpoints."""
        agent = self.dbg.agent_threads
        for ident, frame in sys._current_frames().items():
            if ident in agent:
                continue
            while frame is not None:
                code = frame.f_code
                if self.for_filename(code.co_filename) is not None:
                    mon.set_local_events(self.tool, code, mon.get_local_events(self.tool, code) | E.LINE)
                frame = frame.f_back

    def watch_frame(self, frame: FrameType) -> None:
        code = frame.f_code
        self.watched.add(code)
        self.watched_ids.add(id(code))
        mon.set_local_events(self.tool, code, mon.get_local_events(self.tool, code) | STEP_LOCAL)
        self._set_global_events()
        mon.restart_events()

    def mode_changed(self) -> None:
        if self.tool < 0:
            return
        if not self.dbg.steps and self.watched:
            for code in self.watched:
                mon.set_local_events(self.tool, code, self._base_events(code))
            self.watched.clear()
            self.watched_ids.clear()
        if not (self.dbg.trace_all or self.dbg.step_in):
            self._watch_running_breakpoints()  # frames that started while LINE was global
        self._set_global_events()
        mon.restart_events()
