"""Debug console completions: names in scope, attributes after a dot, dict keys after a bracket.

The expression before the dot or bracket is resolved without running user code: only a dotted
name, each step read from an instance dict, slot or class dict (a property is not run to complete
what follows it). The member list comes from dir() (a user __dir__ is the class's own answer to
that question) or, if that fails, from the dicts.
"""
from __future__ import annotations

import builtins
import keyword
import re
import types
from types import FrameType
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import locals_writer
from .safe_repr import _MISSING, _type_dict, _type_mro, lookup, static_attribute
from .variables import FUNCTION_TYPES, _is, _is_python_descriptor, instance_dict, literal_key

MAX_TARGETS = 500

_KEY = re.compile(r"((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\[\s*(['\"]?)([^'\"\[\]]*)$")
_ATTR = re.compile(r"((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\.(\w*)$")
_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)?$")


def complete(text: str, column: int, frame: Optional[FrameType]) -> List[Dict[str, Any]]:
    """Completion targets for the text before `column` (1-based)."""
    before = text[: max(0, column - 1)]
    scope = _scope(frame)
    match = _KEY.search(before)
    if match:
        base = _resolve(match.group(1), scope)
        quote, partial = match.group(2), match.group(3)
        if _is(base, dict):
            return _keys(base, quote, partial, len(before))
        return []
    match = _ATTR.search(before)
    if match:
        base = _resolve(match.group(1), scope)
        if base is _MISSING:
            return []
        partial = match.group(2)
        return _targets(_members(base), partial, len(before), lambda name: _kind_of_member(base, name))
    match = _NAME.search(before)
    partial = (match.group(1) if match else "") or ""
    names: Dict[str, Any] = {}
    for ns in scope:
        for name in ns:
            if isinstance(name, str) and name not in names:
                names[name] = ns[name]
    targets = _targets(names, partial, len(before), lambda name: _kind_of_value(names[name]))
    targets.extend({"label": kw, "type": "keyword", "start": len(before) - len(partial) + 1, "length": len(partial)}
                   for kw in keyword.kwlist if kw.startswith(partial) and partial)
    return targets[:MAX_TARGETS]


def _scope(frame: Optional[FrameType]) -> List[Any]:
    if frame is None:
        import __main__
        return [__main__.__dict__, builtins.__dict__]
    local_ns = locals_writer.namespace(frame)
    g = frame.f_globals
    spaces = [local_ns] if local_ns is g else [local_ns, g]
    b = g.get("__builtins__", builtins)
    spaces.append(b if isinstance(b, dict) else builtins.__dict__)
    return spaces


def _resolve(dotted: str, scope: List[Any]) -> Any:
    first, *rest = dotted.split(".")
    value = _MISSING
    for ns in scope:
        if first in ns:
            value = ns[first]
            break
    for name in rest:
        if value is _MISSING:
            return _MISSING
        value = _static_member(value, name)
    return value


def _static_member(value: Any, name: str) -> Any:
    if _is(value, type):
        for base in _type_mro(value):
            d = _type_dict(base)
            if name in d:
                attr = d[name]
                return _MISSING if _is_python_descriptor(attr) and not _is(attr, (staticmethod, classmethod)) else attr
        return _MISSING
    found = static_attribute(value, name)
    if found is not _MISSING:
        return found
    attr = lookup(type(value), name)
    if attr is _MISSING or _is_python_descriptor(attr):
        return _MISSING
    try:
        return attr.__get__(value, type(value)) if lookup(type(attr), "__get__") is not _MISSING else attr
    except Exception:
        return _MISSING


def _members(value: Any) -> Dict[str, Any]:
    names: Dict[str, Any] = {}
    try:
        listed = dir(value)
    except Exception:
        listed = []
    for name in listed:
        if isinstance(name, str):
            names[name] = None
    d = instance_dict(value)
    if d:
        for name in d:
            if isinstance(name, str):
                names.setdefault(name, None)
    klass = value if _is(value, type) else type(value)
    for base in _type_mro(klass):
        for name in _type_dict(base):
            if isinstance(name, str):
                names.setdefault(name, None)
    return names


def _kind_of_member(owner: Any, name: str) -> str:
    d = instance_dict(owner)
    if d is not None and name in d and not _is(owner, type):
        return _kind_of_value(d[name], field=True)
    klass = owner if _is(owner, type) else type(owner)
    attr = lookup(klass, name)
    if attr is _MISSING:
        return "property" if not _is(owner, types.ModuleType) else "variable"
    if _is(attr, FUNCTION_TYPES):
        return "method" if not _is(owner, types.ModuleType) else "function"
    if _is_python_descriptor(attr):
        return "property"
    return _kind_of_value(attr, field=True)


def _kind_of_value(value: Any, field: bool = False) -> str:
    if _is(value, types.ModuleType):
        return "module"
    if _is(value, type):
        return "class"
    if _is(value, FUNCTION_TYPES):
        return "function"
    return "field" if field else "variable"


def _order(name: str) -> Tuple[int, str]:
    return (2 if name.startswith("__") else 1 if name.startswith("_") else 0), name.lower()


def _targets(names: Iterable[str], partial: str, end: int, kind: Any) -> List[Dict[str, Any]]:
    private_too = partial.startswith("_")
    chosen = [name for name in names if name.startswith(partial) and (private_too or not name.startswith("_"))]
    chosen.sort(key=_order)
    out = []
    for name in chosen[:MAX_TARGETS]:
        try:
            kind_name = kind(name)
        except Exception:
            kind_name = "variable"
        out.append({"label": name, "type": kind_name, "start": end - len(partial) + 1, "length": len(partial)})
    return out


def _keys(mapping: Dict[Any, Any], quote: str, partial: str, end: int) -> List[Dict[str, Any]]:
    out = []
    typed = len(partial) + len(quote)
    for key in list(dict.keys(mapping))[:10 * MAX_TARGETS]:
        if quote:
            if not isinstance(key, str) or not key.startswith(partial):
                continue
            text = quote + key + quote + "]"
            label = repr(key)
        else:
            literal = literal_key(key)
            if literal is None or not literal.startswith(partial):
                continue
            text = label = literal
            text += "]"
        out.append({"label": label, "text": text, "type": "value", "start": end - typed + 1, "length": typed})
        if len(out) >= MAX_TARGETS:
            break
    return out
