"""Recording for step back: what the program's in-scope code did, per thread, in a bounded ring buffer.

Each thread has a ThreadLog: a deque of events (line, return, exception), each holding the frame's
locals at that moment as an immutable snapshot {name: (text, type name, id)} of bounded safe reprs
(the snapshot is copied only when a local changes, so unchanged lines share it) and the changes
since the frame's previous event. Nothing recorded refers to the program's objects: values are
text, identity is an id() number.

Delivery: on Python 3.12+ with the monitoring backend the recorder has its own sys.monitoring tool
id (independent of the debugger's), with PY_START global until a code object is decided and LINE /
PY_RETURN / PY_YIELD enabled only on in-scope code (set_local_events); RAISE is global and costs a
dict lookup per raised exception. With the settrace backend, the backend's tracer calls
`trace_event` for in-scope frames (see backends/settrace.py).
"""
from __future__ import annotations

import collections
import itertools
import operator
import sys
import threading
from types import CodeType, FrameType
from typing import Any, Callable, Deque, Dict, List, Optional, Set, Tuple, Union

from . import isolation
from .backends.interrupts import from_signal_handler, strip_after
from .safe_repr import _type_module, _type_qualname
from .sources import canonical

LINE = 0
RETURN = 1
EXCEPTION = 2
KIND_NAMES = ("line", "return", "exception")

DEFAULT_MEMORY = 64 * 1024 * 1024  # bytes per thread, estimated: about 120,000 line events
VALUE_CHARS = 200  # a recorded value's text is cut here
EVENT_COST = 260  # estimated bytes of one event without its texts (tracemalloc: ~540 bytes a line event, all told)
SNAPSHOT_COST = 100  # estimated bytes of a changed snapshot entry without its text
DICT_COST = 64  # a new snapshot dict, and each of its entries
ENTRY_COST = 40

# values whose text depends only on the object, which cannot change while it is bound (same id)
_STABLE = {int, float, complex, bool, type(None), str, bytes, frozenset, range, type,
           type(len), type(lambda: 0), type(sys), type(print.__call__)}
_ATOMIC = {int, float, bool, type(None)}
_CONTAINERS = {list, tuple, dict, set, frozenset}
_MUTABLE = {list, dict, set, bytearray}  # containers whose items may change in place
_MUTABLE_NAMES = {"list", "dict", "set", "bytearray"}  # their type names, as snapshots keep them
_TUPLE = {tuple}
_FLAT = {int, float, bool, type(None), str}  # reprs CPython makes without any of the program's code
MAX_ITEMS = 12  # a container's items shown (its text is cut at VALUE_CHARS anyway)
MAX_DEPTH = 3  # nesting shown; a self-containing container ends there too

Snapshot = Dict[str, Tuple[str, str, int]]
Change = Tuple[str, Optional[str], Optional[str], int]  # name, text (None: deleted), type name, id


_NAME_OPS = {"LOAD_FAST", "STORE_FAST", "DELETE_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR",
             "LOAD_FAST_LOAD_FAST", "STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST", "LOAD_NAME",
             "STORE_NAME", "DELETE_NAME", "LOAD_DEREF", "STORE_DEREF", "DELETE_DEREF", "LOAD_CLOSURE",
             "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF", "LOAD_FROM_DICT_OR_GLOBALS"}


def names_by_line(code: CodeType) -> Tuple[Dict[int, Tuple[str, ...]], Tuple[str, ...]]:
    """The local names each line of a code object reads, writes or deletes (read once per code
    object): after a line runs, only these can have been rebound or changed through the name.
    Also the names of instructions without a line (exception clean-up), checked after every line."""
    by_line: Dict[int, Set[str]] = {}
    always: Set[str] = set()
    current = None
    for ins in isolation.stdlib("dis").get_instructions(code):  # imported by Recorder.start
        line = getattr(ins, "line_number", None)  # 3.13
        if line is None:
            positions = getattr(ins, "positions", None)  # 3.11+
            if positions is not None:
                line = positions.lineno
            else:
                if ins.starts_line is not None:
                    current = ins.starts_line
                line = current
        if ins.opname not in _NAME_OPS:
            continue
        names = ins.argval if isinstance(ins.argval, tuple) else (ins.argval,)
        target = by_line.setdefault(line, set()) if line is not None else always
        target.update(str(name) for name in names)
    return {line: tuple(names) for line, names in by_line.items()}, tuple(always)


def _type_name(klass: type) -> str:
    """The class's own __qualname__ (no metaclass property of the program's runs)."""
    name = _type_qualname(klass)
    return name if type(name) is str else "?"


def _identity(value: Any, klass: type) -> str:
    """<module.Type object at 0x...>, as object.__repr__ makes it, from the class's own data."""
    module = _type_module(klass)
    name = _type_name(klass)
    if type(module) is str and module != "builtins":
        name = module + "." + name
    return "<%s object at %#x>" % (name, id(value))


def _reraise_program(exc: BaseException) -> None:
    """An error inside the recorder is pdap's and is swallowed, except what the program's signal
    handler raised while the recorder ran (a SIGALRM timeout): that is raised on, to the program."""
    if from_signal_handler(exc):
        raise exc


_args_of = BaseException.__dict__["args"].__get__


def _exception_args(exc: BaseException) -> Tuple[Any, ...]:
    """An exception's args as BaseException keeps them: a subclass's `args` property is not run."""
    try:
        args = _args_of(exc)
        return args if type(args) is tuple else ()
    except Exception as exc:
        _reraise_program(exc)
        return ()


def _fingerprint(value: Any, klass: type) -> Any:
    """What decides a container's shown text, at C speed: the ids of the items shown and whether
    there are more; None when an item is itself a mutable container (then the text is made every
    time)."""
    try:
        if klass is dict:
            keys = tuple(itertools.islice(value, MAX_ITEMS))
            values = tuple(itertools.islice(value.values(), MAX_ITEMS))
            if not _MUTABLE.isdisjoint(map(type, values)):
                return None
            return (min(len(value), MAX_ITEMS + 1), tuple(map(id, keys)), tuple(map(id, values)))
        head = value[:MAX_ITEMS] if klass is list or klass is tuple else tuple(itertools.islice(value, MAX_ITEMS))
        if not _MUTABLE.isdisjoint(map(type, head)):
            return None
        return (min(len(value), MAX_ITEMS + 1), tuple(map(id, head)))
    except Exception as exc:  # changed by another thread meanwhile
        _reraise_program(exc)
        return None


class Event(tuple):  # type: ignore[type-arg]
    """One recorded event: a tuple (made at C speed with make_event) with named fields."""

    __slots__ = ()
    kind = property(operator.itemgetter(0))  # LINE, RETURN or EXCEPTION
    serial = property(operator.itemgetter(1))  # one activation of a frame, unique in the recording
    depth = property(operator.itemgetter(2))  # recorded frames below it, on this thread
    filename = property(operator.itemgetter(3))
    name = property(operator.itemgetter(4))
    line = property(operator.itemgetter(5))
    locals = property(operator.itemgetter(6))  # the frame's snapshot at this moment
    changes = property(operator.itemgetter(7))
    cost = property(operator.itemgetter(9))  # its estimated bytes, counted against the bound
    value = property(operator.itemgetter(8))  # a return value's or an exception's text; "call": a first line


_new_tuple = tuple.__new__


def make_event(kind: int, serial: int, depth: int, filename: str, name: str, line: int,
               snapshot: Snapshot, changes: Tuple[Change, ...], value: Optional[str] = None,
               cost: int = 0) -> Event:
    return _new_tuple(Event, (kind, serial, depth, filename, name, line, snapshot, changes, value, cost))


class ThreadLog:
    __slots__ = ("events", "stack", "size", "dropped", "limit", "ignored")

    def __init__(self, limit: int, ignored: bool) -> None:
        self.events: Deque[Event] = collections.deque()
        # the recorded frames running now: [id(frame), serial, snapshot, container fingerprints,
        # the line of its last event, whether a callee ran since]
        self.stack: List[List[Any]] = []
        self.size = 0
        self.dropped = 0  # events dropped from the front (the ring buffer is full)
        self.limit = limit
        self.ignored = ignored  # an agent thread: pdap's own work is never recorded

    def add(self, event: Event, cost: int) -> None:
        self.events.append(event)
        self.size += cost
        if self.size > self.limit:
            self.trim()

    def trim(self) -> None:
        events = self.events
        while self.size > self.limit and len(events) > 1:
            old = events.popleft()
            self.dropped += 1
            self.size -= old.cost
            if self.size < 0:
                self.size = 0


_serials = itertools.count(1)


class Scope:
    """What is recorded: True (the program's own code, as justMyCode defines it) or a list of files,
    modules and module:function names."""

    def __init__(self, spec: Union[bool, List[str]], is_user: Callable[[CodeType], bool],
                 is_agent: Callable[[CodeType], bool]) -> None:
        self.everything_user = spec is True
        self.files: Set[str] = set()
        self.modules: List[str] = []
        self.functions: List[Tuple[str, str]] = []
        if isinstance(spec, list):
            for item in spec:
                if not isinstance(item, str) or not item:
                    continue
                if item.endswith(".py") or "/" in item or "\\" in item:
                    self.files.add(canonical(item))
                elif ":" in item:
                    module, _, function = item.partition(":")
                    self.functions.append((module, function))
                else:
                    self.modules.append(item)
        self.is_user = is_user
        self.is_agent = is_agent

    def __call__(self, code: CodeType, module: str) -> bool:
        if self.is_agent(code):
            return False
        if self.everything_user:
            return self.is_user(code)
        if self.files and canonical(code.co_filename) in self.files:
            return True
        for name in self.modules:
            if module == name or module.startswith(name + "."):
                return True
        if self.functions:
            # 3.11+ knows Class.method from the code; before, the last part of the name is compared
            qualname = getattr(code, "co_qualname", None)
            for name, function in self.functions:
                if module != name:
                    continue
                if function == qualname or (qualname is None and function.rpartition(".")[2] == code.co_name):
                    return True
                if qualname is not None and function == code.co_name:
                    return True
        return False


class Recorder:
    """Owns the recording: the scope, the per-thread logs, and the event delivery."""

    def __init__(self, debugger: Any) -> None:
        self.dbg = debugger
        self.logs: Dict[int, ThreadLog] = {}
        self.scope: Optional[Scope] = None
        self.limit = DEFAULT_MEMORY
        self.on = False
        self._decided: Dict[int, Tuple[CodeType, bool]] = {}
        self._names_cache: Dict[int, Tuple[CodeType, Any]] = {}
        self._hook: Optional[MonitoringHook] = None

    # ----- switching --------------------------------------------------------------------------
    def start(self, spec: Union[bool, List[str]], limit: Optional[int] = None) -> None:
        if self.on:
            self.stop()  # a new scope: code enabled for the old one is switched off first
        if limit:
            self.limit = max(1024, int(limit))
        isolation.stdlib("dis")  # here, on pdap's thread: never imported inside a program's event
        filter = self.dbg.filter
        self.scope = Scope(spec, filter.is_user, filter.is_agent)
        self._decided.clear()
        for log in self.logs.values():
            log.stack.clear()  # frames that ran unrecorded meanwhile: their activations start again
        self.on = True
        if self.dbg.backend.name == "monitoring":
            if self._hook is None:
                self._hook = MonitoringHook(self)
            self._hook.install()
        else:
            self.dbg.recorder = self
            self.dbg.backend.recording_changed()

    def stop(self) -> None:
        self.on = False
        if self._hook is not None:
            self._hook.uninstall()
        if self.dbg.recorder is not None:
            self.dbg.recorder = None
            self.dbg.backend.recording_changed()

    def in_scope(self, code: CodeType, frame: Optional[FrameType] = None) -> bool:
        known = self._decided.get(id(code))
        if known is not None and known[0] is code:
            return known[1]
        scope = self.scope
        if scope is None:
            return False
        module = ""
        if frame is not None:
            try:
                name = frame.f_globals.get("__name__", "")
                module = name if type(name) is str else ""
            except Exception as exc:
                _reraise_program(exc)
                module = ""
        verdict = scope(code, module)
        self._decided[id(code)] = (code, verdict)  # holding the code keeps its id unique
        return verdict

    def running_frames(self) -> List[FrameType]:
        """In-scope frames running now (recording switched on mid-run)."""
        found = []
        agent = self.dbg.agent_threads
        for ident, frame in sys._current_frames().items():
            if ident in agent:
                continue
            while frame is not None:
                if self.in_scope(frame.f_code, frame):
                    found.append(frame)
                frame = frame.f_back
        return found

    # ----- events -------------------------------------------------------------------------------
    def _log(self) -> ThreadLog:
        ident = threading.get_ident()
        log = self.logs.get(ident)
        if log is None:
            log = self.logs[ident] = ThreadLog(self.limit, ident in self.dbg.agent_threads)
        return log

    def text(self, value: Any) -> str:
        """A bounded repr that runs none of the program's code: builtin values and containers
        here, at C speed where possible; other objects through safe_repr without user code."""
        klass = type(value)
        if klass in _ATOMIC:
            return repr(value)
        if klass is str:
            return repr(value) if len(value) <= VALUE_CHARS else repr(value[:VALUE_CHARS]) + "..."
        if klass in _CONTAINERS:
            try:
                shown = self._container(value, klass, 0)
            except Exception as exc:  # changed by another thread meanwhile, say
                _reraise_program(exc)
                return _identity(value, klass)
            return shown if len(shown) <= VALUE_CHARS else shown[:VALUE_CHARS] + "..."
        if issubclass(klass, BaseException):  # the real type's MRO: no __class__ of the program's is asked
            args = _exception_args(value)
            return "%s(%s)" % (_type_name(klass), ", ".join(self.text(a) for a in args[:3]))
        # any other object: its type and identity, as object.__repr__ shows them (no code of the
        # program's runs, and no try here that could swallow what a signal handler raises)
        return _identity(value, klass)

    def _item(self, value: Any, depth: int) -> str:
        klass = type(value)
        if klass in _ATOMIC:
            return repr(value)
        if klass is str:
            return repr(value) if len(value) <= VALUE_CHARS else repr(value[:VALUE_CHARS]) + "..."
        if klass in _CONTAINERS and depth < MAX_DEPTH:
            return self._container(value, klass, depth + 1)
        if klass in _CONTAINERS:
            return "..."
        return self.text(value)

    def _container(self, value: Any, klass: type, depth: int) -> str:
        n = len(value)
        item = self._item
        flat = self._flat(value, klass, n)
        if flat is not None:
            return flat
        if klass is dict:
            parts = ["%s: %s" % (item(k, depth), item(v, depth))
                     for k, v in itertools.islice(value.items(), MAX_ITEMS)]
        else:
            parts = [item(v, depth) for v in itertools.islice(value, MAX_ITEMS)]
        if n > MAX_ITEMS:
            parts.append("...")
        body = ", ".join(parts)
        if klass is list:
            return "[" + body + "]"
        if klass is tuple:
            return "(" + body + ("," if n == 1 else "") + ")"
        if klass is dict:
            return "{" + body + "}"
        if not n:
            return "%s()" % klass.__name__
        return ("{%s}" if klass is set else "frozenset({%s})") % body

    @staticmethod
    def _flat(value: Any, klass: type, n: int) -> Optional[str]:
        """The repr of a container of numbers and short strings only, made by CPython itself."""
        head: Any
        if klass is dict:
            head = value if n <= MAX_ITEMS else dict(itertools.islice(value.items(), MAX_ITEMS))
            types = set(map(type, head))
            types.update(map(type, head.values()))
        else:
            head = value[:MAX_ITEMS] if klass is list or klass is tuple else list(itertools.islice(value, MAX_ITEMS))
            types = set(map(type, head))
        if not types <= _FLAT:
            if types != _TUPLE or klass is dict:
                return None
            for item in head:  # a list of records: tuples of numbers and short strings
                inner = set(map(type, item))
                if not inner <= _FLAT or len(item) > MAX_ITEMS:
                    return None
                if str in inner and sum(len(s) for s in item if type(s) is str) > VALUE_CHARS * 4:
                    return None
            types = set()
        if str in types:
            strings = head.values() if klass is dict else head
            if sum(len(s) for s in strings if type(s) is str) > VALUE_CHARS * 4:
                return None
            if klass is dict and sum(len(s) for s in head if type(s) is str) > VALUE_CHARS * 4:
                return None
        text = repr(head)
        if n > MAX_ITEMS:
            text = text[:-1] + ", ...}" if klass is dict else text[:-1] + ", ...]"
        if klass is set or klass is frozenset:
            inner = text[1:-1]
            return ("{%s}" % inner if klass is set else "frozenset({%s})" % inner) if n else "%s()" % klass.__name__
        if klass is tuple and n > MAX_ITEMS:
            return "(" + text[1:-1] + ")"
        return text

    def line(self, frame: FrameType, line: int) -> None:
        if not self.on:
            return
        log = self.logs.get(threading.get_ident()) or self._log()
        if log.ignored:
            return
        stack = log.stack
        fid = id(frame)
        if stack and stack[-1][0] == fid:
            entry = stack[-1]
        else:
            entry = self._enter(log, frame)
        snapshot: Snapshot = entry[2]
        prints: Dict[str, Any] = entry[3]
        changes: List[Change] = []
        cost = EVENT_COST
        text = self.text
        code = frame.f_code
        previous = entry[4]
        gone: List[str] = []
        entry[4] = line
        try:
            f_locals = frame.f_locals
            if previous is None:
                items = list(f_locals.items())  # the frame's first line: every local
                full = True
            else:
                names = self._names(code)
                wanted = names[0].get(previous, ())
                if names[1]:
                    wanted = wanted + names[1]
                if entry[5]:
                    # a callee ran since: it may have changed the lists, dicts and sets the locals
                    # refer to (it cannot rebind them; other objects are shown by type and id)
                    entry[5] = False
                    if snapshot:
                        wanted = wanted + tuple(name for name, shown in snapshot.items() if shown[1] in _MUTABLE_NAMES)
                items = []
                for name in wanted:
                    if name in f_locals:
                        items.append((name, f_locals[name]))
                    elif name in snapshot:
                        gone.append(name)  # deleted (del, the end of an except clause)
                full = False
        except Exception as exc:
            _reraise_program(exc)
            items = []
            full = False
        module_level = code.co_name == "<module>"
        seen = 0
        for name, value in items:
            if module_level and name[:2] == "__":
                continue
            seen += 1
            old = snapshot.get(name)
            vid = id(value)
            klass = type(value)
            if klass in _CONTAINERS:
                # the identity of the items shown, and the length: unchanged, so is the text
                # (nested mutable containers are rendered every time: fingerprint None)
                fingerprint = _fingerprint(value, klass)
                if old is not None and old[2] == vid and fingerprint is not None and prints.get(name) == fingerprint:
                    continue
                prints[name] = fingerprint
            elif old is not None and old[2] == vid and klass in _STABLE:
                continue
            shown = text(value)
            if old is not None and old[2] == vid and old[0] == shown:
                continue
            changes.append((name, shown, _type_name(klass), vid))
            cost += len(shown) + SNAPSHOT_COST
        if full and (seen != len(snapshot) or changes):
            present = {name for name, _ in items}
            gone = [name for name in snapshot if name not in present]
        if changes or gone:
            new = dict(snapshot)
            for name, shown, kind, vid in changes:
                new[name] = (shown or "", kind or "", vid)
            for name in gone:
                new.pop(name, None)
                changes.append((name, None, None, 0))
            snapshot = entry[2] = new
            cost += DICT_COST + ENTRY_COST * len(new)
        events = log.events
        events.append(_new_tuple(Event, (LINE, entry[1], len(stack) - 1, code.co_filename, code.co_name, line,
                                         snapshot, tuple(changes), "call" if previous is None else None, cost)))
        log.size += cost
        if log.size > log.limit:
            log.trim()

    def _names(self, code: CodeType) -> Tuple[Dict[int, Tuple[str, ...]], Tuple[str, ...]]:
        known = self._names_cache.get(id(code))
        if known is not None and known[0] is code:
            return known[1]
        names = names_by_line(code)
        self._names_cache[id(code)] = (code, names)
        return names

    def _enter(self, log: ThreadLog, frame: FrameType) -> List[Any]:
        stack = log.stack
        fid = id(frame)
        for i in range(len(stack) - 2, -1, -1):
            if stack[i][0] == fid:  # frames above it ended without a return event (an exception)
                del stack[i + 1:]
                stack[-1][5] = True
                return stack[-1]
        # a new activation: the recorded frames below it must be its callers; those that are not
        # ended by an exception unseen (sys.monitoring has no local unwind event) or unrecorded
        caller = frame.f_back
        while stack:
            top = stack[-1][0]
            outer = caller
            while outer is not None and id(outer) != top:
                outer = outer.f_back
            if outer is not None:
                break
            stack.pop()
        if stack:
            stack[-1][5] = True  # the caller: a callee may change what its locals refer to
        entry = [fid, next(_serials), {}, {}, None, False]
        stack.append(entry)
        return entry

    def leave(self, frame: FrameType, value: Any, kind: int = RETURN) -> None:
        log = self.logs.get(threading.get_ident())
        if log is None or log.ignored or not self.on:
            return
        stack = log.stack
        if not stack or stack[-1][0] != id(frame):
            return
        entry = stack.pop()
        code = frame.f_code
        shown = self.text(value) if kind == RETURN else value
        cost = EVENT_COST + len(shown or "")
        log.add(make_event(kind, entry[1], len(stack), code.co_filename, code.co_name, frame.f_lineno or 0,
                           entry[2], (), shown, cost), cost)

    def exception(self, frame: FrameType, exc: BaseException) -> None:
        log = self.logs.get(threading.get_ident())
        if log is None or log.ignored or not self.on:
            return
        stack = log.stack
        if not stack or stack[-1][0] != id(frame):
            return
        entry = stack[-1]
        code = frame.f_code
        args = _exception_args(exc)
        shown = _type_name(type(exc))
        if isinstance(args, tuple) and args:
            shown += ": " + (args[0] if type(args[0]) is str else self.text(args[0]))[:VALUE_CHARS]
        cost = EVENT_COST + len(shown)
        log.add(make_event(EXCEPTION, entry[1], len(stack) - 1, code.co_filename, code.co_name,
                           frame.f_lineno or 0, entry[2], (), shown, cost), cost)

    def trace_event(self, frame: FrameType, event: str, arg: Any) -> None:
        """The settrace backend's hook: one event of a traced frame (called only while recording)."""
        try:
            if not self.in_scope(frame.f_code, frame):
                return
            if event == "line":
                self.line(frame, frame.f_lineno)
            elif event == "return":
                self.leave(frame, arg)
            elif event == "exception":
                self.exception(frame, arg[1])
        except Exception as exc:
            if from_signal_handler(exc):
                raise  # the program's: the backend's tracer raises it in the program's frame
            self.dbg.fault("recording", exc)


class MonitoringHook:
    """The recorder's own sys.monitoring tool (3.12+), independent of the debugger's backend."""

    def __init__(self, recorder: Recorder) -> None:
        self.rec = recorder
        self.tool = -1
        self.codes: Set[CodeType] = set()
        self.in_scope_ids: Set[int] = set()

    def install(self) -> None:
        mon = sys.monitoring  # type: ignore[attr-defined]
        E = mon.events
        if self.tool < 0:
            for tool in (4, 3, 2, 1, 5):  # a higher id is called first: the line is recorded before a stop
                if mon.get_tool(tool) is None:
                    mon.use_tool_id(tool, "pdap recorder")
                    self.tool = tool
                    break
            else:
                raise RuntimeError("no free sys.monitoring tool id for the recorder")
            mon.register_callback(self.tool, E.PY_START, self._start)
            mon.register_callback(self.tool, E.LINE, self._line)
            mon.register_callback(self.tool, E.PY_RETURN, self._return)
            mon.register_callback(self.tool, E.PY_YIELD, self._return)
            mon.register_callback(self.tool, E.RAISE, self._raise)
        self.codes.clear()
        self.in_scope_ids.clear()
        for frame in self.rec.running_frames():
            self._enable(frame.f_code)
        mon.set_events(self.tool, E.PY_START | E.RAISE)
        mon.restart_events()

    def uninstall(self) -> None:
        if self.tool < 0:
            return
        mon = sys.monitoring  # type: ignore[attr-defined]
        for code in self.codes:
            mon.set_local_events(self.tool, code, 0)
        self.codes.clear()
        self.in_scope_ids.clear()
        mon.set_events(self.tool, 0)
        for event in (mon.events.PY_START, mon.events.LINE, mon.events.PY_RETURN, mon.events.PY_YIELD,
                      mon.events.RAISE):
            mon.register_callback(self.tool, event, None)
        mon.free_tool_id(self.tool)
        self.tool = -1

    def _fail(self, where: str, exc: BaseException) -> None:
        """A fault of pdap's is reported, never raised into the program; what a signal handler
        raised meanwhile (KeyboardInterrupt) is the program's: the backend raises it in its frame."""
        if isinstance(exc, Exception) and not from_signal_handler(exc):
            self.rec.dbg.fault(where, exc)
            return
        interrupted = getattr(self.rec.dbg.backend, "_interrupted", None)
        raise interrupted(exc) if interrupted is not None else exc

    def _enable(self, code: CodeType) -> None:
        mon = sys.monitoring  # type: ignore[attr-defined]
        E = mon.events
        if code not in self.codes:
            self.codes.add(code)
            self.in_scope_ids.add(id(code))
            mon.set_local_events(self.tool, code, E.LINE | E.PY_RETURN | E.PY_YIELD)

    def _start(self, code: CodeType, offset: int) -> Any:
        try:
            if self.rec.in_scope(code, sys._getframe(1)):
                self._enable(code)
        except BaseException as exc:
            self._fail("recording a function start", exc)
        return sys.monitoring.DISABLE  # type: ignore[attr-defined]

    def _line(self, code: CodeType, line: int) -> Any:
        try:
            self.rec.line(sys._getframe(1), line)
        except BaseException as exc:
            self._fail("recording a line", exc)
        return None

    def _return(self, code: CodeType, offset: int, value: Any) -> Any:
        try:
            self.rec.leave(sys._getframe(1), value)
        except BaseException as exc:
            self._fail("recording a return", exc)
        return None

    def _raise(self, code: CodeType, offset: int, exc: BaseException) -> Any:
        if id(code) in self.in_scope_ids:
            try:
                head = exc.__traceback__
                following = head.tb_next if head is not None else None
                is_agent = self.rec.dbg.filter.is_agent
                if following is not None and is_agent(following.tb_frame.f_code):
                    # a signal handler's exception that came out of one of these callbacks: the
                    # program's traceback keeps its own frames only
                    strip_after(head, is_agent)
                self.rec.exception(sys._getframe(1), exc)
            except BaseException as err:
                self._fail("recording an exception", err)
        return None
