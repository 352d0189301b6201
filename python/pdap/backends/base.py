"""The contract between the debugger core and a tracer backend."""
from __future__ import annotations

from types import FrameType

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

    def uninstall(self) -> None:
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
