"""Evaluating the user's expressions and statements in a frame, with printed output captured.

Runs on a helper thread of user_code.Guard (or, for logpoints, on the program's own thread).
Expressions see the frame's locals and globals; statements (repl only) may assign, import, define
and loop, and their changes to local variables reach the running function (locals_writer). A
lambda, comprehension or generator expression typed in a function's frame sees that function's
locals, as it would in the function's own code.
"""
from __future__ import annotations

import ast
import re
import traceback
from types import CodeType, FrameType
from typing import Any, Dict, List, MutableMapping, Optional, Tuple

from . import locals_writer
from .errors import EVALUATION_FAILED, RequestError
from .safe_repr import render
from .user_code import Capture, Interrupted

NO_VALUE: Any = object()
FILENAME = "<debug console>"
# source text longer than this is refused before it is parsed: CPython 3.9's parser and compiler
# crash the process (no recursion guard) on expressions nested some 100,000 deep
MAX_SOURCE_CHARS = 100_000


class EvaluationError(RequestError):
    """The user's expression failed; the message is what the user sees (EVALUATION_FAILED)."""

    def __init__(self, message: str, error_id: int = EVALUATION_FAILED) -> None:
        super().__init__(message, error_id)


def _syntax_error(exc: SyntaxError, source: str) -> EvaluationError:
    where = " (line %s)" % exc.lineno if exc.lineno and "\n" in source.strip() else ""
    return EvaluationError("SyntaxError: %s%s" % (exc.msg, where))


def check_size(source: str, what: str = "expression") -> None:
    """Refuses source text that is too long to compile safely (MAX_SOURCE_CHARS)."""
    if len(source) > MAX_SOURCE_CHARS:
        raise EvaluationError("the %s is %d characters long; pdap compiles at most %d"
                              % (what, len(source), MAX_SOURCE_CHARS))


def compile_source(source: str, allow_statements: bool) -> Tuple[Optional[CodeType], Optional[CodeType]]:
    """(statements, final expression): an expression alone; or statements, then the value of a
    last expression statement (as a notebook shows it). Too long or too deeply nested source is
    an EvaluationError, like a syntax error."""
    check_size(source)
    try:
        return _compile_source(source, allow_statements)
    except (RecursionError, MemoryError):
        raise EvaluationError("the expression is too deeply nested to compile") from None


def _compile_source(source: str, allow_statements: bool) -> Tuple[Optional[CodeType], Optional[CodeType]]:
    try:
        return None, compile(source, FILENAME, "eval", dont_inherit=True)
    except SyntaxError as first:
        if not allow_statements:
            raise _syntax_error(first, source) from None
    try:
        module = ast.parse(source, FILENAME, "exec")
    except SyntaxError as exc:
        raise _syntax_error(exc, source) from None
    last: Optional[CodeType] = None
    final = module.body[-1] if module.body else None
    if isinstance(final, ast.Expr):
        module.body.pop()
        last = compile(ast.Expression(final.value), FILENAME, "eval", dont_inherit=True)
    body = compile(module, FILENAME, "exec", dont_inherit=True) if module.body else None
    return body, last


def _nested(code: CodeType) -> bool:
    return any(isinstance(const, CodeType) for const in code.co_consts)


def _names(code: CodeType) -> List[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names.extend(_names(const))
    return names


def namespaces(frame: Optional[FrameType], codes: List[CodeType],
               extras: Optional[Dict[str, Any]] = None) -> Tuple[Dict[str, Any], MutableMapping[str, Any]]:
    """(globals, locals) to run these code objects in the frame. Nested scopes (lambda,
    comprehension) cannot see a function's locals through the locals mapping, so they get a copy
    of globals with the locals merged in; `extras` (__return__, __exception__) likewise."""
    if frame is None:
        import __main__
        g: Dict[str, Any] = __main__.__dict__
        return g, g
    g = frame.f_globals
    local_ns = locals_writer.namespace(frame)
    used = [name for name in (extras or {}) if any(name in _names(code) for code in codes)]
    if used or (local_ns is not g and any(_nested(code) for code in codes)):
        merged = dict(g)
        if local_ns is not g:
            merged.update(local_ns)
        for name in used:
            merged[name] = extras[name]  # type: ignore[index]
        g = merged
    return g, local_ns


def _error_text(exc: BaseException) -> str:
    """The exception line alone; a traceback when it was raised deeper than the typed code."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != FILENAME:
        tb = tb.tb_next
    if tb is not None and tb.tb_next is not None:
        return "".join(traceback.format_exception(type(exc), exc, tb)).rstrip("\n")
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def evaluate(source: str, frame: Optional[FrameType], allow_statements: bool,
             extras: Optional[Dict[str, Any]] = None) -> Tuple[Any, str]:
    """Returns (value, printed output); statements without a final expression give NO_VALUE."""
    body, last = compile_source(source, allow_statements)
    codes = [code for code in (body, last) if code is not None]
    global_ns, local_ns = namespaces(frame, codes, extras)
    value = NO_VALUE
    with Capture() as capture:
        try:
            if body is not None:
                exec(body, global_ns, local_ns)
            if last is not None:
                value = eval(last, global_ns, local_ns)
        except Interrupted:
            raise
        except BaseException as exc:  # SystemExit and KeyboardInterrupt typed at the console too
            text = _error_text(exc)
            printed = capture.text()
            raise EvaluationError(printed + text if printed else text) from None
        finally:
            if frame is not None:
                locals_writer.write_back(frame, local_ns)
    return value, capture.text()


def evaluate_value(source: str, frame: Optional[FrameType], extras: Optional[Dict[str, Any]] = None) -> Any:
    """The value of one expression (setVariable's new value): no statements, no output."""
    value, _ = evaluate(source, frame, allow_statements=False, extras=extras)
    return value


def assign(target: str, value_source: str, frame: Optional[FrameType],
           extras: Optional[Dict[str, Any]] = None) -> Any:
    """setExpression: `target = value` where target is a name, attribute or item. Returns the value."""
    check_size(target, "target")
    try:
        node = ast.parse(target.strip(), FILENAME, "eval").body
    except SyntaxError as exc:
        raise _syntax_error(exc, target) from None
    except (RecursionError, MemoryError):
        raise EvaluationError("the target is too deeply nested to compile") from None
    if not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        raise EvaluationError("cannot assign to %r: only a name, an attribute or an item can be set" % target)
    value = evaluate_value(value_source, frame, extras)

    def part(expr: ast.expr) -> Any:
        source = ast.get_source_segment(target.strip(), expr) if hasattr(ast, "get_source_segment") else None
        return evaluate_value(source or ast.unparse(expr), frame, extras)

    try:
        if isinstance(node, ast.Name):
            if frame is None:
                import __main__
                __main__.__dict__[node.id] = value
            else:
                locals_writer.set_name(frame, node.id, value)
        elif isinstance(node, ast.Attribute):
            setattr(part(node.value), node.attr, value)
        else:
            part(node.value)[part(node.slice)] = value
    except (EvaluationError, Interrupted):
        raise
    except BaseException as exc:
        raise EvaluationError(_error_text(exc)) from None
    return value


_FIELD = re.compile(r"\{([^{}]+)\}")


def interpolate(message: str, frame: FrameType) -> str:
    """A logpoint message: each {expression} replaced by the text of its value (str as is)."""

    def field(match: "re.Match[str]") -> str:
        try:
            global_ns, local_ns = frame.f_globals, locals_writer.namespace(frame)
            value = eval(match.group(1), global_ns, local_ns)
        except Exception as exc:
            return "<%s: %s>" % (type(exc).__name__, exc)
        return value if isinstance(value, str) else render(value)

    return _FIELD.sub(field, message)
