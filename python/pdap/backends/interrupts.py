"""Exceptions that signal handlers raise while a program thread runs pdap's code.

CPython runs Python-level signal handlers (and raises KeyboardInterrupt) at the next eval-breaker
check of the main thread, wherever it is: often inside pdap's trace function or inside a stop's
wait. Such an exception belongs to the program. The backends give it back to the program's frame
(re-raised from the tracer, with pdap's frames taken out of its traceback), and a stop keeps it
until the client resumes the thread. On sys.settrace, CPython switches tracing off for a thread
whose trace function raises (trace_trampoline: PyEval_SetTrace(NULL) and frame.f_trace cleared);
Rearm puts it back at once, from the object that clearing frees: a traced frame's FrameGuard, or a
Rearm that the audit hook on "sys.settrace" hands the frame (see switch_off_watch).
"""
from __future__ import annotations

import dis
import signal
import sys
from functools import partial
from types import CodeType, FrameType, TracebackType
from typing import Any, Callable, Optional, Set

IsCode = Callable[[CodeType], bool]

# where a frame is when it is entered or resumed (a generator at its yield; RESUME from 3.11): a
# running frame that calls sys.settrace is at a call instead
_ENTRY_OPS = {dis.opmap[name] for name in ("RESUME", "YIELD_VALUE", "YIELD_FROM") if name in dis.opmap}
# where a frame is while it calls a function (co_code is never specialised)
_CALL_OPS = {dis.opmap[name] for name in ("CALL", "CALL_KW", "CALL_FUNCTION_EX", "PRECALL", "CALL_FUNCTION",
                                           "CALL_FUNCTION_KW", "CALL_METHOD") if name in dis.opmap}


def _handler_codes() -> Set[CodeType]:
    """The code of every Python-level signal handler installed now."""
    codes: Set[CodeType] = set()
    for signum in signal.valid_signals():
        try:
            handler = signal.getsignal(signum)
        except (OSError, ValueError):
            continue
        code = getattr(handler, "__code__", None) or getattr(getattr(handler, "__func__", None), "__code__", None)
        if isinstance(code, CodeType):
            codes.add(code)
    return codes


def from_signal_handler(exc: BaseException) -> bool:
    """Whether an Exception caught inside pdap was raised by the program's signal handler (a
    SIGALRM timeout, say), which then belongs to the program, not to pdap's fault report. Only
    asked when pdap catches an error, which is rare."""
    tb = exc.__traceback__
    if tb is None:
        return False
    codes = _handler_codes()
    while tb is not None:
        if tb.tb_frame.f_code in codes:
            return True
        tb = tb.tb_next
    return False


def program_tail(tb: Optional[TracebackType], is_agent: IsCode, is_user: IsCode) -> Optional[TracebackType]:
    """What the program's traceback keeps of an exception raised inside pdap: the frames of its
    own signal handler, without pdap's frames or the library code pdap was running."""
    while tb is not None and (is_agent(tb.tb_frame.f_code) or not is_user(tb.tb_frame.f_code)):
        tb = tb.tb_next
    return tb


def strip_after(head: Optional[TracebackType], is_agent: IsCode) -> None:
    """head is the program frame's entry of a re-raised exception: unlink the entries pdap's
    re-raise added after it (its own frames, on 3.9-3.10 a repeat of the program frame, and the
    new frame whose 'call' event it was, which never ran)."""
    if head is None:
        return
    nxt = head.tb_next
    pdap = False
    while nxt is not None:
        if is_agent(nxt.tb_frame.f_code):
            pdap = True
        elif nxt.tb_frame is not head.tb_frame and nxt.tb_lasti > 0:
            break
        nxt = nxt.tb_next
    if pdap:
        head.tb_next = nxt


class Rearm:
    """Set as frame.f_trace just before the tracer raises a program's exception: CPython then
    clears that frame's f_trace and the thread's trace function, which frees this object, whose
    finaliser installs both again (the exception then reaches the program with tracing on)."""

    __slots__ = ("backend", "frame", "tracer", "caller_tracer", "thread_tracer")

    def __init__(self, backend: Any, frame: FrameType, tracer: Any, caller_tracer: Any,
                 thread_tracer: Any = None) -> None:
        self.backend = backend
        self.frame = frame
        self.tracer = tracer  # the frame's own tracer once the exception is in it (None: untraced)
        self.caller_tracer = caller_tracer  # set on an untraced caller so that its 'exception' event comes
        # the thread's trace function to put back, when known: then no Python call is needed here
        # (near the recursion limit, where a RecursionError switched tracing off, there is no room)
        self.thread_tracer = thread_tracer

    def __del__(self) -> None:
        try:
            if self.thread_tracer is not None:
                sys.settrace(self.thread_tracer)
            else:
                self.backend.reinstall()
            self.frame.f_trace = self.tracer
            caller = self.frame.f_back
            if self.caller_tracer is not None and caller is not None and caller.f_trace is None:
                caller.f_trace = self.caller_tracer
        except BaseException:  # noqa: BLE001 - a finaliser must not raise (it would be printed)
            pass


class FrameGuard:
    """What a traced frame's f_trace is bound to, one per frame. Whatever raises out of the trace
    function (a signal handler's exception even at the function's first instruction, before any
    try can catch it), CPython clears that frame's f_trace and the thread's trace function: this
    guard is then freed, inside the event of that very frame, and installs both again."""

    __slots__ = ("backend", "code")

    def __init__(self, backend: Any, code: Optional[CodeType] = None) -> None:
        self.backend = backend
        self.code = code

    def __del__(self) -> None:
        try:
            if sys.gettrace() is not None or self.backend.global_tracer is None:
                return  # the frame ended, or its f_trace was replaced: tracing is on
            self.backend.reinstall()
            frame = sys._getframe(1)  # the frame whose event just raised (CPython is in its event)
            if frame.f_trace is None:
                frame.f_trace = self.backend.new_tracer()
        except BaseException:  # noqa: BLE001 - a finaliser must not raise (it would be printed)
            pass


_REARM_ROOM = 4  # frames Rearm needs to run (its __del__, and the audit hook sys.settrace calls)


def _room(frames: int) -> None:
    """Raises RecursionError unless this many more Python frames fit under the recursion limit."""
    if frames > 0:
        _room(frames - 1)


def switch_off_watch(backend: Any) -> Callable[[str, Any], None]:
    """An audit hook (installed once: audit hooks cannot be removed; inert before install()). CPython audits
    "sys.settrace" when it switches tracing off for a thread whose trace function raised
    (trace_trampoline), just before it does: when that is pdap's trace function, for an event of a
    frame that is not calling a function (so not the program's own sys.settrace), the hook hands
    the frame a Rearm, which CPython frees right after as it clears the frame's f_trace, so tracing
    is installed again. A signal handler's exception at the trace function's first instruction
    (before any of its code can catch it) comes this way, whether or not the program holds the
    trace function (regrtest keeps what sys.gettrace() returned). At the recursion limit, where
    the trace function cannot even be called, neither can the hook: CPython then keeps tracing on.
    The hook never raises (its frame would show in the program's traceback), and allocates as
    little as it can (a program may count on when the garbage collector runs)."""
    gettrace = sys.gettrace
    getframe = sys._getframe

    def hook(event: str, args: Any) -> None:
        if event != "sys.settrace":
            return
        try:
            tracer = gettrace()
            if tracer is None or tracer is not backend.global_tracer:
                return  # tracing is not pdap's: whatever happens to it is the program's
            frame = getframe(1)
            code = frame.f_code
            lasti = frame.f_lasti
            op = code.co_code[lasti] if lasti >= 0 else -1
            if op in _CALL_OPS:
                return  # a frame that calls sys.settrace (or C code that does): the program's own choice
            trace = frame.f_trace
            if type(trace) is Rearm:
                return
            if type(trace) is partial and type(trace.__dict__.get("guard")) is FrameGuard:
                return  # pdap's own tracer of a traced frame: its FrameGuard puts it back
            _room(_REARM_ROOM)
            if backend.dbg.filter.is_agent(code):
                return
            # a trace function failed in this frame's event: if it was entered or resumed, the
            # exception goes to its caller, whose 'exception' event takes pdap's frames out of it
            entry = lasti < 0 or op in _ENTRY_OPS
            frame.f_trace = Rearm(  # type: ignore[assignment]  # a callable object
                backend, frame, None, backend.strip_once if entry else None, tracer)
        except BaseException:  # noqa: BLE001 - near the recursion limit, or late in shutdown
            pass

    return hook
