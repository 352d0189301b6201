"""Recording for step back: what the program's in-scope code did, per thread, in a bounded ring buffer.

The hot path is thin: a line event appends to its thread's log the frame's activation (a small list
shared by all its events) and its line number; when the line before it in the same frame could have
changed a local — the names it stores or deletes (found in the bytecode once per code object), the
names holding a list, dict or set that it uses otherwise than to iterate, subscript, compare,
return or copy them, and after a call all the names holding one —, it appends instead (the
activation's serial, names, values) with the values read from the frame right then: a tuple of
atoms, which the garbage collector stops tracking at its first pass. A value is kept as it is only
when it is an exact int (bounded), float, bool, None or str (of at most VALUE_CHARS characters):
immutable atoms whose lifetime nobody can observe (no weak reference, no finaliser). Anything else
is rendered at once as (text, type name, identity) — a bounded safe repr made without running any
of the program's code —, and a container is rendered again only when the identity of its shown
items changed (its fingerprint). So nothing recorded keeps the program's objects alive.

Everything else is made when someone looks (timeline.py): ThreadLog.events is a view whose Event
objects have the frame's locals and the changes at that moment folded from the activation's
records (with checkpoints), and their texts made then. The log is a ring of chunks; each chunk's
estimated bytes are counted when it is closed (every few thousand events), and whole chunks are
dropped from the front to stay within the bound (what a dropped chunk set in a frame still shown
later is folded into that activation's base first).

Delivery: on Python 3.12+ with the monitoring backend the recorder has its own sys.monitoring tool
id (independent of the debugger's), with PY_START global until a code object is decided and LINE /
PY_RETURN / PY_YIELD enabled only on in-scope code (set_local_events); RAISE is global and costs a
dict lookup per raised exception. With the settrace backend, the backend's tracer calls
`trace_event` for in-scope frames (see backends/settrace.py).
"""
from __future__ import annotations

import array
import bisect
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

DEFAULT_MEMORY = 64 * 1024 * 1024  # bytes per thread, estimated
VALUE_CHARS = 200  # a recorded value's text is cut here
BIG_INT = 1 << 128  # ints beyond are rendered at once (their memory), as are longer strings
# estimated bytes (calibrated with tracemalloc): an event's slot and line number; a record with
# values (its tuple, the values tuple and the atoms it keeps); an activation; a rendered text
# (besides its characters); a dropped chunk's folding is not counted (it replaces what it drops)
SLOT_COST = 13
RECORD_COST = 100
ACTIVATION_COST = 260
ENTRY_COST = 120
MAX_CHUNK = 8192  # events per chunk at most
CHECKPOINT = 256  # a view keeps an activation's folded locals every this many of its records

_ATOMIC = {int, float, bool, type(None)}
_FIXED = {float, bool, type(None)}  # kept as they are: fixed size, immutable, not observable
_CONTAINERS = {list, tuple, dict, set, frozenset}
_MUTABLE = {list, dict, set, bytearray}  # containers whose items may change in place
_TUPLE = {tuple}
_FLAT = {int, float, bool, type(None), str}  # reprs CPython makes without any of the program's code
MAX_ITEMS = 12  # a container's items shown (its text is cut at VALUE_CHARS anyway)
MAX_DEPTH = 3  # nesting shown; a self-containing container ends there too

Snapshot = Dict[str, Tuple[str, str, int]]
Change = Tuple[str, Optional[str], Optional[str], int]  # name, text (None: deleted), type name, id


class _Missing:
    """A name the frame did not have (deleted, or never bound) when its value was read."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()
NOTHING: Tuple[str, ...] = ()  # a line that can have changed no local

_NAME_OPS = {"LOAD_FAST", "STORE_FAST", "DELETE_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR",
             "LOAD_FAST_LOAD_FAST", "STORE_FAST_LOAD_FAST", "STORE_FAST_STORE_FAST", "LOAD_NAME",
             "STORE_NAME", "DELETE_NAME", "LOAD_DEREF", "STORE_DEREF", "DELETE_DEREF", "LOAD_CLOSURE",
             "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF", "LOAD_FROM_DICT_OR_GLOBALS"}
# those that can rebind or unbind a name (LOAD_FAST_AND_CLEAR: a comprehension inlined in 3.12+)
_STORE_OPS = {"STORE_FAST", "DELETE_FAST", "LOAD_FAST_AND_CLEAR", "STORE_FAST_LOAD_FAST",
              "STORE_FAST_STORE_FAST", "STORE_NAME", "DELETE_NAME", "STORE_DEREF", "DELETE_DEREF"}


def line_names(code: CodeType, harmless: bool = False) -> Tuple[Dict[int, Set[str]], Dict[int, Set[str]], Set[str]]:
    """Per line of a code object (read once per code object): the local names whose value is read
    again after the line whatever it holds — those it stores or deletes, and those others can rebind
    meanwhile (a module's or class body's names, cells: not LOAD_FAST) —, and the fast locals it only
    reads (read again after it when they hold a container it may have changed). Also the names of
    instructions without a line (exception clean-up), checked after every line. harmless=False
    leaves out of the reads the fast locals it cannot change: a value only iterated, returned, put
    in a new tuple or list, copied to another name, or subscripted or compared (a builtin container
    runs no code then)."""
    stores: Dict[int, Set[str]] = {}
    loads: Dict[int, Set[str]] = {}
    always: Set[str] = set()
    current = None
    instructions = list(isolation.stdlib("dis").get_instructions(code))  # imported by Recorder.start
    for index, ins in enumerate(instructions):
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
        if line is None:
            target = always
        elif ins.opname in _STORE_OPS or ins.opname not in _FAST_LOADS:
            target = stores.setdefault(line, set())
        else:
            if not harmless and ins.opname in _FAST_LOADS and _read_only(instructions, index):
                continue
            target = loads.setdefault(line, set())
        target.update(str(name) for name in names)
    return stores, loads, always


_FAST_LOADS = {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_LOAD_FAST", "LOAD_CONST"}
_CONSUMES_ONE = {"GET_ITER", "RETURN_VALUE", "BUILD_TUPLE", "BUILD_LIST", "STORE_FAST", "LIST_APPEND"}
_CONSUMES_TWO = {"BINARY_SUBSCR", "CONTAINS_OP", "COMPARE_OP", "IS_OP"}


def _read_only(instructions: List[Any], index: int) -> bool:
    """Whether the value a LOAD_FAST pushes is used only in a way that cannot change it."""
    following = instructions[index + 1] if index + 1 < len(instructions) else None
    if following is None:
        return False
    if instructions[index].opname != "LOAD_FAST_LOAD_FAST" and following.opname in _CONSUMES_ONE:
        return True
    if following.opname in _CONSUMES_TWO:
        return True  # both operands (one loaded here), or the right one
    if instructions[index].opname == "LOAD_FAST_LOAD_FAST":
        return False
    if following.opname in _FAST_LOADS and following.opname != "LOAD_FAST_LOAD_FAST":
        after = instructions[index + 2] if index + 2 < len(instructions) else None
        return after is not None and after.opname in _CONSUMES_TWO
    return False


def names_by_line(code: CodeType) -> Tuple[Dict[int, Tuple[str, ...]], Tuple[str, ...]]:
    """The local names each line of a code object reads, writes or deletes: after a line runs,
    only these can have been rebound or changed through the name. Also the names of instructions
    without a line (exception clean-up), checked after every line."""
    stores, loads, always = line_names(code, harmless=True)
    by_line: Dict[int, Set[str]] = {}
    for table in (stores, loads):
        for line, names in table.items():
            by_line.setdefault(line, set()).update(names)
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
    """What decides a container's shown text, at C speed: how many items (up to one more than are
    shown) and the ids of those shown. Whether an item is itself a mutable container (then the
    text is made every time) is found when the text is made."""
    try:
        if klass is dict:
            if len(value) <= MAX_ITEMS:
                return len(value), tuple(map(_ident, value)), tuple(map(_ident, value.values()))
            return (MAX_ITEMS + 1, tuple(map(_ident, itertools.islice(value, MAX_ITEMS))),
                    tuple(map(_ident, itertools.islice(value.values(), MAX_ITEMS))))
        if klass is list or klass is tuple:
            return min(len(value), MAX_ITEMS + 1), tuple(map(_ident, value[:MAX_ITEMS]))
        return min(len(value), MAX_ITEMS + 1), tuple(map(_ident, itertools.islice(value, MAX_ITEMS)))
    except Exception as exc:  # changed by another thread meanwhile
        _reraise_program(exc)
        return None


_STR = {str}
_NO_TYPES: Set[type] = set()
_is_str = str.__instancecheck__


def _chars(items: Any, types: Set[type]) -> int:
    """The characters of the strs among items (exact types: no code of the program's runs)."""
    if types == _STR:
        return sum(map(len, items))
    return sum(map(len, filter(_is_str, items)))


def _nested(value: Any, klass: type) -> bool:
    """Whether a container shows an item that is itself a mutable container."""
    try:
        if klass is dict:
            return not _MUTABLE.isdisjoint(map(type, itertools.islice(value.values(), MAX_ITEMS)))
        head = value[:MAX_ITEMS] if klass is list or klass is tuple else itertools.islice(value, MAX_ITEMS)
        return not _MUTABLE.isdisjoint(map(type, head))
    except Exception as exc:
        _reraise_program(exc)
        return True


_NO_NAMES: frozenset = frozenset()
_RESYNC: Dict[Any, Any] = {}  # an activation's A_TABLE after a stop: nothing known, all read again (never written)

# Identity without id(): id() raises an audit event ("builtins.id"), which costs a Python call each
# time once pdap's settrace backend has added its audit hook (audit hooks stay for the process).
# object.__hash__ is the pointer-derived hash of any object (never the object's own __hash__), not
# audited, and as unique as id() among live objects; a frame's hash() is that one.
_ident = object.__hash__
frame_key = hash  # the key of a frame's activation (A_FID)

# an activation (one run of a frame), shared by all its records: a list indexed by these
A_FID = 0  # frame_key(frame): its frame while it runs
A_SERIAL = 1  # unique in the recording
A_DEPTH = 2  # recorded frames below it on its thread
A_INFO = 3  # its code's CodeInfo
A_PREV = 4  # the line of its last event (None: none yet)
A_CALLEE = 5  # a callee ran since its last event (the containers its locals hold may have changed)
A_TABLE = 6  # prev line -> what to read (CodeInfo.table for its current A_MUT)
A_MUT = 7  # the names whose last value was a container (read again after a line naming them)
A_PRINTS = 8  # name -> (id, fingerprint, entry) of the last value rendered (None: none yet)
A_END = 9  # the position of its last event once it ended, else None
A_BASE = 10  # its locals before the first record kept (what dropped chunks had set), or None


class CodeInfo:
    """What a code object's records need, made once per code object."""
    __slots__ = ("code", "filename", "name", "stores", "loads", "always", "module_level", "tables", "plain")

    def __init__(self, code: CodeType) -> None:
        self.code = code  # held: keeps id(code) unique (it is the program's code, not its data)
        self.filename = code.co_filename
        self.name = code.co_name
        self.stores, self.loads, self.always = line_names(code)
        self.module_level = code.co_name == "<module>"
        self.tables: Dict[Any, Dict[Any, Any]] = {}  # (A_MUT, after a callee) -> {prev line: read}
        self.plain = self.table(_NO_NAMES, False)  # no local holds a container

    def table(self, mut: frozenset, callee: bool) -> Dict[Any, Any]:
        key = (mut, callee)
        table = self.tables.get(key)
        if table is None:
            table = self.tables[key] = {}
        return table

    def read(self, prev: int, mut: frozenset, callee: bool) -> Any:
        """What to read after line `prev`: NOTHING, or (names, getter): a name and
        operator.itemgetter(name), or a tuple of names and the getter of all of them."""
        names = set(self.stores.get(prev, ())) | self.always
        if mut:
            names.update(mut if callee else mut.intersection(self.loads.get(prev, ())))
        if self.module_level:
            names = {name for name in names if name[:2] != "__"}
        if not names:
            return NOTHING
        ordered = tuple(sorted(names))
        if len(ordered) == 1:
            return ordered[0], operator.itemgetter(ordered[0])
        return ordered, operator.itemgetter(*ordered)


class Event(tuple):  # type: ignore[type-arg]
    """One recorded event as timeline.py reads it: a tuple made at C speed (a scan back through a
    recording makes one per event); its locals and changes are made when asked, by its view."""

    __slots__ = ()
    kind = property(operator.itemgetter(0))  # LINE, RETURN or EXCEPTION
    serial = property(operator.itemgetter(1))  # one activation of a frame, unique in the recording
    depth = property(operator.itemgetter(2))  # recorded frames below it, on this thread
    filename = property(operator.itemgetter(3))
    name = property(operator.itemgetter(4))
    line = property(operator.itemgetter(5))
    value = property(operator.itemgetter(6))  # a return value's or an exception's text; "call": a first line

    @property
    def locals(self) -> Snapshot:
        """The frame's locals at this moment: {name: (text, type name, id)}."""
        return self[7].locals_at(self[8])

    @property
    def changes(self) -> Tuple[Change, ...]:
        """What this line event found changed since the frame's previous event."""
        return self[7].changes_at(self[8])


_new_tuple = tuple.__new__


class _Given:
    """The locals and changes of an event made with them (make_event)."""

    __slots__ = ("snapshot", "changes")

    def __init__(self, snapshot: Snapshot, changes: Tuple[Change, ...]) -> None:
        self.snapshot = snapshot
        self.changes = changes

    def locals_at(self, index: int) -> Snapshot:
        return self.snapshot

    def changes_at(self, index: int) -> Tuple[Change, ...]:
        return self.changes


def make_event(kind: int, serial: int, depth: int, filename: str, name: str, line: int,
               snapshot: Snapshot, changes: Tuple[Change, ...], value: Optional[str] = None) -> Event:
    return _new_tuple(Event, (kind, serial, depth, filename, name, line, value, _Given(snapshot, changes), 0))


def _activation(record: Any, acts: Dict[int, List[Any]]) -> List[Any]:
    """The activation of a record: an activation itself (a line without values), or a tuple whose
    first item is its serial: (serial, names, values[, "call"]) or (serial, RETURN or EXCEPTION,
    value). Only atoms in a tuple: the collector stops tracking it at once."""
    if type(record) is list:
        return record
    return acts[record[0]]


def atom_text(value: Any) -> str:
    if type(value) is str:
        return repr(value) if len(value) <= VALUE_CHARS else repr(value[:VALUE_CHARS]) + "..."
    return repr(value)


def shown(raw: Any) -> Tuple[str, str, int]:
    """A recorded value as (text, type name, id): an entry made at the event, or a kept atom's."""
    if type(raw) is tuple:
        return raw
    return atom_text(raw), type(raw).__name__, _ident(raw)


def fold(state: Dict[str, Any], record: Any) -> None:
    """Applies a record's values to an activation's locals (name -> kept value or entry)."""
    names = record[1]
    values = record[2]
    if type(names) is str:
        if values is MISSING:
            state.pop(names, None)
        else:
            state[names] = values
        return
    for name, value in zip(names, values):
        if value is MISSING:
            state.pop(name, None)
        else:
            state[name] = value


class View:
    """A thread's recording as a sequence of Events, made as they are asked for (while the thread is
    stopped its log does not change; a view is made again when it did)."""

    def __init__(self, log: "ThreadLog") -> None:
        chunks = list(log.chunks)
        self.records: List[Any] = list(itertools.chain.from_iterable(chunk[0] for chunk in chunks))
        self.records.extend(log.ev)
        lines = array.array("i")
        for chunk in chunks:
            lines.extend(chunk[1])
        lines.extend(log.ln)
        if len(self.records) > len(lines):  # a running thread's record between its two appends
            del self.records[len(lines):]
        self.lines = lines
        self.key = log.key()
        self.acts = log.acts
        self._locals: Dict[int, Snapshot] = {}  # index -> its event's locals, made once
        self._positions: Optional[Dict[int, List[int]]] = None  # id(activation) -> its records' indexes
        self._last: Dict[int, Tuple[int, Dict[str, Any]]] = {}  # id(activation) -> (k, locals after k records)
        self._checkpoints: Dict[int, List[Dict[str, Any]]] = {}  # id(activation) -> locals after 0, C, 2C… records

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> Event:
        if index < 0:
            index += len(self.records)
        record = self.records[index]  # IndexError past the end
        value: Optional[str] = None
        if type(record) is list:  # (_activation, inline: a scan makes an Event per event)
            act = record
            kind = LINE
        else:
            act = self.acts[record[0]]
            if type(record[1]) is not int:
                kind = LINE
                if len(record) == 4:
                    value = "call"
            else:
                kind = record[1]
                raw = record[2]
                value = raw if kind == EXCEPTION else shown(raw)[0]
        info: CodeInfo = act[A_INFO]
        return _new_tuple(Event, (kind, act[A_SERIAL], act[A_DEPTH], info.filename, info.name, self.lines[index],
                                  value, self, index))

    def __iter__(self) -> Any:
        return (self[i] for i in range(len(self.records)))

    # ----- an activation's locals, folded from its records ---------------------------------------
    def _records_of(self, act: List[Any]) -> List[int]:
        positions = self._positions
        if positions is None:
            positions = self._positions = {}
            for index, record in enumerate(self.records):
                if type(record) is tuple and type(record[1]) is not int:
                    key = record[0]
                    found = positions.get(key)
                    if found is None:
                        positions[key] = [index]
                    else:
                        found.append(index)
        return positions.get(act[A_SERIAL], [])

    def _state(self, act: List[Any], k: int) -> Dict[str, Any]:
        """The activation's locals after its first k records (kept values and entries); not to be
        changed by the caller."""
        key = act[A_SERIAL]
        indexes = self._records_of(act)
        records = self.records
        last = self._last.get(key)
        checkpoints = self._checkpoints.setdefault(key, [])
        if last is not None and last[0] <= k:
            done, state = last
        elif checkpoints and (k // CHECKPOINT) < len(checkpoints):
            done = (k // CHECKPOINT) * CHECKPOINT
            state = dict(checkpoints[k // CHECKPOINT])
        elif checkpoints:
            done = (len(checkpoints) - 1) * CHECKPOINT
            state = dict(checkpoints[-1])
        else:
            done = 0
            state = dict(act[A_BASE] or {})
            checkpoints.append(dict(state))
        while done < k:
            fold(state, records[indexes[done]])
            done += 1
            if done % CHECKPOINT == 0 and done // CHECKPOINT == len(checkpoints):
                checkpoints.append(dict(state))
        self._last[key] = (k, state)
        return state

    def _count(self, act: List[Any], index: int) -> int:
        """How many of the activation's records are at or before index."""
        return bisect.bisect_right(self._records_of(act), index)

    def locals_at(self, index: int) -> Snapshot:
        made = self._locals.get(index)
        if made is None:
            act = _activation(self.records[index], self.acts)
            state = self._state(act, self._count(act, index))
            made = self._locals[index] = {name: shown(raw) for name, raw in state.items()}
        return made

    def changes_at(self, index: int) -> Tuple[Change, ...]:
        record = self.records[index]
        if type(record) is not tuple or type(record[1]) is int:
            return ()
        act = self.acts[record[0]]
        before = self._state(act, self._count(act, index) - 1)
        names = record[1]
        pairs = ((names, record[2]),) if type(names) is str else zip(names, record[2])
        changes: List[Change] = []
        for name, raw in pairs:
            old = before.get(name, MISSING)
            if raw is MISSING:
                if old is not MISSING:
                    changes.append((name, None, None, 0))
                continue
            if old is raw:
                continue
            text, kind, vid = shown(raw)
            if old is not MISSING:
                old_text, _, old_id = shown(old)
                if old_id == vid and old_text == text:
                    continue
            changes.append((name, text, kind, vid))
        return tuple(changes)


class ThreadLog:
    """One thread's recording: a ring of chunks, each a list of records and an array of their
    lines; the open chunk is appended to by the hot path."""

    __slots__ = ("chunks", "ev", "ln", "ev_append", "ln_append", "chunk_size", "closed_events",
                 "closed_bytes", "rendered", "activations", "dropped", "limit", "ignored", "stack", "top",
                 "acts", "_view")

    def __init__(self, limit: int, ignored: bool) -> None:
        self.chunks: Deque[Tuple[List[Any], Any, int]] = collections.deque()
        self.ev: List[Any] = []
        self.ln = array.array("i")
        self.ev_append = self.ev.append
        self.ln_append = self.ln.append
        self.limit = limit
        self.chunk_size = max(1, min(MAX_CHUNK, limit // 16 // (SLOT_COST + RECORD_COST)))
        self.closed_events = 0
        self.closed_bytes = 0
        self.rendered = 0  # estimated bytes of texts rendered into the open chunk's records
        self.activations = 0  # activations made since the open chunk started
        self.dropped = 0  # events dropped from the front (the ring buffer is full)
        self.ignored = ignored  # an agent thread: pdap's own work is never recorded
        self.stack: List[List[Any]] = []  # the recorded frames running now: their activations
        self.top: Optional[List[Any]] = None  # stack[-1]
        self.acts: Dict[int, List[Any]] = {}  # serial -> activation, of those with events kept
        self._view: Optional[View] = None

    def key(self) -> Tuple[int, int, int]:
        return self.dropped, self.closed_events, len(self.ev)

    @property
    def events(self) -> View:
        view = self._view
        if view is None or view.key != self.key():
            view = self._view = View(self)
        return view

    def count(self) -> int:
        """How many events are kept."""
        return self.closed_events + len(self.ev)

    def position(self) -> int:
        """The position of the next event, counted from the start of the recording."""
        return self.dropped + self.closed_events + len(self.ev)

    def _bytes(self, records: List[Any]) -> int:
        return len(records) * SLOT_COST + list(map(type, records)).count(tuple) * RECORD_COST

    @property
    def size(self) -> int:
        """Estimated bytes: the closed chunks' and the open chunk's."""
        return (self.closed_bytes + self._bytes(self.ev) + self.rendered
                + self.activations * ACTIVATION_COST)

    def close_chunk(self) -> None:
        """The open chunk is full: it is counted, closed, and the oldest chunks are dropped while
        the recording is over its bound (less one chunk's worth, the next one's room)."""
        ev = self.ev
        if not ev:
            return
        cost = self._bytes(ev) + self.rendered + self.activations * ACTIVATION_COST
        self.chunks.append((ev, self.ln, cost))
        self.closed_events += len(ev)
        self.closed_bytes += cost
        self.rendered = 0
        self.activations = 0
        self.ev = []
        self.ln = array.array("i")
        self.ev_append = self.ev.append
        self.ln_append = self.ln.append
        per_event = max(1, cost // len(ev))
        self.chunk_size = max(1, min(MAX_CHUNK, self.limit // 16 // per_event))
        room = self.limit - self.chunk_size * per_event
        while self.closed_bytes > room and len(self.chunks) > 1:
            self._drop()

    def _drop(self) -> None:
        records, _, cost = self.chunks.popleft()
        self.closed_events -= len(records)
        self.closed_bytes -= cost
        self.dropped += len(records)
        start = self.dropped  # the position of the first event kept
        # what the dropped records set in activations that still have events kept (or still run)
        # becomes their base; the others are forgotten
        acts = self.acts
        for record in records:
            if type(record) is list:
                act = record
            else:
                act = acts.get(record[0])
                if act is None:
                    continue
            end = act[A_END]
            if end is not None and end < start:
                acts.pop(act[A_SERIAL], None)
                continue
            if type(record) is list or type(record[1]) is int:
                continue
            base = act[A_BASE]
            if base is None:
                base = act[A_BASE] = {}
            fold(base, record)

    def end_all(self) -> None:
        """The recorded frames are forgotten (recording restarted): their activations end here."""
        position = self.position()
        for act in self.stack:
            act[A_END] = position
        self.stack.clear()
        self.top = None


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
        self.logs: Dict[int, ThreadLog] = {}  # never replaced (the hot path holds its get)
        self.scope: Optional[Scope] = None
        self.limit = DEFAULT_MEMORY
        self.on = False
        self._decided: Dict[int, Tuple[CodeType, bool]] = {}
        self._infos: Dict[int, CodeInfo] = {}
        self._hook: Optional[MonitoringHook] = None
        # a line event (settrace: line(frame, lineno); sys.monitoring's LINE callback: line(code, lineno))
        self.line: Callable[[Any, int], None] = self._make_line()
        # the settrace backend's hook: trace_event(frame, event, arg) for each event of a traced frame
        self.trace_event: Callable[[FrameType, str, Any], Optional[CodeType]] = self._make_trace_event()

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
            log.end_all()  # frames that ran unrecorded meanwhile: their activations start again
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
        known = self._decided.get(_ident(code))
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
        self._decided[_ident(code)] = (code, verdict)  # holding the code keeps its identity unique
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
            key_types = set(map(type, head))
            value_types = set(map(type, head.values()))
            types = key_types | value_types
        else:
            head = value[:MAX_ITEMS] if klass is list or klass is tuple else list(itertools.islice(value, MAX_ITEMS))
            types = key_types = set(map(type, head))
            value_types = _NO_TYPES
        if not types <= _FLAT:
            if types != _TUPLE or klass is dict:
                return None
            # a list of records: tuples of numbers and short strings
            if max(map(len, head)) > MAX_ITEMS:
                return None
            inner = set(map(type, itertools.chain.from_iterable(head)))
            if not inner <= _FLAT:
                return None
            if str in inner and _chars(itertools.chain.from_iterable(head), inner) > VALUE_CHARS * 4:
                return None
            types = set()
        if str in types:
            if str in key_types and _chars(head, key_types) > VALUE_CHARS * 4:
                return None
            if str in value_types and _chars(head.values(), value_types) > VALUE_CHARS * 4:
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

    def _make_line(self) -> Callable[[Any, int], None]:
        """The hot path, as a closure (no attribute lookups on the recorder): most lines append
        their activation and line number and return."""
        rec = self
        logs_get = self.logs.get
        get_ident = threading.get_ident
        getframe = sys._getframe
        frame_type = FrameType
        nothing = NOTHING
        missing = MISSING
        fixed = _FIXED
        big = BIG_INT
        chars = VALUE_CHARS

        def line(where: Any, line: int) -> None:
            try:
                frame = where if type(where) is frame_type else getframe(1)
                log = logs_get(get_ident())
                if log is None:
                    if not rec.on:
                        return None
                    log = rec._log()
                if log.ignored:
                    return None
                act = log.top
                if act is None or act[0] != hash(frame):
                    act = rec._enter(log, frame)
                prev = act[4]  # A_PREV
                act[4] = line
                read = act[6].get(prev)  # A_TABLE
                if read is nothing:
                    log.ev_append(act)  # the line before could change no local
                elif read is not None and type(read[0]) is str:
                    # one name to read (and no callee since: then the container names are read
                    # too, a tuple of names): an atom is kept as it is, inline
                    name = read[0]
                    value: Any
                    try:
                        value = read[1](frame.f_locals)
                    except KeyError:
                        value = missing
                    klass = type(value)
                    mut = act[7]  # A_MUT
                    if (klass in fixed or (klass is int and -big < value < big) or (
                            klass is str and len(value) <= chars)) and (not mut or name not in mut):
                        log.ev_append((act[1], name, value))
                    else:
                        rec._read(log, act, frame, prev, read)
                else:
                    rec._read(log, act, frame, prev, read)
                log.ln_append(line)
                if len(log.ev) >= log.chunk_size:
                    log.close_chunk()
            except BaseException as exc:
                if type(where) is frame_type:
                    raise  # trace_event's: the program's exception goes on, pdap's is reported
                rec._hook_failed(exc)
            return None

        return line

    def resumed(self) -> None:
        """The program resumes (on pdap's thread): each recorded frame reads all its locals again at
        its next event, as a stop may have changed them (setVariable, evaluate)."""
        for log in list(self.logs.values()):
            for act in list(log.stack):
                act[A_TABLE] = _RESYNC

    def _hook_failed(self, exc: BaseException, where: str = "recording a line") -> None:
        hook = self._hook
        if hook is None:
            _reraise_program(exc)
            return
        hook._fail(where, exc)

    def _info(self, code: CodeType) -> CodeInfo:
        info = self._infos.get(_ident(code))
        if info is None or info.code is not code:
            info = self._infos[_ident(code)] = CodeInfo(code)
        return info

    def _read(self, log: ThreadLog, act: List[Any], frame: FrameType, prev: Optional[int], read: Any) -> None:
        """A line after one that may have changed locals (or a frame's first line): their values,
        as kept values or entries, in a record."""
        info: CodeInfo = act[A_INFO]
        if act[A_TABLE] is _RESYNC or prev is None:
            act[A_CALLEE] = False
            act[A_TABLE] = info.table(act[A_MUT], False)
            self._first(log, act, frame, prev is None)
            return
        callee = act[A_CALLEE]
        if read is None:
            read = info.read(prev, act[A_MUT], callee)
            act[A_TABLE][prev] = read
        if callee:
            act[A_CALLEE] = False
            act[A_TABLE] = info.table(act[A_MUT], False)
        if read is NOTHING:
            log.ev_append(act)
            return
        names, getter = read
        f_locals = frame.f_locals
        values: Any
        try:
            values = getter(f_locals)
        except KeyError:  # a name not bound (deleted, or its line raised before storing it)
            if type(names) is str:
                values = f_locals.get(names, MISSING)
            else:
                values = tuple([f_locals.get(name, MISSING) for name in names])
        mut = act[A_MUT]
        rendered = log.rendered
        objects = values
        if type(names) is str:
            klass = type(values)
            if klass in _FIXED or (klass is int and -BIG_INT < values < BIG_INT) or (
                    klass is str and len(values) <= VALUE_CHARS):
                if mut and names in mut:
                    self._not_container(act, names)
            else:
                values = self._raw(log, act, names, values, klass)
                if log.rendered != rendered and len(act[A_MUT]) > 1:
                    names, values = self._aliases(act, f_locals, (names,), (objects,), (values,))
        else:
            for value in values:
                klass = type(value)
                if klass in _FIXED or (klass is int and -BIG_INT < value < BIG_INT) or (
                        klass is str and len(value) <= VALUE_CHARS):
                    continue
                raw = self._raw
                values = tuple([raw(log, act, name, value, type(value)) for name, value in zip(names, values)])
                if log.rendered != rendered and act[A_MUT]:
                    names, values = self._aliases(act, f_locals, tuple(names), objects, values)
                break
            else:
                if mut and not mut.isdisjoint(names):
                    for name in mut.intersection(names):
                        self._not_container(act, name)
        log.ev_append((act[A_SERIAL], names, values))

    @staticmethod
    def _aliases(act: List[Any], f_locals: Any, names: Tuple[str, ...], objects: Tuple[Any, ...],
                 raws: Tuple[Any, ...]) -> Tuple[Any, Any]:
        """A container that was rendered again (it changed) shows changed under the frame's other
        names for it too (an alias changed it): those are added to the record."""
        added_names: List[str] = []
        added: List[Any] = []
        prints = act[A_PRINTS]
        for other in act[A_MUT]:
            if other in names:
                continue
            value = f_locals.get(other, MISSING)
            for name, obj, raw in zip(names, objects, raws):
                if obj is value and type(raw) is tuple:
                    added_names.append(other)
                    added.append(raw)
                    prints[other] = prints[name]
                    break
        if not added:
            return (names[0], raws[0]) if len(names) == 1 else (names, raws)
        return names + tuple(added_names), raws + tuple(added)

    def _first(self, log: ThreadLog, act: List[Any], frame: FrameType, first: bool = True) -> None:
        """A frame's first line, or its first after a stop (first=False): all its locals (a
        module's: those not named __x)."""
        module_level = act[A_INFO].module_level
        names = []
        values = []
        try:
            items = list(frame.f_locals.items())
        except Exception as exc:
            _reraise_program(exc)
            items = []
        raw = self._raw
        for name, value in items:
            if module_level and name[:2] == "__":
                continue
            names.append(name)
            klass = type(value)
            if klass in _FIXED or (klass is int and -BIG_INT < value < BIG_INT) or (
                    klass is str and len(value) <= VALUE_CHARS):
                values.append(value)
            else:
                values.append(raw(log, act, name, value, klass))
        if first:
            log.ev_append((act[A_SERIAL], tuple(names), tuple(values), "call"))
        else:
            log.ev_append((act[A_SERIAL], tuple(names), tuple(values)))

    def _not_container(self, act: List[Any], name: str) -> None:
        mut = act[A_MUT] = act[A_MUT] - {name}
        act[A_TABLE] = act[A_INFO].table(mut, False)

    def _raw(self, log: ThreadLog, act: List[Any], name: str, value: Any, klass: type) -> Any:
        """What is recorded of a local's value: the value itself when it is a kept atom, else its
        entry (text, type name, id), the previous one when it cannot have changed."""
        mut = act[A_MUT]
        if klass in _FIXED or value is MISSING or (klass is int and -BIG_INT < value < BIG_INT) or (
                klass is str and len(value) <= VALUE_CHARS):
            if name in mut:
                self._not_container(act, name)
            return value
        vid = _ident(value)
        prints = act[A_PRINTS]
        if prints is None:
            prints = act[A_PRINTS] = {}
        old = prints.get(name)
        if klass in _CONTAINERS:
            # the identity of the items shown, and the length: unchanged, so is the text
            # (nested mutable containers are rendered every time: fingerprint None)
            fingerprint = _fingerprint(value, klass)
            if old is not None and old[0] == vid and fingerprint is not None and old[1] == fingerprint:
                return old[2]
        else:
            if name in mut:
                self._not_container(act, name)
            # the same object (its id, and its class's for other objects): the same text, but an
            # exception's, which shows its args
            fingerprint = _ident(klass)
            if (old is not None and old[0] == vid and old[1] == fingerprint
                    and not issubclass(klass, BaseException)):
                return old[2]
        entry = (self.text(value), _type_name(klass), vid)
        if klass in _CONTAINERS:
            if fingerprint is not None and _nested(value, klass):
                fingerprint = None  # its text is made every time
            # read again after a line naming it, and after a call: it may change in place
            changes_in_place = klass in _MUTABLE or fingerprint is None
            if changes_in_place and name not in mut:
                mut = act[A_MUT] = mut | {name}
                act[A_TABLE] = act[A_INFO].table(mut, False)
            elif not changes_in_place and name in mut:
                self._not_container(act, name)
        prints[name] = (vid, fingerprint, entry)
        log.rendered += len(entry[0]) + ENTRY_COST
        return entry

    def _value(self, log: ThreadLog, value: Any) -> Any:
        """A return value as recorded: kept, or its entry."""
        klass = type(value)
        if klass in _FIXED or (klass is int and -BIG_INT < value < BIG_INT) or (
                klass is str and len(value) <= VALUE_CHARS):
            return value
        entry = (self.text(value), _type_name(klass), _ident(value))
        log.rendered += len(entry[0]) + ENTRY_COST
        return entry

    def _enter(self, log: ThreadLog, frame: FrameType) -> List[Any]:
        """The activation of a frame whose line event is not the top activation's."""
        stack = log.stack
        fid = hash(frame)
        caller = frame.f_back
        top = log.top
        if top is None or caller is None or hash(caller) != top[A_FID]:  # else called by the top one
            for i in range(len(stack) - 2, -1, -1):
                if stack[i][A_FID] == fid:  # frames above it ended without a return event (an exception)
                    position = log.position()
                    for ended in stack[i + 1:]:
                        ended[A_END] = position
                    del stack[i + 1:]
                    act = log.top = stack[-1]
                    self._callee_ran(act)
                    return act
            # a new activation: the recorded frames below it must be its callers; those that are
            # not ended by an exception unseen (sys.monitoring has no local unwind event) or unrecorded
            while stack:
                top_fid = stack[-1][A_FID]
                outer = caller
                while outer is not None and hash(outer) != top_fid:
                    outer = outer.f_back
                if outer is not None:
                    break
                stack.pop()[A_END] = log.position()
        if stack:
            self._callee_ran(stack[-1])  # the caller: a callee may change what its locals refer to
        code = frame.f_code
        info = self._infos.get(_ident(code))
        if info is None or info.code is not code:
            info = self._info(code)
        act = [fid, next(_serials), len(stack), info, None, False, info.plain, _NO_NAMES, None, None, None]
        stack.append(act)
        log.top = act
        log.acts[act[A_SERIAL]] = act
        log.activations += 1
        return act

    @staticmethod
    def _callee_ran(act: List[Any]) -> None:
        if act[A_MUT] and not act[A_CALLEE] and act[A_TABLE] is not _RESYNC:  # (that reads them all)
            act[A_CALLEE] = True
            act[A_TABLE] = act[A_INFO].table(act[A_MUT], True)

    def leave(self, frame: FrameType, value: Any, kind: int = RETURN) -> None:
        """A return (settrace's "return" event; sys.monitoring's PY_RETURN and PY_YIELD: _make_return)."""
        log = self.logs.get(threading.get_ident())
        if log is None or log.ignored or not self.on:
            return
        act = log.top
        if act is None or act[A_FID] != hash(frame):
            return
        self._left(log, act, frame, value)

    def _make_return(self) -> Callable[[CodeType, int, Any], Any]:
        rec = self
        logs_get = self.logs.get
        get_ident = threading.get_ident
        getframe = sys._getframe

        def returned(code: CodeType, offset: int, value: Any) -> Any:
            try:
                frame = getframe(1)
                log = logs_get(get_ident())
                if log is None or log.ignored:
                    return None
                act = log.top
                if act is None or act[0] != hash(frame):
                    return None
                rec._left(log, act, frame, value)
            except BaseException as exc:
                rec._hook_failed(exc, "recording a return")
            return None

        return returned

    def _left(self, log: ThreadLog, act: List[Any], frame: FrameType, value: Any) -> None:
        stack = log.stack
        stack.pop()
        log.top = stack[-1] if stack else None
        act[A_END] = log.dropped + log.closed_events + len(log.ev)  # its position
        klass = type(value)
        if not (klass in _FIXED or (klass is int and -BIG_INT < value < BIG_INT) or (
                klass is str and len(value) <= VALUE_CHARS)):
            value = self._value(log, value)
        log.ev_append((act[A_SERIAL], RETURN, value))
        log.ln_append(frame.f_lineno or 0)
        if len(log.ev) >= log.chunk_size:
            log.close_chunk()

    def exception(self, frame: FrameType, exc: BaseException) -> None:
        log = self.logs.get(threading.get_ident())
        if log is None or log.ignored or not self.on:
            return
        act = log.top
        if act is None or act[A_FID] != hash(frame):
            return
        args = _exception_args(exc)
        shown = _type_name(type(exc))
        if isinstance(args, tuple) and args:
            shown += ": " + (args[0] if type(args[0]) is str else self.text(args[0]))[:VALUE_CHARS]
        log.rendered += len(shown) + ENTRY_COST
        log.ev_append((act[A_SERIAL], EXCEPTION, shown))
        log.ln_append(frame.f_lineno or 0)
        if len(log.ev) >= log.chunk_size:
            log.close_chunk()

    def _make_trace_event(self) -> Callable[[FrameType, str, Any], Optional[CodeType]]:
        """The settrace backend's hook: one event of a traced frame (called only while recording);
        it returns the frame's code when the frame is recorded (frame.f_code is audited), else None."""
        rec = self
        decided_get = self._decided.get  # never replaced (cleared)
        logs_get = self.logs.get
        get_ident = threading.get_ident
        line = self.line

        def trace_event(frame: FrameType, event: str, arg: Any) -> Optional[CodeType]:
            try:
                log = logs_get(get_ident())
                act = log.top if log is not None else None
                if act is not None and act[0] == hash(frame):
                    code = act[3].code  # A_INFO
                else:
                    # not the recorded frame running (settrace ends each with a return event):
                    # is its code in scope? (frame.f_code is audited: pdap's settrace backend has
                    # an audit hook, a Python call for each access)
                    code = frame.f_code
                    known = decided_get(_ident(code))
                    if known is None or known[0] is not code:
                        if not rec.in_scope(code, frame):
                            return None
                    elif not known[1]:
                        return None
                if event == "line":
                    line(frame, frame.f_lineno)
                elif event == "return":
                    rec.leave(frame, arg)
                elif event == "exception":
                    rec.exception(frame, arg[1])
                return code
            except Exception as exc:
                if from_signal_handler(exc):
                    raise  # the program's: the backend's tracer raises it in the program's frame
                rec.dbg.fault("recording", exc)
                return None

        return trace_event


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
            mon.register_callback(self.tool, E.LINE, self.rec.line)
            returned = self.rec._make_return()
            mon.register_callback(self.tool, E.PY_RETURN, returned)
            mon.register_callback(self.tool, E.PY_YIELD, returned)
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
            self.in_scope_ids.add(_ident(code))
            mon.set_local_events(self.tool, code, E.LINE | E.PY_RETURN | E.PY_YIELD)

    def _start(self, code: CodeType, offset: int) -> Any:
        try:
            if self.rec.in_scope(code, sys._getframe(1)):
                self._enable(code)
        except BaseException as exc:
            self._fail("recording a function start", exc)
        return sys.monitoring.DISABLE  # type: ignore[attr-defined]

    def _raise(self, code: CodeType, offset: int, exc: BaseException) -> Any:
        if _ident(code) in self.in_scope_ids:
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
