"""Step back: walking a stopped thread's recording, and answering requests about the past.

A stopped thread is at the present (its live frames) or at a recorded line event (its cursor).
stepBack / reverseContinue move the cursor back; next / stepIn / stepOut / continue move it forward
through the recording and, once past its end, the thread is at the present again (continue then
goes on live). In the past, stackTrace, scopes, variables and evaluate answer from the recording:
frames and references there are numbered from PAST_IDS up, so the live handlers never see them.
setVariable and evaluations with side effects are refused. `history` lists when a name changed.
"""
from __future__ import annotations

import itertools
import os
import sys
import threading
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import isolation
from .errors import EVALUATION_FAILED, REFUSED, UNKNOWN_REQUEST, WRONG_STATE, RequestError, UnknownReference
from .recorder import EXCEPTION, LINE, RETURN, Event, Recorder, ThreadLog, frame_key, make_event
from .sources import canonical

Handler = Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]

PAST_IDS = 1 << 40  # frame ids and variable references of the past: far above the live ones
MAX_HISTORY = 1000
REFUSED_IN_PAST = ("pdap: the thread is shown in the past (recorded state): %s is not possible there. "
           "Step forward to the present (next / continue) to change the program.")

_names = {"len": len, "abs": abs, "min": min, "max": max, "sum": sum, "sorted": sorted, "round": round,
          "str": str, "int": int, "float": float, "bool": bool, "repr": repr, "any": any, "all": all,
          "tuple": tuple, "list": list, "set": set, "dict": dict}
_safe_nodes: Tuple[type, ...] = ()


def safe_nodes() -> Tuple[type, ...]:
    """The syntax an expression over recorded values may use (ast imported when first needed)."""
    global _safe_nodes
    if not _safe_nodes:
        ast = isolation.stdlib("ast")
        nodes = (ast.Expression, ast.Name, ast.Load, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp,
                 ast.Compare, ast.Subscript, ast.Slice, ast.Tuple, ast.List, ast.Dict, ast.Set, ast.IfExp,
                 ast.operator, ast.unaryop, ast.boolop, ast.cmpop, ast.Call, ast.keyword)
        if hasattr(ast, "Index"):
            nodes += (ast.Index,)  # 3.8 style subscripts (3.9 still parses them so in places)
        _safe_nodes = nodes
    return _safe_nodes




class NotRecorded(RequestError):
    """An expression over recorded values names what was not recorded as a value."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EVALUATION_FAILED)


class Refused(RequestError):
    """What the past cannot do: the agent answers it as a failed request with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message, REFUSED)


class NothingRecorded(RequestError, LookupError):
    """No recording to go back through on this thread: a state the request cannot be done in."""

    def __init__(self, message: str) -> None:
        super().__init__(message, WRONG_STATE)


def safe_eval(expression: str, values: Dict[str, Tuple[str, str, int]]) -> Any:
    """Evaluates an expression over recorded values: names, literals, operators, subscripts and a few
    pure builtins; anything else (attributes, other calls, assignment) is refused."""
    ast = isolation.stdlib("ast")
    allowed = safe_nodes()
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise RequestError("invalid expression: %s" % exc.msg, EVALUATION_FAILED) from None
    names: Dict[str, Any] = {}
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise Refused("%s is not evaluated in the past: only names, literals, operators, "
                                  "subscripts and pure builtins (len, min, max…) are, over recorded values"
                                  % type(node).__name__)
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in _names
                                               and node.func.id not in values):
            raise Refused("calls are not evaluated in the past (they could have side effects), "
                                  "except len, min, max and other pure builtins")
        if isinstance(node, ast.Name) and node.id not in names:
            recorded = values.get(node.id)
            if recorded is None:
                if node.id in _names or node.id in ("True", "False", "None"):
                    continue
                raise NotRecorded("name '%s' was not recorded here" % node.id)
            try:
                names[node.id] = ast.literal_eval(recorded[0])
            except Exception:
                raise NotRecorded("'%s' is recorded only as text (%s), not as a value an expression can use"
                                  % (node.id, recorded[0])) from None
    code = compile(tree, "<recorded>", "eval")
    return eval(code, {"__builtins__": dict(_names)}, names)


class Cursor:
    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index  # into the thread's log.events


class Timeline:
    def __init__(self, debugger: Any, recorder: Recorder, send: Callable[[str, Dict[str, Any]], None],
                 after_response: Callable[[Callable[[], None]], None]) -> None:
        self.dbg = debugger
        self.rec = recorder
        self.send = send
        self.after_response = after_response
        self.cursors: Dict[int, Cursor] = {}  # thread ident -> where it is shown in the past
        self._ids = itertools.count(PAST_IDS)
        self._frames: Dict[int, Tuple[int, int]] = {}  # frame id -> (ident, event index)
        self._scopes: Dict[int, Tuple[int, int]] = {}  # variables reference -> (ident, event index)
        self._generation = -1
        send_event = debugger.send

        def send_and_forget_ended_threads(event: str, body: Dict[str, Any]) -> None:
            if event == "thread" and body.get("reason") == "exited":
                recorder.logs.pop(threading.get_ident(), None)  # sent by the thread as it ends
            send_event(event, body)

        debugger.send = send_and_forget_ended_threads
        # a stop may have changed the stopped frames' locals (setVariable, evaluate): each recorded
        # frame reads all of them again at its next event
        debugger.resume_hooks.append(recorder.resumed)

    # ----- the handlers ------------------------------------------------------------------------
    def handlers(self, live: Dict[str, Handler]) -> Dict[str, Handler]:
        def wrap(command: str, past: Callable[[Dict[str, Any], Handler], Optional[Dict[str, Any]]]) -> Handler:
            original = live.get(command)

            def handler(args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
                self._forget_if_resumed()
                return past(args, original or _unsupported(command))
            return handler

        return {
            "configure": wrap("configure", self._configure),
            "stackTrace": wrap("stackTrace", self._stack_trace),
            "scopes": wrap("scopes", self._scopes_request),
            "variables": wrap("variables", self._variables),
            "evaluate": wrap("evaluate", self._evaluate),
            "setVariable": wrap("setVariable", self._refuse_in_past("setVariable")),
            "setExpression": wrap("setExpression", self._refuse_in_past("setExpression")),
            "completions": wrap("completions", self._completions),
            "continue": wrap("continue", self._forward(None)),
            "next": wrap("next", self._forward("over")),
            "stepIn": wrap("stepIn", self._forward("in")),
            "stepOut": wrap("stepOut", self._forward("out")),
            "goto": wrap("goto", self._refuse_in_past("goto")),
            "stepBack": lambda args: self._back(args, "over" if args.get("over") else "in"),
            "reverseContinue": lambda args: self._back(args, "breakpoint"),
            "history": self._history_request,
            "record": self._record_request,
        }

    def client_gone(self) -> None:
        """The client left: recording costs the program time, and nobody will look at it."""
        if self.rec.on:
            self.rec.stop()
        self.rec.logs.clear()
        self.cursors.clear()
        self._frames.clear()
        self._scopes.clear()

    def _forget_if_resumed(self) -> None:
        generation = self.dbg.run_generation
        if generation != self._generation:
            self._generation = generation
            self.cursors.clear()
            self._frames.clear()
            self._scopes.clear()

    # ----- configure and record ------------------------------------------------------------------
    def _configure(self, args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
        body = live(args)
        record = args.get("record")
        if record is not None and record is not False:
            if not (record is True or (isinstance(record, list) and all(isinstance(r, str) for r in record))):
                raise RequestError("'record' must be true or a list of files, modules or module:function names")
            self.rec.start(record, self._limit(args))
        return body

    @staticmethod
    def _limit(args: Dict[str, Any]) -> Optional[int]:
        limit = args.get("recordMemory")
        if limit is None:
            return None
        if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
            raise RequestError("'recordMemory' must be a positive number of bytes")
        return limit

    def _record_request(self, args: Dict[str, Any]) -> Dict[str, Any]:
        on = args.get("on")
        if on is False:
            self.rec.stop()
        elif on is not None:
            scope = args.get("scope", True)
            if not (scope is True or (isinstance(scope, list) and all(isinstance(s, str) for s in scope))):
                raise RequestError("'scope' must be true or a list of files, modules or module:function names")
            self.rec.start(scope, self._limit(args))
        return {"recording": self.rec.on, "threads": self._summary()}

    def _summary(self) -> List[Dict[str, Any]]:
        out = []
        for ident, log in list(self.rec.logs.items()):
            if log.ignored or not log.count():
                continue
            out.append({"threadId": self.dbg.thread_id(ident), "events": log.count(),
                        "dropped": log.dropped, "bytes": log.size})
        return out

    # ----- positions -----------------------------------------------------------------------------
    def _log(self, ident: int) -> ThreadLog:
        log = self.rec.logs.get(ident)
        if log is None or log.ignored or not log.count():
            raise NothingRecorded("nothing was recorded on this thread%s" % (
                "" if self.rec.on else " (recording is off: launch with \"record\": true, or `record on`)"))
        return log

    def _present_index(self, ident: int, log: ThreadLog) -> int:
        """The index of the event that is the present (the live stop's line), else len(events)."""
        events = log.events
        stop = self.dbg.stops.get(ident)
        last = events[-1]
        if stop is None or last.kind != LINE or not log.stack:
            return len(events)
        frame = stop.frame
        if (log.stack[-1][0] == frame_key(frame) and last.serial == log.stack[-1][1]
                and last.line == (frame.f_lineno or 0)):
            return len(events) - 1
        return len(events)

    def _live_position(self, ident: int, log: ThreadLog) -> Optional[Event]:
        """The present as an event when it is not recorded (a stop at a call site after a step out):
        the recorded activation of the live top frame, for a reverse next to stay in it."""
        stop = self.dbg.stops.get(ident)
        if stop is None or not log.stack or log.stack[-1][0] != frame_key(stop.frame):
            return None
        return make_event(LINE, log.stack[-1][1], len(log.stack) - 1, "", "", 0, {}, ())

    def _stopped(self, args: Dict[str, Any]) -> int:
        ident = self.dbg.ident_of(args.get("threadId"))
        if ident not in self.dbg.stops:
            raise RequestError("thread %r is not stopped" % (args.get("threadId"),), WRONG_STATE)
        return ident

    def _back(self, args: Dict[str, Any], how: str) -> Dict[str, Any]:
        self._forget_if_resumed()
        ident = self._stopped(args)
        log = self._log(ident)
        events = log.events
        cursor = self.cursors.get(ident)
        here = cursor.index if cursor is not None else self._present_index(ident, log)
        current = events[here] if here < len(events) else self._live_position(ident, log)
        target = None
        hit: List[int] = []
        notes: List[str] = []
        reason = "step"
        for i in range(here - 1, -1, -1):
            event = events[i]
            if how == "breakpoint":
                found = self._hit(events, i, notes, ident)
                if found is not None and found[0] < here:
                    target, reason, hit = found
                    break
                continue
            if event.kind != LINE:
                continue
            if how == "in":
                target = i
                break
            if current is None or event.serial == current.serial or event.depth < current.depth:
                target = i  # over
                break
        if target is None:
            target = next((i for i in range(len(events)) if events[i].kind == LINE), None)
            if target is None:
                raise NothingRecorded("no line was recorded on this thread")
            notes.append("at the start of the recording%s" % (
                " (%d earlier events were dropped: recordMemory)" % log.dropped if log.dropped else ""))
        self._move(ident, target, reason, hit, notes)
        return {}

    def _forward(self, kind: Optional[str]) -> Callable[[Dict[str, Any], Handler], Optional[Dict[str, Any]]]:
        def handler(args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
            if kind is None and args.get("threadId") is None:
                cursor_idents = list(self.cursors)
                ident = cursor_idents[0] if len(cursor_idents) == 1 else None
            else:
                try:
                    ident = self.dbg.ident_of(args.get("threadId"))
                except LookupError:
                    ident = None
            cursor = self.cursors.get(ident) if ident is not None else None
            if cursor is None:
                return live(args)
            log = self._log(ident)  # type: ignore[arg-type]
            events = log.events
            present = self._present_index(ident, log)  # type: ignore[arg-type]
            current = events[cursor.index]
            notes: List[str] = []
            hit: List[int] = []
            target = None
            reason = "step"
            for i in range(cursor.index + 1, present):
                event = events[i]
                if kind is None:
                    found = self._hit(events, i, notes, ident)
                    if found is not None and found[0] > cursor.index:
                        target, reason, hit = found
                        break
                    continue
                if event.kind != LINE:
                    continue
                if kind == "in":
                    target = i
                elif kind == "over":
                    if event.serial == current.serial or event.depth < current.depth:
                        target = i
                elif kind == "out":
                    if event.depth < current.depth:
                        target = i
                if target is not None:
                    break
            if target is None:
                # the end of the recording is the present, where the thread really is: stop there
                # (as gdb does at the end of its history); the next resume runs live
                del self.cursors[ident]  # type: ignore[arg-type]
                self._announce(ident, "step", [], ["back at the present: the program runs live from here"])  # type: ignore[arg-type]
                return {"allThreadsContinued": False} if kind is None else {}
            self._move(ident, target, reason, hit, notes)  # type: ignore[arg-type]
            return {"allThreadsContinued": False} if kind is None else {}
        return handler

    def _move(self, ident: int, index: int, reason: str, hit: List[int], notes: List[str]) -> None:
        self.cursors[ident] = Cursor(index)
        self._frames.clear()
        self._scopes.clear()
        log = self.rec.logs[ident]
        notes.insert(0, "recorded state, step %d of %d" % (log.dropped + index + 1, log.dropped + len(log.events)))
        self._announce(ident, reason, hit, notes)

    def _announce(self, ident: int, reason: str, hit: List[int], notes: List[str]) -> None:
        body: Dict[str, Any] = {"reason": reason, "threadId": self.dbg.thread_id(ident), "allThreadsStopped": True,
                                "preserveFocusHint": False}
        if hit:
            body["hitBreakpointIds"] = hit
        if notes:
            body["description"] = body["text"] = "; ".join(notes)
        self.after_response(lambda: self.send("stopped", body))

    def _hit(self, events: Any, i: int, notes: List[str],
             ident: Optional[int] = None) -> Optional[Tuple[int, str, List[int]]]:
        """Whether event i is where a breakpoint would have stopped: a line breakpoint (its
        condition on the recorded values), a function breakpoint (the function's first line), a
        data breakpoint (the line after the one that changed a watched local or module global), an
        exception raised (the `raised` filter: the line that raised it). (where, reason, ids)."""
        event = events[i]
        if event.kind == LINE:
            ids = self._breakpoint_hit(event, notes)
            if ids:
                return i, "breakpoint", ids
            if event.changes and self.dbg.data.items:
                ids = self._data_hit(events, i, ident, notes)
                if ids:
                    return i, "data breakpoint", ids
            if event.value == "call" and self.dbg.function_breakpoints.items:
                ids = self._function_hit(event, notes)
                if ids:
                    return i, "function breakpoint", ids
        elif event.kind == EXCEPTION and self.dbg.exceptions.raised:
            for j in range(i - 1, -1, -1):
                if events[j].serial == event.serial and events[j].kind == LINE:
                    notes.append("%s raised here" % event.value)
                    return j, "exception", []
        return None

    def _data_hit(self, events: Any, i: int, ident: Optional[int], notes: List[str]) -> List[int]:
        """The data breakpoints whose watched name changed by the line before event i, as recorded:
        a local of the watched frame's activation, a global by its module's own lines. Attributes
        and items are not recorded as values: they are not replayed."""
        event = events[i]
        changed = {change[0]: change for change in event.changes}
        ids = []
        for bp in self.dbg.data.items:
            target = bp.target
            if not bp.verified or target is None or target.name not in changed:
                continue
            if target.kind == "local":
                if self._serial_of(target.frame, ident) != event.serial:
                    continue
            elif target.kind == "global":
                module = sys.modules.get(target.module or "")
                if event.name != "<module>" or getattr(module, "__file__", None) is None \
                        or canonical(module.__file__) != canonical(event.filename):  # type: ignore[union-attr]
                    continue
            else:
                continue
            if not bp.mutation and not self._rebound(events, i, target.name, changed[target.name]):
                continue  # changed in place: only the mutation mode stops for that
            if self._condition_held(bp, event, notes):
                old = self._previous_text(events, i, target.name)
                new = changed[target.name][1]
                notes.append("%s: %s -> %s" % (target.label, old, new if new is not None else "<deleted>"))
                ids.append(bp.id)
        return ids

    def _serial_of(self, frame: Any, ident: Optional[int]) -> Optional[int]:
        """The recorded activation of a running frame on the thread (None: not recorded there)."""
        log = self.rec.logs.get(ident) if ident is not None else None
        if frame is None or log is None:
            return None
        key = frame_key(frame)
        for entry in log.stack:
            if entry[0] == key:
                return entry[1]
        return None

    @staticmethod
    def _earlier(events: Any, i: int) -> Optional[Event]:
        """The activation's event before event i (None: i is its first)."""
        serial = events[i].serial
        for j in range(i - 1, -1, -1):
            if events[j].serial == serial:
                return events[j]
        return None

    def _rebound(self, events: Any, i: int, name: str, change: Any) -> bool:
        """Whether the name was bound, deleted or bound to another object (not changed in place)."""
        before = self._earlier(events, i)
        old = before.locals.get(name) if before is not None else None
        return old is None or change[1] is None or old[2] != change[3]

    def _previous_text(self, events: Any, i: int, name: str) -> str:
        before = self._earlier(events, i)
        old = before.locals.get(name) if before is not None else None
        return old[0] if old is not None else "<unbound>"

    @staticmethod
    def _condition_held(bp: Any, event: Event, notes: List[str]) -> bool:
        """A breakpoint's condition on the recorded values; one that cannot be evaluated there stops,
        and says why."""
        if not bp.condition:
            return True
        try:
            return bool(safe_eval(bp.condition, event.locals))
        except Exception as exc:
            notes.append("condition %r not evaluated on recorded values (%s): stopped" % (bp.condition, exc))
            return True

    def _function_hit(self, event: Event, notes: List[str]) -> List[int]:
        ids = []
        for bp in self.dbg.function_breakpoints.items:
            name = bp.name
            if not bp.verified or not (name == event.name or name.endswith("." + event.name)):
                continue
            if self._condition_held(bp, event, notes):
                ids.append(bp.id)
        return ids

    def _breakpoint_hit(self, event: Event, notes: List[str]) -> List[int]:
        table = self.dbg.breakpoints.for_filename(event.filename)
        hits = table.get(event.line) if table is not None else None
        if not hits:
            return []
        ids = []
        for bp in hits:
            if bp.log_message is not None:
                continue
            if self._condition_held(bp, event, notes):
                ids.append(bp.id)
        return ids

    # ----- reading the past ----------------------------------------------------------------------
    def _stack_trace(self, args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
        try:
            ident = self.dbg.ident_of(args.get("threadId"))
        except LookupError:
            return live(args)
        cursor = self.cursors.get(ident)
        if cursor is None:
            return live(args)
        log = self.rec.logs[ident]
        events = log.events
        chain = self._chain(events, cursor.index)
        frames = []
        for index in chain:
            event = events[index]
            fid = next(self._ids)
            self._frames[fid] = (ident, index)
            frames.append({"id": fid, "name": event.name, "line": event.line, "column": 1,
                           "source": self.dbg.source_of(event.filename)})
        position = log.dropped + cursor.index + 1
        frames.append({"id": next(self._ids), "name": "recorded state: step %d of %d (the program is stopped later)"
                       % (position, log.dropped + len(events)), "line": 0, "column": 0, "presentationHint": "label"})
        start = int(args.get("startFrame") or 0)
        levels = int(args.get("levels") or 0)
        chosen = frames[start:start + levels] if levels > 0 else frames[start:]
        return {"stackFrames": chosen, "totalFrames": len(frames)}

    @staticmethod
    def _chain(events: Any, index: int) -> List[int]:
        """The recorded frames at an event, innermost first: each caller is the latest line event
        of the frame one level down, before the callee started."""
        chain = [index]
        depth = events[index].depth
        serial = events[index].serial
        i = index - 1
        while depth > 0 and i >= 0:
            event = events[i]
            if event.serial != serial and event.depth < depth and event.kind == LINE:
                chain.append(i)
                depth = event.depth
                serial = event.serial
            i -= 1
        return chain

    def _scopes_request(self, args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
        where = self._frames.get(args.get("frameId"))  # type: ignore[arg-type]
        if where is None:
            return live(args)
        ident, index = where
        log = self.rec.logs[ident]
        ref = next(self._ids)
        self._scopes[ref] = where
        event = log.events[index]
        scopes = [{"name": "Locals (recorded at step %d, line %d)" % (log.dropped + index + 1, event.line),
                   "presentationHint": "locals", "expensive": False, "variablesReference": ref,
                   "namedVariables": len(event.locals)}]
        events = log.events
        if index > 0 and events[index - 1].kind == RETURN and events[index - 1].depth > event.depth:
            ref2 = next(self._ids)
            self._scopes[ref2] = (ident, -(index - 1) - 1)  # a return value's scope
            scopes.append({"name": "Return Value (recorded)", "presentationHint": "returnValue",
                           "expensive": False, "variablesReference": ref2, "namedVariables": 1})
        following = events[index + 1] if index + 1 < len(events) else None
        if following is not None and following.kind == EXCEPTION and following.serial == event.serial:
            ref3 = next(self._ids)
            self._scopes[ref3] = (ident, -(index + 1) - 1)  # what this line raised
            scopes.append({"name": "Exception (recorded: raised by this line)", "expensive": False,
                           "variablesReference": ref3, "namedVariables": 1})
        return {"scopes": scopes}

    def _variables(self, args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
        ref = args.get("variablesReference")
        where = self._scopes.get(ref) if isinstance(ref, int) else None  # type: ignore[arg-type]
        if where is None:
            if isinstance(ref, int) and ref >= PAST_IDS:
                raise UnknownReference("variablesReference %d is no longer valid (the recorded view moved)" % ref)
            return live(args)
        ident, index = where
        events = self.rec.logs[ident].events
        hint = {"kind": "data", "attributes": ["readOnly"]}
        if index < 0:
            special = events[-index - 1]
            label = "(return) %s" % special.name if special.kind == RETURN else "(exception)"
            return {"variables": [{"name": label, "value": special.value or "",
                                   "variablesReference": 0, "presentationHint": hint}]}
        out = []
        for name, (text, kind, _vid) in events[index].locals.items():
            out.append({"name": name, "value": text, "type": kind, "variablesReference": 0,
                        "evaluateName": name, "presentationHint": hint})
        return {"variables": out}

    def _refuse_in_past(self, what: str) -> Callable[[Dict[str, Any], Handler], Optional[Dict[str, Any]]]:
        def handler(args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
            ref = args.get("variablesReference")
            in_past = (args.get("frameId") in self._frames or (isinstance(ref, int) and ref >= PAST_IDS)
                       or (what == "goto" and self._thread_in_past(args.get("threadId"))))
            if in_past:
                raise Refused(REFUSED_IN_PAST % what)
            return live(args)
        return handler

    def _thread_in_past(self, tid: Any) -> bool:
        try:
            return self.dbg.ident_of(tid) in self.cursors
        except LookupError:
            return False

    def _completions(self, args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
        where = self._frames.get(args.get("frameId"))  # type: ignore[arg-type]
        if where is None:
            return live(args)
        event = self.rec.logs[where[0]].events[where[1]]
        text = str(args.get("text", ""))
        column = args.get("column", len(text) + 1)
        if not isinstance(column, int) or isinstance(column, bool):
            raise RequestError("completions needs 'column' (a number)")
        word = text[: column - 1].split()[-1:] or [""]
        return {"targets": [{"label": n, "type": "variable"} for n in event.locals if n.startswith(word[0])]}

    def _evaluate(self, args: Dict[str, Any], live: Handler) -> Optional[Dict[str, Any]]:
        expression = args.get("expression")
        if isinstance(expression, str) and expression.lstrip().startswith(":"):
            return self._command(expression.strip()[1:], args)
        where = self._frames.get(args.get("frameId"))  # type: ignore[arg-type]
        if where is None:
            return live(args)
        if not isinstance(expression, str):
            raise RequestError("evaluate needs an expression (a string)")
        event = self.rec.logs[where[0]].events[where[1]]
        name = expression.strip()
        if name in event.locals:
            text, kind, _ = event.locals[name]
            return {"result": text, "type": kind, "variablesReference": 0,
                    "presentationHint": {"attributes": ["readOnly"]}}
        try:
            value = safe_eval(expression, event.locals)
        except Refused as exc:
            raise Refused("pdap: in the past (recorded state) %s" % exc) from None
        except NotRecorded as exc:
            raise NotRecorded("pdap: in the past (recorded state): %s" % exc) from None
        except RequestError:
            raise
        except Exception as exc:  # the expression itself failed on the recorded values (1 / 0)
            raise RequestError("%s: %s" % (type(exc).__name__, exc), EVALUATION_FAILED) from None
        return {"result": self.rec.text(value), "type": type(value).__name__, "variablesReference": 0,
                "presentationHint": {"attributes": ["readOnly"]}}

    # ----- history ---------------------------------------------------------------------------------
    def _command(self, text: str, args: Dict[str, Any]) -> Dict[str, Any]:
        """The debug console's commands: `:history NAME`, `:record on|off`, `:back`."""
        word, _, rest = text.strip().partition(" ")
        rest = rest.strip()
        if word == "history":
            if not rest:
                raise RequestError("usage: :history NAME")
            found = self.history(rest, args.get("frameId"), None)
            return {"result": format_history(rest, found), "variablesReference": 0}
        if word == "record":
            body = self._record_request({"on": rest != "off"})
            return {"result": "recording %s" % ("on" if body["recording"] else "off"), "variablesReference": 0}
        raise RequestError("unknown console command ':%s' (pdap has :history NAME, :record on|off)" % word)

    def _history_request(self, args: Dict[str, Any]) -> Dict[str, Any]:
        self._forget_if_resumed()
        name = args.get("name") or args.get("expression")
        if not isinstance(name, str) or not name.strip():
            raise RequestError("history needs 'name' (a variable name)")
        return {"name": name.strip(), "changes": self.history(name.strip(), args.get("frameId"), args.get("threadId"))}

    def history(self, name: str, frame_id: Any, tid: Any) -> List[Dict[str, Any]]:
        """When `name` changed: in the function of the given frame (recorded or live), else on the
        thread's whole recording; up to the thread's position (the present, or its cursor)."""
        ident: Optional[int] = None
        function: Optional[Tuple[str, str]] = None
        if frame_id is not None and frame_id in self._frames:
            ident, index = self._frames[frame_id]
            event = self.rec.logs[ident].events[index]
            function = (event.filename, event.name)
        elif frame_id is not None:
            frame = self.dbg.frames.get(frame_id, "frameId")
            function = (frame.f_code.co_filename, frame.f_code.co_name)
            for known, stop in self.dbg.stops.items():
                f = stop.frame
                while f is not None:
                    if f is frame:
                        ident = known
                        break
                    f = f.f_back
                if ident is not None:
                    break
        if ident is None:
            if tid is not None:
                ident = self.dbg.ident_of(tid)
            elif self.dbg.stops:
                ident = next(iter(self.dbg.stops))
        if ident is None:
            raise RequestError("no stopped thread to read a history from", WRONG_STATE)
        log = self._log(ident)
        cursor = self.cursors.get(ident)
        end = cursor.index + 1 if cursor is not None else len(log.events)
        found: List[Dict[str, Any]] = []
        previous: Dict[int, Optional[str]] = {}  # serial -> last text seen
        events = log.events
        for i in range(end):
            event = events[i]
            if event.kind != LINE or (function is not None and (event.filename, event.name) != function):
                continue
            for changed, text, kind, _ in event.changes:
                if changed != name:
                    continue
                if previous.get(event.serial, "") == text:
                    continue
                previous[event.serial] = text
                # a line event shows the state before its line runs: the change was made by the
                # line before it in the same frame
                made_at = self._previous_line(events, i, event.serial)
                found.append({"step": log.dropped + i + 1, "line": made_at if made_at is not None else event.line,
                              "seenAtLine": event.line, "function": event.name,
                              "file": os.path.basename(canonical(event.filename)),
                              "value": text if text is not None else "<deleted>", "type": kind or ""})
        if not found and function is not None:
            return self.history(name, None, self.dbg.thread_id(ident))  # not this function's: the thread's
        return found[-MAX_HISTORY:]

    @staticmethod
    def _previous_line(events: Any, index: int, serial: int) -> Optional[int]:
        for j in range(index - 1, -1, -1):
            event = events[j]
            if event.serial == serial and event.kind == LINE:
                return event.line
        return None


def format_history(name: str, found: List[Dict[str, Any]]) -> str:
    if not found:
        return "%s: no recorded change" % name
    lines = ["%s changed %d time%s:" % (name, len(found), "" if len(found) == 1 else "s")]
    for item in found:
        lines.append("  step %d  line %d in %s: %s = %s" % (item["step"], item["line"], item["function"],
                                                             name, item["value"]))
    return "\n".join(lines)


def _unsupported(command: str) -> Handler:
    def handler(args: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        raise RequestError("pdap agent does not support request %r" % command, UNKNOWN_REQUEST)
    return handler

