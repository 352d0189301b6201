"""Exception breakpoints: the filters a client chose, and the details shown when one stops."""
from __future__ import annotations

import traceback
from types import CodeType, FrameType
from typing import Any, Dict, List, Optional

from .breakpoints import condition_problem
from .errors import RequestError

# the filters the adapter offers in its initialize response (src/adapter/capabilities.ts)
FILTER_IDS = {"raised", "uncaught", "userUnhandled"}

# exceptions Python uses for control flow: never a reason to stop
IGNORED = (StopIteration, StopAsyncIteration, GeneratorExit)

BREAK_MODES = {"raised": "always", "uncaught": "unhandled", "userUnhandled": "userUnhandled"}


class ExceptionFilters:
    def __init__(self) -> None:
        self.conditions: Dict[str, Optional[CodeType]] = {}
        self.raised = self.uncaught = self.user_unhandled = False

    def set(self, args: Dict[str, Any]) -> List[Dict[str, Any]]:
        chosen: Dict[str, Optional[str]] = {}
        for name in args.get("filters") or []:
            chosen[name] = None
        options = args.get("filterOptions") or []
        if not isinstance(options, list) or not all(
                isinstance(option, dict) and isinstance(option.get("filterId"), str) for option in options):
            raise RequestError("'filterOptions' must be a list of {filterId, condition}")
        for option in options:
            chosen[option["filterId"]] = option.get("condition") or None
        results: List[Dict[str, Any]] = []
        conditions: Dict[str, Optional[CodeType]] = {}
        for name, condition in chosen.items():
            if name not in FILTER_IDS:
                results.append({"verified": False, "message": "unknown exception filter %r" % (name,)})
                continue
            problem = condition_problem(condition) if condition else None
            if problem is None:
                try:
                    conditions[name] = compile(condition, "<exception condition>", "eval") if condition else None
                    results.append({"verified": True})
                    continue
                except SyntaxError as exc:
                    problem = exc.msg
                except (RecursionError, MemoryError, ValueError):
                    problem = "too deeply nested to compile, or not text"
            message = "invalid condition %r: %s" % ((condition or "")[:200], problem)
            results.append({"verified": False, "message": message})
        self.conditions = conditions
        self.raised = "raised" in conditions
        self.uncaught = "uncaught" in conditions
        self.user_unhandled = "userUnhandled" in conditions
        return results

    def clear(self) -> None:
        self.set({})

    @property
    def watching(self) -> bool:
        """True when the tracer must see exceptions as they are raised or unwind frames."""
        return self.raised or self.user_unhandled

    def wants(self, name: str, exc: BaseException, frame: Optional[FrameType]) -> bool:
        if name not in self.conditions or isinstance(exc, IGNORED):
            return False
        condition = self.conditions[name]
        if condition is None:
            return True
        namespace = dict(frame.f_locals) if frame is not None else {}
        namespace["exception"] = exc
        try:
            return bool(eval(condition, frame.f_globals if frame is not None else {}, namespace))
        except Exception:
            return True  # a broken condition must not hide the exception


def exception_info(exc: BaseException, break_mode: str, frame: Optional[FrameType] = None) -> Dict[str, Any]:
    kind = type(exc)
    module = getattr(kind, "__module__", "builtins")
    full = kind.__qualname__ if module == "builtins" else "%s.%s" % (module, kind.__qualname__)
    try:
        message = str(exc)
    except Exception as err:
        message = "<str() raised %s>" % type(err).__name__
    if break_mode == "always" and frame is not None:
        # at the raise the traceback is still being built: show the live stack instead
        lines = ["Traceback (most recent call last):\n", *traceback.format_stack(frame)]
        text = "".join(lines + traceback.format_exception_only(kind, exc))
    else:
        text = "".join(traceback.format_exception(kind, exc, exc.__traceback__))
    return {
        "exceptionId": full,
        "description": message,
        "breakMode": break_mode,
        "details": {"message": message, "typeName": kind.__qualname__, "fullTypeName": full, "stackTrace": text},
    }
