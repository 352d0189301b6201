"""sys.settrace backend (every Python; the default before 3.12).

The global trace function runs once per new frame and returns None, so the frame runs untraced,
unless its file holds a breakpoint, a thread steps into user code, or all threads must stop.
"""
from __future__ import annotations

import dis
import functools
import sys
import threading
from types import CodeType, FrameType
from typing import Any, Callable, Dict, Optional, Tuple

from ..breakpoints import plain_condition
from ..sources import code_lines
from .base import NO_CODE, UNKNOWN, Backend, TracerHost
from .interrupts import (
    FrameGuard,
    Rearm,
    from_signal_handler,
    program_tail,
    strip_after,
    switch_off_watch,
)

# a generator's 'return' event is a real return only at one of these (at a yield, f_lasti is on the
# yield, before a 3.9-3.10 YIELD_FROM, or on the RESUME after it on 3.13)
_RETURN_OPS = {dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST") if name in dis.opmap}
# a resumed generator's f_lasti at its 'call' event: on its yield, or just before the YIELD_FROM it
# resumes (3.9-3.10), or on the RESUME after its yield (3.11+), whose argument says which yield
# (2: a yield from, 3: an await)
_YIELD_FROM = dis.opmap.get("YIELD_FROM", -1)
_RESUME = dis.opmap.get("RESUME", -1)
# CO_GENERATOR, CO_COROUTINE, CO_ITERABLE_COROUTINE, CO_ASYNC_GENERATOR
_GENERATOR_FLAGS = 0x0020 | 0x0080 | 0x0100 | 0x0200


_audit_hook_added = False  # audit hooks cannot be removed: one per process, inert when not installed


class SettraceBackend(Backend):
    name = "settrace"

    def __init__(self, debugger: TracerHost) -> None:
        self.dbg = debugger
        self.for_filename = debugger.breakpoints.for_filename
        self.by_raw_filename = debugger.breakpoints.by_raw_filename
        self.data = debugger.data
        self.data_codes = debugger.data.codes  # id(code) -> what its lines check (cleared, never replaced)
        # per thread: the frame an exception is passing through, until a line runs there or it returns
        self._unwinding: Dict[int, Tuple[FrameType, BaseException]] = {}
        # id(code) -> whether its frames are traced: decided once per code object
        # and breakpoint version (an id lookup: hashing a code object hashes its bytecode)
        self._frame_tracer: Dict[int, bool] = {}
        self._decided_codes: Dict[int, CodeType] = {}  # holding each code keeps its id unique
        self._decided_version = -1
        local = self._local
        partial = functools.partial  # held here: module globals are gone late in interpreter shutdown
        guard = FrameGuard

        def new_tracer() -> Any:
            """A traced frame's f_trace: _local, holding the frame's own FrameGuard. Only this
            object holds the guard (the tracer's own frame, kept by a traceback, holds the
            backend, never the guard); a plain partial calls as fast as a bound method."""
            tracer = partial(local)
            tracer.guard = guard(self)  # type: ignore[attr-defined]
            return tracer

        self.new_tracer = new_tracer
        # the last line event's code and its file's breakpoints
        self.last_code: Tuple[Optional[CodeType], Any] = NO_CODE
        self.global_tracer: Optional[Callable[[FrameType, str, Any], Optional[Any]]] = None
        # per thread: a program's exception pdap re-raised from its tracer, until its 'exception'
        # event takes pdap's frames out of its traceback
        self._reraised: Dict[int, BaseException] = {}
        # per thread: a signal handler's exception taken at the resumption of a `yield from`, for the
        # generator it delegates to (plain Python does not check for signals at that resumption)
        self._for_delegate: Dict[int, BaseException] = {}

    def install(self) -> None:
        global _audit_hook_added
        tracer = self.global_tracer = self._global_tracer()
        if not _audit_hook_added:
            _audit_hook_added = True
            sys.addaudithook(switch_off_watch(self))
        settrace_all = getattr(threading, "settrace_all_threads", None)
        if settrace_all is not None:
            settrace_all(tracer)  # also threads that already run (3.12+)
        else:
            threading.settrace(tracer)
        self.reinstall()
        self.breakpoints_changed()

    def reinstall(self) -> None:
        """This thread's trace function: every thread's is the same object, installed again as that
        object, so a program that compares sys.gettrace() before and after (regrtest) sees no change."""
        sys.settrace(self.global_tracer)

    # ----- hot path ----------------------------------------------------------------------------
    def _global_tracer(self) -> Callable[[FrameType, str, Any], Optional[Any]]:
        """The trace function every new frame of the program goes through: a closure over what it
        reads, so that the common case (a code object decided before) is one dict lookup."""
        dbg = self.dbg
        decided = self._frame_tracer.get  # the dict is cleared, never replaced
        decide = self._decide
        call_wide = self._call_wide
        interrupted = self._interrupted
        new_tracer = self.new_tracer
        owned_by_program = self._owned_by_program

        def call(frame: FrameType, event: str, arg: Any) -> Optional[Any]:
            try:
                if dbg.wide:
                    return call_wide(frame)
                traced = decided(id(frame.f_code), UNKNOWN)
                if traced is UNKNOWN:
                    return decide(frame.f_code, frame)
                return new_tracer() if traced else None
            except BaseException as exc:
                if exc.__class__ is RecursionError:
                    return None  # at the limit (pdap's frames count): the program hits it a call later
                if not owned_by_program(exc):
                    return None  # pdap's fault (reported), or late in shutdown: the frame runs untraced
                if frame.f_lasti > 0:
                    return resumed(frame, exc)  # a generator resumed: the exception goes inside it
                interrupted(frame, exc, None)
                raise exc  # with the traceback _interrupted gave it (a bare raise keeps the old one)

        resumed = self._resumed
        return call

    def _tracer_for(self, frame: FrameType) -> Optional[Any]:
        """What the global tracer decides for a new frame, outside its fast path."""
        if self.dbg.wide:
            return self._call_wide(frame)
        traced = self._frame_tracer.get(id(frame.f_code), UNKNOWN)
        if traced is UNKNOWN:
            return self._decide(frame.f_code)
        return self.new_tracer() if traced else None

    def _resumed(self, frame: FrameType, exc: BaseException) -> Optional[Any]:
        """A signal handler's exception taken in the 'call' event of a resumed generator goes where
        plain Python raises it: inside the generator, where its handlers see it (raised from a
        'call' event, 3.9-3.10 would end the frame instead), or, at the resumption of a `yield from`,
        inside the generator it delegates to, whose 'call' event comes next."""
        tracer = self._tracer_for(frame)
        code = frame.f_code.co_code
        lasti = frame.f_lasti
        after = code[lasti + 2] if lasti + 2 < len(code) else -1
        if after == _YIELD_FROM or (code[lasti] == _RESUME and code[lasti + 1] & 3 >= 2):
            self._for_delegate[threading.get_ident()] = exc
            sys.settrace(self._to_delegate)  # this thread's next new frame; it puts the tracer back
            return tracer
        return self._raise_inside(frame, exc, tracer)

    def _raise_inside(self, frame: FrameType, exc: BaseException, tracer: Optional[Any]) -> Any:
        """The frame's tracer until its first instruction, where it raises exc (an error from a
        local trace event goes through the frame's own exception handlers)."""
        frame.f_trace_opcodes = True

        def at_first_instruction(frame: FrameType, event: str, arg: Any) -> Any:
            frame.f_trace_opcodes = False
            self._interrupted(frame, exc, tracer if tracer is not None else self.strip_once)
            raise exc

        return at_first_instruction

    def _to_delegate(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        """This thread's trace function for one new frame: the generator a `yield from` resumed."""
        exc = self._for_delegate.pop(threading.get_ident(), None)
        self.reinstall()
        tracer = self._tracer_for(frame)
        if exc is None:
            return tracer
        if frame.f_lasti > 0:
            return self._resumed(frame, exc)
        self._interrupted(frame, exc, None)
        raise exc

    def _owned_by_program(self, exc: BaseException) -> bool:
        """Whether an exception caught in pdap's tracer is the program's (a signal handler's);
        otherwise it is pdap's fault, reported to the client."""
        try:
            if not isinstance(exc, Exception) or from_signal_handler(exc):
                return True
            self.dbg.fault("a new frame", exc)
        except Exception:  # noqa: BLE001 - late in interpreter shutdown, module globals are None
            pass
        return False

    def _interrupted(self, frame: FrameType, exc: BaseException, tracer: Any) -> None:
        """An exception from a signal handler (or a stop that kept one) inside pdap's tracer: raise
        it into the program's frame, keep tracing on, and take pdap's frames out of its traceback."""
        filter = self.dbg.filter
        self._reraised[threading.get_ident()] = exc
        exc.with_traceback(program_tail(exc.__traceback__, filter.is_agent, filter.is_user))
        # a new frame (tracer None): its caller gets the 'exception' event that cleans the traceback
        frame.f_trace = Rearm(  # type: ignore[assignment]  # a callable object
            self, frame, tracer, None if tracer is not None else self.strip_once)

    def _strip_reraised(self, arg: Any) -> None:
        """The 'exception' event of an exception that came out of pdap's tracer (re-raised, or
        raised at its very first instruction): its traceback starts here; pdap's part goes."""
        ident = threading.get_ident()
        if self._reraised.get(ident) is arg[1]:
            del self._reraised[ident]
        strip_after(arg[2], self.dbg.filter.is_agent)

    def strip_once(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        """The tracer Rearm gives an untraced caller for the exception's arrival, then takes back."""
        try:
            if event == "exception":
                self._strip_reraised(arg)
            frame.f_trace = None
        except Exception as exc:  # a fault in pdap never reaches the program
            self.dbg.fault("an interrupted call", exc)
        return None

    def _decide(self, code: CodeType, frame: Optional[FrameType] = None) -> Optional[Any]:
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
            if not holds and self.data.active:
                holds = self.data.classify(code)  # its lines check a data breakpoint
            recorder = self.dbg.recorder
            if not holds and recorder is not None:
                holds = recorder.in_scope(code, frame)  # step back records this code's events
            self._frame_tracer[id(code)] = holds
            self._decided_codes[id(code)] = code
            return self.new_tracer() if holds else None
        except Exception as exc:  # a fault in pdap never reaches the program
            if exc.__class__ is RecursionError:
                return None  # at the limit (pdap's frames count), not a fault: decided at the next call
            if from_signal_handler(exc):
                raise  # the program's: the global tracer gives it back
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
                return self.new_tracer()
        if dbg.trace_all or dbg.step_in or self.for_filename(code.co_filename) is not None:
            return self.new_tracer()
        if dbg.data.active and dbg.data.classify(code):
            return self.new_tracer()
        if dbg.recorder is not None and dbg.recorder.in_scope(code, frame):
            return self.new_tracer()
        if dbg.exceptions.watching and (not dbg.just_my_code or dbg.filter.is_user(code)):
            return self.new_tracer()
        return None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Optional[Any]:
        try:
            dbg = self.dbg
            recorder = dbg.recorder
            # step back's recording, before any stop: the frame's code when it is recorded (read
            # there without frame.f_code, which is audited: a call of the audit hook each time)
            recorded = recorder.trace_event(frame, event, arg) if recorder is not None else None
            if event == "line":
                code = recorded if recorded is not None else frame.f_code
                if self.data_codes and id(code) in self.data_codes:
                    found = self.data.changed(frame, frame.f_lineno)
                    if found is not None and dbg.on_data_change(frame, found):
                        return frame.f_trace  # stopped after the line that changed a watched value
                    if not dbg.wide and not dbg.steps and not self._unwinding and \
                            self.by_raw_filename.get(code.co_filename, UNKNOWN) is None:
                        return frame.f_trace  # no breakpoint in its file, no step: nothing more here
                last = self.last_code
                if last[0] is code:
                    table = last[1]  # a hot loop: its file's breakpoints without a lookup
                else:
                    table: Any = self.by_raw_filename.get(code.co_filename, UNKNOWN)
                    if table is UNKNOWN:
                        table = self.for_filename(code.co_filename)
                    self.last_code = (code, table)  # one tuple: threads may race here
                hit = table.get(frame.f_lineno) if table is not None else None
                held = None
                if hit is not None and not dbg.steps and not dbg.trace_all:
                    # a plain condition on a hot line: its compiled test, inline (see LineHits)
                    if hit.test_code is code:
                        try:
                            held = bool(hit.test(frame.f_locals))  # type: ignore[misc]  # set with test_code
                        except Exception:
                            held = None  # evaluated again by on_line, where the error is shown
                    else:
                        held = plain_condition(hit, code, frame)
                    if held is False:
                        return frame.f_trace
                if hit is not None or dbg.steps or dbg.trace_all:
                    dbg.on_line(frame, hit, held is True)
                elif recorded is None and table is None and not dbg.wide and id(code) not in self.data_codes:
                    frame.f_trace = None  # nothing to watch here any more: run untraced
                    return None
                if self._unwinding and self._unwinding.get(threading.get_ident(), (None,))[0] is frame:
                    del self._unwinding[threading.get_ident()]  # the exception was handled here
            elif event == "exception":
                self._strip_reraised(arg)
                self._on_exception(frame, arg[1])
            elif event == "return":
                if self.data_codes and id(frame.f_code) in self.data_codes:
                    dbg.on_data_return(frame)  # may start a step that stops in the caller
                if self._unwinding:
                    pending = self._unwinding.pop(threading.get_ident(), None)
                    if pending is not None and pending[0] is frame and dbg.exceptions.user_unhandled:
                        dbg.on_exception_unwind(frame, pending[1])
                    if dbg.steps:
                        self._leave(frame, arg, pending is not None and pending[0] is frame)
                elif dbg.steps:
                    self._leave(frame, arg, False)
            return frame.f_trace
        except BaseException as exc:
            if exc.__class__ is RecursionError:
                return frame.f_trace  # at the limit (pdap's frames count): the program hits it a call later
            if isinstance(exc, Exception) and not from_signal_handler(exc):
                self.dbg.fault("a traced event", exc)  # a fault in pdap never reaches the program
                return frame.f_trace
            self._interrupted(frame, exc, self.new_tracer())  # a signal handler's: the program's
            raise exc  # with the traceback _interrupted gave it (a bare raise keeps the old one)

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
        data = self.data.active
        for frame in self._all_frames():
            checks = data and self.data.classify(frame.f_code)  # every running frame's code: tracing or not
            if frame.f_trace is None and (checks or self.for_filename(frame.f_code.co_filename) is not None):
                frame.f_trace = self.new_tracer()

    def watch_frame(self, frame: FrameType) -> None:
        frame.f_trace = self.new_tracer()

    def recording_changed(self) -> None:
        self._frame_tracer.clear()  # new frames are decided again, with the recorder's scope
        recorder = self.dbg.recorder
        if recorder is not None:
            for frame in recorder.running_frames():
                if frame.f_trace is None:
                    frame.f_trace = self.new_tracer()

    def mode_changed(self) -> None:
        if not self.dbg.exceptions.watching and not self.dbg.steps:
            self._unwinding.clear()
        if self.dbg.trace_all or self.dbg.step_in:
            is_agent = self.dbg.filter.is_agent
            for frame in self._all_frames():
                if frame.f_trace is None and not is_agent(frame.f_code):
                    frame.f_trace = self.new_tracer()

