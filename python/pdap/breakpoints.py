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


def check_hit(bp: Any, frame: FrameType) -> "Optional[str]":
    """Counts a hit; returns None to go on, "stop" to stop, or an error text to stop and show."""
    if bp.condition_code is not None:
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
        self.version = 0

    def set_file(self, path: str, specs: List[Dict[str, Any]], source: Optional[bytes] = None) -> List[Breakpoint]:
        key = canonical(path)
        for old in self.by_path.pop(key, {}).values():
            for bp in old:
                self.by_id.pop(bp.id, None)
        result: List[Breakpoint] = []
        lines_of_file: Dict[int, List[Breakpoint]] = {}
        src = SourceLines(path, source) if specs else None
        for spec in specs:
            line = spec.get("line")
            if not isinstance(line, int):
                raise TypeError("breakpoint 'line' must be an integer")
            bp = Breakpoint(path, line, spec)
            assert src is not None
            real = src.resolve(line)
            if src.error:
                bp.message = src.error
            elif real is None:
                bp.message = "no executable code at or after line %d" % line
            else:
                bp.line = real
                bp.verified = True
                compile_condition(bp)
            if bp.verified:
                lines_of_file.setdefault(bp.line, []).append(bp)
            self.by_id[bp.id] = bp
            result.append(bp)
        if lines_of_file:
            self.by_path[key] = lines_of_file
        self._by_raw.clear()
        self.version += 1
        return result

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
        self._by_raw.clear()
        self.version += 1

    def for_filename(self, co_filename: str) -> Optional[Dict[int, List[Breakpoint]]]:
        """Hot path: one dict lookup on the raw filename string (its hash is cached by Python)."""
        try:
            return self._by_raw[co_filename]
        except KeyError:
            found = self.by_path.get(canonical(co_filename)) or None
            self._by_raw[co_filename] = found
            return found

    def hit(self, bp: Breakpoint, frame: FrameType) -> "Optional[str]":
        return check_hit(bp, frame)
