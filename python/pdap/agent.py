"""The agent: owns the link to the adapter (connect or listen), the handshake, and request dispatch."""
from __future__ import annotations

import hmac
import os
import secrets
import socket
import sys
import threading
from typing import Any, Callable, Dict, Optional, Tuple

from .debugger import Debugger
from .evaluation import EvaluationError
from .inspector import Inspector
from .protocol import Link, Message, ProtocolError

PROTOCOL_VERSION = 1
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def parse_address(text: str, default_host: str = "127.0.0.1") -> Tuple[str, int]:
    host, sep, port = str(text).rpartition(":")
    if not sep:
        host, port = default_host, str(text)
    host = host.strip("[]") or default_host
    try:
        number = int(port)
    except ValueError:
        raise ValueError("bad address %r: expected [HOST:]PORT" % text) from None
    if not 0 <= number <= 65535:
        raise ValueError("bad port %d in %r" % (number, text))
    return host, number


class Agent:
    def __init__(self, backend: str = "") -> None:
        self.debugger = Debugger(self._send_event, backend)
        self.link: Optional[Link] = None
        self.token: Optional[str] = None
        self.client_connected = threading.Event()
        self.configured = threading.Event()  # configurationDone seen for the current client
        self.options: Dict[str, Any] = {}
        self.exit_code: Optional[int] = None
        self.listening: Optional[Tuple[str, int]] = None
        self._started = False
        self._handlers: Dict[str, Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]] = {
            "configure": self._configure,
            "configurationDone": self._configuration_done,
            "setBreakpoints": self._set_breakpoints,
            "threads": lambda args: {"threads": self.debugger.threads()},
            "stackTrace": self.debugger.stack_trace,
            "continue": self._resume(None),
            "next": self._resume("over"),
            "stepIn": self._resume("in"),
            "stepOut": self._resume("out"),
            "pause": self._pause,
            "disconnect": self._disconnect,
        }
        self._handlers.update(Inspector(self.debugger).handlers())

    # ----- setup -----------------------------------------------------------------------------
    def start_tracing(self) -> None:
        if not self._started:
            self._started = True
            self.debugger.start()

    def info(self) -> Dict[str, Any]:
        return {
            "protocol": PROTOCOL_VERSION,
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "cwd": os.getcwd(),
            "argv": list(sys.argv),
            "backend": self.debugger.backend.name,
        }

    def connect(self, host: str, port: int, token: Optional[str]) -> None:
        """Dial the adapter (launch, or --connect) and authenticate with the token it gave us."""
        self.token = token
        sock = socket.create_connection((host, port), timeout=10)
        sock.settimeout(None)
        link = Link(sock)
        link.send({"type": "request", "command": "handshake",
                   "arguments": dict(self.info(), token=token or "")})
        reply = link.read()
        if not reply or not reply.get("success"):
            link.close()
            message = (reply or {}).get("message") or "the adapter closed the link"
            raise ConnectionError("pdap: the adapter refused this agent: %s" % message)
        self._serve_in_thread(link, reconnect=False)

    def listen(self, host: str, port: int, token: Optional[str]) -> Tuple[str, int]:
        """Wait for adapters on host:port; every one must present the token (if any). Returns the bound address."""
        if host not in LOOPBACK and not token:
            token = secrets.token_urlsafe(24)
            sys.stderr.write("pdap: listening on non-loopback %s: access token %s\n" % (host, token))
        self.token = token
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        server = socket.socket(family, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind((host, port))
        except OSError as exc:
            server.close()
            raise OSError("pdap: cannot listen on %s:%d: %s" % (host, port, exc.strerror or exc)) from None
        server.listen(4)
        self.listening = server.getsockname()[:2]
        thread = threading.Thread(target=self._accept_loop, args=(server,), name="pdap.listener", daemon=True)
        thread.start()
        self.debugger.agent_threads.add(thread.ident)
        return self.listening

    def _accept_loop(self, server: socket.socket) -> None:
        while True:
            try:
                sock, _ = server.accept()
            except OSError:
                return
            link = Link(sock)
            try:
                request = link.read()
            except (ProtocolError, OSError):
                link.close()
                continue
            if not request or request.get("command") != "handshake":
                link.fail(request or {}, "pdap: expected a handshake request first")
                link.close()
                continue
            given = str((request.get("arguments") or {}).get("token") or "")
            if self.token and not hmac.compare_digest(given.encode(), self.token.encode()):
                link.fail(request, "pdap: access token refused" if given else "pdap: this agent needs an access token")
                link.close()
                continue
            if self.link is not None and not self.link.closed:
                link.fail(request, "pdap: another client is already attached to this process")
                link.close()
                continue
            link.respond(request, self.info())
            self._serve(link)  # one client at a time; when it leaves, accept the next

    def _serve_in_thread(self, link: Link, reconnect: bool) -> None:
        thread = threading.Thread(target=self._serve, args=(link,), name="pdap.reader", daemon=True)
        thread.start()
        self.debugger.agent_threads.add(thread.ident)

    def _serve(self, link: Link) -> None:
        self.debugger.agent_threads.add(threading.get_ident())
        self.link = link
        self.client_connected.set()
        try:
            while True:
                message = link.read()
                if message is None:
                    break
                if message.get("type") == "request":
                    self._dispatch(link, message)
        except (ProtocolError, OSError) as exc:
            sys.stderr.write("pdap: agent link closed: %s\n" % exc)
        finally:
            self.client_connected.clear()
            self.configured.clear()
            link.close()
            self.link = None
            self.debugger.reset_client_state()

    def _dispatch(self, link: Link, request: Message) -> None:
        command = request.get("command")
        handler = self._handlers.get(command) if isinstance(command, str) else None
        if handler is None:
            link.fail(request, "pdap agent does not support request %r" % (command,))
            return
        args = request.get("arguments") or {}
        if not isinstance(args, dict):
            link.fail(request, "'arguments' must be an object")
            return
        try:
            body = handler(args)
        except (EvaluationError, LookupError, TypeError, ValueError) as exc:
            link.fail(request, str(exc) if not isinstance(exc, KeyError) else str(exc.args[0]))
            return
        except Exception as exc:
            self.debugger.fault(str(command), exc)
            link.fail(request, "pdap internal error in %s: %s: %s" % (command, type(exc).__name__, exc))
            return
        link.respond(request, body)
        if command == "disconnect":
            link.close()

    def report_exit(self, code: int) -> None:
        """The program's end, for sessions that do not own the process (attach, terminals)."""
        self.exit_code = code
        self._send_event("exited", {"exitCode": code})

    def _send_event(self, event: str, body: Dict[str, Any]) -> None:
        link = self.link
        if link is not None:
            link.event(event, body)

    # ----- requests ----------------------------------------------------------------------------
    def _configure(self, args: Dict[str, Any]) -> None:
        self.options.update(args)
        self.debugger.just_my_code = bool(args.get("justMyCode", True))
        return None

    def _configuration_done(self, args: Dict[str, Any]) -> None:
        self.configured.set()
        return None

    def _set_breakpoints(self, args: Dict[str, Any]) -> Dict[str, Any]:
        source = args.get("source")
        if not isinstance(source, dict) or not isinstance(source.get("path"), str):
            raise TypeError("setBreakpoints needs source.path (a string)")
        specs = args.get("breakpoints")
        if specs is None:
            specs = [{"line": line} for line in args.get("lines") or []]
        if not isinstance(specs, list) or not all(isinstance(s, dict) for s in specs):
            raise TypeError("'breakpoints' must be a list of objects")
        dbg = self.debugger
        with dbg.cond:
            bps = dbg.breakpoints.set_file(source["path"], specs)
        dbg.backend.breakpoints_changed()
        return {"breakpoints": [bp.to_dap() for bp in bps]}

    def _resume(self, kind: Optional[str]) -> Callable[[Dict[str, Any]], Dict[str, Any]]:
        def handler(args: Dict[str, Any]) -> Dict[str, Any]:
            self.debugger.resume(args.get("threadId"), kind)
            return {"allThreadsContinued": True} if kind is None else {}
        return handler

    def _pause(self, args: Dict[str, Any]) -> None:
        self.debugger.pause()
        return None

    def _disconnect(self, args: Dict[str, Any]) -> None:
        return None  # the link closes after the response; _serve then clears the client's state


_agent: Optional[Agent] = None
_agent_lock = threading.Lock()


def get_agent(backend: str = "") -> Agent:
    global _agent
    with _agent_lock:
        if _agent is None:
            _agent = Agent(backend)
        return _agent
