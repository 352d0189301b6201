"""Variables: references valid for one stop, and safe, bounded rendering of user objects."""
from __future__ import annotations

import reprlib
from types import FrameType
from typing import Any, Dict, List, Optional, Tuple

MAX_VALUE_CHARS = 1000
SCALARS = (int, float, complex, bool, str, bytes, type(None))


class Handles:
    """Integer references handed to the client; all are dropped when the program resumes."""

    def __init__(self) -> None:
        self._next = 1
        self._items: Dict[int, Any] = {}

    def add(self, item: Any) -> int:
        ref = self._next
        self._next += 1
        self._items[ref] = item
        return ref

    def get(self, ref: Any, what: str) -> Any:
        if not isinstance(ref, int) or ref not in self._items:
            raise LookupError("%s %r is not valid: the program has resumed since it was given, or it never existed"
                              % (what, ref))
        return self._items[ref]

    def reset(self) -> None:
        # keep counting up so an old reference can never name a new object
        self._items.clear()


class Scope:
    __slots__ = ("frame", "kind")

    def __init__(self, frame: FrameType, kind: str) -> None:
        self.frame = frame
        self.kind = kind


class Child:
    """An expandable value and the expression that names it."""

    __slots__ = ("value", "expr")

    def __init__(self, value: Any, expr: Optional[str]) -> None:
        self.value = value
        self.expr = expr


_repr = reprlib.Repr()
_repr.maxstring = MAX_VALUE_CHARS
_repr.maxother = MAX_VALUE_CHARS
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = _repr.maxfrozenset = 100


def safe_repr(value: Any) -> str:
    try:
        if isinstance(value, (str, bytes)):
            text = repr(value[:MAX_VALUE_CHARS]) + ("..." if len(value) > MAX_VALUE_CHARS else "")
        elif isinstance(value, (list, tuple, dict, set, frozenset)):
            text = _repr.repr(value)
        else:
            text = repr(value)
    except BaseException as exc:  # a user __repr__ may raise anything; show it instead
        return "<repr raised %s: %s>" % (type(exc).__name__, _short(exc))
    if not isinstance(text, str):
        return "<repr returned %s>" % type(text).__name__
    if len(text) > MAX_VALUE_CHARS:
        text = text[:MAX_VALUE_CHARS] + "..."
    return text


def _short(exc: BaseException) -> str:
    try:
        return str(exc)[:200]
    except BaseException:
        return "?"


def type_name(value: Any) -> str:
    t = type(value)
    module = getattr(t, "__module__", "")
    return t.__qualname__ if module in ("builtins", None) else "%s.%s" % (module, t.__qualname__)


def is_expandable(value: Any) -> bool:
    if isinstance(value, SCALARS):
        return False
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        return len(value) > 0
    try:
        return bool(getattr(value, "__dict__", None)) or hasattr(type(value), "__slots__")
    except BaseException:
        return False


def children(value: Any, expr: Optional[str]) -> List[Tuple[str, Any, Optional[str]]]:
    """(name, value, evaluateName) for each child of a container or object."""
    out: List[Tuple[str, Any, Optional[str]]] = []
    if isinstance(value, dict):
        for key, item in list(value.items()):
            key_text = safe_repr(key)
            out.append((key_text, item, "%s[%s]" % (expr, key_text) if expr else None))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            out.append((str(index), item, "%s[%d]" % (expr, index) if expr else None))
    elif isinstance(value, (set, frozenset)):
        for index, item in enumerate(value):
            out.append((str(index), item, None))
    else:
        names: List[str] = []
        try:
            names.extend(sorted(vars(value)))
        except TypeError:
            pass
        for klass in type(value).__mro__:
            for slot in getattr(klass, "__slots__", ()) or ():
                if isinstance(slot, str) and slot not in names and slot not in ("__dict__", "__weakref__"):
                    names.append(slot)
        for name in names:
            try:
                item = getattr(value, name)
            except BaseException as exc:
                item = _Unreadable(exc)
            out.append((name, item, "%s.%s" % (expr, name) if expr else None))
    return out


class _Unreadable:
    def __init__(self, exc: BaseException) -> None:
        self.text = "<%s: %s>" % (type(exc).__name__, _short(exc))

    def __repr__(self) -> str:
        return self.text


def describe(name: str, value: Any, expr: Optional[str], handles: Handles) -> Dict[str, Any]:
    ref = handles.add(Child(value, expr)) if is_expandable(value) else 0
    body: Dict[str, Any] = {"name": name, "value": safe_repr(value), "type": type_name(value),
                            "variablesReference": ref}
    if expr:
        body["evaluateName"] = expr
    if ref and isinstance(value, (list, tuple, set, frozenset, dict)):
        try:
            body["indexedVariables" if not isinstance(value, dict) else "namedVariables"] = len(value)
        except BaseException:
            pass
    return body


def scope_variables(scope: Scope, handles: Handles) -> List[Dict[str, Any]]:
    frame = scope.frame
    names = frame.f_locals if scope.kind == "locals" else frame.f_globals
    module_level = names is frame.f_globals
    result = []
    for name, value in list(names.items()):
        if module_level and name.startswith("__") and name.endswith("__"):
            continue
        result.append(describe(name, value, name, handles))
    return result


def child_variables(child: Child, handles: Handles, start: int = 0, count: int = 0) -> List[Dict[str, Any]]:
    items = children(child.value, child.expr)
    if count:
        items = items[start:start + count]
    elif start:
        items = items[start:]
    return [describe(name, value, expr, handles) for name, value, expr in items]
