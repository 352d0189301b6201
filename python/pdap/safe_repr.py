"""Bounded text for any value: the repr a user expects, cut at a length, without surprises.

Builtin containers (and the stdlib ones: deque, defaultdict, OrderedDict, Counter, namedtuple,
dataclass, array, SimpleNamespace) are walked here, so a ten-million-element list costs as much as
the few hundred elements that fit, and self-containing containers show [...] as Python does. A
user-defined __repr__ is called (on a guarded helper thread, see user_code.py); one that raises
shows the error in its place; one of a type that hung before is refused.
"""
from __future__ import annotations

import array
import collections
import re
import sys
import types
import weakref
from typing import Any, Callable, Dict, List, Optional, Set

from .user_code import Guard, Interrupted

MAX_VALUE_CHARS = 1000  # a value in the variables pane, a hover, a watch
REPL_CHARS = 100_000  # a result in the debug console
CLIPBOARD_CHARS = 16 * 1024 * 1024  # "copy value": whole, up to what one message may carry
MAX_DEPTH = 6
HUGE_INT_BITS = 13_000  # about 4000 digits: past this int -> str is slow or refused (3.11+)

_TYPE_SLOTS: Any = type.__dict__  # read a class's own data without asking its metaclass
_type_qualname = _TYPE_SLOTS["__qualname__"].__get__
_type_module = _TYPE_SLOTS["__module__"].__get__
_type_mro = _TYPE_SLOTS["__mro__"].__get__
_type_dict = _TYPE_SLOTS["__dict__"].__get__
_object_repr = object.__repr__

C_FUNCTION_TYPES = (types.BuiltinFunctionType, types.WrapperDescriptorType, types.MethodWrapperType,
                    types.MethodDescriptorType, types.ClassMethodDescriptorType)


def lookup(klass: type, name: str) -> Any:
    """The class attribute as stored (no descriptor is run, no metaclass is asked), or _MISSING."""
    try:
        for base in _type_mro(klass):
            d = _type_dict(base)
            if name in d:
                return d[name]
    except Exception:
        pass
    return _MISSING


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


def type_name(value: Any) -> str:
    """The short class name a user knows (Point, OrderedDict, ndarray)."""
    try:
        name = _type_qualname(type(value))
        return name if isinstance(name, str) else type(value).__name__
    except Exception:
        return type(value).__name__


def full_type_name(klass: type) -> str:
    try:
        module = _type_module(klass)
    except Exception:
        module = None
    name = _type_qualname(klass)
    return name if module in ("builtins", None) or not isinstance(module, str) else "%s.%s" % (module, name)


def default_repr(value: Any) -> str:
    """object.__repr__: no user code at all."""
    try:
        return "<%s object at %#x>" % (full_type_name(type(value)), id(value))
    except Exception:
        return "<object at %#x>" % id(value)


def describe_exception(exc: BaseException) -> str:
    """'ValueError: boom' for an exception raised by user code (its __str__ may fail too)."""
    name = type_name(exc)
    try:
        text = str(exc)
    except Interrupted:
        raise
    except BaseException:
        text = ""
    if not isinstance(text, str):
        text = ""
    text = text if len(text) <= 200 else text[:200] + "..."
    return "%s: %s" % (name, text) if text else name


class _Full(Exception):
    """The text reached its limit."""


class _Out:
    __slots__ = ("parts", "left")

    def __init__(self, limit: int) -> None:
        self.parts: List[str] = []
        self.left = limit

    def put(self, text: str) -> None:
        if len(text) >= self.left:
            if len(text) > self.left:
                self.parts.append(text[: self.left])
                self.left = 0
                raise _Full
            self.left = 0
            self.parts.append(text)
            return
        self.parts.append(text)
        self.left -= len(text)


# How each class is rendered, decided once per class.
_K_SCALAR, _K_INT, _K_STR, _K_BYTES, _K_BYTEARRAY = range(5)
_K_LIST, _K_TUPLE, _K_SET, _K_FROZENSET, _K_DICT, _K_DEQUE, _K_DEFAULTDICT, _K_NAMED_DICT = range(5, 13)
_K_ARRAY, _K_NAMEDTUPLE, _K_DATACLASS, _K_NAMESPACE, _K_C, _K_USER, _K_DEFAULT, _K_NUMPY = range(13, 21)
_K_MAPPINGPROXY, _K_DATAFRAME, _K_SERIES = 21, 22, 23
# what a container that contains itself shows where it recurs
_RECURSIVE_MARK = {_K_LIST: "[...]", _K_DICT: "{...}", _K_DEFAULTDICT: "{...}", _K_NAMED_DICT: "{...}"}


class PerClass:
    """A decision made once per class (how to render it, how to expand it): `decide(klass)`, or
    `fallback` when deciding raises (an evil metaclass). Bounded: classes made at run time in a
    loop must not grow it without end. The classes are held weakly: a cached class would keep its
    module's globals alive (through its methods) past the module's end, and what they hold would
    never be finalised at exit (an unflushed file loses its last write)."""

    def __init__(self, decide: Callable[[type], Any], fallback: Any, limit: int = 20_000) -> None:
        self._decide = decide
        self._fallback = fallback
        self._limit = limit
        self._known: "weakref.WeakKeyDictionary[type, Any]" = weakref.WeakKeyDictionary()

    def __call__(self, klass: type) -> Any:
        try:
            found = self._known.get(klass)
        except TypeError:  # not weakly referable: decided every time
            found = None
        if found is None:
            try:
                found = self._decide(klass)
            except Exception:
                found = self._fallback
            if len(self._known) > self._limit:
                self._known.clear()
            try:
                self._known[klass] = found
            except TypeError:
                pass
        return found


_SIMPLE_KINDS: Dict[Any, int] = {
    int.__repr__: _K_INT, float.__repr__: _K_SCALAR, complex.__repr__: _K_SCALAR, bool.__repr__: _K_SCALAR,
    type(None).__repr__: _K_SCALAR, str.__repr__: _K_STR, bytes.__repr__: _K_BYTES,
    bytearray.__repr__: _K_BYTEARRAY, list.__repr__: _K_LIST, tuple.__repr__: _K_TUPLE, set.__repr__: _K_SET,
    frozenset.__repr__: _K_FROZENSET, dict.__repr__: _K_DICT, collections.deque.__repr__: _K_DEQUE,
    collections.defaultdict.__repr__: _K_DEFAULTDICT, collections.OrderedDict.__repr__: _K_NAMED_DICT,
    collections.Counter.__repr__: _K_NAMED_DICT, array.array.__repr__: _K_ARRAY,
    types.SimpleNamespace.__repr__: _K_NAMESPACE, types.MappingProxyType.__repr__: _K_MAPPINGPROXY,
}
# C reprs that never call back into user code: safe even where no user code may run
_SAFE_C_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.ModuleType, range, slice, type,
                 types.CodeType, types.FrameType, type(Ellipsis), type(NotImplemented))


def _classify(klass: type) -> int:
    r = lookup(klass, "__repr__")
    if r is object.__repr__:
        return _K_DEFAULT
    try:
        kind = _SIMPLE_KINDS.get(r)
    except TypeError:  # an unhashable __repr__ attribute
        kind = None
    if kind is not None:
        return kind
    numpy = sys.modules.get("numpy")  # only if the program imported it
    if numpy is not None and isinstance(getattr(numpy, "ndarray", None), type) and issubclass(klass, numpy.ndarray):
        return _K_NUMPY
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if isinstance(getattr(pandas, "DataFrame", None), type) and issubclass(klass, pandas.DataFrame):
            return _K_DATAFRAME
        if isinstance(getattr(pandas, "Series", None), type) and issubclass(klass, pandas.Series):
            return _K_SERIES
    if isinstance(r, C_FUNCTION_TYPES):
        return _K_C  # a C type's own repr (functions, classes, exceptions, ranges...)
    if issubclass(klass, tuple) and getattr(r, "__module__", None) == "collections" \
            and isinstance(lookup(klass, "_fields"), tuple):
        return _K_NAMEDTUPLE
    if lookup(klass, "__dataclass_fields__") is not _MISSING and hasattr(r, "__wrapped__"):
        code = getattr(r, "__code__", None)
        if code is not None and code.co_filename.endswith(("dataclasses.py", "reprlib.py")):
            return _K_DATACLASS
    return _K_USER


kind_of: Callable[[type], int] = PerClass(_classify, _K_USER)


_SPACES = re.compile(r"\s*\n\s*")
_RUNS = re.compile(r"\s+")
_PADDING = re.compile(r"(?<=\[) ")


class Renderer:
    """One request's way of showing values: length limit, hex, and whether user code may run."""

    __slots__ = ("limit", "hex", "guard", "user_code")

    def __init__(self, limit: int = MAX_VALUE_CHARS, hex: bool = False, guard: Optional[Guard] = None,
                 user_code: bool = True) -> None:
        self.limit = limit
        self.hex = hex
        self.guard = guard
        self.user_code = user_code

    def without_user_code(self) -> "Renderer":
        return Renderer(self.limit, self.hex, None, False)

    def render(self, value: Any) -> str:
        out = _Out(self.limit)
        try:
            self._walk(value, out, 0, set())
        except _Full:
            return "".join(out.parts) + "..."
        except Interrupted:
            raise
        except Exception as exc:  # e.g. a dict that a repr changed while it was walked
            return "".join(out.parts) + "... <%s>" % describe_exception(exc)
        return "".join(out.parts)

    # ----- the walk ----------------------------------------------------------------------------
    def _walk(self, v: Any, out: _Out, depth: int, active: Set[int]) -> None:
        klass = type(v)
        kind = kind_of(klass)
        if kind == _K_SCALAR:
            out.put(repr(v))
        elif kind == _K_INT:
            self._int(v, out)
        elif kind == _K_STR:
            out.put(repr(str.__getitem__(v, slice(0, out.left + 1))) if str.__len__(v) > out.left else repr(v))
        elif kind == _K_BYTES:
            out.put(repr(bytes.__getitem__(v, slice(0, out.left + 1))) if bytes.__len__(v) > out.left else repr(v))
        elif kind == _K_BYTEARRAY:
            out.put("bytearray(")
            out.put(repr(bytes(bytearray.__getitem__(v, slice(0, out.left + 1)))))
            out.put(")")
        elif kind == _K_DEFAULT:
            out.put(default_repr(v))
        elif kind in (_K_C, _K_USER, _K_NUMPY):
            self._call_repr(v, klass, kind, out)
        elif kind in (_K_DATAFRAME, _K_SERIES):
            self._pandas(v, klass, kind, out, depth, active)
        elif depth >= MAX_DEPTH:
            out.put("...")
        elif id(v) in active:
            out.put(_RECURSIVE_MARK.get(kind, "..."))
        else:
            active.add(id(v))
            try:
                self._container(v, klass, kind, out, depth + 1, active)
            finally:
                active.discard(id(v))

    def _int(self, v: int, out: _Out) -> None:
        if self.hex:
            out.put(hex(int(v)))
        elif int.bit_length(v) > HUGE_INT_BITS:
            out.put("<int of %d bits>" % int.bit_length(v))
        else:
            out.put(int.__repr__(v))

    def _items(self, items: Any, out: _Out, depth: int, active: Set[int]) -> None:
        first = True
        for item in items:
            if not first:
                out.put(", ")
            first = False
            self._walk(item, out, depth, active)

    def _pairs(self, pairs: Any, out: _Out, depth: int, active: Set[int]) -> None:
        first = True
        for key, value in pairs:
            if not first:
                out.put(", ")
            first = False
            self._walk(key, out, depth, active)
            out.put(": ")
            self._walk(value, out, depth, active)

    def _container(self, v: Any, klass: type, kind: int, out: _Out, depth: int, active: Set[int]) -> None:
        name = _type_qualname(klass)
        if kind == _K_LIST:
            out.put("[")
            self._items(list.__iter__(v), out, depth, active)
            out.put("]")
        elif kind == _K_TUPLE:
            out.put("(")
            self._items(tuple.__iter__(v), out, depth, active)
            out.put(",)" if tuple.__len__(v) == 1 else ")")
        elif kind in (_K_SET, _K_FROZENSET):
            base = set if kind == _K_SET else frozenset
            if not base.__len__(v):
                out.put("%s()" % name)
                return
            plain = klass is set
            out.put("{" if plain else "%s({" % name)
            self._items(base.__iter__(v), out, depth, active)
            out.put("}" if plain else "})")
        elif kind == _K_DICT:
            out.put("{")
            self._pairs(dict.items(v), out, depth, active)
            out.put("}")
        elif kind == _K_MAPPINGPROXY:
            out.put("mappingproxy({")
            self._pairs(v.items(), out, depth, active)
            out.put("})")
        elif kind == _K_DEFAULTDICT:
            out.put("%s(" % name)
            self._walk(v.default_factory, out, depth, active)
            out.put(", {")
            self._pairs(dict.items(v), out, depth, active)
            out.put("})")
        elif kind == _K_NAMED_DICT:
            out.put("%s({" % name)
            self._pairs(v.items(), out, depth, active)
            out.put("})")
        elif kind == _K_DEQUE:
            out.put("%s([" % name)
            self._items(collections.deque.__iter__(v), out, depth, active)
            out.put("]" if v.maxlen is None else "], maxlen=%d" % v.maxlen)
            out.put(")")
        elif kind == _K_ARRAY:
            code = v.typecode
            if not len(v):
                out.put("%s(%r)" % (name, code))
            elif code in ("u", "w"):
                out.put("%s(%r, " % (name, code))
                out.put(repr(v[: out.left + 1].tounicode()))
                out.put(")")
            else:
                out.put("%s(%r, [" % (name, code))
                self._items(v, out, depth, active)
                out.put("])")
        elif kind == _K_NAMEDTUPLE:
            fields = lookup(klass, "_fields")
            out.put("%s(" % name)
            self._pairs_named(zip(fields, tuple.__iter__(v)), out, depth, active)
            out.put(")")
        elif kind == _K_DATACLASS:
            self._dataclass(v, klass, name, out, depth, active)
        elif kind == _K_NAMESPACE:
            out.put("%s(" % ("namespace" if klass is types.SimpleNamespace else name))
            self._pairs_named(object.__getattribute__(v, "__dict__").items(), out, depth, active)
            out.put(")")

    def _pairs_named(self, pairs: Any, out: _Out, depth: int, active: Set[int]) -> None:
        first = True
        for key, value in pairs:
            if not first:
                out.put(", ")
            first = False
            out.put("%s=" % key)
            self._walk(value, out, depth, active)

    def _dataclass(self, v: Any, klass: type, name: str, out: _Out, depth: int, active: Set[int]) -> None:
        fields = lookup(klass, "__dataclass_fields__")
        pairs = []
        for field in fields.values():
            kind_of_field = getattr(getattr(field, "_field_type", None), "name", "_FIELD")
            if getattr(field, "repr", True) and kind_of_field == "_FIELD":
                value = static_attribute(v, field.name)
                if value is _MISSING:
                    self._call_repr(v, klass, _K_USER, out)  # a field we cannot read without running code
                    return
                pairs.append((field.name, value))
        out.put("%s(" % name)
        self._pairs_named(pairs, out, depth, active)
        out.put(")")

    def _pandas(self, v: Any, klass: type, kind: int, out: _Out, depth: int, active: Set[int]) -> None:
        if not self.user_code:
            out.put(default_repr(v))
            return
        name = _type_qualname(klass)
        if kind == _K_DATAFRAME:
            rows, cols = v.shape
            columns = [str(c) for c in list(v.columns[:50])]
            out.put("%s: %d rows x %d columns [%s%s]" % (name, rows, cols, ", ".join(columns),
                                                          ", ..." if cols > 50 else ""))
            return
        out.put("%s(" % name)
        out.put("[")
        self._items(v.iloc[:200].tolist(), out, depth + 1, active)
        out.put(", ...]" if len(v) > 200 else "]")
        out.put(", name=%s, dtype=%s, length=%d)" % (_plain(repr, v.name), v.dtype, len(v)))

    def _call_repr(self, v: Any, klass: type, kind: int, out: _Out) -> None:
        if not self.user_code and not (kind == _K_C and issubclass(klass, _SAFE_C_TYPES)):
            out.put(default_repr(v))
            return
        guard = self.guard if kind != _K_C else None  # a C repr is timed by its task, not refused by type
        if guard is not None and not guard.enter(klass, "repr of %s" % _type_qualname(klass)):
            out.put("<repr of %s skipped: an earlier one has not returned>" % _type_qualname(klass))
            return
        try:
            if kind == _K_NUMPY and v.size > 10_000:  # even if the program set a huge print threshold
                numpy = sys.modules["numpy"]
                text = "array(%s)" % numpy.array2string(v, threshold=1000, separator=", ")
            else:
                text = repr(v)
        except Interrupted:
            raise
        except BaseException as exc:
            text = "<repr raised %s>" % describe_exception(exc)
        finally:
            if guard is not None:
                guard.leave()
        if not isinstance(text, str):
            text = "<repr returned %s, not str>" % type_name(text)
        if kind == _K_NUMPY:
            # one line: numpy pads numbers to align columns across lines that are gone here
            numeric = getattr(getattr(v, "dtype", None), "kind", "") in ("b", "i", "u", "f", "c")
            text = _PADDING.sub("", _RUNS.sub(" ", text)) if numeric else _SPACES.sub(" ", text)
        out.put(text)


def _plain(fn: Callable[[Any], str], value: Any) -> str:
    try:
        text = fn(value)
        return text if isinstance(text, str) else "?"
    except Interrupted:
        raise
    except Exception:
        return "?"


def static_attribute(obj: Any, name: str) -> Any:
    """An instance attribute read without running user code: the instance dict, or a slot."""
    try:
        d = object.__getattribute__(obj, "__dict__")
    except Exception:
        d = None
    if isinstance(d, dict) and name in d:
        return d[name]
    attr = lookup(type(obj), name)
    if isinstance(attr, types.MemberDescriptorType):
        try:
            return attr.__get__(obj, type(obj))
        except AttributeError:
            return _MISSING
    return _MISSING


def render(value: Any, limit: int = MAX_VALUE_CHARS, hex: bool = False) -> str:
    """Bounded text of a value on the calling thread (logpoints, messages)."""
    return Renderer(limit, hex).render(value)

