"""What the agent knows about source files: canonical names, executable lines, user vs library code."""
from __future__ import annotations

import dis
import os
import sys
import sysconfig
from types import CodeType, FrameType, ModuleType
from typing import Dict, Iterator, List, Optional, Set, Tuple

_canonical: Dict[str, str] = {}
PDAP_DIR = os.path.dirname(os.path.abspath(__file__))


def canonical(filename: str) -> str:
    """A stable key for a file: absolute, symlinks resolved. Pseudo-files like <string> stay as they are."""
    key = _canonical.get(filename)
    if key is None:
        if filename.startswith("<") and filename.endswith(">"):
            key = filename
        else:
            key = os.path.normcase(os.path.realpath(filename))
        _canonical[filename] = key
    return key


def code_lines(code: CodeType) -> Set[int]:
    """The lines that hold instructions of this code object itself (not of nested functions)."""
    return {line for _, line in dis.findlinestarts(code) if line is not None and line > 0}


def walk_code(code: CodeType) -> Iterator[CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from walk_code(const)


class SourceLines:
    """Executable lines of one file, from compiling its current text; the map that breakpoints snap to."""

    def __init__(self, path: str, source: Optional[bytes] = None) -> None:
        self.path = path
        self.error: Optional[str] = None
        self.missing = False
        self.lines: List[int] = []
        # function-level grouping so a breakpoint never snaps out of the function it was set in
        self.ranges: List[Tuple[int, int, Set[int]]] = []
        try:
            if source is None:
                with open(path, "rb") as f:
                    source = f.read()
            module = compile(source, path, "exec", dont_inherit=True)
        except FileNotFoundError:
            self.error = "file not found: %s (verified when code from it runs)" % path
            self.missing = True
            return
        except (SyntaxError, ValueError, OSError) as exc:
            self.error = "cannot compile %s: %s" % (os.path.basename(path), exc)
            return
        every: Set[int] = set()
        for code in walk_code(module):
            lines = code_lines(code)
            every |= lines
            if lines:
                self.ranges.append((min(lines), max(lines), lines))
        self.lines = sorted(every)

    def resolve(self, line: int) -> Optional[int]:
        """The line a breakpoint at `line` really stops on: itself or the next executable line."""
        if self.error:
            return None
        if line in self.lines_set:
            return line
        for candidate in self.lines:
            if candidate > line:
                return candidate
        return None

    @property
    def lines_set(self) -> Set[int]:
        cached = getattr(self, "_set", None)
        if cached is None:
            cached = self._set = set(self.lines)
        return cached


def _library_roots() -> Tuple[str, ...]:
    roots = set()
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            path = sysconfig.get_paths().get(name)
        except Exception:
            path = None
        if path:
            roots.add(canonical(path))
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        roots.add(canonical(os.path.join(prefix, "lib")))
    for entry in sys.path:
        if "site-packages" in entry or "dist-packages" in entry:
            roots.add(canonical(entry))
    return tuple(sorted(roots))


class CodeFilter:
    """Decides once per code object whether it is the user's code (justMyCode) and whether to trace it at all."""

    def __init__(self) -> None:
        self.library_roots = _library_roots()
        self.user_files: Set[str] = set()  # pseudo-files that are user code, like <string> from -c
        # id(code) -> (code, verdict): hashing a code object hashes its bytecode, every time
        self._is_user: Dict[int, Tuple[CodeType, bool]] = {}

    def is_agent(self, code: CodeType) -> bool:
        return canonical(code.co_filename).startswith(PDAP_DIR + os.sep)

    def is_user(self, code: CodeType) -> bool:
        known = self._is_user.get(id(code))
        if known is not None and known[0] is code:
            return known[1]
        verdict = self._classify(code.co_filename)
        self._is_user[id(code)] = (code, verdict)  # holding the code keeps its id unique
        return verdict

    def is_user_file(self, filename: str) -> bool:
        return self._classify(filename)

    def _classify(self, filename: str) -> bool:
        path = canonical(filename)
        if path in self.user_files:
            return True
        if path.startswith("<"):
            return False
        if path.startswith(PDAP_DIR + os.sep):
            return False
        if not any(path.startswith(root + os.sep) for root in self.library_roots):
            return True
        # the program the user asked to run is theirs wherever it lives (python -m json.tool)
        main = sys.modules.get("__main__")
        main_file = vars(main).get("__file__") if isinstance(main, ModuleType) else None  # no module __getattr__
        return isinstance(main_file, str) and canonical(main_file) == path


def _qualname_from_code(code: CodeType, frame: "FrameType") -> str:
    return code.co_qualname  # type: ignore[attr-defined]


def _qualname_from_frame(code: CodeType, frame: "FrameType") -> str:
    """Before 3.11 code objects have no qualified name: derive Class.method from self/cls."""
    if code.co_argcount and code.co_varnames[0] in ("self", "cls"):
        first = frame.f_locals.get(code.co_varnames[0])
        owner = first if isinstance(first, type) else type(first)
        for klass in getattr(owner, "__mro__", ()):
            if code.co_name in vars(klass):
                return "%s.%s" % (klass.__qualname__, code.co_name)
    return code.co_name


qualified_name = _qualname_from_code if hasattr(CodeType, "co_qualname") else _qualname_from_frame
