"""Data breakpoints: stop the thread that changed a watched value, after the line that changed it.

What can be watched, and where the cost is paid:

- a local of one frame: line events in that frame's code only (every line: a callee may rebind
  it through a cell, and f_locals is all there is to read);
- a module global: line events in the code objects that may store to it (STORE_GLOBAL / STORE_NAME
  of the name, STORE_ATTR of the name for `module.NAME = …`, setattr / globals() callers), found
  with `dis` once per code object;
- an attribute of an instance of a Python class (with __slots__ too): no tracing at all; the
  object gets a subclass of its own class whose __setattr__ / __delattr__ report, and that shows
  the original class as its __class__;
- an attribute of a class or of another object with a __dict__ that cannot be given a class: like
  a global, in the code objects that store that attribute name;
- an item of a dict or a list: line events in code objects that may store into a container
  (STORE_SUBSCR, a mutating method call, an augmented assignment);
- as an option (mode "mutation"), the value itself changing in place, compared by a shallow
  snapshot: line events in code objects that may mutate something.

Nothing of the program is kept beyond what the watch needs: values are compared by identity and
type (atomic builtins by value), snapshots are tuples of ids, objects are held by weak reference
where they allow it; a dict or list (no weak references) is held until it is the watch's alone,
then the watch ends. A frame is held while it runs and let go when it returns.
"""
from __future__ import annotations

import ast
import dis
import itertools
import sys
import threading
import weakref
from types import CodeType, FrameType, ModuleType
from typing import TYPE_CHECKING, Any, Callable, Dict, FrozenSet, List, Optional, Tuple

from .breakpoints import Breakpoint, check_hit
from .errors import BAD_ARGUMENTS, RequestError
from .safe_repr import _MISSING as STATIC_MISSING
from .safe_repr import Renderer, static_attribute, type_name

if TYPE_CHECKING:
    from .debugger import Debugger

MISSING: Any = object()  # a name or item that is not bound
_OBJECT_CLASS = object.__dict__["__class__"]
_HEAPTYPE = 1 << 9
CO_OPTIMIZED = 0x0001
ATOMIC = (int, float, complex, bool, str, bytes, type(None))
_ATOMIC_TYPES = frozenset(ATOMIC)
REPR_CHARS = 120

# opcodes that store or delete a name of the frame (a local, a cell)
_LOCAL_STORES = frozenset(("STORE_FAST", "DELETE_FAST", "STORE_DEREF", "DELETE_DEREF", "STORE_FAST_LOAD_FAST",
                           "STORE_FAST_STORE_FAST", "STORE_FAST_MAYBE_NULL"))
_GLOBAL_STORES = frozenset(("STORE_GLOBAL", "DELETE_GLOBAL"))
_NAME_STORES = frozenset(("STORE_NAME", "DELETE_NAME"))
_ATTR_STORES = frozenset(("STORE_ATTR", "DELETE_ATTR"))
_SUBSCR_STORES = frozenset(("STORE_SUBSCR", "DELETE_SUBSCR", "STORE_SLICE", "DELETE_SLICE"))
_INPLACE = frozenset(name for name in dis.opmap if name.startswith("INPLACE_"))
_METHOD_LOADS = frozenset(("LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_ATTR"))
# methods that change a container (or any object) in place: a call of one may change a watched item
MUTATORS = frozenset((
    "append", "extend", "insert", "pop", "popitem", "remove", "clear", "sort", "reverse", "update",
    "setdefault", "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update",
    "appendleft", "extendleft", "popleft", "rotate", "__setitem__", "__delitem__", "__iadd__", "__ior__",
    "__imul__", "move_to_end", "fromkeys", "__setattr__", "__delattr__", "write", "frombytes",
))
# builtins through which code may store without a store opcode of the name
_DYNAMIC = frozenset(("setattr", "delattr", "globals", "vars", "exec", "__dict__"))


class CodeFacts:
    """What a code object may store, read once from its bytecode (dis)."""

    __slots__ = ("names", "attrs", "subscr", "mutates", "dynamic")

    def __init__(self, code: CodeType) -> None:
        names = set()
        attrs = set()
        subscr = mutates = dynamic = False
        module_level = not code.co_flags & CO_OPTIMIZED
        for ins in dis.get_instructions(code):
            op = ins.opname
            if op in _LOCAL_STORES or op in _GLOBAL_STORES or (module_level and op in _NAME_STORES):
                value = ins.argval
                if isinstance(value, tuple):  # STORE_FAST_STORE_FAST (3.13)
                    names.update(str(v) for v in value)
                else:
                    names.add(str(value))
            elif op in _ATTR_STORES:
                attrs.add(str(ins.argval))
            elif op in _SUBSCR_STORES:
                subscr = True
            elif op in _INPLACE or (op == "BINARY_OP" and "=" in (ins.argrepr or "")):
                mutates = True
            elif op in _METHOD_LOADS and str(ins.argval) in MUTATORS:
                mutates = True
            elif op in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_ATTR", "LOAD_METHOD") and str(ins.argval) in _DYNAMIC:
                dynamic = True
        self.names = frozenset(names)
        self.attrs = frozenset(attrs)
        self.subscr = subscr
        self.mutates = mutates or subscr or bool(attrs)
        self.dynamic = dynamic


def writer_lines(code: CodeType, name: str) -> FrozenSet[int]:
    """The lines of a code object whose bytecode stores or deletes the local `name`."""
    lines = set()
    line = 0
    for ins in dis.get_instructions(code):
        positions = getattr(ins, "positions", None)
        if positions is None and ins.starts_line is not None:
            line = int(ins.starts_line)
        if ins.opname not in _LOCAL_STORES:
            continue
        value = ins.argval
        if value != name and not (isinstance(value, tuple) and name in value):
            continue
        if positions is not None and positions.lineno is not None:
            lines.update(range(positions.lineno, (positions.end_lineno or positions.lineno) + 1))
        else:
            lines.add(line)
    return frozenset(lines)


def short_repr(value: Any) -> str:
    """A bounded text of a value that runs none of the program's code."""
    if value is MISSING:
        return "<unbound>"
    return Renderer(REPR_CHARS, False, None, False).render(value)


def snapshot(value: Any) -> Any:
    """A shallow picture of a value's contents, as ids (nothing of the program is held)."""
    kind = type(value)
    try:
        if kind in _ATOMIC_TYPES:
            return None
        if issubclass(kind, (list, tuple)):
            return tuple(map(id, value))
        if issubclass(kind, dict):
            return tuple((id(k), id(v)) for k, v in dict.items(value))
        if issubclass(kind, (set, frozenset)):
            return frozenset(map(id, value))
        if issubclass(kind, bytearray):
            return bytes(value)
        d = static_attribute(value, "__dict__")
        if type(d) is dict:
            return tuple((k, id(v)) for k, v in d.items())
        slots = [name for klass in kind.__mro__ for name in klass.__dict__.get("__slots__", ())
                 if isinstance(name, str)]
        return tuple(id(static_attribute(value, name)) for name in slots)
    except Exception:
        return None


def fingerprint(value: Any, mutation: bool) -> Any:
    """What a value is compared by: atomic builtins by value, everything else by identity and type
    (and, with mutation on, a shallow snapshot)."""
    if value is MISSING:
        return MISSING
    kind = type(value)
    if kind in _ATOMIC_TYPES:
        return (kind, value)
    if mutation:
        return (kind, id(value), snapshot(value))
    return (kind, id(value))


class Holder:
    """An object a watch reads: by weak reference, or (dict, list…) held until only the watch holds it;
    with keep False, an object without weak references is not held at all (an attribute watch: its
    class reports each write with the object in hand)."""

    __slots__ = ("ref", "strong", "unheld")

    def __init__(self, obj: Any, keep: bool = True) -> None:
        self.unheld = False
        try:
            self.ref: Optional[Callable[[], Any]] = weakref.ref(obj)
            self.strong: Any = None
        except TypeError:
            self.ref = None
            self.strong = obj if keep else None
            self.unheld = not keep

    def get(self) -> Any:
        if self.ref is not None:
            return self.ref()
        obj = self.strong
        if obj is not None and sys.getrefcount(obj) <= _ONLY_OURS:
            self.strong = obj = None  # only the watch held it: the program let it go
        return obj


def _count_ours() -> int:
    """What sys.getrefcount says in Holder.get of an object nothing else holds (it differs by version)."""
    holder = Holder.__new__(Holder)
    holder.unheld = False
    holder.ref = None
    holder.strong = []
    obj = holder.strong
    count = sys.getrefcount(obj)
    del obj
    return count


_ONLY_OURS = _count_ours()


class UnsupportedTarget(Exception):
    """What cannot be watched, and why (dataBreakpointInfo's description)."""


class Target:
    """A watched place. kind: local | global | attr | class_attr | item."""

    def __init__(self, kind: str, label: str, name: Any, holder: Optional[Holder] = None,
                 frame: Optional[FrameType] = None, module: Optional[str] = None) -> None:
        self.kind = kind
        self.label = label  # how the user names it: total, self.count, config['mode']
        self.name = name  # the variable, attribute or key
        self.holder = holder  # the module, object or container
        self.frame = frame  # a local's frame, while it runs
        self.module = module  # a global's module name (canPersist)
        # the object, held from dataBreakpointInfo to setDataBreakpoints within one stop (an object
        # without weak references would be gone otherwise)
        self.pinned: Any = None
        # a local: the lines that store it (None: any line may, through a cell), and whether the
        # last line that ran in its frame was one of them (then this line compares)
        self.writers: Optional[FrozenSet[int]] = None
        self.armed = True
        self.arms = 0  # how often a writer line ran: a hot one keeps every line's events on

    def read(self, owner: Any = None) -> Any:
        """The current value, read without running the program's code (MISSING when unbound)."""
        if self.kind == "local":
            frame = self.frame
            if frame is None:
                return MISSING
            return frame.f_locals.get(self.name, MISSING)
        if self.kind == "global":  # found by name each time: a restarted program's __main__ is a new module
            module = sys.modules.get(self.module)  # type: ignore[arg-type]
            namespace = getattr(module, "__dict__", None)
            return namespace.get(self.name, MISSING) if type(namespace) is dict else MISSING
        if owner is None:
            owner = self.pinned if self.pinned is not None else self.holder.get() if self.holder is not None else None
        if owner is None:
            return MISSING
        if self.kind == "class_attr":
            return type.__dict__["__dict__"].__get__(owner).get(self.name, MISSING)
        if self.kind == "attr":
            value = static_attribute(owner, self.name)
            return MISSING if value is STATIC_MISSING else value
        # item
        try:
            if isinstance(owner, dict):
                return dict.get(owner, self.name, MISSING)
            return list.__getitem__(owner, self.name)
        except (IndexError, TypeError):
            return MISSING

    def alive(self) -> bool:
        if self.kind == "local":
            return self.frame is not None
        if self.kind == "global":
            return True  # a module global can always be found again (canPersist)
        if self.holder is not None and self.holder.unheld:
            return True  # an attribute watch on an object it does not hold: the object's class knows it
        return self.holder is not None and self.holder.get() is not None

    def wants(self, facts: CodeFacts, mutation: bool) -> bool:
        """Whether a code object with these facts may change this target (checked at its lines)."""
        if mutation and facts.mutates:
            return True
        kind = self.kind
        if kind == "global":
            return self.name in facts.names or self.name in facts.attrs or facts.dynamic
        if kind == "class_attr":
            return self.name in facts.attrs or facts.dynamic
        if kind == "item":
            return facts.subscr or facts.mutates
        return False  # a local is its frame's alone; an attr reports itself


class DataBreakpoint(Breakpoint):
    """Stops after a line that changed the watched value (`target`; None when it cannot be watched)."""

    __slots__ = ("data_id", "target", "mutation", "last", "last_text", "hook")

    def __init__(self, data_id: str, target: Optional[Target], mutation: bool, spec: Dict[str, Any]) -> None:
        super().__init__(spec, verified=target is not None)
        self.data_id = data_id
        self.target = target
        self.mutation = mutation
        self.last: Any = MISSING
        self.last_text = "<unbound>"
        self.hook: Optional[type] = None  # an attr watch: the object's reporting class
        self.compile_conditions()

    def to_dap(self) -> Dict[str, Any]:
        body = super().to_dap()
        if self.target is not None:
            body["description"] = self.target.label
        return body

    def remember(self) -> None:
        """Take the current value as the one changes are measured from."""
        value = self.target.read() if self.target is not None else MISSING
        self.last = fingerprint(value, self.mutation)
        self.last_text = short_repr(value)


# ----- attribute watches: a class of the object's own ---------------------------------------------
def hookable(obj: Any) -> Optional[str]:
    """Why this object's attributes cannot be caught where they are set, or None when they can."""
    klass = type(obj)
    if isinstance(obj, type):
        return "a class"
    if isinstance(obj, ModuleType):
        return "a module"
    if not klass.__flags__ & _HEAPTYPE:
        return "an instance of the builtin type %s" % klass.__name__
    return None


def install_hook(obj: Any, table: "DataBreakpoints") -> type:
    """Give `obj` a class of its own, a subclass of its class whose __setattr__ and __delattr__ report
    changes of watched names. It shows the original class as __class__; nothing of it is kept."""
    klass = type(obj)
    if getattr(klass, "_pdap_watches_", None) is not None and klass.__dict__.get("_pdap_watches_") is not None:
        return klass  # already hooked
    base_set: Any = klass.__setattr__
    base_del: Any = klass.__delattr__
    base_reduce_ex: Any = klass.__reduce_ex__
    watches: Dict[str, List[DataBreakpoint]] = {}
    made: List[type] = []

    def __setattr__(self: Any, name: str, value: Any) -> None:
        bps = watches.get(name)
        if not bps:
            return base_set(self, name, value)
        base_set(self, name, value)
        table.attribute_set(self, bps, sys._getframe(1))

    def __delattr__(self: Any, name: str) -> None:
        bps = watches.get(name)
        if not bps:
            return base_del(self, name)
        base_del(self, name)
        table.attribute_set(self, bps, sys._getframe(1))

    def __reduce_ex__(self: Any, protocol: Any) -> Any:
        """pickle and copy see the object's own class, never this one."""
        rv = base_reduce_ex(self, protocol)
        if type(rv) is tuple and len(rv) > 1 and type(rv[1]) is tuple and rv[1] and rv[1][0] is made[0]:
            rv = (rv[0], (klass,) + rv[1][1:]) + rv[2:]
        return rv

    def get_class(self: Any) -> type:
        return klass

    def set_class(self: Any, value: type) -> None:
        _OBJECT_CLASS.__set__(self, value)  # the program gives it another class: the watch ends here

    namespace = {"__slots__": (), "__setattr__": __setattr__, "__delattr__": __delattr__,
                 "__class__": property(get_class, set_class), "_pdap_watches_": watches,
                 "__reduce_ex__": __reduce_ex__,
                 "__module__": klass.__module__, "__qualname__": klass.__qualname__}
    hook = type.__new__(type(klass), klass.__name__, (klass,), namespace)
    made.append(hook)
    _OBJECT_CLASS.__set__(obj, hook)
    return hook


def remove_hook(hook: type, holder: Optional[Holder]) -> None:
    """Give the object its own class back."""
    base = hook.__mro__[1]
    obj = holder.get() if holder is not None else None
    objects = [obj] if obj is not None else []
    if not objects:  # no weak reference: find it through the class it refers to
        gc = __import__("gc")
        objects = [o for o in gc.get_referrers(hook) if type(o) is hook]
    for o in objects:
        if type(o) is hook:
            try:
                _OBJECT_CLASS.__set__(o, base)
            except TypeError:
                pass


# ----- the table ---------------------------------------------------------------------------------
class DataBreakpoints:
    """Every data breakpoint, the candidates dataBreakpointInfo named, and which code objects check which."""

    def __init__(self, debugger: "Debugger") -> None:
        self.dbg = debugger
        self.items: List[DataBreakpoint] = []
        self.by_data_id: Dict[str, DataBreakpoint] = {}
        self.candidates: Dict[str, Tuple[Target, bool]] = {}  # dataId -> (target, mutation), this stop only
        self._next_candidate = itertools.count(1)
        # id(code) -> (code, breakpoints its lines check): read by the backends (cleared, never replaced)
        self.codes: Dict[int, Tuple[CodeType, List[DataBreakpoint]]] = {}
        # id(code) -> whether its lines need events only at writer lines and the line after one
        # (sys.monitoring DISABLEs the others): codes whose checks are all locals of rare writers
        self.sparse: Dict[int, bool] = {}
        self.rearm = False  # a writer line ran in sparse code: the backend brings back line events
        self._facts: Dict[int, Tuple[CodeType, CodeFacts]] = {}  # dis once per code object
        self._decided: Dict[int, CodeType] = {}  # codes classified for the current breakpoints
        self.line_checked: List[DataBreakpoint] = []  # breakpoints some code's lines check (not locals)
        self.locals: List[DataBreakpoint] = []
        self.active = False
        self.lock = threading.RLock()

    # ----- dataBreakpointInfo --------------------------------------------------------------------
    def offer(self, target: Target, mutation: bool) -> str:
        if target.kind == "global":
            data_id = "global:%s:%s" % (target.module, target.name)
        else:
            data_id = "%s#%d:%s" % (target.kind, next(self._next_candidate), target.label)
        if mutation:
            data_id += "|mutation"
        self.candidates[data_id] = (target, mutation)
        return data_id

    def forget_candidates(self) -> None:
        """The program resumes: what dataBreakpointInfo named during the stop is let go."""
        for target, _ in self.candidates.values():
            target.pinned = None
        self.candidates.clear()

    # ----- setDataBreakpoints --------------------------------------------------------------------
    def set(self, specs: List[Dict[str, Any]]) -> List[DataBreakpoint]:
        with self.lock:
            old = self.by_data_id
            result: List[DataBreakpoint] = []
            kept: Dict[str, DataBreakpoint] = {}
            for spec in specs:  # checked before any is made: a bad spec changes nothing
                if not isinstance(spec.get("dataId"), str):
                    raise RequestError("a data breakpoint needs a 'dataId' (a string from dataBreakpointInfo)",
                                       BAD_ARGUMENTS)
            for spec in specs:
                data_id = spec["dataId"]
                access = spec.get("accessType") or "write"
                bp = self._make(data_id, spec, old.get(data_id))
                if access not in ("write", "readWrite"):
                    bp.verified = False
                    bp.message = "pdap stops on writes only: Python has no cheap way to see reads"
                elif access == "readWrite" and bp.verified:
                    bp.message = "stops on writes only (reads are not watched)"
                result.append(bp)
                if bp.verified and data_id not in kept:
                    kept[data_id] = bp
            for data_id, bp in old.items():
                if kept.get(data_id) is not bp:
                    self._unhook(bp)
            self.items = result
            self.by_data_id = kept
            self._rebuild()
        return result

    def _make(self, data_id: str, spec: Dict[str, Any], previous: Optional[DataBreakpoint]) -> DataBreakpoint:
        mutation = data_id.endswith("|mutation")
        target: Optional[Target] = None
        message = None
        if previous is not None and previous.target is not None and previous.target.alive():
            target = previous.target
        elif data_id in self.candidates:
            target = self.candidates[data_id][0]
        elif data_id.startswith("global:"):
            module_name, _, name = data_id[len("global:"):].split("|")[0].rpartition(":")
            module = sys.modules.get(module_name)
            if module is None:
                message = "module %s is not loaded" % module_name
            else:
                target = Target("global", name if module_name == "__main__" else "%s.%s" % (module_name, name),
                                name, Holder(module), module=module_name)
        elif previous is not None:
            message = "%s is gone" % (previous.target.label if previous.target else data_id)
        else:
            message = "%s is no longer there to watch: the program has run since dataBreakpointInfo named it" % (
                data_id.split(":", 1)[-1].split("|")[0])
        bp = DataBreakpoint(data_id, target, mutation, spec)
        if message:
            bp.verified = False
            bp.message = message
        if not bp.verified:
            return bp
        if previous is not None and previous.target is target:
            bp.id = previous.id
            bp.hits = previous.hits if (bp.condition, bp.hit_condition) == (previous.condition,
                                                                          previous.hit_condition) else 0
            bp.hook = previous.hook
            previous.hook = None
        if target is not None and target.kind == "attr" and bp.hook is None:
            obj = target.pinned if target.pinned is not None else target.holder.get() if target.holder else None
            if bp.mutation and target.holder is not None and target.holder.ref is None:
                target.holder = Holder(obj)  # its lines read it: held while the program holds it too
            try:
                bp.hook = install_hook(obj, self)
            except Exception as exc:  # e.g. a class whose layout or metaclass refuses
                bp.verified = False
                bp.message = "cannot watch %s: %s" % (target.label, exc)
                return bp
        bp.remember()
        return bp

    def _unhook(self, bp: DataBreakpoint) -> None:
        hook = bp.hook
        bp.hook = None
        if hook is None:
            return
        watches = hook.__dict__["_pdap_watches_"]
        for name in list(watches):
            watches[name] = [b for b in watches[name] if b is not bp]
            if not watches[name]:
                del watches[name]
        if not watches:
            remove_hook(hook, bp.target.holder if bp.target is not None else None)

    def clear(self) -> None:
        self.set([])

    def _rebuild(self) -> None:
        """Which breakpoints are checked where, after a change (the backends then look again)."""
        live = [bp for bp in self.by_data_id.values() if bp.verified and bp.target is not None]
        targets: Dict[int, Target] = {id(bp): bp.target for bp in live if bp.target is not None}
        hooks = {id(bp.hook): bp.hook for bp in live if bp.hook is not None}
        for hook in hooks.values():
            hook.__dict__["_pdap_watches_"].clear()  # a breakpoint set again replaces its former self
        for bp in live:
            if bp.hook is not None:
                bp.hook.__dict__["_pdap_watches_"].setdefault(targets[id(bp)].name, []).append(bp)
        self.locals = [bp for bp in live if targets[id(bp)].kind == "local"]
        for bp in self.locals:
            target = targets[id(bp)]
            code = target.frame.f_code  # type: ignore[union-attr]
            through_cell = target.name in code.co_cellvars or target.name in code.co_freevars
            target.writers = None if bp.mutation or through_cell else writer_lines(code, target.name)
            target.armed = True
            target.arms = 0
        self.line_checked = [bp for bp in live if targets[id(bp)].kind != "local"
                             and (targets[id(bp)].kind != "attr" or bp.mutation)]
        self.codes.clear()
        self._decided.clear()
        self.sparse.clear()
        for bp in self.locals:
            code = bp.target.frame.f_code  # type: ignore[union-attr]
            self.codes.setdefault(id(code), (code, []))[1].append(bp)
            self.sparse[id(code)] = self.sparse.get(id(code), True) and targets[id(bp)].writers is not None
        self.active = bool(live)

    # ----- where the lines are checked -----------------------------------------------------------
    def facts(self, code: CodeType) -> CodeFacts:
        known = self._facts.get(id(code))
        if known is not None and known[0] is code:
            return known[1]
        facts = CodeFacts(code)
        if len(self._facts) > 100_000:
            self._facts.clear()
        self._facts[id(code)] = (code, facts)  # holding the code keeps its id unique
        return facts

    def classify(self, code: CodeType) -> bool:
        """Whether this code's lines must check data breakpoints (decided once per code object and
        set of breakpoints); records it in `codes`. Codes of pdap itself never are."""
        key = id(code)
        entry = self.codes.get(key)
        if entry is not None:
            return True
        if self._decided.get(key) is code or not self.line_checked:
            return False
        self._decided[key] = code
        filter = self.dbg.filter
        if filter.is_agent(code) or (self.dbg.just_my_code and not filter.is_user(code)):
            return False  # library code is not checked: its change is seen at the next user line
        facts = self.facts(code)
        bps = [bp for bp in self.line_checked if bp.target.wants(facts, bp.mutation)]  # type: ignore[union-attr]
        if not bps:
            return False
        self.codes[key] = (code, bps)
        return True

    # ----- checks (the program's threads) ------------------------------------------------------------
    def changed(self, frame: FrameType, line: int) -> Optional[Tuple[DataBreakpoint, str]]:
        """At a line (or, line -1, a return) of a checked code: the first breakpoint whose value
        changed and whose conditions hold, with the text of its change. A local is compared only
        after a line that stores it."""
        entry = self.codes.get(id(frame.f_code))
        if entry is None:
            return None
        found = None
        for bp in entry[1]:
            target = bp.target
            if target is None:
                continue
            if target.kind == "local":
                if target.frame is not frame:
                    continue
                writers = target.writers
                if writers is not None:
                    armed = target.armed
                    target.armed = line in writers
                    if target.armed and not armed:
                        target.arms += 1
                        if target.arms > 64:
                            self.sparse[id(frame.f_code)] = False  # a hot writer: events stay on
                        elif self.sparse.get(id(frame.f_code)):
                            self.rearm = True  # the next line's event may have been DISABLEd
                    if not armed:
                        continue
            value = target.read()
            now = fingerprint(value, bp.mutation)
            if now == bp.last:
                continue
            if not target.alive() and target.kind != "local":
                continue  # the container went away: nothing to report (the watch ends at the next change)
            text = "%s: %s -> %s" % (target.label, bp.last_text, short_repr(value))
            bp.last = now
            bp.last_text = short_repr(value)
            if found is None and check_hit(bp, frame) is not None:
                found = (bp, text)
        return found

    def line_needed(self, code: CodeType, line: int) -> bool:
        """Whether a line of a checked code needs its events (sys.monitoring DISABLEs the others
        until a writer line runs): in sparse code, only writer lines and the line after one."""
        if not self.sparse.get(id(code)):
            return True
        entry = self.codes.get(id(code))
        if entry is None:
            return False
        for bp in entry[1]:
            target = bp.target
            if target is not None and (target.armed or line in target.writers):  # type: ignore[operator]
                return True
        return False

    def frame_gone(self, frame: FrameType) -> List[DataBreakpoint]:
        """A frame returned or unwound: watches of its locals end (their breakpoints unverified)."""
        ended = []
        for bp in self.locals:
            target = bp.target
            if target is not None and target.frame is frame:
                target.frame = None
                bp.verified = False
                bp.message = "%s: its frame has returned" % target.label
                ended.append(bp)
        if ended:
            with self.lock:
                self.locals = [bp for bp in self.locals if bp not in ended]
                entry = self.codes.get(id(frame.f_code))
                if entry is not None:
                    entry[1][:] = [bp for bp in entry[1] if bp not in ended]
                    if not entry[1]:
                        del self.codes[id(frame.f_code)]  # its lines (DISABLEd at their next event) check nothing now
        return ended

    def attribute_set(self, obj: Any, bps: List[DataBreakpoint], caller: FrameType) -> None:
        """An attribute watched through the object's class was set or deleted (in the setting thread)."""
        try:
            dbg = self.dbg
            for bp in bps:
                holder = bp.target.holder if bp.target is not None else None
                if holder is None or (holder.ref is not None and holder.get() is not obj):
                    continue  # another object of the class (a copy made by C code)
                value = bp.target.read(obj)  # type: ignore[union-attr]
                now = fingerprint(value, bp.mutation)
                if now == bp.last:
                    continue
                text = "%s: %s -> %s" % (bp.target.label if bp.target else "?", bp.last_text, short_repr(value))
                bp.last = now
                bp.last_text = short_repr(value)
                ident = threading.get_ident()
                if ident in dbg.agent_threads or ident in dbg.inside or dbg.filter.is_agent(caller.f_code):
                    continue  # pdap set it (setVariable, an evaluation): no stop
                if check_hit(bp, caller) is None:
                    continue
                dbg.stop_after_line(caller, bp.id, text)
                return
        except Exception as exc:  # a fault in pdap never reaches the program
            self.dbg.fault("a watched attribute", exc)

    def remember_all(self) -> None:
        """The program resumes: changes made while it was stopped (setVariable…) are not reported."""
        for bp in self.by_data_id.values():
            if bp.verified and bp.target is not None and bp.target.kind != "attr":  # a hook sees every write
                try:
                    bp.remember()
                except Exception:
                    pass


# ----- finding what a client names ------------------------------------------------------------------
def local_names(code: CodeType) -> Tuple[str, ...]:
    return code.co_varnames + code.co_cellvars + code.co_freevars


def module_of(f_globals: Dict[str, Any]) -> Optional[str]:
    name = f_globals.get("__name__")
    module = sys.modules.get(name) if isinstance(name, str) else None
    if module is not None and getattr(module, "__dict__", None) is f_globals:
        return name
    return None


def name_target(frame: FrameType, name: str, scope: str = "") -> Target:
    """A plain name as the frame sees it: its local (functions), else its module's global."""
    code = frame.f_code
    if scope != "globals" and code.co_flags & CO_OPTIMIZED and name in local_names(code):
        return Target("local", name, name, frame=frame)
    if scope != "globals" and frame.f_locals is not frame.f_globals and name in frame.f_locals:
        raise UnsupportedTarget("%s is a name of a class body; watch it on the class once it is made" % name)
    module = module_of(frame.f_globals)
    if module is None:
        raise UnsupportedTarget("%s is a global of code run without a module (exec): it cannot be found again"
                                % name)
    return Target("global", name if module == "__main__" else "%s.%s" % (module, name), name,
                  Holder(sys.modules[module]), module=module)


def attribute_target(owner: Any, name: str, label: str) -> Target:
    if isinstance(owner, ModuleType):
        module = module_of(owner.__dict__)
        if module is None:
            raise UnsupportedTarget("%s: the module is not in sys.modules" % label)
        return Target("global", label, name, Holder(owner), module=module)
    why = hookable(owner)
    if why is None:
        target = Target("attr", label, name, Holder(owner, keep=False))
        target.pinned = owner  # until setDataBreakpoints (or the resume)
        return target
    if isinstance(owner, type):
        if not owner.__flags__ & _HEAPTYPE:
            raise UnsupportedTarget("%s: %s is a builtin type, its attributes do not change" % (label, owner.__name__))
        return Target("class_attr", label, name, Holder(owner))
    raise UnsupportedTarget("%s: pdap cannot watch attributes of %s (its class cannot be given a reporting "
                            "subclass)" % (label, why))


def item_target(container: Any, key: Any, label: str) -> Target:
    if isinstance(container, dict):
        try:
            hash(key)
        except TypeError:
            raise UnsupportedTarget("%s: the key is not hashable" % label) from None
        return Target("item", label, key, Holder(container))
    if isinstance(container, list):
        if not isinstance(key, int) or isinstance(key, bool):
            raise UnsupportedTarget("%s: a list item is watched by its index (an int)" % label)
        return Target("item", label, key, Holder(container))
    raise UnsupportedTarget("%s: pdap watches items of a dict or a list, not of a %s" % (label, type_name(container)))


def parse_watch(expression: str) -> ast.AST:
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError as exc:
        raise UnsupportedTarget("%s is not a Python expression: %s" % (expression, exc.msg)) from None
    if not isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        raise UnsupportedTarget("%s: pdap watches a name, an attribute (obj.attr) or an item (d[key], xs[i]), "
                                "not an expression that computes a value" % expression.strip())
    return node


def source_of(node: ast.AST, text: str) -> str:
    segment = ast.get_source_segment(text, node)
    if segment is not None:
        return segment
    unparse = getattr(ast, "unparse", None)
    if unparse is None:
        raise UnsupportedTarget("cannot read a part of %s" % text)
    return str(unparse(node))
