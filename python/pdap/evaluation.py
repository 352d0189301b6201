"""Evaluating user expressions and statements in a frame, with printed output captured."""
from __future__ import annotations

import contextlib
import io
import re
import traceback
from types import FrameType
from typing import Any, Dict, Optional, Tuple

from . import locals_writer
from .variables import safe_repr

NO_VALUE = object()


class EvaluationError(Exception):
    """The user's expression failed; the message is what the user sees."""


def _namespaces(frame: Optional[FrameType]) -> Tuple[Dict[str, Any], Any]:
    if frame is None:
        import __main__
        return vars(__main__), vars(__main__)
    return frame.f_globals, frame.f_locals


def evaluate(source: str, frame: Optional[FrameType], allow_statements: bool) -> Tuple[Any, str]:
    """Returns (value, printed output); statements (repl only) give NO_VALUE."""
    global_ns, local_ns = _namespaces(frame)
    try:
        code = compile(source, "<debug console>", "eval")
        is_statement = False
    except SyntaxError as first:
        if not allow_statements:
            raise EvaluationError("SyntaxError: %s" % first.msg) from None
        try:
            code = compile(source, "<debug console>", "exec")
        except SyntaxError as exc:
            raise EvaluationError("SyntaxError: %s (line %s)" % (exc.msg, exc.lineno)) from None
        is_statement = True
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            value = eval(code, global_ns, local_ns)
    except Exception as exc:
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        raise EvaluationError(text) from None
    if is_statement and frame is not None:
        locals_writer.write_back(frame, local_ns)
    return (NO_VALUE if is_statement else value), out.getvalue()


_FIELD = re.compile(r"\{([^{}]+)\}")


def interpolate(message: str, frame: FrameType) -> str:
    """A logpoint message: each {expression} replaced by the repr-free text of its value."""

    def field(match: "re.Match[str]") -> str:
        try:
            value = eval(match.group(1), frame.f_globals, frame.f_locals)
        except Exception as exc:
            return "<%s: %s>" % (type(exc).__name__, exc)
        return value if isinstance(value, str) else safe_repr(value)

    return _FIELD.sub(field, message)
