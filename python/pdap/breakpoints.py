"""Line breakpoints: where they resolve to, and whether a hit stops."""
from __future__ import annotations

import itertools
import operator
import re
from types import CodeType, FrameType
from typing import Any, Callable, Dict, List, Optional

from .sources import SourceLines, canonical

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


def compile_condition(bp: Any) -> None:
    """Compile a breakpoint's condition and hit condition once; a bad one unverifies it with the reason."""
    if bp.condition:
        try:
            bp.condition_code = compile(bp.condition, "<breakpoint condition>", "eval")
        except SyntaxError as exc:
            bp.verified = False
            bp.message = "invalid condition %r: SyntaxError: %s" % (bp.condition, exc.msg)
            return
    if bp.hit_condition:
        try:
            bp.hit_test = parse_hit_condition(bp.hit_condition)
        except ValueError as exc:
            bp.verified = False
            bp.message = str(exc)


def plain_condition(bps: List[Any], frame: FrameType) -> Optional[bool]:
    """The tracers' fast path for the commonest hot case, one plain conditional breakpoint on the
    line: the condition's truth, evaluated once here. None when that does not apply (no condition,
    hit counts, logpoints, several breakpoints) or when it raised: the slow path then evaluates it
    and reports the error."""
    if len(bps) != 1:
        return None
    bp = bps[0]
    code = bp.condition_code
    if code is None or bp.hit_test is not None or bp.log_message is not None:
        return None
    try:
        return bool(eval(code, frame.f_globals, frame.f_locals))
    except Exception:
        return None


def check_hit(bp: Any, frame: FrameType, condition_held: bool = False) -> "Optional[str]":
    """Counts a hit; returns None to go on, "stop" to stop, or an error text to stop and show."""
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


class Breakpoint:
    __slots__ = ("id", "path", "line", "requested_line", "verified", "message", "condition",
                 "condition_code", "hit_condition", "hit_test", "log_message", "hits", "temporary",
                 "condition_error_shown")

    def __init__(self, path: str, line: int, spec: Dict[str, Any]) -> None:
        self.id = next(_ids)
        self.path = path
        self.requested_line = line
        self.line = line
        self.verified = False
        self.message: Optional[str] = None
        self.condition: Optional[str] = spec.get("condition") or None
        self.condition_code: Optional[CodeType] = None
        self.hit_condition: Optional[str] = spec.get("hitCondition") or None
        self.hit_test: Optional[Callable[[int], bool]] = None
        self.condition_error_shown = False
        self.log_message: Optional[str] = spec.get("logMessage") or None
        self.hits = 0
        self.temporary = bool(spec.get("temporary"))

    def to_dap(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"id": self.id, "verified": self.verified, "line": self.line,
                                "source": {"path": self.path}}
        if self.message:
            body["message"] = self.message
        return body


class BreakpointTable:
    """All line breakpoints, keyed by canonical path and by the raw co_filename the tracer sees."""

    def __init__(self) -> None:
        self.by_path: Dict[str, Dict[int, List[Breakpoint]]] = {}
        self.by_id: Dict[int, Breakpoint] = {}
        # raw co_filename -> {line: [bp]} (None: no breakpoints in that file); derived lazily
        self._by_raw: Dict[str, Optional[Dict[int, List[Breakpoint]]]] = {}
        # canonical path -> breakpoints set while the file did not exist (verified when code from it runs)
        self.pending: Dict[str, List[Breakpoint]] = {}
        self.on_changed: Optional[Callable[[Breakpoint], None]] = None
        self.version = 0

    def set_file(self, path: str, specs: List[Dict[str, Any]], source: Optional[bytes] = None) -> List[Breakpoint]:
        key = canonical(path)
        for old in self.by_path.pop(key, {}).values():
            for bp in old:
                self.by_id.pop(bp.id, None)
        self.pending.pop(key, None)
        result: List[Breakpoint] = []
        for spec in specs:
            line = spec.get("line")
            if not isinstance(line, int):
                raise TypeError("breakpoint 'line' must be an integer")
            bp = Breakpoint(path, line, spec)
            self.by_id[bp.id] = bp
            result.append(bp)
        if result:
            self._resolve(key, result, SourceLines(path, source))
        self._by_raw.clear()
        self.version += 1
        return result

    def _resolve(self, key: str, bps: List[Breakpoint], src: SourceLines) -> None:
        """Snap each breakpoint to an executable line; a missing file keeps them pending until it loads."""
        lines_of_file: Dict[int, List[Breakpoint]] = {}
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
                compile_condition(bp)
            if bp.verified:
                lines_of_file.setdefault(bp.line, []).append(bp)
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

    def remove(self, bp: Breakpoint) -> None:
        lines = self.by_path.get(canonical(bp.path), {})
        at = lines.get(bp.line, [])
        if bp in at:
            at.remove(bp)
            if not at:
                del lines[bp.line]
        self.by_id.pop(bp.id, None)
        self._by_raw.clear()
        self.version += 1

    def clear(self) -> None:
        self.by_path.clear()
        self.by_id.clear()
        self.pending.clear()
        self._by_raw.clear()
        self.version += 1

    def for_filename(self, co_filename: str) -> Optional[Dict[int, List[Breakpoint]]]:
        """Hot path: one dict lookup on the raw filename string (its hash is cached by Python)."""
        try:
            return self._by_raw[co_filename]
        except KeyError:
            key = canonical(co_filename)
            if key in self.pending:
                self._load_pending(key)
            found = self.by_path.get(key) or None
            self._by_raw[co_filename] = found
            return found

    def hit(self, bp: Breakpoint, frame: FrameType) -> "Optional[str]":
        return check_hit(bp, frame)
