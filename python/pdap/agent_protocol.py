"""The agent protocol, Python side: the messages the agent and the adapter exchange besides DAP's
own requests, as src/protocol/agent.ts declares them (the protocol drift test compares
declaration() with that file).

Importing this module has no side effects: no Debugger, no tracing, no threads.
"""
from __future__ import annotations

from typing import Any, Dict

from . import errors
from .handlers import COMMANDS

PROTOCOL_VERSION = 2

# the agent's handshake (Agent.info()): exactly these keys
HANDSHAKE_FIELDS = ("protocol", "pid", "python", "implementation", "executable", "cwd", "argv", "backend",
                    "commands")

# the options the `configure` request may carry, and the agent reads (handlers.Requests.configure,
# the timeline's record and recordMemory, python -m pdap's stopOnEntry)
CONFIGURE_OPTIONS = ("justMyCode", "stopOnEntry", "showReturnValue", "logDirectory", "subProcess", "teeOutput",
                     "remoteRoots", "record", "recordMemory")

# children.py's announceChild request to the launching adapter: exactly these keys (and the token)
CHILD_ANNOUNCEMENT_FIELDS = ("pid", "ppid", "port", "host", "childToken", "argv", "forked")

# the DAP commands the agent handles, sorted (handlers.HANDLERS and the timeline's, disconnect
# and terminate; not handshake and configure, the agent protocol's own)
AGENT_REQUESTS = COMMANDS


def declaration() -> Dict[str, Any]:
    """The whole declaration as JSON-ready data, for the drift test."""
    return {
        "protocol": PROTOCOL_VERSION,
        "handshake": list(HANDSHAKE_FIELDS),
        "configure": list(CONFIGURE_OPTIONS),
        "childAnnouncement": list(CHILD_ANNOUNCEMENT_FIELDS),
        "commands": list(AGENT_REQUESTS),
        "errors": dict(errors.ERROR_IDS),
    }
