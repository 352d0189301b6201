"""Reading and changing a stopped program: scopes, variables, evaluation.

Every request here runs on the agent's reader thread against frames of stopped threads; references
(frame ids, variablesReference) live until the program resumes.
"""
from __future__ import annotations

from types import FrameType
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional

from . import evaluation, variables

if TYPE_CHECKING:
    from .debugger import Debugger

Handler = Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]


class Inspector:
    def __init__(self, debugger: "Debugger") -> None:
        self.dbg = debugger
        self.frames = debugger.frames
        self.refs = debugger.refs

    def handlers(self) -> Dict[str, Handler]:
        """The agent requests this module answers."""
        return {"scopes": self.scopes, "variables": self.variables, "evaluate": self.evaluate}

    def frame(self, frame_id: Any) -> FrameType:
        return self.frames.get(frame_id, "frameId")

    def scopes(self, args: Dict[str, Any]) -> Dict[str, Any]:
        frame = self.frame(args.get("frameId"))
        scopes = [
            {"name": "Locals", "presentationHint": "locals", "expensive": False,
             "variablesReference": self.refs.add(variables.Scope(frame, "locals"))},
            {"name": "Globals", "expensive": False,
             "variablesReference": self.refs.add(variables.Scope(frame, "globals"))},
        ]
        return {"scopes": scopes}

    def variables(self, args: Dict[str, Any]) -> Dict[str, Any]:
        item = self.refs.get(args.get("variablesReference"), "variablesReference")
        if isinstance(item, variables.Scope):
            return {"variables": variables.scope_variables(item, self.refs)}
        start = int(args.get("start") or 0)
        count = int(args.get("count") or 0)
        return {"variables": variables.child_variables(item, self.refs, start, count)}

    def evaluate(self, args: Dict[str, Any]) -> Dict[str, Any]:
        expression = args.get("expression")
        if not isinstance(expression, str):
            raise TypeError("'expression' must be a string")
        frame_id = args.get("frameId")
        frame = self.frame(frame_id) if frame_id is not None else None
        context = args.get("context") or "repl"
        value, output = evaluation.evaluate(expression, frame, allow_statements=context == "repl")
        if value is evaluation.NO_VALUE:
            return {"result": output.rstrip("\n"), "variablesReference": 0}
        described = variables.describe("", value, expression, self.refs)
        result = described["value"]
        if output:
            result = output + result
        body = {"result": result, "type": described["type"],
                "variablesReference": described["variablesReference"]}
        for key in ("indexedVariables", "namedVariables"):
            if key in described:
                body[key] = described[key]
        return body

