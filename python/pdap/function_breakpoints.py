"""Function breakpoints: stop on the first line of a function named `func`, `Class.method` or `module.func`."""
from __future__ import annotations

import sys
from types import CodeType, FrameType, ModuleType
from typing import Any, Dict, List, Tuple

from .breakpoints import Breakpoint
from .errors import BAD_ARGUMENTS, RequestError
from .sources import qualified_name


class FunctionBreakpoint(Breakpoint):
    """Stops on the first line of a function of that name (verified at once: it may be defined later)."""

    __slots__ = ("name",)

    def __init__(self, spec: Dict[str, Any]) -> None:
        name = spec.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RequestError("a function breakpoint needs a 'name' (a string)", BAD_ARGUMENTS)
        super().__init__(spec, verified=True)
        self.name = name.strip()
        self.compile_conditions()

    def to_dap(self) -> Dict[str, Any]:
        body = super().to_dap()
        if self.verified and not self.message and not _defined(self.name):
            # still verified: it stops once a function of that name runs (defined later, imported later)
            body["message"] = "pending until a function %s is defined" % self.name
        return body

    def matches(self, module: str, qualname: str) -> bool:
        if self.name == qualname:
            return True
        full = "%s.%s" % (module, qualname)
        return full == self.name or full.endswith("." + self.name)


def _defined(name: str) -> bool:
    """Whether a function `name` (func, Class.method, module.func) is reachable from a loaded module now."""
    parts = name.split(".")
    for module_name, module in list(sys.modules.items()):
        for start in range(len(parts)):
            prefix = ".".join(parts[:start])
            if prefix and module_name != prefix and not module_name.endswith("." + prefix):
                continue
            if _has_function(module, parts[start:]):
                return True
    return False


def _has_function(module: Any, path: List[str]) -> bool:
    target: Any = module
    try:
        for attribute in path:
            if not issubclass(type(target), (ModuleType, type)):  # type(): no __class__ of the program's
                return False  # modules and classes only, read through their namespaces: no user code runs
            namespace = target.__dict__
            if attribute not in namespace:
                return False
            target = namespace[attribute]
        target = getattr(target, "__func__", target)
        return isinstance(getattr(target, "__code__", None), CodeType)
    except Exception:
        return False


class FunctionBreakpoints:
    def __init__(self) -> None:
        self.items: List[FunctionBreakpoint] = []
        self.active = False
        self._by_code: Dict[int, Tuple[CodeType, List[FunctionBreakpoint]]] = {}

    def set(self, specs: List[Dict[str, Any]]) -> List[FunctionBreakpoint]:
        self.items = [FunctionBreakpoint(spec) for spec in specs]
        self.active = any(bp.verified for bp in self.items)
        self._by_code.clear()
        return self.items

    def clear(self) -> None:
        self.set([])

    def for_frame(self, frame: FrameType) -> List[FunctionBreakpoint]:
        """The breakpoints naming this frame's function; decided once per code object."""
        code = frame.f_code
        cached = self._by_code.get(id(code))
        if cached is not None and cached[0] is code:
            return cached[1]
        module = str(frame.f_globals.get("__name__", ""))
        qualname = qualified_name(code, frame)
        found = [bp for bp in self.items if bp.verified and bp.matches(module, qualname)]
        self._by_code[id(code)] = (code, found)  # holding the code keeps its id unique
        return found
