"""The contract between the debugger core and a tracer backend, both ways: Backend is what the
debugger calls; TracerHost is all the backends' hot paths read of the debugger."""
from __future__ import annotations

from types import FrameType
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Protocol, Set, Tuple

if TYPE_CHECKING:
    from ..breakpoints import Breakpoint, BreakpointTable
    from ..data_breakpoints import DataBreakpoint, DataBreakpoints
    from ..debugger import Step
    from ..exceptions import ExceptionFilters
    from ..function_breakpoints import FunctionBreakpoints
    from ..recorder import Recorder
    from ..sources import CodeFilter

# a dict.get default the hot paths compare by identity: "not looked up yet"
UNKNOWN = object()
# a backend's last-line cache when empty: (code, line, what was found there)
NO_LINE = (None, 0, None)
# the settrace backend's last-code cache when empty: (code, its file's breakpoints)
NO_CODE = (None, None)


class Backend:
    """A backend delivers line and frame-exit events to the Debugger, only where they are needed.

    It reads the debugger's state (breakpoint table, steps, trace_all) when told that it changed,
    and keeps every other code object free of per-line work.
    """

    name = "base"

    def install(self) -> None:
        raise NotImplementedError

    def breakpoints_changed(self) -> None:
        """The breakpoint table changed: deliver lines in code that now holds breakpoints, running frames included."""
        raise NotImplementedError

    def watch_frame(self, frame: FrameType) -> None:
        """A step runs in this frame: deliver its lines and its exit (return, yield, unwind)."""
        raise NotImplementedError

    def mode_changed(self) -> None:
        """Stepping-in, pausing or step watch state changed: widen or narrow event delivery."""
        raise NotImplementedError

    def recording_changed(self) -> None:
        """Step back's recorder (debugger.recorder) started or stopped recording through this
        backend: deliver the events of in-scope code to it. A backend whose recorder has its own
        delivery (sys.monitoring) has nothing to do."""


class TracerHost(Protocol):
    """What a backend reads of the debugger (debugger.Debugger is the one implementation). The
    tracers read these on every event they take, so they are plain attributes, read-only here:
    a backend changes none of them, it is told of changes (Backend's *_changed methods)."""

    # ----- tables: where the breakpoints are -----------------------------------------------------
    @property
    def breakpoints(self) -> "BreakpointTable": ...  # for_filename, by_raw_filename, version

    @property
    def function_breakpoints(self) -> "FunctionBreakpoints": ...  # active

    @property
    def data(self) -> "DataBreakpoints": ...  # active, locals, rearm, codes, classify(), line_needed(), changed()

    @property
    def exceptions(self) -> "ExceptionFilters": ...  # raised, user_unhandled, watching

    @property
    def filter(self) -> "CodeFilter": ...  # is_agent(), is_user()

    # ----- modes: while one is on, the tracers look at more ---------------------------------------
    @property
    def steps(self) -> "Dict[int, Step]": ...  # threads with a step under way (truthiness only)

    @property
    def step_in(self) -> bool: ...  # some thread steps into any user code

    @property
    def trace_all(self) -> bool: ...  # every thread must report its next line (pause, all-stop)

    @property
    def wide(self) -> bool: ...  # any rarely-on mode that makes tracers look at every new frame

    @property
    def just_my_code(self) -> bool: ...

    @property
    def agent_threads(self) -> Set[int]: ...  # pdap's own threads: never traced

    @property
    def recorder(self) -> "Optional[Recorder]": ...  # step back's, while it records through settrace

    # ----- events: the backends deliver these -----------------------------------------------------
    def on_line(self, frame: FrameType, bps: "Optional[List[Breakpoint]]", condition_held: bool = False) -> None: ...

    def on_leave(self, frame: FrameType, kind: str, value: Any = None) -> None: ...

    def function_start(self, frame: FrameType) -> bool: ...

    def on_exception_raised(self, frame: FrameType, exc: BaseException) -> None: ...

    def on_exception_unwind(self, frame: FrameType, exc: BaseException) -> None: ...

    def on_data_line(self, frame: FrameType, line: int) -> bool: ...

    def on_data_change(self, frame: FrameType, found: "Tuple[DataBreakpoint, str]") -> bool: ...

    def on_data_return(self, frame: FrameType) -> None: ...

    def on_data_unwind(self, frame: FrameType) -> None: ...

    def fault(self, where: str, exc: BaseException) -> None:
        """A fault inside pdap: logged and reported, never raised into the program."""
        ...
