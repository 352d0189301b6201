"""What a stopped thread holds besides its frames: the exception it is handling, and the value
the function it just stepped out of returned. Version differences live here.

The debugger core may record both at the stop (on the stopped thread itself, where they are
exact on every version):
  debugger.return_values: Dict[thread ident, Tuple[function name, value]]
  ThreadStop.exception: the exception an exception stop is about
  ThreadStop.handled_exception: sys.exc_info()[1] at the stop, or None
Without them the handled exception comes from sys._current_exceptions() (3.10+, not 3.9), and the
return value is not known.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Dict, Optional, Tuple

_NOTHING: Any = object()


def _current_exceptions() -> Callable[[], Dict[int, Any]]:
    getter = getattr(sys, "_current_exceptions", None)
    if getter is None:  # 3.9
        return lambda: {}
    return getter


_exceptions = _current_exceptions()


def handled_exception(debugger: Any, ident: int) -> Optional[BaseException]:
    """The exception the stopped thread is handling (inside an except block) or stopped on, or None."""
    stop = getattr(debugger, "stops", {}).get(ident)
    for attribute in ("exception", "handled_exception"):  # an exception stop's; sys.exc_info() at the stop
        recorded = getattr(stop, attribute, None)
        if isinstance(recorded, BaseException):
            return recorded
    try:
        found = _exceptions().get(ident)
    except Exception:
        return None
    if isinstance(found, tuple):  # 3.10-3.11: (type, value, traceback)
        found = found[1] if len(found) > 1 else None
    return found if isinstance(found, BaseException) else None


def return_value(debugger: Any, ident: int) -> Optional[Tuple[str, Any]]:
    """(function name, value) of the function this thread just returned from, if recorded."""
    values = getattr(debugger, "return_values", None)
    if not isinstance(values, dict):
        return None
    entry = values.get(ident)
    if isinstance(entry, tuple) and len(entry) == 2:
        return str(entry[0]), entry[1]
    return None
