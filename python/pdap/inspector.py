"""Reading and changing a stopped program: scopes, variables, evaluate, setVariable, setExpression,
completions.

Every request here runs on the agent's reader thread against frames of stopped threads;
references (frame ids, variablesReference) live until the program resumes. Whatever may run the
user's code (a repr, a property, an expression) runs on a guarded helper thread with a time bound
(user_code.Guard): one hand-off per request, not one per value.
"""
from __future__ import annotations

import ast
import gc
from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

from . import completions, evaluation, locals_writer, thread_values
from . import data_breakpoints as data
from .errors import BAD_ARGUMENTS, REFUSED, RequestError
from .evaluation import EvaluationError
from .safe_repr import CLIPBOARD_CHARS, MAX_VALUE_CHARS, REPL_CHARS, Renderer, describe_exception, type_name
from .user_code import RENDER_TIMEOUT, Guard, Interrupted, TimedOut
from .variables import (
    LAZY_TEXT,
    PROPERTY_HINT,
    Entry,
    Group,
    KeyName,
    Lazy,
    More,
    ReadError,
    Ref,
    Scope,
    as_operand,
    list_children,
    provider,
    scope_entries,
)

if TYPE_CHECKING:
    from .debugger import Debugger

EVALUATE_TIMEOUTS = {"repl": 30.0, "clipboard": 10.0}
EVALUATE_TIMEOUT = 3.0  # watch, hover, variables
EVALUATE_LIMITS = {"repl": REPL_CHARS, "clipboard": CLIPBOARD_CHARS}
SET_TIMEOUT = 5.0
COMPLETIONS_TIMEOUT = 1.0


class Inspector:
    def __init__(self, debugger: "Debugger") -> None:
        self.dbg = debugger
        self.frames = debugger.frames
        self.refs = debugger.refs
        self.guard = Guard(debugger.agent_threads)
        self._gc_paused = False
        self.refs.on_reset = self._resumed

    # ----- helpers -----------------------------------------------------------------------------
    def frame(self, frame_id: Any) -> FrameType:
        return self.frames.get(frame_id, "frameId")

    def _optional_frame(self, args: Dict[str, Any]) -> Optional[FrameType]:
        frame_id = args.get("frameId")
        return self.frame(frame_id) if frame_id is not None else None

    def _renderer(self, args: Dict[str, Any], limit: int = MAX_VALUE_CHARS) -> Renderer:
        fmt = args.get("format")
        return Renderer(limit, isinstance(fmt, dict) and bool(fmt.get("hex")), self.guard)

    def _thread_of(self, frame: FrameType) -> Optional[int]:
        """The stopped thread whose current (top) frame this is."""
        for ident, stop in list(self.dbg.stops.items()):
            if stop.frame is frame:
                return ident
        return None

    def _extras(self, frame: Optional[FrameType]) -> Dict[str, Any]:
        """__return__ and __exception__: names the console knows in a stopped thread's top frame."""
        extras: Dict[str, Any] = {}
        ident = self._thread_of(frame) if frame is not None else None
        if ident is not None:
            returned = thread_values.return_value(self.dbg, ident)
            if returned is not None:
                extras["__return__"] = returned[1]
            exc = thread_values.handled_exception(self.dbg, ident)
            if exc is not None:
                extras["__exception__"] = exc
        return extras

    @staticmethod
    def _int_arg(args: Dict[str, Any], name: str) -> int:
        value = args.get(name)
        if value is None:
            return 0
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RequestError("'%s' must be a non-negative integer" % name, BAD_ARGUMENTS)
        return value

    @staticmethod
    def _frame_of(item: Any) -> Optional[FrameType]:
        if isinstance(item, Group):
            item = item.parent
        return getattr(item, "frame", None)

    # ----- scopes ------------------------------------------------------------------------------
    def scopes(self, args: Dict[str, Any]) -> Dict[str, Any]:
        frame = self.frame(args.get("frameId"))
        scopes = [
            {"name": "Locals", "presentationHint": "locals", "expensive": False,
             "variablesReference": self.refs.add(Scope(frame, "locals"))},
            {"name": "Globals", "expensive": False,
             "variablesReference": self.refs.add(Scope(frame, "globals"))},
        ]
        ident = self._thread_of(frame)
        if ident is not None:
            returned = thread_values.return_value(self.dbg, ident)
            if returned is not None:
                entries: List[Entry] = [("(return) %s" % returned[0], returned[1], "__return__", None)]
                scopes.append({"name": "Return Value", "presentationHint": "returnValue", "expensive": False,
                               "namedVariables": 1,
                               "variablesReference": self.refs.add(Scope(frame, "return", entries))})
            exc = thread_values.handled_exception(self.dbg, ident)
            if exc is not None:
                entries = [("(exception) %s" % type_name(exc), exc, "__exception__", None)]
                scopes.append({"name": "Exception", "expensive": False, "namedVariables": 1,
                               "variablesReference": self.refs.add(Scope(frame, "exception", entries))})
        return {"scopes": scopes}

    # ----- variables ---------------------------------------------------------------------------
    def pause_gc(self) -> None:
        """No cyclic-garbage collection while the program is stopped: one that our allocations would
        start walks every object of the program (100 ms with a ten-million-element list in memory).
        The program is stopped, so the collection can wait until it resumes (Handles.reset).
        The agent calls this before every request: any of them may allocate (a deep stackTrace does)."""
        if not self._gc_paused and getattr(self.dbg, "suspended", False) and gc.isenabled():
            gc.disable()
            self._gc_paused = True

    def _resumed(self) -> None:
        if self._gc_paused:
            self._gc_paused = False
            gc.enable()

    def variables(self, args: Dict[str, Any]) -> Dict[str, Any]:
        item = self.refs.get(args.get("variablesReference"), "variablesReference")
        renderer = self._renderer(args)
        filter = args.get("filter") if args.get("filter") in ("indexed", "named") else None
        start = self._int_arg(args, "start")
        count = self._int_arg(args, "count")
        frame = self._frame_of(item)
        if isinstance(item, Lazy):
            try:
                var = self.guard.call(lambda: self._read_lazy(item, renderer), RENDER_TIMEOUT,
                                      "property %s" % item.name)
            except TimedOut as exc:
                var = self.variable((item.name, None, item.expr, PROPERTY_HINT), renderer.without_user_code(),
                                    item.frame, "<%s>" % exc)
            return {"variables": [var]}
        if isinstance(item, Scope):
            entries = self._scope_entries(item)
            entries = entries[start:start + count] if count else entries[start:]
        elif isinstance(item, Ref) and not provider(item.value).safe:
            what = "listing the members of a %s" % type_name(item.value)
            try:
                entries = self.guard.call(lambda: list_children(item, filter, start, count), RENDER_TIMEOUT, what)
            except TimedOut as exc:
                raise EvaluationError(str(exc)) from None
            except Exception as exc:
                raise EvaluationError("cannot list the members: %s" % describe_exception(exc)) from None
        else:
            entries = list_children(item, filter, start, count)
        return {"variables": self.describe_all(entries, renderer, frame)}

    def _scope_entries(self, scope: Scope) -> List[Entry]:
        if scope.entries is not None:
            return scope.entries
        local_ns = locals_writer.namespace(scope.frame)
        return scope_entries(scope.frame, scope.kind, local_ns, scope)

    def describe_all(self, entries: List[Entry], renderer: Renderer,
                     frame: Optional[FrameType]) -> List[Dict[str, Any]]:
        """Variables for entries, rendered on a helper thread, each within its time bound."""
        plain = renderer.without_user_code()

        def task(entry: Entry) -> Dict[str, Any]:
            return self.variable(entry, renderer, frame)

        def on_error(entry: Entry, exc: BaseException) -> Dict[str, Any]:
            if isinstance(exc, TimedOut):
                text = "<%s>" % exc
            else:
                text = "<error: %s>" % describe_exception(exc)
            return self.variable(entry, plain, frame, text)

        def over_budget(entry: Entry) -> Dict[str, Any]:
            return self.variable(entry, plain, frame)

        return self.guard.map(task, entries, on_error, over_budget, what="repr")

    def variable(self, entry: Entry, renderer: Renderer, frame: Optional[FrameType],
                 text: Optional[str] = None) -> Dict[str, Any]:
        """One DAP Variable. text: shown instead of the value's repr (an error, a time out)."""
        name, value, expr, hint = entry
        value_type = type(value)
        if value_type is Group:
            return {"name": name, "value": "%d members" % len(value.entries),
                    "variablesReference": self.refs.add(value), "namedVariables": len(value.entries),
                    "presentationHint": hint}
        if value_type is Lazy:
            var: Dict[str, Any] = {"name": name, "value": LAZY_TEXT, "type": "property",
                                   "variablesReference": self.refs.add(value),
                                   "presentationHint": {"kind": "property", "lazy": True}}
            if expr:
                var["evaluateName"] = expr
            return var
        if value_type is More:
            return {"name": name, "value": "%d more: ask with start and count" % value.left,
                    "variablesReference": 0, "presentationHint": hint}
        if value_type is ReadError:
            var = {"name": name, "value": value.text, "variablesReference": 0}
            if expr:
                var["evaluateName"] = expr
            return var
        if type(name) is KeyName:
            name = name.resolve(renderer)
        var = {"name": name, "value": renderer.render(value) if text is None else text,
               "type": type_name(value), "variablesReference": 0}
        prov = provider(value)
        if prov.library and not renderer.user_code:
            var["variablesReference"] = self.refs.add(Ref(value, expr, frame))  # counts would run its code
        else:
            try:
                if prov.expandable(value):
                    var["variablesReference"] = self.refs.add(Ref(value, expr, frame))
                    indexed, named = prov.counts(value)
                    if indexed:
                        var["indexedVariables"] = indexed
                    if named:
                        var["namedVariables"] = named
            except Interrupted:
                raise
            except Exception:
                pass
        if expr:
            var["evaluateName"] = expr
        if hint:
            var["presentationHint"] = hint
        return var

    def _read_lazy(self, lazy: Lazy, renderer: Renderer) -> Dict[str, Any]:
        owner = lazy.owner
        guard = self.guard
        kind = type(owner)
        if not guard.enter(kind, "property %s.%s" % (type_name(owner), lazy.name)):
            return self.variable((lazy.name, None, lazy.expr, PROPERTY_HINT), renderer, lazy.frame,
                                 "<property skipped: an earlier read of a %s has not returned>" % type_name(owner))
        try:
            value = getattr(owner, lazy.name)
        except Interrupted:
            raise
        except BaseException as exc:
            return self.variable((lazy.name, None, lazy.expr, PROPERTY_HINT), renderer, lazy.frame,
                                 "<property raised %s>" % describe_exception(exc))
        finally:
            guard.leave()
        return self.variable((lazy.name, value, lazy.expr, PROPERTY_HINT), renderer, lazy.frame)

    # ----- evaluate ----------------------------------------------------------------------------
    def evaluate(self, args: Dict[str, Any]) -> Dict[str, Any]:
        expression = args.get("expression")
        if not isinstance(expression, str):
            raise RequestError("'expression' must be a string", BAD_ARGUMENTS)
        frame = self._optional_frame(args)
        context = args.get("context") or "repl"
        renderer = self._renderer(args, EVALUATE_LIMITS.get(context, MAX_VALUE_CHARS))
        extras = self._extras(frame)

        def task() -> Dict[str, Any]:
            value, output = evaluation.evaluate(expression, frame, allow_statements=context == "repl",
                                                extras=extras)
            if value is evaluation.NO_VALUE:
                return {"result": output.rstrip("\n"), "variablesReference": 0}
            var = self.variable(("", value, as_operand(expression), None), renderer, frame)
            result = var["value"]
            if output:
                result = output.rstrip("\n") if value is None else output + result
            body = {"result": result, "type": var.get("type"),
                    "variablesReference": var["variablesReference"]}
            for key in ("indexedVariables", "namedVariables", "presentationHint"):
                if key in var:
                    body[key] = var[key]
            return body

        return self._run(task, EVALUATE_TIMEOUTS.get(context, EVALUATE_TIMEOUT), "evaluation")

    def _run(self, task: Callable[[], Dict[str, Any]], timeout: float, what: str) -> Dict[str, Any]:
        try:
            return self.guard.call(task, timeout, what)
        except TimedOut as exc:
            raise EvaluationError(str(exc)) from None
        except Interrupted:
            raise EvaluationError("%s was interrupted" % what) from None

    # ----- data breakpoints ----------------------------------------------------------------------
    def data_breakpoint_info(self, args: Dict[str, Any]) -> Dict[str, Any]:
        """What a variable (variablesReference + name) or an expression (name + frameId) names, as a
        data breakpoint: its dataId, or (dataId null) why it cannot be watched."""
        name = args.get("name")
        if not isinstance(name, str) or not name.strip():
            raise RequestError("dataBreakpointInfo needs 'name' (a string)", BAD_ARGUMENTS)
        mode = args.get("mode")
        mutation = mode == "mutation"
        try:
            if args.get("variablesReference"):
                container = self.refs.get(args.get("variablesReference"), "variablesReference")
                target = self._variable_target(container, name)
            else:
                frame = self._optional_frame(args)
                if frame is None:
                    raise data.UnsupportedTarget("%s: an expression is watched in a stack frame (frameId)" % name)
                target = self._run(lambda: {"target": self._expression_target(name, frame)}, EVALUATE_TIMEOUT,
                                   "finding %s" % name)["target"]
        except (data.UnsupportedTarget, EvaluationError, LookupError) as exc:
            return {"dataId": None, "description": str(exc)}
        what = {"local": "local variable", "global": "global", "attr": "attribute", "class_attr": "class attribute",
                "item": "item"}[target.kind]
        description = "%s (%s%s)" % (target.label, what, ", or changed in place" if mutation else "")
        if target.kind == "local" and target.frame is not None:
            description = "%s (local variable of %s%s)" % (target.label, target.frame.f_code.co_name,
                                                            ", or changed in place" if mutation else "")
        return {"dataId": self.dbg.data.offer(target, mutation), "description": description,
                "accessTypes": ["write"], "canPersist": target.kind == "global"}

    def _variable_target(self, item: Any, name: str) -> "data.Target":
        if isinstance(item, Group):
            item = item.parent
        if isinstance(item, Scope):
            if item.kind not in ("locals", "globals"):
                raise data.UnsupportedTarget("%s: values of the %s scope are not variables" % (name, item.kind))
            return data.name_target(item.frame, name, item.kind)
        if isinstance(item, Ref):
            value = item.value
            label = item.expr
            if isinstance(value, dict):
                key = item.keys[name] if name in item.keys else self._literal(name)
                return data.item_target(value, key, "%s[%r]" % (label, key) if label else name)
            if isinstance(value, list):
                if not name.isdigit():
                    raise data.UnsupportedTarget("%s: a list item is watched by its index" % name)
                return data.item_target(value, int(name), "%s[%s]" % (label, name) if label else name)
            return data.attribute_target(value, name, "%s.%s" % (label, name) if label else name)
        raise data.UnsupportedTarget("%s cannot be watched" % name)

    @staticmethod
    def _literal(name: str) -> Any:
        try:
            return ast.literal_eval(name)
        except (ValueError, SyntaxError):
            raise data.UnsupportedTarget("%s: not a key pdap can name again" % name) from None

    def _expression_target(self, expression: str, frame: FrameType) -> "data.Target":
        node = data.parse_watch(expression)
        text = expression.strip()
        extras = self._extras(frame)
        if isinstance(node, ast.Name):
            return data.name_target(frame, node.id)
        owner = evaluation.evaluate_value(data.source_of(node.value, text), frame, extras)  # type: ignore[attr-defined]
        if isinstance(node, ast.Attribute):
            return data.attribute_target(owner, node.attr, text)
        key = evaluation.evaluate_value(data.source_of(node.slice, text), frame, extras)  # type: ignore[attr-defined]
        return data.item_target(owner, key, text)

    # ----- setVariable / setExpression -----------------------------------------------------------
    def set_variable(self, args: Dict[str, Any]) -> Dict[str, Any]:
        item = self.refs.get(args.get("variablesReference"), "variablesReference")
        name = args.get("name")
        source = args.get("value")
        if not isinstance(name, str) or not isinstance(source, str):
            raise RequestError("setVariable needs 'name' and 'value' (strings)", BAD_ARGUMENTS)
        renderer = self._renderer(args)
        frame = self._frame_of(item)
        extras = self._extras(frame)

        def task() -> Dict[str, Any]:
            value = evaluation.evaluate_value(source, frame, extras)
            expr = self._assign(item, name, value)
            return self._set_response(self.variable((name, value, expr, None), renderer, frame))

        return self._run(task, SET_TIMEOUT, "setting %s" % name)

    def _assign(self, item: Any, name: str, value: Any) -> Optional[str]:
        if isinstance(item, Group):
            item = item.parent
        if isinstance(item, Scope):
            frame = item.frame
            if item.kind == "locals":
                locals_writer.set_name(frame, name, value)
                return name
            if item.kind == "globals":
                frame.f_globals[name] = value
                return name if frame.f_locals is frame.f_globals else "globals()[%r]" % name
            scope = "Return Value" if item.kind == "return" else "Exception"
            raise RequestError("the %s scope cannot be changed" % scope, REFUSED)
        if isinstance(item, Ref):
            try:
                return provider(item.value).set_child(item, name, value)
            except (RequestError, Interrupted):  # EvaluationError is one
                raise
            except Exception as exc:
                raise EvaluationError("cannot set %s: %s" % (name, describe_exception(exc))) from None
        raise RequestError("%s cannot be changed here" % name, REFUSED)

    @staticmethod
    def _set_response(var: Dict[str, Any]) -> Dict[str, Any]:
        body = {"value": var["value"], "variablesReference": var["variablesReference"]}
        for key in ("type", "indexedVariables", "namedVariables", "presentationHint"):
            if key in var:
                body[key] = var[key]
        return body

    def set_expression(self, args: Dict[str, Any]) -> Dict[str, Any]:
        expression = args.get("expression")
        source = args.get("value")
        if not isinstance(expression, str) or not isinstance(source, str):
            raise RequestError("setExpression needs 'expression' and 'value' (strings)", BAD_ARGUMENTS)
        frame = self._optional_frame(args)
        renderer = self._renderer(args)
        extras = self._extras(frame)

        def task() -> Dict[str, Any]:
            value = evaluation.assign(expression, source, frame, extras)
            return self._set_response(self.variable(("", value, as_operand(expression), None), renderer, frame))

        return self._run(task, SET_TIMEOUT, "setting %s" % expression)

    # ----- completions -------------------------------------------------------------------------
    def completions(self, args: Dict[str, Any]) -> Dict[str, Any]:
        text = args.get("text")
        column = args.get("column")
        if not isinstance(text, str) or not isinstance(column, int):
            raise RequestError("completions needs 'text' (a string) and 'column' (an integer)", BAD_ARGUMENTS)
        line = args.get("line")
        if isinstance(line, int) and line > 1:
            lines = text.split("\n")
            text = lines[line - 1] if line <= len(lines) else ""
        frame = self._optional_frame(args)
        try:
            targets = self.guard.call(lambda: completions.complete(text, column, frame), COMPLETIONS_TIMEOUT,
                                      "completing")
        except (TimedOut, Exception):
            targets = []
        return {"targets": targets}
