"""Program output as `output` events too, for an attached client that asks for it (teeOutput).

While a client wants it, sys.stdout and sys.stderr are stood in for by OutputTee: the program's own
stream gets every write first, unchanged; the client gets the text too, a line at a time.
"""
from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from typing import Protocol

    from .protocol import Link

    class TeeSource(Protocol):
        """What a tee reads of the agent: whether the client wants output, and its link."""

        tee_output: bool
        link: Optional[Link]

STREAMS = ("stdout", "stderr")


def send(link: "Optional[Link]", category: str, text: Any) -> None:
    """One `output` event with the program's text; never fails (the program's stream has the text)."""
    if link is None or not text:
        return
    try:
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        link.event("output", {"category": category, "output": str(text)})
    except Exception:
        pass  # output events are a convenience; the program's own stream already has the text


def set_tee(source: "TeeSource", on: bool) -> None:
    """Stands OutputTee in for sys.stdout and sys.stderr (on), or puts the real streams back."""
    for name in STREAMS:
        current = getattr(sys, name, None)
        is_tee = type(current) is OutputTee
        if on and current is not None and not is_tee:
            setattr(sys, name, OutputTee(current, name, source))
        elif not on and is_tee:
            setattr(sys, name, current.__dict__["_pdap_stream"])


def send_pending() -> None:
    """The last partial lines of the teed streams, sent now (the program is ending)."""
    for name in STREAMS:
        stream = getattr(sys, name, None)
        if type(stream) is OutputTee:
            stream._pdap_send_pending()


class OutputTee:
    """Stands in for sys.stdout / sys.stderr while an attached client wants output events.

    Every write goes to the real stream first, unchanged; then, while the client wants it, to the
    client as `output` events, a line at a time (as a terminal shows it: partial lines go at
    flush(), which print(flush=True) and input() do). Other attributes and isinstance() checks
    see the real stream.
    """

    MAX_PENDING = 8192

    def __init__(self, stream: Any, category: str, source: "TeeSource") -> None:
        self.__dict__.update(_pdap_stream=stream, _pdap_category=category, _pdap_source=source,
                             _pdap_pending="", _pdap_lock=threading.RLock())

    @property
    def __class__(self) -> type:  # type: ignore  # isinstance(sys.stdout, io.TextIOWrapper) stays true
        return type(self.__dict__["_pdap_stream"])

    def write(self, text: Any) -> Any:
        d = self.__dict__
        written = d["_pdap_stream"].write(text)
        source = d["_pdap_source"]
        if source.tee_output and text:
            if not isinstance(text, str):
                send(source.link, d["_pdap_category"], text)
                return written
            with d["_pdap_lock"]:
                pending = d["_pdap_pending"] + text
                cut = len(pending) if len(pending) > self.MAX_PENDING else pending.rfind("\n") + 1
                d["_pdap_pending"] = pending[cut:]
            if cut:
                send(source.link, d["_pdap_category"], pending[:cut])
        return written

    def flush(self) -> Any:
        d = self.__dict__
        try:
            return d["_pdap_stream"].flush()
        finally:
            self._pdap_send_pending()

    def _pdap_send_pending(self) -> None:
        d = self.__dict__
        with d["_pdap_lock"]:
            pending, d["_pdap_pending"] = d["_pdap_pending"], ""
        source = d["_pdap_source"]
        if pending and source.tee_output:
            send(source.link, d["_pdap_category"], pending)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_pdap_stream"], name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.__dict__["_pdap_stream"], name, value)

    def __iter__(self) -> Any:
        return iter(self.__dict__["_pdap_stream"])

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.__dict__["_pdap_stream"].__exit__(*exc)
