"""Breakpoints: what every kind shares (Breakpoint: the id, the conditions, the hit count), line
breakpoints and where they resolve to, and whether a hit stops (check_hit, one for every kind).
Function and data breakpoints derive from Breakpoint in their own modules."""
from __future__ import annotations

import ast
import itertools
import operator
import re
from inspect import CO_OPTIMIZED
from types import CodeType, FrameType
from typing import Any, Callable, Dict, List, Optional

from .errors import BAD_ARGUMENTS, RequestError
from .evaluation import MAX_SOURCE_CHARS
from .sources import SourceLines, canonical

# the ids of all breakpoints, line, function and data alike: one numbering, so an id in a stopped
# event's hitBreakpointIds names one breakpoint whatever its kind
_ids = itertools.count(1)

_HIT = re.compile(r"^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$")
_HIT_OPS: Dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
    "%": lambda hits, n: n > 0 and hits % n == 0,
}


def parse_hit_condition(text: str) -> Callable[[int], bool]:
    """`5` or `== 5` (the 5th hit), `>= 5`, `> 5`, `< 5`, `<= 5`, `% 3` (every 3rd hit)."""
    match = _HIT.match(text)
    if not match:
        raise ValueError("invalid hit condition %r: use N, == N, >= N, > N, < N, <= N or %% N" % text)
    compare = _HIT_OPS[match.group(1) or "=="]
    n = int(match.group(2))
    return lambda hits: compare(hits, n)


def condition_problem(condition: str) -> Optional[str]:
    """Why a condition is refused before it is compiled (see evaluation.MAX_SOURCE_CHARS), or None."""
    if len(condition) > MAX_SOURCE_CHARS:
        return "%d characters long; pdap compiles at most %d" % (len(condition), MAX_SOURCE_CHARS)
    return None


def _text(spec: Dict[str, Any], key: str) -> Optional[str]:
    """An optional text of a breakpoint's spec: None when absent or empty; not text is the client's mistake."""
    value = spec.get(key) or None
    if value is not None and not isinstance(value, str):
        raise RequestError("breakpoint '%s' must be a string" % key, BAD_ARGUMENTS)
    return value


class Breakpoint:
    """What every kind of breakpoint has: an id of the one numbering, the client's condition and hit
    condition (compiled once, by compile_conditions), a log message (line breakpoints only), the
    hit count, and whether it is verified (else `message` says why). The tracers read these
    fields on every hit (check_hit, LineHits): plain slots, no properties."""

    __slots__ = ("id", "verified", "message", "condition", "condition_code", "condition_error_shown",
                 "hit_condition", "hit_test", "log_message", "hits")

    def __init__(self, spec: Dict[str, Any], verified: bool) -> None:
        condition = _text(spec, "condition")
        hit_condition = _text(spec, "hitCondition")
        self.id = next(_ids)
        self.verified = verified
        self.message: Optional[str] = None
        self.condition = condition
        self.condition_code: Optional[CodeType] = None
        self.condition_error_shown = False  # a condition that raised is said once; later ones still stop
        self.hit_condition = hit_condition
        self.hit_test: Optional[Callable[[int], bool]] = None
        self.log_message: Optional[str] = None
        self.hits = 0

    def compile_conditions(self) -> None:
        """Compile the condition and parse the hit condition, once; a bad one unverifies the breakpoint
        with the reason (the client's text is no failed request: the breakpoint says what is wrong)."""
        if self.condition:
            problem = condition_problem(self.condition)
            if problem is None:
                try:
                    self.condition_code = compile(self.condition, "<breakpoint condition>", "eval")
                except SyntaxError as exc:
                    problem = "SyntaxError: %s" % exc.msg
                except (RecursionError, MemoryError, ValueError):
                    problem = "too deeply nested to compile, or not text"
            if problem is not None:
                self.verified = False
                self.message = "invalid condition %r: %s" % (self.condition[:200], problem)
                return
        if self.hit_condition:
            try:
                self.hit_test = parse_hit_condition(self.hit_condition)
            except ValueError as exc:
                self.verified = False
                self.message = str(exc)

    def to_dap(self) -> Dict[str, Any]:
        """The fields of a DAP Breakpoint every kind has; the kinds add theirs."""
        body: Dict[str, Any] = {"id": self.id, "verified": self.verified}
        if self.message:
            body["message"] = self.message
        return body


def check_hit(bp: Breakpoint, frame: FrameType, condition_held: bool = False) -> "Optional[str]":
    """A breakpoint of any kind is reached in `frame`: counts the hit if its condition holds (already
    known to, with condition_held) and returns None to go on, "stop" to stop, or an error text to
    stop and show (its condition raised)."""
    if bp.condition_code is not None and not condition_held:
        try:
            if not eval(bp.condition_code, frame.f_globals, frame.f_locals):
                return None
        except Exception as exc:  # a raising condition stops, so the user sees why
            return "error in breakpoint condition %r: %s: %s" % (bp.condition, type(exc).__name__, exc)
    bp.hits += 1
    if bp.hit_test is not None and not bp.hit_test(bp.hits):
        return None
    return "stop"


class LineHits(list):  # type: ignore[type-arg]
    """The breakpoints on one line. When there is exactly one and it is a plain conditional
    breakpoint (no hit count, not a logpoint), `plain` is it, and `test`, built on the first hit
    from code object `test_code`, is its condition as a function of the frame's locals mapping: the
    tracers' fast path for a false condition on a hot line (see plain_condition)."""

    __slots__ = ("plain", "test", "test_code")

    def __init__(self) -> None:
        super().__init__()
        self.refresh()

    def refresh(self) -> None:
        bp = self[0] if len(self) == 1 else None
        plain = bp is not None and bp.condition_code is not None and bp.hit_test is None and bp.log_message is None
        self.plain: Optional[LineBreakpoint] = bp if plain else None
        self.test: Optional[Callable[[Any], Any]] = None
        self.test_code: Optional[CodeType] = None


def plain_condition(hits: LineHits, code: CodeType, frame: FrameType) -> Optional[bool]:
    """Whether the line's one plain condition holds, evaluated once here for the tracer; None when
    there is no such condition or it raised (the slow path then evaluates it and reports the
    error). The tracers call `hits.test` themselves when `hits.test_code is code`."""
    bp = hits.plain
    if bp is None:
        return None
    if hits.test_code is not code:
        if hits.test_code is not None:  # the line runs in two code objects: no fast path
            hits.plain = None
            return None
        hits.test = condition_function(bp, code, frame.f_globals)
        hits.test_code = code
    try:
        return bool(hits.test(frame.f_locals))  # type: ignore[misc]
    except Exception:
        return None


_NESTED_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.NamedExpr,
                  ast.Await, ast.Yield, ast.YieldFrom)
_LOCALS_ARG = "_pdap_locals_"


def condition_function(bp: Any, code: CodeType, f_globals: Dict[str, Any]) -> Callable[[Any], Any]:
    """The condition compiled as `lambda locals: condition` for frames of `code`: each name that is
    one of the function's own variables is read from the locals mapping, every other name is a
    global of the function's module, as eval(condition, f_globals, f_locals) would find it, but
    without eval's cost. An unbound local raises KeyError: the caller falls back to eval. Where
    that reading is not exact (module and class bodies, nested scopes in the condition), the
    function is eval itself."""
    condition_code = bp.condition_code
    tree = ast.parse(bp.condition, mode="eval") if code.co_flags & CO_OPTIMIZED else None
    if tree is None or any(isinstance(node, _NESTED_SCOPES) for node in ast.walk(tree)):
        return lambda f_locals: eval(condition_code, f_globals, f_locals)
    own = set(code.co_varnames) | set(code.co_cellvars) | set(code.co_freevars)
    used = sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in own})
    if _LOCALS_ARG in used:
        return lambda f_locals: eval(condition_code, f_globals, f_locals)
    reads = "".join("    %s = %s[%r]\n" % (name, _LOCALS_ARG, name) for name in used)
    # the condition goes in parentheses on lines of its own: it compiled as an expression already
    source = "def _pdap_condition_(%s):\n%s    return (\n%s\n    )\n" % (_LOCALS_ARG, reads, bp.condition)
    namespace: Dict[str, Any] = {}
    exec(compile(source, "<breakpoint condition>", "exec"), f_globals, namespace)
    return namespace["_pdap_condition_"]


class LineBreakpoint(Breakpoint):
    """A breakpoint on a line of a file, snapped to the line that has code (BreakpointTable)."""

    __slots__ = ("path", "line", "requested_line", "temporary")

    def __init__(self, path: str, line: int, spec: Dict[str, Any]) -> None:
        log_message = _text(spec, "logMessage")
        super().__init__(spec, verified=False)
        self.log_message = log_message
        self.path = path
        self.requested_line = line
        self.line = line
        self.temporary = bool(spec.get("temporary"))

    def to_dap(self) -> Dict[str, Any]:
        body = super().to_dap()
        body["line"] = self.line
        body["source"] = {"path": self.path}
        return body


class BreakpointTable:
    """All line breakpoints, keyed by canonical path and by the raw co_filename the tracer sees."""

    def __init__(self) -> None:
        self.by_path: Dict[str, Dict[int, LineHits]] = {}
        self.by_id: Dict[int, LineBreakpoint] = {}
        # raw co_filename -> {line: [bp]} (None: no breakpoints in that file); derived lazily by
        # for_filename, read directly by the tracers (always this dict: it is cleared, not replaced)
        self.by_raw_filename: Dict[str, Optional[Dict[int, LineHits]]] = {}
        # canonical path -> breakpoints set while the file did not exist (verified when code from it runs)
        self.pending: Dict[str, List[LineBreakpoint]] = {}
        self.on_changed: Optional[Callable[[LineBreakpoint], None]] = None
        self.version = 0

    def set_file(self, path: str, specs: List[Dict[str, Any]], source: Optional[bytes] = None) -> List[LineBreakpoint]:
        result: List[LineBreakpoint] = []
        for spec in specs:  # all made before any is replaced: a bad spec changes nothing
            line = spec.get("line")
            if not isinstance(line, int) or isinstance(line, bool):
                raise RequestError("breakpoint 'line' must be an integer", BAD_ARGUMENTS)
            bp = LineBreakpoint(path, line, spec)
            result.append(bp)
            if line < 1:
                bp.message = "no line %d: line numbers start at 1" % line
        key = canonical(path)
        for old in self.by_path.pop(key, {}).values():
            for bp in old:
                self.by_id.pop(bp.id, None)
        self.pending.pop(key, None)
        for bp in result:
            self.by_id[bp.id] = bp
        placeable = [bp for bp in result if bp.requested_line >= 1]
        if placeable:
            self._resolve(key, placeable, SourceLines(path, source))
        self.by_raw_filename.clear()
        self.version += 1
        return result

    def _resolve(self, key: str, bps: List[LineBreakpoint], src: SourceLines) -> None:
        """Snap each breakpoint to an executable line; a missing file keeps them pending until it loads."""
        lines_of_file: Dict[int, LineHits] = {}
        for bp in bps:
            real = src.resolve(bp.requested_line)
            if src.error:
                bp.message = src.error
            elif real is None:
                bp.message = "no executable code at or after line %d" % bp.requested_line
            else:
                bp.line = real
                bp.verified = True
                bp.message = None
                bp.compile_conditions()
            if bp.verified:
                lines_of_file.setdefault(bp.line, LineHits()).append(bp)
        for hits in lines_of_file.values():
            hits.refresh()
        if lines_of_file:
            self.by_path[key] = lines_of_file
        if src.missing:
            self.pending[key] = bps

    def _load_pending(self, key: str) -> None:
        """Code from a file that had no source when its breakpoints were set now runs: verify them."""
        bps = self.pending.pop(key)
        src = SourceLines(bps[0].path)
        if src.missing:
            self.pending[key] = bps
            return
        self._resolve(key, bps, src)
        self.version += 1
        if self.on_changed is not None:
            for bp in bps:
                self.on_changed(bp)

    def remove(self, bp: LineBreakpoint) -> None:
        lines = self.by_path.get(canonical(bp.path), {})
        at = lines.get(bp.line)
        if at is not None and bp in at:
            at.remove(bp)
            at.refresh()
            if not at:
                del lines[bp.line]
        self.by_id.pop(bp.id, None)
        self.by_raw_filename.clear()
        self.version += 1

    def clear(self) -> None:
        self.by_path.clear()
        self.by_id.clear()
        self.pending.clear()
        self.by_raw_filename.clear()
        self.version += 1

    def for_filename(self, co_filename: str) -> Optional[Dict[int, LineHits]]:
        """Hot path: one dict lookup on the raw filename string (its hash is cached by Python)."""
        try:
            return self.by_raw_filename[co_filename]
        except KeyError:
            key = canonical(co_filename)
            if key in self.pending:
                self._load_pending(key)
            found = self.by_path.get(key) or None
            self.by_raw_filename[co_filename] = found
            return found
