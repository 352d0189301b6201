"""Debugging child processes (subProcess): every Python started from a debugged program is debugged too.

The launching adapter gives the agent an address and token for announcing children. The agent puts
them in the environment (PDAP_SUBPROCESS), which child Pythons inherit with pdap on PYTHONPATH;
python/sitecustomize.py then calls start_child() before the child's own code runs. A forked child
(os.fork, multiprocessing's fork method) gets there through an at-fork hook instead.

A child listens on a loopback port of its own with a fresh token, announces that port to the adapter,
and waits (bounded) until the client attaches to it: the adapter asks the client to start that
session with DAP's startDebugging request. A child nobody attaches to runs on undebugged.
"""
from __future__ import annotations

import base64
import json
import os
import socket
import sys
from typing import Any, Dict, Optional

ENV = "PDAP_SUBPROCESS"
ATTACH_WAIT = 15.0  # seconds a child waits for its client before running on
_started = False


def enable(host: str, port: int, token: str) -> None:
    """In the launched program: let its children find the adapter."""
    os.environ[ENV] = json.dumps({"host": host, "port": port, "token": token})
    if hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork)


def _after_fork() -> None:
    global _started
    _started = False
    try:
        start_child(forked=True)
    except Exception as exc:  # never let a fork fail because of the debugger
        note("forked child %d runs undebugged: %s" % (os.getpid(), exc))


def _request(target: Dict[str, Any], command: str, body: Dict[str, Any]) -> Optional[str]:
    """One request to the launching adapter; returns None when it succeeded, else the reason not."""
    body = dict(body, token=target.get("token", ""))
    with socket.create_connection((target["host"], int(target["port"])), timeout=10) as sock:
        payload = json.dumps({"seq": 1, "type": "request", "command": command, "arguments": body}).encode()
        sock.sendall(b"Content-Length: %d\r\n\r\n" % len(payload) + payload)
        reader = sock.makefile("rb")
        length = 0
        while True:
            line = reader.readline(8192)
            if not line:
                return "the adapter closed the link"
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        reply = json.loads(reader.read(length).decode("utf-8"))
    return None if reply.get("success") else str(reply.get("message") or "refused")


def note(text: str) -> None:
    """Tells the launching session (its console, never this program's streams) something about this child."""
    raw = os.environ.get(ENV)
    if not raw:
        return
    try:
        _request(json.loads(raw), "childNote", {"pid": os.getpid(), "text": text})
    except Exception:
        pass  # nobody to tell: the child runs on as without pdap


def start_child(forked: bool = False) -> bool:
    """Makes this process debuggable and waits for its client; False when it runs on undebugged."""
    global _started
    raw = os.environ.get(ENV)
    if _started or not raw:
        return False
    _started = True
    target = json.loads(raw)
    from . import load_agent

    load_agent()
    from .agent import get_agent
    from .agent_protocol import CHILD_ANNOUNCEMENT_FIELDS

    agent = get_agent()
    agent.start_tracing()
    token = base64.urlsafe_b64encode(os.urandom(24)).rstrip(b"=").decode("ascii")  # secrets.token_urlsafe(24),
    # without importing secrets (hmac, hashlib, OpenSSL: ~12 ms at every launch's configure)
    host, port = agent.listen("127.0.0.1", 0, token)
    values = {"pid": os.getpid(), "ppid": os.getppid(), "port": port,
              "host": host, "childToken": token, "argv": list(getattr(sys, "orig_argv", sys.argv)),
              "forked": forked}
    body = {name: values[name] for name in CHILD_ANNOUNCEMENT_FIELDS}
    if _request(target, "announceChild", body) is not None:
        agent.stop_listening()  # no thread of pdap's is left in a child that runs on undebugged
        return False  # the adapter refused it and said why in the session's console
    return agent.configured.wait(ATTACH_WAIT)
