"""The agent's request handlers: what each DAP command does in the program.

HANDLERS is the static command table (command -> handler); the agent's link (agent.py) reads
requests, dispatches them through Requests.table and answers. Step back's commands are answered
by the timeline (timeline.py), which also wraps some of the live handlers; disconnect and terminate
end the link itself and are answered by the agent. COMMANDS is every DAP command the agent
handles (its own handshake and configure aside): what its handshake declares
(agent_protocol.AGENT_REQUESTS).

A handler raises errors.RequestError for the client's mistakes; anything else it raises is a fault
of pdap's, answered with errors.INTERNAL.
"""
from __future__ import annotations

import importlib.machinery
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set

from . import isolation, log
from .errors import BAD_ARGUMENTS, REFUSED, UNKNOWN_REFERENCE, RequestError
from .goto import goto_targets
from .sources import SourceLines, canonical

if TYPE_CHECKING:
    from .agent import Agent

Args = Dict[str, Any]
Body = Optional[Dict[str, Any]]
LiveHandler = Callable[[Args], Body]

MAX_SOURCE_BYTES = 16 * 1024 * 1024
NOT_SOURCE_SUFFIXES = tuple(importlib.machinery.EXTENSION_SUFFIXES + importlib.machinery.BYTECODE_SUFFIXES)

# answered by the timeline (Timeline.handlers), never by a live handler
TIMELINE_COMMANDS = ("stepBack", "reverseContinue", "history", "record")
# answered by the agent's link: the client leaves, or the program ends (Agent._leave)
LEAVE_COMMANDS = ("disconnect", "terminate")


class Requests:
    """The handlers of one agent, bound to its debugger, inspector and step back timeline."""

    def __init__(self, agent: "Agent") -> None:
        self.agent = agent
        self.debugger = debugger = agent.debugger
        self.after_response: List[Callable[[], None]] = []  # events that must follow a response
        with isolation.imports():  # here, not at the top: agent_protocol imports this module alone
            from .inspector import Inspector
            from .recorder import Recorder
            from .timeline import Timeline
        self.inspector = Inspector(debugger)
        self.timeline = Timeline(debugger, Recorder(debugger), agent.send_event, self.after_response.append)
        live: Dict[str, LiveHandler] = {command: self._bind(handler) for command, handler in HANDLERS.items()}
        self.table = dict(live)
        self.table.update(self.timeline.handlers(live))  # step back: wraps the live handlers

    def _bind(self, handler: "Handler") -> LiveHandler:
        return lambda args: handler(self, args)

    # ----- configuration -------------------------------------------------------------------------
    def configure(self, args: Args) -> Body:
        """The client's options (agent_protocol.CONFIGURE_OPTIONS; the timeline reads record and
        recordMemory, python -m pdap reads stopOnEntry from agent.options)."""
        agent, dbg = self.agent, self.debugger
        agent.options.update(args)
        if "logDirectory" in args:
            log.to_directory(args["logDirectory"] if isinstance(args["logDirectory"], str) else None)
            log.write("agent of pid %d, Python %s, %s backend: the client's options %s"
                      % (os.getpid(), sys.version.split()[0], dbg.backend.name, sorted(args)))
        dbg.just_my_code = bool(args.get("justMyCode", True))
        dbg.show_return_value = args.get("showReturnValue", True) is not False
        children = args.get("subProcess")
        if isinstance(children, dict) and isinstance(children.get("port"), int):
            with isolation.imports():
                from . import children as child_processes
            child_processes.enable(str(children.get("host", "127.0.0.1")), children["port"],
                                   str(children.get("token", "")))
        # what only an attaching adapter sends: teeOutput (program output as events too) and the
        # remote roots of its path mappings, answered with their real form (symlinks resolved)
        agent.set_tee_output(args.get("teeOutput") is True)
        roots = args.get("remoteRoots")
        if not isinstance(roots, list):
            return None
        real = {root: os.path.normcase(os.path.realpath(root)) for root in roots[:256] if isinstance(root, str)}
        return {"remoteRoots": real}

    # ----- breakpoints ---------------------------------------------------------------------------
    def set_breakpoints(self, args: Args) -> Body:
        source = args.get("source")
        if not isinstance(source, dict) or not isinstance(source.get("path"), str):
            raise RequestError("setBreakpoints needs source.path (a string)")
        specs = args.get("breakpoints")
        if specs is None:
            lines = args.get("lines") or []
            if not isinstance(lines, list):
                raise RequestError("'lines' must be a list of line numbers")
            specs = [{"line": line} for line in lines]
        if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
            raise RequestError("'breakpoints' must be a list of objects")
        dbg = self.debugger
        with dbg.cond:
            bps = dbg.breakpoints.set_file(source["path"], specs)
        dbg.backend.breakpoints_changed()
        return {"breakpoints": [bp.to_dap() for bp in bps]}

    def set_function_breakpoints(self, args: Args) -> Body:
        specs = _objects(args, "'breakpoints' must be a list of {name, condition?, hitCondition?}")
        return {"breakpoints": [bp.to_dap() for bp in self.debugger.set_function_breakpoints(specs)]}

    def set_data_breakpoints(self, args: Args) -> Body:
        specs = _objects(args, "'breakpoints' must be a list of {dataId, accessType?, condition?, hitCondition?}")
        return {"breakpoints": [bp.to_dap() for bp in self.debugger.set_data_breakpoints(specs)]}

    def set_exception_breakpoints(self, args: Args) -> Body:
        filters = args.get("filters", [])
        if not isinstance(filters, list) or not all(isinstance(f, str) for f in filters):
            raise RequestError("'filters' must be a list of filter ids")
        return {"breakpoints": self.debugger.set_exception_filters(args)}

    # ----- running -------------------------------------------------------------------------------
    def resume(self, args: Args, kind: Optional[str]) -> Body:
        """continue (kind None), next ("over"), stepIn ("in"), stepOut ("out")."""
        self.debugger.resume(args.get("threadId"), kind)
        return {"allThreadsContinued": True} if kind is None else {}

    # ----- sources -------------------------------------------------------------------------------
    def source(self, args: Args) -> Body:
        """The text of one of the program's own loaded sources; never any other file."""
        source = args.get("source")
        path = source.get("path") if isinstance(source, dict) else None
        if not isinstance(path, str) or not path:
            raise RequestError("source needs source.path (a string)")
        refused = "pdap serves only the sources of the program's loaded modules and running code; %s is not one" % path
        if path.startswith("<") or path.endswith(NOT_SOURCE_SUFFIXES) or "\0" in path:
            raise RequestError(refused, REFUSED)
        wanted = os.path.normcase(os.path.realpath(path))  # not canonical(): its cache is for the program's files
        module = _loaded_module(wanted)
        if module is None and wanted not in self._running_files():
            raise RequestError(refused, REFUSED)
        try:
            if os.path.getsize(wanted) > MAX_SOURCE_BYTES:
                raise RequestError("%s is too large to show" % path, REFUSED)
            tokenize = isolation.stdlib("tokenize")

            with tokenize.open(wanted) as f:
                return {"content": f.read(), "mimeType": "text/x-python"}
        except (OSError, SyntaxError, UnicodeDecodeError) as exc:
            text = _loader_source(module)
            if text is not None:
                return {"content": text, "mimeType": "text/x-python"}
            raise RequestError("cannot read %s: %s" % (path, exc), UNKNOWN_REFERENCE) from None

    def _running_files(self) -> Set[str]:
        files: Set[str] = set()
        for ident, frame in list(sys._current_frames().items()):
            if ident in self.debugger.agent_threads:
                continue
            while frame is not None:
                files.add(canonical(frame.f_code.co_filename))
                frame = frame.f_back
        return files


def breakpoint_locations(args: Args) -> Body:
    source = args.get("source")
    line = args.get("line")
    if not isinstance(source, dict) or not isinstance(source.get("path"), str) or not isinstance(line, int):
        raise RequestError("breakpointLocations needs source.path and line")
    end_line = args.get("endLine")
    end = end_line if isinstance(end_line, int) else line
    lines = SourceLines(source["path"])
    if lines.error:
        raise RequestError(lines.error)
    return {"breakpoints": [{"line": n} for n in lines.lines if line <= n <= end]}


def _objects(args: Args, message: str) -> List[Dict[str, Any]]:
    """A request's 'breakpoints': a list of objects (absent: none)."""
    specs = args.get("breakpoints") or []
    if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
        raise RequestError(message, BAD_ARGUMENTS)
    return specs


def _loaded_module(wanted: str) -> Any:
    for module in list(sys.modules.values()):
        try:
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and canonical(filename) == wanted:
                return module
        except Exception:
            continue
    return None


def _loader_source(module: Any) -> Optional[str]:
    """Sources inside zip files and the like come from the module's loader."""
    try:
        text = module.__loader__.get_source(module.__name__)
        return text if isinstance(text, str) else None
    except Exception:
        return None


Handler = Callable[[Requests, Args], Body]

# command -> its handler: the live program's requests (the timeline wraps some of them, see above)
HANDLERS: Dict[str, Handler] = {
    "configure": Requests.configure,
    "configurationDone": lambda r, args: None,  # the agent releases the program once this is answered
    "setBreakpoints": Requests.set_breakpoints,
    "setFunctionBreakpoints": Requests.set_function_breakpoints,
    "setExceptionBreakpoints": Requests.set_exception_breakpoints,
    "setDataBreakpoints": Requests.set_data_breakpoints,
    "dataBreakpointInfo": lambda r, args: r.inspector.data_breakpoint_info(args),
    "breakpointLocations": lambda r, args: breakpoint_locations(args),
    "threads": lambda r, args: {"threads": r.debugger.threads()},
    "stackTrace": lambda r, args: r.debugger.stack_trace(args),
    "scopes": lambda r, args: r.inspector.scopes(args),
    "variables": lambda r, args: r.inspector.variables(args),
    "evaluate": lambda r, args: r.inspector.evaluate(args),
    "setVariable": lambda r, args: r.inspector.set_variable(args),
    "setExpression": lambda r, args: r.inspector.set_expression(args),
    "completions": lambda r, args: r.inspector.completions(args),
    "exceptionInfo": lambda r, args: r.debugger.exception_info(args.get("threadId")),
    "continue": lambda r, args: r.resume(args, None),
    "next": lambda r, args: r.resume(args, "over"),
    "stepIn": lambda r, args: r.resume(args, "in"),
    "stepOut": lambda r, args: r.resume(args, "out"),
    "pause": lambda r, args: r.debugger.pause(args.get("threadId")),
    "gotoTargets": lambda r, args: goto_targets(args),
    "goto": lambda r, args: r.debugger.goto(args.get("threadId"), args.get("targetId")),
    "source": Requests.source,
}

# the agent protocol's own messages, never a client's: the handshake (answered by the link) and
# configure (the adapter's options for the agent)
PROTOCOL_MESSAGES = ("handshake", "configure")
# every DAP command the agent handles, sorted: the handshake's "commands"
COMMANDS = tuple(sorted((set(HANDLERS) | set(TIMELINE_COMMANDS) | set(LEAVE_COMMANDS)) - set(PROTOCOL_MESSAGES)))
