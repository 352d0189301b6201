"""pdap: the in-process agent of the pdap debugger (standard library only).

In code, as with debugpy:  import pdap; pdap.listen(5678); pdap.wait_for_client(); pdap.breakpoint()
"""
from __future__ import annotations

import sys
from typing import Optional, Tuple

__all__ = ["listen", "connect", "wait_for_client", "is_client_connected", "breakpoint"]


def listen(address: "int | str | Tuple[str, int]", token: Optional[str] = None) -> Tuple[str, int]:
    """Start accepting debug clients on [HOST:]PORT (loopback unless a host is given). Returns (host, port)."""
    from .agent import get_agent, parse_address
    if isinstance(address, tuple):
        host, port = address
    else:
        host, port = parse_address(str(address))
    agent = get_agent()
    agent.start_tracing()
    return agent.listen(host, int(port), token)


def connect(address: "str | Tuple[str, int]", token: Optional[str] = None) -> None:
    """Dial a pdap adapter that waits for agents (pdap adapter --listen-for-agents)."""
    from .agent import get_agent, parse_address
    host, port = address if isinstance(address, tuple) else parse_address(str(address))
    agent = get_agent()
    agent.start_tracing()
    agent.connect(host, int(port), token)


def wait_for_client(timeout: Optional[float] = None) -> bool:
    """Block until a client has attached and finished configuring (its breakpoints are set)."""
    from .agent import get_agent
    return get_agent().configured.wait(timeout)


def is_client_connected() -> bool:
    from .agent import _agent
    return _agent is not None and _agent.client_connected.is_set()


def breakpoint(*args: object, **kwargs: object) -> None:
    """Stop here when a client is attached; do nothing otherwise (PYTHONBREAKPOINT=pdap.breakpoint)."""
    from .agent import _agent
    if _agent is None or not _agent.client_connected.is_set():
        return
    _agent.debugger.break_in_caller(sys._getframe(1))
