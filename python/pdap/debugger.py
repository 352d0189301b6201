"""The debugger core: threads, stops, stepping and the requests that read a stopped program.

Backends call on_line / on_leave from the traced threads; the agent's reader thread calls the
request methods. One condition variable guards the stop state.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import sys
import threading
from types import FrameType
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from . import evaluation, isolation, log, variables
from .backends.interrupts import from_signal_handler
from .breakpoints import Breakpoint, BreakpointTable, check_hit
from .data_breakpoints import DataBreakpoint, DataBreakpoints
from .errors import BAD_ARGUMENTS, WRONG_STATE, RequestError, UnknownReference
from .exceptions import ExceptionFilters, exception_info
from .function_breakpoints import FunctionBreakpoint, FunctionBreakpoints
from .goto import Jump
from .sources import CodeFilter, canonical

CO_COROUTINE = 0x0080
CO_ITERABLE_COROUTINE = 0x0100
CO_ASYNC_GENERATOR = 0x0200
ASYNC_FLAGS = CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR

Send = Callable[[str, Dict[str, Any]], None]
Handler = Callable[..., Any]


def tracer_event(where: str) -> Callable[[Handler], Handler]:
    """For the entry points the backends call from the program's threads: a fault inside pdap is
    reported to the client and never raised into the program (BaseException, such as a
    KeyboardInterrupt while stopped, still reaches the program)."""

    def wrap(handler: Handler) -> Handler:
        def guarded(self: "Debugger", *args: Any) -> Any:
            try:
                return handler(self, *args)
            except Exception as exc:
                if from_signal_handler(exc):
                    raise  # the program's signal handler raised it: the backend gives it back
                self.fault(where, exc)
                return None

        guarded.__doc__ = handler.__doc__
        return guarded

    return wrap


def _count_arg(args: Dict[str, Any], name: str) -> int:
    """stackTrace's startFrame and levels: a non-negative integer, absent meaning 0."""
    value = args.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RequestError("'%s' must be a non-negative integer" % name, BAD_ARGUMENTS)
    return value


class Step:
    """One thread's step request.

    stop_frame: stop on the next line of this frame. watch_frame: when it exits, move up.
    any_user: stop on the next line of any user code (step in, or after leaving into library code).
    """

    __slots__ = ("kind", "stop_frame", "watch_frame", "any_user", "reason", "hit_ids", "text")

    def __init__(self, kind: str, frame: Optional[FrameType], reason: str = "step",
                 hit_ids: Optional[List[int]] = None, text: Optional[str] = None) -> None:
        self.kind = kind
        self.any_user = kind == "in"
        self.stop_frame = frame if kind == "over" else None
        self.watch_frame = frame
        self.reason = reason  # what the client is told when this step stops
        self.hit_ids = hit_ids
        self.text = text  # a data breakpoint's change, for the stop it makes


class ThreadStop:
    """Where a stopped (or held) thread is. `trace` replaces the live stack for an uncaught
    exception, whose frames have finished: (frame, line) pairs from the traceback, innermost first."""

    __slots__ = ("frame", "reason", "exception", "break_mode", "trace", "handled_exception")

    def __init__(self, frame: FrameType, reason: str, exception: Optional[BaseException] = None,
                 break_mode: str = "", trace: Optional[List[Tuple[FrameType, int]]] = None) -> None:
        self.frame = frame
        self.reason = reason
        self.exception = exception
        self.break_mode = break_mode
        self.trace = trace
        # the exception being handled where the thread stopped (sys.exc_info() there; 3.9 has no other way)
        self.handled_exception = sys.exc_info()[1]


class Debugger:
    def __init__(self, send: Send, backend: str = "") -> None:
        self.send = send
        self.has_client: Callable[[], bool] = lambda: True  # the agent tells whether a client is linked
        self.filter = CodeFilter()
        self.breakpoints = BreakpointTable()
        self.breakpoints.on_changed = lambda bp: self.send("breakpoint",
                                                           {"reason": "changed", "breakpoint": bp.to_dap()})
        self.function_breakpoints = FunctionBreakpoints()
        self.exceptions = ExceptionFilters()
        self.data = DataBreakpoints(self)
        # (exception, break mode) of the last exception stop: each filter stops once per exception
        self._last_reported: Tuple[Optional[BaseException], str] = (None, "")
        self.just_my_code = True
        self.show_return_value = True  # keep what a stepped-over function returned (Return Value scope)
        self.cond = threading.Condition(threading.RLock())
        self.suspended = False  # a stop is on the client's screen
        self.run_generation = 0
        self.pause_requested = False
        self.pause_target: Optional[int] = None  # the thread a pause request named, if it runs Python
        self.trace_all = False  # every thread must report its next line (pause / all-stop)
        self.step_in = False  # some thread steps into any user code
        # any rarely-on mode that makes tracers look at every new frame (settrace's fast path tests this)
        self.wide = False
        self.steps: Dict[int, Step] = {}
        self.stops: Dict[int, ThreadStop] = {}  # threads stopped or held, by ident
        self.jumps: Dict[int, Jump] = {}  # goto: a stopped thread's next line, for it to set (goto.py)
        # threads running pdap's code outside a tracer callback (stopping, holding, sending), by depth:
        # their lines are pdap's, never the program's, and must not be traced
        self.inside: Dict[int, int] = {}
        # thread ident -> (function name, value) of the function a step just returned from
        self.return_values: Dict[int, Tuple[str, Any]] = {}
        # thread ident -> what a signal handler raised while the thread waited in a stop: the
        # program's, raised in its frame once the thread is resumed
        self.deferred: Dict[int, BaseException] = {}
        self.agent_threads: set = set()
        self.recorder: Any = None  # step back's Recorder while it records through this backend (settrace)
        # called as the program is resumed, on pdap's thread (step back: a stop may have changed locals)
        self.resume_hooks: List[Callable[[], None]] = []
        self._sources: Dict[str, Dict[str, Any]] = {}
        self._thread_ids: Dict[int, int] = {}
        self._next_thread_id = itertools.count(1)
        self.frames = variables.Handles()
        self.refs = variables.Handles()
        with isolation.imports():  # the backend's modules load here, after pdap's own import
            from .backends import create
            self.backend = create(self, backend)

    # ----- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.thread_id(threading.main_thread().ident or 0)
        self.backend.install()
        self._hook_thread_lifecycle()

    def _hook_thread_lifecycle(self) -> None:
        """`thread` started/exited events, sent from the thread itself as it begins and ends."""
        original = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]
        debugger = self

        def bootstrap_inner(thread: threading.Thread) -> None:
            if thread.name.startswith("pdap."):
                return original(thread)
            debugger._stop_before_thread_excepthook(thread)
            ident = threading.get_ident()
            debugger.send("thread", {"reason": "started", "threadId": debugger.thread_id(ident)})
            try:
                original(thread)
            finally:
                tid = debugger._thread_ids.pop(ident, None)  # the ident may be reused by a new thread
                if tid is not None:
                    debugger.send("thread", {"reason": "exited", "threadId": tid})

        threading.Thread._bootstrap_inner = bootstrap_inner  # type: ignore[attr-defined]

    def _stop_before_thread_excepthook(self, thread: threading.Thread) -> None:
        """An exception that ends a thread stops before threading reports it. The thread's own
        (private) invoker is wrapped, so threading.excepthook stays the program's."""
        invoke = getattr(thread, "_invoke_excepthook", None)
        if invoke is None:
            return

        def stop_then_invoke(t: threading.Thread) -> None:
            exc = sys.exc_info()[1]  # called from the except clause around run()
            if exc is not None and not isinstance(exc, SystemExit):
                try:
                    self.on_uncaught(exc)
                except Exception as err:
                    self.fault("uncaught exception in a thread", err)
            invoke(t)

        thread._invoke_excepthook = stop_then_invoke  # type: ignore[attr-defined]

    def reset_client_state(self) -> None:
        """The client went away: forget its breakpoints and steps, and let every thread run."""
        with self.cond:
            self.breakpoints.clear()
            self.function_breakpoints.clear()
            self.exceptions.clear()
            self.data.clear()
            self.steps.clear()
            self.pause_requested = False
            self._resume_all()
            self._update_modes(force=True)
        self.backend.breakpoints_changed()

    def step_in_at_start(self) -> None:
        """stopOnEntry: stop at the first line of user code in the main thread."""
        with self.cond:
            self.steps[threading.get_ident()] = Step("in", None, "entry")
            self._update_modes()

    # ----- thread ids ------------------------------------------------------------------------
    def thread_id(self, ident: int) -> int:
        tid = self._thread_ids.get(ident)
        if tid is None:
            tid = self._thread_ids[ident] = next(self._next_thread_id)
        return tid

    def ident_of(self, tid: Any) -> int:
        for ident, known in self._thread_ids.items():
            if known == tid:
                return ident
        raise UnknownReference("unknown threadId %r" % (tid,))

    # ----- events from the backends ----------------------------------------------------------
    @tracer_event("line event")
    def on_line(self, frame: FrameType, bps: Optional[List[Breakpoint]], condition_held: bool = False) -> None:
        """A line is about to run in a frame the backend was asked to watch (the slow path)."""
        ident = threading.get_ident()
        if ident in self.agent_threads or ident in self.inside:
            return  # pdap's own threads, and a thread already inside a stop (running pdap's code)
        if bps and self._breakpoints_stop(frame, bps, "breakpoint", condition_held):
            return
        step = self.steps.get(ident)
        if step is not None and self._step_done(step, frame):
            self.stop(frame, step.reason, hit_ids=step.hit_ids, text=step.text, quiet=True)
            return
        if self.trace_all and frame.f_code is not None and not self.filter.is_agent(frame.f_code):
            self._hold(ident, frame)

    def on_data_line(self, frame: FrameType, line: int) -> bool:
        """A line of a code object that may change a watched value: stop here (after the line that
        changed it) if one changed and its conditions hold."""
        try:
            found = self.data.changed(frame, line)
        except Exception as exc:  # a fault in pdap never reaches the program
            self.fault("data breakpoint check", exc)
            return False
        return found is not None and self.on_data_change(frame, found)

    def on_data_change(self, frame: FrameType, found: Tuple[DataBreakpoint, str]) -> bool:
        """A watched value changed, seen at this line (the backends' fast path calls this directly)."""
        ident = threading.get_ident()
        if ident in self.agent_threads or ident in self.inside:
            return False
        bp, text = found
        self.stop(frame, "data breakpoint", hit_ids=[bp.id], text=text, quiet=True)
        return True

    @tracer_event("data breakpoint check")
    def on_data_return(self, frame: FrameType) -> None:
        """A checked code object returns: a change on its last line stops in the caller, at the
        call site (as a step out would); the watches of its frame's locals end."""
        ident = threading.get_ident()
        if ident in self.agent_threads or ident in self.inside:
            return
        found = self.data.changed(frame, -1)
        if self.data.locals:
            for bp in self.data.frame_gone(frame):
                self.send("breakpoint", {"reason": "changed", "breakpoint": bp.to_dap()})
        if found is not None:
            self.stop_after_line(frame, found[0].id, found[1])

    def on_data_unwind(self, frame: FrameType) -> None:
        """An exception leaves a frame: the watches of its locals end."""
        try:
            for bp in self.data.frame_gone(frame):
                self.send("breakpoint", {"reason": "changed", "breakpoint": bp.to_dap()})
        except Exception as exc:
            self.fault("data breakpoint check", exc)

    def stop_after_line(self, frame: FrameType, bp_id: int, text: str) -> None:
        """A watched value changed in this frame's current line: stop when the line is done (its
        next line, or its caller's call site if it returns)."""
        step = Step("over", frame, "data breakpoint", [bp_id], text)
        if self.just_my_code and not self.filter.is_user(frame.f_code):
            step.any_user = True  # library code changed it: stop at the next line of the program's code
            step.stop_frame = None
        with self.cond:
            self.steps[threading.get_ident()] = step
            self._update_modes()
        self.backend.watch_frame(frame)

    def set_data_breakpoints(self, specs: List[Dict[str, Any]]) -> List[DataBreakpoint]:
        with self.cond:
            bps = self.data.set(specs)
            self.breakpoints.version += 1  # tracers decide each code object again
        self.backend.breakpoints_changed()
        return bps

    def _breakpoints_stop(self, frame: FrameType, bps: List[Any], reason: str, condition_held: bool = False) -> bool:
        """Counts hits, prints logpoints, and stops for the first breakpoint whose conditions hold."""
        for bp in bps:
            verdict = check_hit(bp, frame, condition_held)
            if verdict is None:
                continue
            if bp.log_message is not None:
                self.send("output", {"category": "console",
                                     "output": evaluation.interpolate(bp.log_message, frame) + "\n"})
                continue
            text = None
            if verdict != "stop" and not bp.condition_error_shown:
                bp.condition_error_shown = True  # say it once; later failures still stop
                text = verdict
            self.stop(frame, reason, hit_ids=[bp.id], text=text)
            return True
        return False

    @tracer_event("function start")
    def function_start(self, frame: FrameType) -> bool:
        """A new frame while function breakpoints exist: True when one names its function (the
        backends then keep reporting this function's starts)."""
        hits = self.function_breakpoints.for_frame(frame)
        if hits:
            self.on_function_start(frame, hits)
        return bool(hits)

    def on_function_start(self, frame: FrameType, bps: List[FunctionBreakpoint]) -> None:
        """A function named by a function breakpoint starts: stop on its first line if its conditions hold."""
        ident = threading.get_ident()
        if ident in self.agent_threads:
            return
        for bp in bps:
            verdict = check_hit(bp, frame)
            if verdict is None:
                continue
            with self.cond:
                self.steps[ident] = Step("over", frame, "function breakpoint", [bp.id])
                self._update_modes()
            self.backend.watch_frame(frame)
            return

    @tracer_event("raise event")
    def on_exception_raised(self, frame: FrameType, exc: BaseException) -> None:
        """An exception was raised in this frame (the `raised` filter)."""
        if exc is self._last_reported[0] or threading.get_ident() in self.agent_threads:
            return
        code = frame.f_code
        if self.filter.is_agent(code) or (self.just_my_code and not self.filter.is_user(code)):
            return
        if self.exceptions.wants("raised", exc, frame):
            self._stop_on_exception(frame, exc, "always")

    @tracer_event("unwind event")
    def on_exception_unwind(self, frame: FrameType, exc: BaseException) -> None:
        """An exception leaves this frame (the `userUnhandled` filter: leaving user code for library code)."""
        if self._last_reported == (exc, "userUnhandled") or threading.get_ident() in self.agent_threads:
            return
        code = frame.f_code
        if not self.filter.is_user(code):
            return
        caller = frame.f_back
        if caller is not None and self.filter.is_user(caller.f_code):
            return  # still inside user code: it may be handled there
        if caller is None or self.filter.is_agent(caller.f_code):
            return  # leaving the program: the `uncaught` filter decides
        if self.exceptions.wants("userUnhandled", exc, frame):
            self._stop_on_exception(frame, exc, "userUnhandled")

    def on_uncaught(self, exc: BaseException) -> None:
        """An exception is about to end the program or a thread: stop where it was raised."""
        try:
            self._on_uncaught(exc)
        finally:
            # its last event: holding it on would keep its frames (and a thread's object, through
            # run's self) alive after the resume, as regrtest's threading_cleanup sees
            if self._last_reported[0] is exc:
                self._last_reported = (None, "")

    def _on_uncaught(self, exc: BaseException) -> None:
        if not self.exceptions.uncaught or (exc is self._last_reported[0] and self._last_reported[1] != "always"):
            return
        trace: List[Tuple[FrameType, int]] = []
        tb = exc.__traceback__
        while tb is not None:
            if not self.filter.is_agent(tb.tb_frame.f_code):
                trace.append((tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        if not trace:
            return
        trace.reverse()
        frame = trace[0][0]
        if not self.exceptions.wants("uncaught", exc, frame):
            return
        self._stop_on_exception(frame, exc, "unhandled", trace)

    def _stop_on_exception(self, frame: FrameType, exc: BaseException, break_mode: str,
                           trace: Optional[List[Tuple[FrameType, int]]] = None) -> None:
        self._last_reported = (exc, break_mode)
        info = exception_info(exc, break_mode, frame)
        self.stop(frame, "exception", text="%s: %s" % (info["details"]["typeName"], info["description"]),
                  exception=exc, break_mode=break_mode, trace=trace, quiet=True)

    def exception_info(self, tid: Any) -> Dict[str, Any]:
        stop = self.stops.get(self.ident_of(tid))
        if stop is None or stop.exception is None:
            raise RequestError("thread %r is not stopped on an exception" % (tid,), WRONG_STATE)
        return exception_info(stop.exception, stop.break_mode, stop.frame)

    @tracer_event("frame exit")
    def on_leave(self, frame: FrameType, kind: str, value: Any = None) -> None:
        """A watched frame returns, yields or unwinds: a step over/out/in stops in its caller.

        After a return or a yield the caller is shown stopped at once, at its call site (the callee
        finishes as the thread resumes), so the rest of the calling line can still be stepped into,
        as debugpy, gdb's finish and js-debug do. An unwinding exception goes on to the caller's next
        line (its handler). Returning into library code with justMyCode, the step goes on to the
        first user code it reaches: a user line, or the call site of a user frame the library
        returns to."""
        ident = threading.get_ident()
        step = self.steps.get(ident)
        if step is None or step.watch_frame is not frame:
            return
        if kind == "return" and self.show_return_value:
            self.return_values[ident] = (frame.f_code.co_name, value)  # the Return Value scope
        if kind == "yield" and frame.f_code.co_flags & ASYNC_FLAGS:
            return  # an await suspends the coroutine: wait for it to resume (or return, stepping out)
        caller = frame.f_back
        if caller is not None and self.filter.is_agent(caller.f_code):
            caller = None  # below the program is pdap's launcher
        if caller is None:
            self._step_to_any_user(step)
            return
        if self.just_my_code and not self.filter.is_user(caller.f_code):
            # library code called this frame: stop at the first user line it runs, or when it
            # returns into a user frame
            self._step_to_any_user(step)
            step.watch_frame = caller
            self.backend.watch_frame(caller)
            return
        if kind == "unwind":
            step.stop_frame = step.watch_frame = caller
            self.backend.watch_frame(caller)
            return
        self.stop(caller, step.reason, hit_ids=step.hit_ids, text=step.text, quiet=True)

    def _step_to_any_user(self, step: Step) -> None:
        step.any_user = True
        step.stop_frame = step.watch_frame = None
        with self.cond:
            self._update_modes()

    def _step_done(self, step: Step, frame: FrameType) -> bool:
        if not frame.f_lineno:
            return False  # the line-0 prologue of a module or function, not a source line
        if step.stop_frame is frame:
            return True
        if step.any_user:
            code = frame.f_code
            return not self.filter.is_agent(code) and (not self.just_my_code or self.filter.is_user(code))
        return False

    # ----- stopping and resuming ---------------------------------------------------------------
    def stop(self, frame: FrameType, reason: str, hit_ids: Optional[List[int]] = None,
             text: Optional[str] = None, exception: Optional[BaseException] = None, break_mode: str = "",
             trace: Optional[List[Tuple[FrameType, int]]] = None, quiet: bool = False) -> None:
        """Report a stop of this thread and block until the client resumes it."""
        ident = threading.get_ident()
        with self.pdap_code():
            self._stop(ident, frame, reason, hit_ids, text, exception, break_mode, trace, quiet)
        step = self.steps.get(ident)
        if step is not None and step.watch_frame is not None:
            self.backend.watch_frame(step.watch_frame)
        self._raise_deferred(ident)

    def _raise_deferred(self, ident: int) -> None:
        """Give the program what a signal handler raised during the stop: the backend re-raises it
        from the tracer into the program's frame."""
        exc = self.deferred.pop(ident, None) if self.deferred else None
        if exc is not None:
            raise exc.with_traceback(None)

    def _stop(self, ident: int, frame: FrameType, reason: str, hit_ids: Optional[List[int]],
              text: Optional[str], exception: Optional[BaseException], break_mode: str,
              trace: Optional[List[Tuple[FrameType, int]]], quiet: bool) -> None:
        with self.cond:
            while True:
                if not self.has_client():
                    self.stops.pop(ident, None)
                    return  # nobody to tell, nobody to resume: a stop now would hang the program
                if not self.suspended:
                    break
                # another thread's stop is shown: this one is reported after the next resume
                self.stops[ident] = ThreadStop(frame, "pending")
                self._wait_for_resume()
            self.suspended = True
            self.cond.notify_all()  # a pause() waiting for some thread to stop
            self.pause_requested = False
            self.steps.pop(ident, None)
            self.stops[ident] = ThreadStop(frame, reason, exception, break_mode, trace)
            self._update_modes()
            body: Dict[str, Any] = {"reason": reason, "threadId": self.thread_id(ident),
                                    "allThreadsStopped": True}
            if hit_ids:
                body["hitBreakpointIds"] = hit_ids
            if text:
                body["text"] = text
                body["description"] = text
                if not quiet:
                    self.send("output", {"category": "console", "output": text + "\n"})
            generation = self.run_generation
            self.send("stopped", body)
            self._wait_for_resume(generation)
            while ident in self.jumps:
                self._jump(ident, frame, generation)
            self.stops.pop(ident, None)

    def _jump(self, ident: int, frame: FrameType, generation: int) -> None:
        """goto, on the stopped thread (in its line callback, where f_lineno may be set): stop again there."""
        jump = self.jumps.pop(ident)
        jump.perform(frame)
        if self.run_generation != generation:
            return  # resumed meanwhile: the jump is made, the thread runs on from there
        for note in jump.notes:
            self.send("output", {"category": "console", "output": "pdap: %s\n" % note})
        if jump.error is None:
            self.frames.reset()  # the stop's frames and values were for the old line
            self.refs.reset()
            self.stops[ident] = ThreadStop(frame, "goto")
            self.send("stopped", {"reason": "goto", "threadId": self.thread_id(ident), "allThreadsStopped": True})
        self._wait_for_resume(generation)

    def goto(self, tid: Any, line: Any) -> None:
        """Make `line` the next line of a stopped thread's top frame; the other threads stay held."""
        if not isinstance(line, int):
            raise RequestError("goto needs a targetId (a line, from gotoTargets)", BAD_ARGUMENTS)
        with self.cond:
            ident = self.ident_of(tid)
            stop = self.stops.get(ident)
            if stop is None or ident not in self.inside or stop.reason in ("held", "pending", "exception"):
                raise RequestError("thread %r is not stopped at a line it can jump from" % (tid,), WRONG_STATE)
            jump = self.jumps[ident] = Jump(line)
            self.cond.notify_all()
        jump.wait()

    @contextlib.contextmanager
    def pdap_code(self) -> Iterator[None]:
        """Marks this thread as running pdap's code until the block ends (re-entrant)."""
        ident = threading.get_ident()
        inside = self.inside
        inside[ident] = inside.get(ident, 0) + 1
        try:
            yield
        finally:
            depth = inside.pop(ident, 1) - 1
            if depth:
                inside[ident] = depth

    def _hold(self, ident: int, frame: FrameType) -> None:
        """All-stop: a thread that reaches a line while another is stopped waits where it is."""
        with self.cond:
            report_pause = self.pause_requested and not self.suspended
            if report_pause and self.pause_target not in (None, ident):
                return  # the thread the client paused reports; this one is held once it has
            if not report_pause:
                with self.pdap_code():
                    while self.suspended:
                        self.stops[ident] = ThreadStop(frame, "held")
                        self._wait_for_resume()
                    self.stops.pop(ident, None)
                self._raise_deferred(ident)
                return
        self.stop(frame, "pause")

    def _wait_for_resume(self, generation: Optional[int] = None) -> None:
        if generation is None:
            generation = self.run_generation
        ident = threading.get_ident()
        while self.run_generation == generation and ident not in self.jumps:
            try:
                self.cond.wait()
            except BaseException as exc:  # a signal handler raised here (main thread): the program's
                self.deferred.setdefault(ident, exc)

    def _resume_all(self) -> None:
        if self.data.active:
            self.data.remember_all()  # a change made during the stop (setVariable) is no hit
        self.data.forget_candidates()
        self.frames.reset()
        self.refs.reset()
        self.return_values.clear()
        for ident in [i for i in self.stops if i not in self.inside]:
            del self.stops[ident]  # a thread shown paused while in C code: it never blocked here
        self.suspended = False
        self.run_generation += 1
        for hook in self.resume_hooks:
            try:
                hook()
            except Exception as exc:  # pdap's: the program resumes all the same
                self.fault("a resume hook", exc)
        self._update_modes()
        self.cond.notify_all()

    def _update_modes(self, force: bool = False) -> None:
        trace_all = self.suspended or self.pause_requested
        step_in = any(step.any_user for step in self.steps.values())
        wide = trace_all or step_in or self.exceptions.watching or self.function_breakpoints.active
        if force or (trace_all, step_in, wide) != (self.trace_all, self.step_in, self.wide):
            self.trace_all = trace_all
            self.step_in = step_in
            self.wide = wide
            self.backend.mode_changed()

    def set_exception_filters(self, args: Dict[str, Any]) -> List[Dict[str, Any]]:
        with self.cond:
            results = self.exceptions.set(args)
            self._update_modes(force=True)
        return results

    def set_function_breakpoints(self, specs: List[Dict[str, Any]]) -> List[FunctionBreakpoint]:
        with self.cond:
            bps = self.function_breakpoints.set(specs)
            self._update_modes(force=True)
        self.backend.breakpoints_changed()
        return bps

    def resume(self, tid: Any = None, kind: Optional[str] = None) -> None:
        """continue (kind None) or a step of one thread; every thread runs on."""
        with self.cond:
            if kind is None:
                self.steps.clear()
            else:
                ident = self.ident_of(tid)
                stop = self.stops.get(ident)
                if stop is None:
                    raise RequestError("thread %r is not stopped" % (tid,), WRONG_STATE)
                self.steps[ident] = Step(kind, stop.frame)
            self._resume_all()

    def pause(self, tid: Any = None, grace: float = 0.25) -> None:
        """Stop every thread. Threads running Python stop at their next line; if none gets there
        within `grace` seconds (all blocked in C calls: sleep, I/O, locks), the main thread is shown
        stopped where it waits, and every thread is held as soon as it returns to Python."""
        with self.cond:
            if self.suspended:
                return
            self.pause_requested = True
            try:
                self.pause_target = self.ident_of(tid) if tid is not None else None
            except LookupError:
                self.pause_target = None
            self._update_modes()
            self.cond.wait_for(lambda: self.suspended, timeout=grace)
            if self.suspended:
                return
            frames = sys._current_frames()
            candidates = [t.ident for t in threading.enumerate()
                          if t.ident in frames and t.ident not in self.agent_threads]
            if not candidates:
                return
            preferred = self.pause_target or threading.main_thread().ident
            ident = preferred if preferred in candidates else candidates[0]
            self.suspended = True
            self.pause_requested = False
            self.stops[ident] = ThreadStop(frames[ident], "pause")
            self._update_modes()
            self.send("stopped", {"reason": "pause", "threadId": self.thread_id(ident), "allThreadsStopped": True})

    # ----- reading a stopped program -----------------------------------------------------------
    def threads(self) -> List[Dict[str, Any]]:
        result = []
        for thread in threading.enumerate():
            ident = thread.ident
            if ident is None or ident in self.agent_threads:
                continue
            result.append({"id": self.thread_id(ident), "name": thread.name})
        return result

    def thread_frames(self, ident: int) -> List[Tuple[FrameType, int]]:
        """(frame, line) of a thread, innermost first, without pdap's own frames below the program."""
        stop = self.stops.get(ident)
        if stop is not None and stop.trace is not None:
            return stop.trace
        frame = stop.frame if stop is not None else sys._current_frames().get(ident)
        frames = []
        while frame is not None:
            if self.filter.is_agent(frame.f_code):
                break  # below here is pdap's launcher, not the user's program
            frames.append((frame, frame.f_lineno or 0))
            frame = frame.f_back
        return frames

    def stack_trace(self, args: Dict[str, Any]) -> Dict[str, Any]:
        ident = self.ident_of(args.get("threadId"))
        frames = self.thread_frames(ident)
        start = _count_arg(args, "startFrame")
        levels = _count_arg(args, "levels")
        chosen = frames[start:start + levels] if levels > 0 else frames[start:]
        result = []
        for frame, line in chosen:
            code = frame.f_code
            user = self.filter.is_user(code)
            entry: Dict[str, Any] = {
                "id": self.frames.add(frame),
                "name": code.co_name if code.co_name != "<module>" else "<module>",
                "line": line,
                "column": 1,
                "source": self.source_of(code.co_filename),
            }
            if not user:
                entry["presentationHint"] = "subtle"
            result.append(entry)
        return {"stackFrames": result, "totalFrames": len(frames)}

    def source_of(self, filename: str) -> Dict[str, Any]:
        """A frame's DAP source, made once per file (a deep stack repeats the same few files)."""
        source = self._sources.get(filename)
        if source is None:
            path = canonical(filename)
            if path.startswith("<"):
                source = {"name": path, "origin": "generated"}
            else:
                source = {"name": os.path.basename(path), "path": path}
            self._sources[filename] = source
        return dict(source)  # the adapter maps paths in place: each frame has its own copy

    # ----- faults --------------------------------------------------------------------------------
    def fault(self, where: str, exc: BaseException) -> None:
        """An error inside pdap: report it to the client's console, never to the program."""
        traceback = isolation.stdlib("traceback")
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.write("internal error in %s:\n%s" % (where, text))
        try:
            self.send("output", {"category": "console", "output": "pdap internal error in %s:\n%s" % (where, text)})
        except Exception:
            pass

    def break_in_caller(self, frame: FrameType) -> None:
        """pdap.breakpoint(): stop on the next line of the calling frame."""
        with self.cond:
            self.steps[threading.get_ident()] = Step("over", frame, "breakpoint")
            self._update_modes()
        self.backend.watch_frame(frame)
