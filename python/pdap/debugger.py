"""The debugger core: threads, stops, stepping and the requests that read a stopped program.

Backends call on_line / on_leave from the traced threads; the agent's reader thread calls the
request methods. One condition variable guards the stop state.
"""
from __future__ import annotations

import itertools
import os
import sys
import threading
from types import FrameType
from typing import Any, Callable, Dict, List, Optional

from . import evaluation, variables
from .breakpoints import Breakpoint, BreakpointTable
from .sources import CodeFilter, canonical

CO_COROUTINE = 0x0080
CO_ITERABLE_COROUTINE = 0x0100
CO_ASYNC_GENERATOR = 0x0200
ASYNC_FLAGS = CO_COROUTINE | CO_ITERABLE_COROUTINE | CO_ASYNC_GENERATOR

Send = Callable[[str, Dict[str, Any]], None]


class Step:
    """One thread's step request.

    stop_frame: stop on the next line of this frame. watch_frame: when it exits, move up.
    any_user: stop on the next line of any user code (step in, or after leaving into library code).
    """

    __slots__ = ("kind", "stop_frame", "watch_frame", "any_user")

    def __init__(self, kind: str, frame: Optional[FrameType]) -> None:
        self.kind = kind
        self.any_user = kind == "in"
        self.stop_frame = frame if kind == "over" else None
        self.watch_frame = frame


class ThreadStop:
    __slots__ = ("frame", "reason")

    def __init__(self, frame: FrameType, reason: str) -> None:
        self.frame = frame
        self.reason = reason


class Debugger:
    def __init__(self, send: Send, backend: str = "") -> None:
        self.send = send
        self.filter = CodeFilter()
        self.breakpoints = BreakpointTable()
        self.just_my_code = True
        self.cond = threading.Condition(threading.RLock())
        self.suspended = False  # a stop is on the client's screen
        self.run_generation = 0
        self.pause_requested = False
        self.trace_all = False  # every thread must report its next line (pause / all-stop)
        self.step_in = False  # some thread steps into any user code
        self.steps: Dict[int, Step] = {}
        self.stops: Dict[int, ThreadStop] = {}  # threads stopped or held, by ident
        self.agent_threads: set = set()
        self._thread_ids: Dict[int, int] = {}
        self._next_thread_id = itertools.count(1)
        self.frames = variables.Handles()
        self.refs = variables.Handles()
        from .backends import create
        self.backend = create(self, backend)

    # ----- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self.thread_id(threading.main_thread().ident or 0)
        self.backend.install()

    def reset_client_state(self) -> None:
        """The client went away: forget its breakpoints and steps, and let every thread run."""
        with self.cond:
            self.breakpoints.clear()
            self.steps.clear()
            self.pause_requested = False
            self._resume_all()
        self.backend.breakpoints_changed()

    def step_in_at_start(self) -> None:
        """stopOnEntry: stop at the first line of user code in the main thread."""
        with self.cond:
            self.steps[threading.get_ident()] = Step("in", None)
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
        raise LookupError("unknown threadId %r" % (tid,))

    # ----- events from the backends ----------------------------------------------------------
    def on_line(self, frame: FrameType, bps: Optional[List[Breakpoint]]) -> None:
        """A line is about to run in a frame the backend was asked to watch (the slow path)."""
        ident = threading.get_ident()
        if ident in self.agent_threads:
            return
        if bps:
            for bp in bps:
                verdict = self.breakpoints.hit(bp, frame)
                if verdict is None:
                    continue
                if bp.log_message is not None:
                    self.send("output", {"category": "console",
                                         "output": evaluation.interpolate(bp.log_message, frame) + "\n"})
                    continue
                text = None if verdict == "stop" else verdict
                self.stop(frame, "breakpoint", hit_ids=[bp.id], text=text)
                return
        step = self.steps.get(ident)
        if step is not None and self._step_done(step, frame):
            self.stop(frame, "step")
            return
        if self.trace_all and frame.f_code is not None and not self.filter.is_agent(frame.f_code):
            self._hold(ident, frame)

    def on_leave(self, frame: FrameType, kind: str) -> None:
        """A watched frame returns, yields or unwinds: a step over/out continues in its caller."""
        ident = threading.get_ident()
        step = self.steps.get(ident)
        if step is None or step.watch_frame is not frame:
            return
        if kind == "yield" and step.kind == "over" and frame.f_code.co_flags & ASYNC_FLAGS:
            return  # stepping over an await: wait for this coroutine to resume
        caller = frame.f_back
        while caller is not None and self.filter.is_agent(caller.f_code):
            caller = None
        if caller is None or (self.just_my_code and not self.filter.is_user(caller.f_code)):
            step.any_user = True
            step.stop_frame = step.watch_frame = None
            with self.cond:
                self._update_modes()
            return
        step.stop_frame = step.watch_frame = caller
        self.backend.watch_frame(caller)

    def _step_done(self, step: Step, frame: FrameType) -> bool:
        if step.stop_frame is frame:
            return True
        if step.any_user:
            code = frame.f_code
            return not self.filter.is_agent(code) and (not self.just_my_code or self.filter.is_user(code))
        return False

    # ----- stopping and resuming ---------------------------------------------------------------
    def stop(self, frame: FrameType, reason: str, hit_ids: Optional[List[int]] = None,
             text: Optional[str] = None) -> None:
        """Report a stop of this thread and block until the client resumes it."""
        ident = threading.get_ident()
        with self.cond:
            while self.suspended:  # another thread's stop is shown: this one is reported after resume
                self.stops[ident] = ThreadStop(frame, "pending")
                self._wait_for_resume()
            self.suspended = True
            self.pause_requested = False
            self.steps.pop(ident, None)
            self.stops[ident] = ThreadStop(frame, reason)
            self._update_modes()
            body: Dict[str, Any] = {"reason": reason, "threadId": self.thread_id(ident),
                                    "allThreadsStopped": True}
            if hit_ids:
                body["hitBreakpointIds"] = hit_ids
            if text:
                body["text"] = text
                body["description"] = text
                self.send("output", {"category": "stderr", "output": text + "\n"})
            self.send("stopped", body)
            self._wait_for_resume()
            self.stops.pop(ident, None)
            step = self.steps.get(ident)
        if step is not None and step.watch_frame is not None:
            self.backend.watch_frame(step.watch_frame)

    def _hold(self, ident: int, frame: FrameType) -> None:
        """All-stop: a thread that reaches a line while another is stopped waits where it is."""
        with self.cond:
            if self.pause_requested and not self.suspended:
                pass  # fall through to report the pause from this thread
            else:
                while self.suspended:
                    self.stops[ident] = ThreadStop(frame, "held")
                    self._wait_for_resume()
                self.stops.pop(ident, None)
                return
        self.stop(frame, "pause")

    def _wait_for_resume(self) -> None:
        generation = self.run_generation
        while self.run_generation == generation:
            self.cond.wait()

    def _resume_all(self) -> None:
        self.frames.reset()
        self.refs.reset()
        self.suspended = False
        self.run_generation += 1
        self._update_modes()
        self.cond.notify_all()

    def _update_modes(self) -> None:
        trace_all = self.suspended or self.pause_requested
        step_in = any(step.any_user for step in self.steps.values())
        if trace_all != self.trace_all or step_in != self.step_in:
            self.trace_all = trace_all
            self.step_in = step_in
            self.backend.mode_changed()

    def resume(self, tid: Any = None, kind: Optional[str] = None) -> None:
        """continue (kind None) or a step of one thread; every thread runs on."""
        with self.cond:
            if kind is None:
                self.steps.clear()
            else:
                ident = self.ident_of(tid)
                stop = self.stops.get(ident)
                if stop is None:
                    raise LookupError("thread %r is not stopped" % (tid,))
                frame: Optional[FrameType] = stop.frame
                if kind == "out":
                    # skip agent frames when the step starts at the top of the user's program
                    pass
                self.steps[ident] = Step(kind, frame)
            self._resume_all()

    def pause(self) -> None:
        with self.cond:
            if self.suspended:
                return
            self.pause_requested = True
            self._update_modes()

    # ----- reading a stopped program -----------------------------------------------------------
    def threads(self) -> List[Dict[str, Any]]:
        result = []
        for thread in threading.enumerate():
            ident = thread.ident
            if ident is None or ident in self.agent_threads:
                continue
            result.append({"id": self.thread_id(ident), "name": thread.name})
        return result

    def thread_frames(self, ident: int) -> List[FrameType]:
        stop = self.stops.get(ident)
        frame = stop.frame if stop is not None else sys._current_frames().get(ident)
        frames = []
        while frame is not None:
            if self.filter.is_agent(frame.f_code):
                break  # below here is pdap's launcher, not the user's program
            frames.append(frame)
            frame = frame.f_back
        return frames

    def stack_trace(self, args: Dict[str, Any]) -> Dict[str, Any]:
        ident = self.ident_of(args.get("threadId"))
        frames = self.thread_frames(ident)
        start = int(args.get("startFrame") or 0)
        levels = int(args.get("levels") or 0)
        chosen = frames[start:start + levels] if levels > 0 else frames[start:]
        result = []
        for frame in chosen:
            code = frame.f_code
            user = self.filter.is_user(code)
            entry: Dict[str, Any] = {
                "id": self.frames.add(frame),
                "name": code.co_name if code.co_name != "<module>" else "<module>",
                "line": frame.f_lineno or 0,
                "column": 1,
                "source": self.source_of(code.co_filename),
            }
            if not user:
                entry["presentationHint"] = "subtle"
            result.append(entry)
        return {"stackFrames": result, "totalFrames": len(frames)}

    def source_of(self, filename: str) -> Dict[str, Any]:
        path = canonical(filename)
        if path.startswith("<"):
            return {"name": path, "origin": "generated"}
        return {"name": os.path.basename(path), "path": path}

    # ----- faults --------------------------------------------------------------------------------
    def fault(self, where: str, exc: BaseException) -> None:
        """An error inside pdap: report it to the client's console, never to the program."""
        import traceback
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        try:
            self.send("output", {"category": "console", "output": "pdap internal error in %s:\n%s" % (where, text)})
        except Exception:
            pass

    def break_in_caller(self, frame: FrameType) -> None:
        """pdap.breakpoint(): stop on the next line of the calling frame."""
        with self.cond:
            self.steps[threading.get_ident()] = Step("over", frame)
            self._update_modes()
        self.backend.watch_frame(frame)
