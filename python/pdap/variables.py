"""Variables: references valid for one stop, and the children of every kind of value.

Listing children never runs user code for builtin containers and plain objects: attributes are
read from the instance dict, slots and class dicts as stored (properties and other Python-level
descriptors become lazy children that run only when expanded), and containers are paged, so a
page of a ten-million-element list or a large dict costs only that page. Rendering each child's
value (which may run a user __repr__) is the caller's business: see inspector.py.
"""
from __future__ import annotations

import ast
import collections
import enum
import itertools
import keyword
import math
import sys
import types
from array import array
from types import FrameType
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from .errors import BAD_ARGUMENTS, REFUSED, RequestError, UnknownReference
from .safe_repr import (
    _MISSING,
    C_FUNCTION_TYPES,
    PerClass,
    Renderer,
    _type_dict,
    _type_module,
    _type_mro,
    describe_exception,
    lookup,
    type_name,
)

KEY_CHARS = 200
UNPAGED_LIMIT = 1000  # children sent when a client asks for a big container without start/count
LAZY_TEXT = "<property: expand to read>"


class Handles:
    """Integer references handed to the client; all are dropped when the program resumes."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._next = 1  # the first reference of the current stop
        self._items: Dict[int, Any] = {}
        self.on_reset: Optional[Callable[[], None]] = None  # called when the program resumes

    def add(self, item: Any) -> int:
        ref = next(self._counter)  # atomic: helper threads may add too
        self._items[ref] = item
        return ref

    def get(self, ref: Any, what: str) -> Any:
        item = self._items.get(ref) if isinstance(ref, int) and not isinstance(ref, bool) else None
        if item is not None:
            return item
        if not isinstance(ref, int) or isinstance(ref, bool):
            raise RequestError("'%s' must be an integer, not %r" % (what, ref), BAD_ARGUMENTS)
        if 0 < ref < self._next:
            raise UnknownReference("%s %d is no longer valid: the program has run since it was given "
                              "(references last only while the program stays stopped)" % (what, ref))
        raise UnknownReference("%s %d is not valid: it was never given" % (what, ref))

    def reset(self) -> None:
        # keep counting up so an old reference can never name a new object
        self._items.clear()
        self._next = next(self._counter)
        if self.on_reset is not None:
            try:
                self.on_reset()
            except Exception:
                pass


# ----- what a reference names ----------------------------------------------------------------------
class Scope:
    __slots__ = ("frame", "kind", "entries")

    def __init__(self, frame: FrameType, kind: str, entries: Optional[List["Entry"]] = None) -> None:
        self.frame = frame
        self.kind = kind  # locals | globals | return | exception
        self.entries = entries


class Ref:
    """An expandable value, the expression that names it, and paging state."""

    __slots__ = ("value", "expr", "frame", "keys", "cursor")

    def __init__(self, value: Any, expr: Optional[str], frame: Optional[FrameType]) -> None:
        self.value = value
        self.expr = expr
        self.frame = frame
        self.keys: Dict[str, Any] = {}  # child name -> dict key, for setVariable
        self.cursor: Optional[Tuple[int, Iterator[Any]]] = None  # where the last page of an iteration ended


class Group:
    """'special variables', 'function variables', 'class variables': members shown apart."""

    __slots__ = ("title", "entries", "parent")

    def __init__(self, title: str, entries: List["Entry"], parent: Any) -> None:
        self.title = title
        self.entries = entries
        self.parent = parent  # the Scope or Ref whose members these are (for setVariable)


class Lazy:
    """A property (or other Python descriptor): read only when the user expands it."""

    __slots__ = ("owner", "name", "expr", "frame")

    def __init__(self, owner: Any, name: str, expr: Optional[str], frame: Optional[FrameType]) -> None:
        self.owner = owner
        self.name = name
        self.expr = expr
        self.frame = frame


class More:
    """The marker child after the first UNPAGED_LIMIT children of an unpaged request."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


class KeyName:
    """The name of a dict item whose key has no literal form: its repr, made when it is rendered."""

    __slots__ = ("key", "ref", "index")

    def __init__(self, key: Any, ref: "Ref", index: int) -> None:
        self.key = key
        self.ref = ref
        self.index = index

    def resolve(self, renderer: Renderer) -> str:
        name = Renderer(KEY_CHARS, renderer.hex, renderer.guard, renderer.user_code).render(self.key)
        keys = self.ref.keys
        if name in keys and keys[name] is not self.key:
            name = "%s (%d)" % (name, self.index)  # two keys that look alike
        keys[name] = self.key
        return name


# name (a str, or a KeyName), value, evaluateName, presentationHint
Entry = Tuple[Any, Any, Optional[str], Optional[Dict[str, Any]]]

METHOD_HINT = {"kind": "method"}
CLASS_HINT = {"kind": "class"}
PROPERTY_HINT = {"kind": "property"}
GROUP_HINT = {"kind": "virtual"}

FUNCTION_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, staticmethod, classmethod,
                  *C_FUNCTION_TYPES)
C_DATA_DESCRIPTORS = (types.GetSetDescriptorType, types.MemberDescriptorType)


def _is(value: Any, kinds: Any) -> bool:
    """isinstance without asking the object for its __class__ (that can run user code)."""
    return issubclass(type(value), kinds)


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name[:2] == "__" and name[-2:] == "__"


_KEYWORDS = frozenset(keyword.kwlist)


def attr_expr(expr: Optional[str], name: str) -> Optional[str]:
    if expr is None:
        return None
    if name.isidentifier() and name not in _KEYWORDS:
        return expr + "." + name
    return "getattr(%s, %r)" % (expr, name)


def item_expr(expr: Optional[str], index: Any) -> Optional[str]:
    return None if expr is None else "%s[%s]" % (expr, index)


def as_operand(expr: str) -> str:
    """expr, parenthesized unless it is a name, attribute, subscript or call (so expr[0] means what it says)."""
    try:
        node = ast.parse(expr.strip(), mode="eval").body
    except SyntaxError:
        return "(%s)" % expr
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant, ast.List, ast.Dict,
                         ast.Tuple, ast.Set)):
        text = expr.strip()
        return "(%s)" % text if isinstance(node, ast.Tuple) and not text.startswith("(") else text
    return "(%s)" % expr.strip()


def literal_key(key: Any) -> Optional[str]:
    """Source text that evaluates to an equal key, or None when there is none."""
    kind = type(key)
    if kind in (str, bytes, int, bool, type(None)):
        return repr(key)
    if kind is float:
        return repr(key) if math.isfinite(key) else None
    if kind is tuple:
        parts = [literal_key(k) for k in key]
        if any(p is None for p in parts):
            return None
        return "(%s)" % (", ".join(parts) + ("," if len(parts) == 1 else ""))  # type: ignore[arg-type]
    return None


# ----- the children of each kind of value ----------------------------------------------------------
class Provider:
    """How one kind of value is expanded.

    safe: listing the children runs no user code (builtin containers read through their C
    methods), so the reader thread may do it. library: numpy/pandas, whose counts run their code.
    """

    safe = True
    library = False

    def expandable(self, value: Any) -> bool:
        return True

    def counts(self, value: Any) -> Tuple[int, int]:
        """(indexedVariables, namedVariables) to announce, 0 for none."""
        return 0, 0

    def named(self, ref: Ref) -> List[Entry]:
        return []

    def indexed(self, ref: Ref, start: int, stop: int) -> List[Entry]:
        return []

    def length(self, value: Any) -> int:
        return 0

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        """Assign; returns the child's evaluateName."""
        setattr(ref.value, name, value)
        return attr_expr(ref.expr, name)


class Scalar(Provider):
    def expandable(self, value: Any) -> bool:
        return False


class Sequence(Provider):
    """list, tuple, deque, array, bytes, bytearray: indexed children, paged."""

    def __init__(self, base: type, mutable: bool) -> None:
        self.base = base
        self.mutable = mutable
        self._len = base.__len__

    def length(self, value: Any) -> int:
        return self._len(value)

    def expandable(self, value: Any) -> bool:
        return self._len(value) > 0

    def counts(self, value: Any) -> Tuple[int, int]:
        return self._len(value), 0

    def named(self, ref: Ref) -> List[Entry]:
        return instance_entries(ref) if has_instance_dict(ref.value) else []

    def indexed(self, ref: Ref, start: int, stop: int) -> List[Entry]:
        value, expr = ref.value, ref.expr
        if self.base in (list, tuple, bytes, bytearray, array):
            items: Any = self.base.__getitem__(value, slice(start, stop))
        else:
            items = itertools.islice(iter_from(ref, self.base.__iter__, start), stop - start)
        return [(str(i), item, item_expr(expr, i), None) for i, item in zip(range(start, stop), items)]

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        if not self.mutable:
            raise RequestError("cannot change an item of a %s: it is immutable" % type_name(ref.value), REFUSED)
        if not name.isdigit():
            return super().set_child(ref, name, value)
        ref.value[int(name)] = value
        return item_expr(ref.expr, int(name))


class NamedTuple(Provider):
    def counts(self, value: Any) -> Tuple[int, int]:
        return 0, tuple.__len__(value)

    def named(self, ref: Ref) -> List[Entry]:
        fields = lookup(type(ref.value), "_fields")
        return [(str(name), item, attr_expr(ref.expr, str(name)), None)
                for name, item in zip(fields, tuple.__iter__(ref.value))]

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        raise RequestError("cannot change a field of a %s: named tuples are immutable" % type_name(ref.value),
                           REFUSED)


class Mapping(Provider):
    """dict and its subclasses, mappingproxy: keys shown as keys, paged by position."""

    def __init__(self, base: Any) -> None:
        self.base = base

    def _items(self, value: Any) -> Iterator[Tuple[Any, Any]]:
        if self.base is dict and type(value).__module__ not in ("collections", "builtins"):
            return iter(dict.items(value))  # bypass a subclass's items(): the real contents
        return iter(value.items())

    def length(self, value: Any) -> int:
        return len(value) if self.base is not dict else dict.__len__(value)

    def expandable(self, value: Any) -> bool:
        return self.length(value) > 0

    def counts(self, value: Any) -> Tuple[int, int]:
        return self.length(value), 0

    def named(self, ref: Ref) -> List[Entry]:
        return instance_entries(ref) if has_instance_dict(ref.value) else []

    def indexed(self, ref: Ref, start: int, stop: int) -> List[Entry]:
        out: List[Entry] = []
        expr = ref.expr
        items = itertools.islice(iter_from(ref, self._items, start), stop - start)
        for index, (key, item) in zip(range(start, stop), items):
            literal = literal_key(key)
            name: Any
            if literal is not None and len(literal) <= KEY_CHARS:
                name = literal
                ref.keys[name] = key
            else:
                name = KeyName(key, ref, index)  # its repr may run user code: rendered with the value
            if expr is None:
                child = None
            elif literal is not None:
                child = item_expr(expr, literal)
            else:
                child = "%s[list(%s)[%d]]" % (expr, expr, index)
            out.append((name, item, child, None))
        return out

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        if self.base is not dict:
            raise RequestError("cannot change an item of a %s" % type_name(ref.value), REFUSED)
        if name in ref.keys:
            key = ref.keys[name]
        else:
            try:
                key = ast.literal_eval(name)
            except (ValueError, SyntaxError):
                return super().set_child(ref, name, value)
        ref.value[key] = value
        literal = literal_key(key)
        return item_expr(ref.expr, literal) if literal is not None else None


class Set(Provider):
    def __init__(self, base: type) -> None:
        self.base = base

    def length(self, value: Any) -> int:
        return self.base.__len__(value)

    def expandable(self, value: Any) -> bool:
        return self.length(value) > 0

    def counts(self, value: Any) -> Tuple[int, int]:
        return self.length(value), 0

    def indexed(self, ref: Ref, start: int, stop: int) -> List[Entry]:
        expr = ref.expr
        items = itertools.islice(iter_from(ref, self.base.__iter__, start), stop - start)
        return [(str(i), item, None if expr is None else "list(%s)[%d]" % (expr, i), None)
                for i, item in zip(range(start, stop), items)]

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        raise RequestError("cannot change an item of a %s: set items have no place to assign to"
                           % type_name(ref.value), REFUSED)


class Enum(Provider):
    def counts(self, value: Any) -> Tuple[int, int]:
        return 0, 2

    def named(self, ref: Ref) -> List[Entry]:
        d = instance_dict(ref.value) or {}
        return [("name", d.get("_name_"), attr_expr(ref.expr, "name"), None),
                ("value", d.get("_value_"), attr_expr(ref.expr, "value"), None)]

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        raise RequestError("cannot change an enum member", REFUSED)


class Object(Provider):
    """Any other object: instance attributes, slots and lazy properties, then grouped members."""

    safe = False  # a C getset of an extension type may run anything

    def named(self, ref: Ref) -> List[Entry]:
        value = ref.value
        if _is(value, types.ModuleType):
            d = instance_dict(value) or {}
            return namespace_entries(list(d.items()), lambda name: attr_expr(ref.expr, name), ref)
        if _is(value, type):
            return class_entries(ref)
        return instance_entries(ref, with_class=True)


class NumpyArray(Provider):
    safe = False
    library = True

    def counts(self, value: Any) -> Tuple[int, int]:
        return (value.shape[0] if value.ndim else 0), 4

    def named(self, ref: Ref) -> List[Entry]:
        v, e = ref.value, ref.expr
        return [(name, getattr(v, name), attr_expr(e, name), None) for name in ("shape", "dtype", "size", "ndim")]

    def indexed(self, ref: Ref, start: int, stop: int) -> List[Entry]:
        if not ref.value.ndim:
            return []
        return [(str(i), ref.value[i], item_expr(ref.expr, i), None) for i in range(start, stop)]

    def length(self, value: Any) -> int:
        return value.shape[0] if value.ndim else 0

    def set_child(self, ref: Ref, name: str, value: Any) -> Optional[str]:
        ref.value[int(name)] = value
        return item_expr(ref.expr, int(name))


class DataFrame(Provider):
    """pandas: rows by position (named by their index label), each a Series of the columns."""

    safe = False
    library = True

    def counts(self, value: Any) -> Tuple[int, int]:
        return len(value), 2

    def length(self, value: Any) -> int:
        return len(value)

    def named(self, ref: Ref) -> List[Entry]:
        v, e = ref.value, ref.expr
        return [("shape", v.shape, attr_expr(e, "shape"), None),
                ("columns", list(v.columns), None if e is None else "list(%s.columns)" % e, None)]

    def indexed(self, ref: Ref, start: int, stop: int) -> List[Entry]:
        v, e = ref.value, ref.expr
        labels = list(v.index[start:stop])
        return [(str(label), v.iloc[i], None if e is None else "%s.iloc[%d]" % (e, i), None)
                for i, label in zip(range(start, stop), labels)]


class Series(DataFrame):
    """pandas: like a DataFrame's rows, by position; named members are its name and dtype."""

    def named(self, ref: Ref) -> List[Entry]:
        v, e = ref.value, ref.expr
        return [("name", v.name, attr_expr(e, "name"), None), ("dtype", v.dtype, attr_expr(e, "dtype"), None)]


_SCALAR = Scalar()
_OBJECT = Object()


def _choose(klass: type) -> Provider:
    if issubclass(klass, enum.Enum):
        return Enum()
    if issubclass(klass, (int, float, complex, str, type(None), range, type(Ellipsis), type(NotImplemented))):
        return _SCALAR
    if issubclass(klass, tuple):
        if isinstance(lookup(klass, "_fields"), tuple):
            return NamedTuple()
        return Sequence(tuple, False)
    for base, mutable in ((list, True), (bytearray, True), (bytes, False), (array, True),
                          (collections.deque, True)):
        if issubclass(klass, base):
            return Sequence(base, mutable)
    if issubclass(klass, dict):
        return Mapping(dict)
    if issubclass(klass, types.MappingProxyType):
        return Mapping(types.MappingProxyType)
    if issubclass(klass, (set, frozenset)):
        return Set(set if issubclass(klass, set) else frozenset)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        if isinstance(getattr(numpy, "ndarray", None), type) and issubclass(klass, numpy.ndarray):
            return NumpyArray()
        if isinstance(getattr(numpy, "generic", None), type) and issubclass(klass, numpy.generic):
            return _SCALAR  # numpy.int64(3) and friends
    pandas = sys.modules.get("pandas")
    if pandas is not None:
        if isinstance(getattr(pandas, "DataFrame", None), type) and issubclass(klass, pandas.DataFrame):
            return DataFrame()
        if isinstance(getattr(pandas, "Series", None), type) and issubclass(klass, pandas.Series):
            return Series()
    return _OBJECT


_provider_of = PerClass(_choose, _OBJECT)


def provider(value: Any) -> Provider:
    return _provider_of(type(value))


def iter_from(ref: Ref, make: Callable[[Any], Iterator[Any]], start: int) -> Iterator[Any]:
    """An iterator over ref.value positioned at `start`: continues the last page's iterator when the
    client reads the pages in order, so paging through a big dict or set is linear, not quadratic."""
    cursor = ref.cursor
    ref.cursor = None
    if cursor is not None and cursor[0] == start:
        it = cursor[1]
    else:
        it = make(ref.value)
        if start:
            next(itertools.islice(it, start - 1, start), None)

    def counting() -> Iterator[Any]:
        position = start
        try:
            for item in it:
                position += 1
                ref.cursor = (position, it)
                yield item
        except RuntimeError:  # changed size during iteration: start over next time
            ref.cursor = None

    return counting()


# ----- object members --------------------------------------------------------------------------------
def instance_dict(value: Any) -> Optional[Dict[str, Any]]:
    try:
        d = object.__getattribute__(value, "__dict__")
    except Exception:
        return None
    return d if _is(d, (dict, types.MappingProxyType)) else None


def has_instance_dict(value: Any) -> bool:
    d = instance_dict(value)
    return bool(d)


def _is_python_descriptor(attr: Any) -> bool:
    """A descriptor whose __get__ may run user code (property, cached_property, a user's own)."""
    if _is(attr, FUNCTION_TYPES) or _is(attr, C_DATA_DESCRIPTORS):
        return False
    return lookup(type(attr), "__get__") is not _MISSING


def _data_descriptor_names(klass: type) -> Any:
    names = set()
    for base in _type_mro(klass):
        for name, attr in _type_dict(base).items():
            if _is_python_descriptor(attr) and lookup(type(attr), "__set__") is not _MISSING:
                names.add(name)
    return names


def _builtin_owner(attr: Any) -> bool:
    """A C getset of a builtin type (cheap, no side effects), not of an extension module's type
    (a Cython property compiles to one and may run anything)."""
    try:
        return _type_module(attr.__objclass__) == "builtins"
    except Exception:
        return False


def _bind(attr: Any, value: Any) -> Any:
    """A C-level descriptor's value for this instance (functions bind, slots read); no user code."""
    getter = lookup(type(attr), "__get__")
    if getter is _MISSING:
        return attr
    return attr.__get__(value, type(value))


def instance_entries(ref: Ref, with_class: bool = False) -> List[Entry]:
    """Instance attributes (insertion order), slots, lazy properties; then the groups."""
    value, expr, frame = ref.value, ref.expr, ref.frame
    klass = type(value)
    regular: List[Entry] = []
    special: List[Entry] = []
    functions: List[Entry] = []
    class_vars: List[Entry] = []
    seen = set()
    d = instance_dict(value)
    if d:
        # a data descriptor of the class (a property with a setter) wins over the instance dict
        shadows = _data_descriptor_names(klass) if with_class else ()
        for name, item in list(d.items()):
            if type(name) is not str:
                continue
            child = attr_expr(expr, name)
            if name in shadows:
                regular.append((name, Lazy(value, name, child, frame), child, PROPERTY_HINT))
            elif name[:2] == "__" and is_dunder(name):
                special.append((name, item, child, None))
            else:
                regular.append((name, item, child, None))
        seen.update(d)
    if with_class:
        for base in _type_mro(klass):
            for name, attr in list(_type_dict(base).items()):
                if name in seen or not isinstance(name, str):
                    continue
                seen.add(name)
                child = attr_expr(expr, name)
                if _is_python_descriptor(attr) or (_is(attr, types.GetSetDescriptorType) and not is_dunder(name)
                                                   and not _builtin_owner(attr)):
                    entry: Entry = (name, Lazy(value, name, child, frame), child, PROPERTY_HINT)
                    (special if is_dunder(name) else regular).append(entry)
                    continue
                try:
                    item = _bind(attr, value)
                except AttributeError:
                    continue  # an unset slot
                except Exception as exc:
                    item = ReadError(exc)
                if is_dunder(name):
                    special.append((name, item, child, None))
                elif _is(attr, C_DATA_DESCRIPTORS):
                    regular.append((name, item, child, None))  # slots and C attributes
                elif _is(attr, FUNCTION_TYPES):
                    functions.append((name, item, child, METHOD_HINT))
                else:
                    class_vars.append((name, item, child, CLASS_HINT if _is(item, type) else None))
    return _with_groups(regular, special, functions, class_vars, ref)


def class_entries(ref: Ref) -> List[Entry]:
    """A class: its own and inherited attributes as stored, methods and dunders grouped."""
    regular: List[Entry] = []
    special: List[Entry] = []
    functions: List[Entry] = []
    seen = set()
    for base in _type_mro(ref.value):
        for name, attr in list(_type_dict(base).items()):
            if name in seen or not isinstance(name, str):
                continue
            seen.add(name)
            child = attr_expr(ref.expr, name)
            if is_dunder(name):
                special.append((name, attr, child, None))
            elif _is(attr, FUNCTION_TYPES):
                functions.append((name, attr, child, METHOD_HINT))
            else:
                regular.append((name, attr, child, CLASS_HINT if _is(attr, type) else None))
    return _with_groups(regular, special, functions, [], ref)


def namespace_entries(items: List[Tuple[str, Any]], expr_of: Callable[[str], Optional[str]],
                      parent: Any) -> List[Entry]:
    """A scope or a module's namespace: dunders, functions and classes grouped after the rest."""
    regular: List[Entry] = []
    special: List[Entry] = []
    functions: List[Entry] = []
    classes: List[Entry] = []
    for name, item in items:
        if not isinstance(name, str):
            continue
        if is_dunder(name):
            special.append((name, item, expr_of(name), None))
        elif _is(item, FUNCTION_TYPES):
            functions.append((name, item, expr_of(name), METHOD_HINT))
        elif _is(item, type):
            classes.append((name, item, expr_of(name), CLASS_HINT))
        else:
            regular.append((name, item, expr_of(name), None))
    return _with_groups(regular, special, functions, classes, parent)


def _with_groups(regular: List[Entry], special: List[Entry], functions: List[Entry], class_vars: List[Entry],
                 parent: Any) -> List[Entry]:
    for title, entries in (("special variables", special), ("function variables", functions),
                           ("class variables", class_vars)):
        if entries:
            regular.append((title, Group(title, entries, parent), None, GROUP_HINT))
    return regular


class ReadError:
    """A member that raised when read: shown as the error."""

    __slots__ = ("text",)

    def __init__(self, exc: BaseException) -> None:
        self.text = "<%s>" % describe_exception(exc)


# ----- listing a reference ---------------------------------------------------------------------------
def page(total: int, start: int, count: int) -> Tuple[int, int, int]:
    """(start, stop, left out) of a page; without count the page stops at UNPAGED_LIMIT."""
    start = max(0, min(start, total))
    if count > 0:
        return start, min(total, start + count), 0
    stop = min(total, start + UNPAGED_LIMIT)
    return start, stop, total - stop


def list_children(item: Any, filter: Optional[str], start: int, count: int) -> List[Entry]:
    """The entries of one variables request (values not rendered yet)."""
    if isinstance(item, Group):
        return item.entries[start:start + count] if count else item.entries[start:]
    if isinstance(item, Scope):
        return item.entries or []
    ref: Ref = item
    prov = provider(ref.value)
    out: List[Entry] = []
    if filter != "indexed" and not (filter is None and start > 0):
        out.extend(prov.named(ref))
    if filter != "named":
        total = prov.length(ref.value)
        lo, hi, left = page(total, start, count)
        if hi > lo:
            out.extend(prov.indexed(ref, lo, hi))
        if left:
            out.append(("...", More(left), None, GROUP_HINT))
    return out


def scope_entries(frame: FrameType, kind: str, local_ns: Any, parent: Scope) -> List[Entry]:
    """Locals or Globals of a frame, grouped; the names evaluate in that frame."""
    if kind == "locals":
        return namespace_entries(list(local_ns.items()), lambda name: name, parent)
    global_ns = frame.f_globals
    shadowed = local_ns if local_ns is not global_ns else {}

    def expr_of(name: str) -> str:
        return "globals()[%r]" % name if name in shadowed else name

    return namespace_entries(list(global_ns.items()), expr_of, parent)
