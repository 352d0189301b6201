"""The agent: owns the link to the adapter (connect or listen), the handshake, and request dispatch."""
from __future__ import annotations

import _thread
import atexit
import os
import socket
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import isolation, log, output_tee
from .agent_protocol import AGENT_REQUESTS, HANDSHAKE_FIELDS, PROTOCOL_VERSION
from .debugger import Debugger
from .errors import ACCESS_DENIED, BAD_ARGUMENTS, INTERNAL, UNKNOWN_REQUEST, WRONG_STATE, RequestError
from .handlers import LEAVE_COMMANDS, Requests
from .protocol import HttpRequestRefused, Link, Message, ProtocolError

CONNECT_TIMEOUT = 10.0  # dialing an adapter, and its handshake answer
HANDSHAKE_TIMEOUT = 5.0  # one deadline for a connection's whole handshake, however it drips in
# connections still in their handshake: a new one beyond this evicts the oldest, so idle or slow
# connections never lock out a client that sends its handshake at once
MAX_PENDING_HANDSHAKES = 32
# requests that run the user's code for up to the evaluation time bound (inspector.EVALUATE_TIMEOUTS):
# meanwhile the link is watched, so a client that vanishes lets its program go at once
WATCHED_REQUESTS = frozenset(("evaluate", "setVariable", "setExpression"))
CLIENT_GONE_POLL = 0.25  # seconds between looks at the link during such a request
MAX_HANDSHAKE_BYTES = 64 * 1024  # a handshake message larger than this ends the connection
LISTEN_BACKLOG = 64  # connections the kernel queues before the accept thread takes them
TAKEOVER_TIMEOUT = 5.0  # a new client waits this long for the previous one to be detached
EXIT_GRACE = 1.0  # at exit, how long the last messages may take to reach the adapter
FLUSH_TIMEOUT = 1.0  # terminate: how long flushing the program's stdout/stderr may take
TERMINATED_EXIT_CODE = 0  # the exit code of a program ended by terminate / terminateDebuggee


class Worker:
    """An agent thread, started with _thread rather than threading.Thread: it is known as the
    agent's before it runs any Python code, so a program stopped in all-stop mode (where every
    other thread that reaches a line is held) never holds it, and nothing waits for it to start."""

    __slots__ = ("ident", "done")

    def __init__(self) -> None:
        self.ident = 0
        self.done = threading.Event()

    def join(self, timeout: Optional[float]) -> bool:
        return self.done.wait(timeout)

    @property
    def is_current(self) -> bool:
        return self.ident == _thread.get_ident()


def is_loopback(host: str) -> bool:
    """True when every address `host` resolves to is a loopback address: decided by the resolved
    addresses, never by the spelling (`127.example.com` may point anywhere)."""
    ipaddress = isolation.stdlib("ipaddress")  # when first needed, not at start-up

    try:
        found = socket.getaddrinfo(host.strip("[]"), None, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        return False
    try:
        return bool(found) and all(
            ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]).is_loopback for info in found)
    except ValueError:
        return False


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
    """The link to the client: connecting or listening, the handshake, takeover by a new client,
    reading requests and dispatching them to the handlers (handlers.py), reporting the exit."""

    def __init__(self, backend: str = "") -> None:
        self.debugger = Debugger(self.send_event, backend)
        self.debugger.has_client = lambda: self.link is not None
        self.link: Optional[Link] = None
        self.token: Optional[str] = None
        self.client_connected = threading.Event()
        self.configured = threading.Event()  # configurationDone seen for the current client
        self.options: Dict[str, Any] = {}
        self.exit_code: Optional[int] = None
        self.listening: Optional[Tuple[str, int]] = None
        self._listener: Optional[Tuple[socket.socket, Worker]] = None  # listen()'s socket and accept thread
        self.listen_token: Optional[str] = None  # what clients of listen() must present
        self.program_argv: Optional[List[str]] = None  # python -m pdap: the program's, before it runs
        self.tee_output = False  # the current client wants program output as events (attach)
        self._serve_thread: Optional[Worker] = None  # reads the current link
        self._client_lock = threading.Lock()  # the current link, its state, pending handshakes
        self._takeover_lock = threading.Lock()  # one new client at a time replaces the current one
        self._pending: Dict[Link, float] = {}  # connections in their handshake -> their deadline
        self._exit_hook = False
        self._started = False
        self.requests = Requests(self)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._after_fork_in_child)

    # ----- setup -----------------------------------------------------------------------------
    def start_tracing(self) -> None:
        if not self._started:
            self._started = True
            self.debugger.start()

    def info(self) -> Dict[str, Any]:
        """The handshake: agent_protocol.HANDSHAKE_FIELDS, no more and no fewer."""
        values = {
            "protocol": PROTOCOL_VERSION,
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "implementation": sys.implementation.name,
            "executable": sys.executable,
            "cwd": os.getcwd(),
            "argv": list(self.program_argv if self.program_argv is not None else sys.argv),
            "backend": self.debugger.backend.name,
            "commands": list(AGENT_REQUESTS),
        }
        return {name: values[name] for name in HANDSHAKE_FIELDS}

    def connect(self, host: str, port: int, token: Optional[str], timeout: float = CONNECT_TIMEOUT) -> None:
        """Dial the adapter (launch, or --connect) and authenticate with the token it gave us."""
        if self.link is not None:
            raise RuntimeError("pdap: this process already has a debug client")
        self.token = token
        try:
            # an ASCII host as bytes: getaddrinfo would otherwise load the IDNA codec (a few ms at start)
            name = host.encode("ascii") if host.isascii() else host
            sock = socket.create_connection((name, port), timeout=timeout)  # type: ignore[arg-type]
        except socket.timeout:
            raise ConnectionError("pdap: no answer from the adapter at %s:%d within %g s"
                                  % (host, port, timeout)) from None
        except OSError as exc:
            raise ConnectionError("pdap: cannot connect to the adapter at %s:%d: %s"
                                  % (host, port, exc.strerror or exc)) from None
        link = Link(sock)
        try:
            link.send({"type": "request", "command": "handshake",
                       "arguments": dict(self.info(), token=token or "")})
            reply = link.read()  # still under the connect timeout
        except (ProtocolError, OSError) as exc:
            link.close()
            raise ConnectionError("pdap: no handshake answer from the adapter at %s:%d: %s"
                                  % (host, port, exc)) from None
        if not reply or not reply.get("success"):
            link.close()
            message = (reply or {}).get("message") or "the adapter closed the link"
            raise ConnectionError("pdap: the adapter refused this agent: %s" % message)
        sock.settimeout(None)
        worker = Worker()
        self._publish(link, worker)
        self.spawn(self._serve, link, worker=worker)

    def listen(self, host: str, port: int, token: Optional[str]) -> Tuple[str, int]:
        """Wait for clients on host:port; each must present the token (if any). Returns the bound address.

        A non-loopback address always needs a token: without one, one is generated and printed.
        """
        if self.listening is not None:
            raise RuntimeError("pdap: already listening on %s:%d" % self.listening)
        try:
            found = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)
            found.sort(key=lambda info: info[0] != socket.AF_INET)  # "localhost": 127.0.0.1 first
            family, kind, proto, _, address = found[0]
        except (socket.gaierror, UnicodeError, IndexError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise OSError("pdap: cannot listen on %s:%d: %s" % (host, port, reason)) from None
        server = socket.socket(family, kind, proto)
        try:
            if os.name == "nt":
                server.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", -5), 1)
            else:
                server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(address)
            server.listen(LISTEN_BACKLOG)
        except OSError as exc:
            server.close()
            raise OSError("pdap: cannot listen on %s:%d: %s" % (host, port, exc.strerror or exc)) from None
        bound = self.listening = (str(server.getsockname()[0]), int(server.getsockname()[1]))
        if not token and not is_loopback(str(address[0])):
            secrets = isolation.stdlib("secrets")  # when first needed, not at start-up

            token = secrets.token_urlsafe(24)
            # python -m pdap has set program_argv by now; pdap.listen() in code has not
            how = "give --token" if self.program_argv is not None else "pass token= to pdap.listen()"
            sys.stderr.write(
                "pdap: %s is not a loopback address, so clients must present an access token.\n"
                "pdap: generated access token (%s or set PDAP_TOKEN to choose one): %s\n"
                % (host, how, token))
            sys.stderr.flush()
        self.listen_token = token or None
        self._listener = (server, self.spawn(self._accept_loop, server))
        return bound

    def stop_listening(self) -> None:
        """Closes listen()'s socket and returns once its accept thread has ended, its thread state
        gone too: a child nobody debugs runs on with no thread of pdap's (a program that counts its
        threads, sys._current_frames() after a fork say, sees what it would see without pdap)."""
        listener, self._listener = self._listener, None
        self.listening = None
        if listener is None:
            return
        server, worker = listener
        try:
            server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() (a close alone does not)
        except OSError:
            pass
        server.close()
        if worker.join(5.0):
            # done is set just before the thread's function returns; its state goes right after
            deadline = time.monotonic() + 5.0
            while worker.ident in sys._current_frames() and time.monotonic() < deadline:
                time.sleep(0.001)

    def spawn(self, target: Callable[..., None], *args: Any, worker: Optional[Worker] = None) -> Worker:
        """Runs target(*args) on a new agent thread (see Worker); a fault in it is reported, never raised."""
        worker = worker or Worker()
        agent_threads = self.debugger.agent_threads

        def run() -> None:
            worker.ident = _thread.get_ident()
            agent_threads.add(worker.ident)
            try:
                target(*args)
            except Exception as exc:
                self.debugger.fault(getattr(target, "__name__", "agent thread"), exc)
            finally:
                worker.done.set()
                agent_threads.discard(worker.ident)

        _thread.start_new_thread(run, ())
        return worker

    def _accept_loop(self, server: socket.socket) -> None:
        """Accepts connections; while handshakes are pending, it also wakes at their deadlines to close them."""
        while True:
            try:
                server.settimeout(self._close_overdue())
                sock, _ = server.accept()
            except socket.timeout:
                continue
            except OSError:
                if server.fileno() < 0:
                    return
                time.sleep(0.1)  # e.g. out of file descriptors: try again later, never spin
                continue
            try:
                self._admit(sock)
            except Exception as exc:  # the accept loop never dies of one bad connection
                try:
                    sock.close()
                except OSError:
                    pass
                self.debugger.fault("accepting a client", exc)

    def _close_overdue(self) -> Optional[float]:
        """Closes handshakes past their deadline; returns the seconds until the next one (None: none pending)."""
        now = time.monotonic()
        with self._client_lock:
            overdue = [link for link, deadline in self._pending.items() if deadline <= now]
            for link in overdue:
                del self._pending[link]
            nearest = min(self._pending.values(), default=None)
        for link in overdue:
            link.close()  # wakes its thread's read: the handshake ends as a closed link
        return None if nearest is None else max(0.01, nearest - now)

    def _admit(self, sock: socket.socket) -> None:
        """A new connection gets HANDSHAKE_TIMEOUT for its whole handshake, on its own thread; when
        MAX_PENDING_HANDSHAKES are already pending, the oldest of them is closed to make room."""
        sock.setblocking(True)
        link = Link(sock)
        with self._client_lock:
            evicted = None
            if len(self._pending) >= MAX_PENDING_HANDSHAKES:
                evicted = min(self._pending, key=self._pending.__getitem__)
                del self._pending[evicted]
            self._pending[link] = time.monotonic() + HANDSHAKE_TIMEOUT
        if evicted is not None:
            evicted.close()
        worker = Worker()
        try:
            self.spawn(self._client, link, worker, worker=worker)
        except Exception:
            with self._client_lock:
                self._pending.pop(link, None)
            link.close()
            raise

    def _client(self, link: Link, worker: Worker) -> None:
        """One incoming connection: the handshake (one deadline for all of it), then it is served as the client."""
        sock = link.sock
        try:
            sock.settimeout(HANDSHAKE_TIMEOUT)  # a backstop: the accept loop closes it at the deadline
            peer = "%s:%s" % sock.getpeername()[:2]
            request = link.read(MAX_HANDSHAKE_BYTES)
            if not request or request.get("type") != "request" or request.get("command") != "handshake":
                link.fail(request or {}, "pdap: expected a handshake request first", ACCESS_DENIED)
                link.close()
                return
            args = request.get("arguments")
            given = str(args.get("token") or "") if isinstance(args, dict) else ""
            expected = self.listen_token
            hmac = isolation.stdlib("hmac")

            if expected and not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
                reason = "wrong access token" if given else "no access token"
                link.fail(request, "pdap: access token refused" if given else "pdap: this agent needs an access token",
                          ACCESS_DENIED)
                link.close()
                log.write("refused a client from %s: %s" % (peer, reason))
                return
            with self._client_lock:
                if self._pending.pop(link, None) is None:
                    return  # its deadline passed (or it was evicted) just as it finished
            sock.settimeout(None)
            with self._takeover_lock:
                if not self._take_over():
                    link.fail(request, "pdap: the previous client is still detaching; try again", WRONG_STATE)
                    link.close()
                    return
                link.respond(request, self.info())
                self._publish(link, worker)
        except HttpRequestRefused:
            link.refuse_http()
            return
        except (ProtocolError, OSError, ValueError):
            link.close()
            return
        except Exception as exc:
            link.close()
            self.debugger.fault("client handshake", exc)
            return
        finally:
            with self._client_lock:
                self._pending.pop(link, None)
        self._serve(link)

    def _take_over(self) -> bool:
        """A new client replaces the current one (whose link may be half-dead: a laptop that slept)."""
        old, thread = self.link, self._serve_thread
        if old is None:
            return True
        old.event("output", {"category": "important",
                             "output": "pdap: another client attached to this process; this session ends\n"},
                  timeout=0.5)  # the old link may be half-dead: never wait on it for long
        old.close()
        if thread is not None and not thread.is_current:
            thread.join(TAKEOVER_TIMEOUT)
        return self.link is None

    def _publish(self, link: Link, thread: Worker) -> None:
        with self._client_lock:
            self.link = link
            self._serve_thread = thread
            self.configured.clear()
            self.client_connected.set()

    def _release(self, link: Link) -> None:
        """The client is gone: its breakpoints are cleared and the program runs on, ready for the next one."""
        with self._client_lock:
            if self.link is not link:
                return
            self.client_connected.clear()
            self.configured.clear()
            self.tee_output = False
            output_tee.set_tee(self, False)
            try:
                self.debugger.reset_client_state()
                self.requests.timeline.client_gone()  # recording stops, and what it recorded goes
            except Exception as exc:
                self.debugger.fault("detaching the client", exc)
            self.link = None

    def _serve(self, link: Link) -> None:
        try:
            while not link.closed:
                message = link.read()
                if message is None:
                    break
                if message.get("type") == "request":
                    self._dispatch(link, message)
        except (ProtocolError, OSError) as exc:
            if not link.closed:
                log.write("client link closed: %s" % exc)
        except Exception as exc:
            self.debugger.fault("client link", exc)
        finally:
            link.close()
            self._release(link)

    def _watch_link(self, link: Link) -> threading.Event:
        """While a request runs user code, a client that vanishes is noticed without waiting for it:
        the program is let go and the next client may attach. Set the returned event when done."""
        done = threading.Event()

        def watch() -> None:
            while not done.wait(CLIENT_GONE_POLL):
                if link.peer_gone():
                    link.close()
                    self._release(link)
                    return

        self.spawn(watch)
        return done

    def wait_for_configuration(self, while_linked: bool = False) -> bool:
        """Blocks until a client has configured; with while_linked, returns False when the current link ends first."""
        if not while_linked:
            return self.configured.wait()
        while not self.configured.wait(0.1):
            if self.link is None:
                return False
        return True

    def _dispatch(self, link: Link, request: Message) -> None:
        """One request: a RequestError is the client's mistake, answered with its id; anything
        else a handler raises is pdap's fault, logged and answered with INTERNAL."""
        command = request.get("command")
        if command in LEAVE_COMMANDS:
            self._leave(link, request)
            return
        requests = self.requests
        handler = requests.table.get(command) if isinstance(command, str) else None
        if handler is None:
            link.fail(request, "pdap agent does not support request %r" % (command,), UNKNOWN_REQUEST)
            return
        args = request.get("arguments")
        if args is None:
            args = {}
        elif not isinstance(args, dict):
            link.fail(request, "'arguments' must be an object", BAD_ARGUMENTS)
            return
        requests.inspector.pause_gc()
        watch = self._watch_link(link) if command in WATCHED_REQUESTS else None
        try:
            body = handler(args)
        except RequestError as exc:
            link.fail(request, exc.message, exc.error_id)
            return
        except Exception as exc:
            self.debugger.fault(str(command), exc)  # its traceback goes to the agent's log
            link.fail(request, "pdap internal error in %s: %s: %s" % (command, type(exc).__name__, exc),
                      INTERNAL, show_user=False)
            return
        finally:
            if watch is not None:
                watch.set()
        link.respond(request, body)
        after = requests.after_response
        while after:
            after.pop(0)()
        if command == "configurationDone":
            self.configured.set()  # only now: a program that ends at once must not beat the response

    def report_exit(self, code: int) -> None:
        """The program's end, for sessions that do not own the process (attach, terminals).

        The link is then closed gracefully (within EXIT_GRACE) so the last messages are not lost.
        """
        if self.exit_code is not None:
            return
        self.exit_code = code
        link = self.link
        if link is None:
            return
        try:
            output_tee.send_pending()  # a last partial line
            link.event("exited", {"exitCode": code})
            link.shutdown_write()
            thread = self._serve_thread
            if thread is not None and not thread.is_current:
                thread.join(EXIT_GRACE)
        except Exception:
            pass

    def report_exit_at_interpreter_exit(self) -> None:
        """For pdap.listen()/connect() in code: report the end from atexit (python -m pdap reports it itself).

        The exact exit code is not knowable from atexit: 1 after an uncaught exception, else 0.
        """
        if not self._exit_hook:
            self._exit_hook = True
            atexit.register(self._at_exit)

    def _at_exit(self) -> None:
        self.report_exit(1 if getattr(sys, "last_value", None) is not None else 0)

    def send_event(self, event: str, body: Dict[str, Any]) -> None:
        link = self.link
        if link is not None:
            with self.debugger.pdap_code():  # may run on a program thread: never trace our own sending
                link.event(event, body)

    def _after_fork_in_child(self) -> None:
        """A forked child must not write into its parent's link (its bytes would interleave with the
        parent's): it runs on without a client, breakpoints cleared, its output not teed."""
        try:
            self.link = None  # dropped, never shut down: the socket is still the parent's
            self._serve_thread = None
            self.listening = None  # no accept thread survived the fork; listen() may be called again
            self._listener = None
            self.tee_output = False
            self._client_lock = threading.Lock()  # another thread of the parent may have held them
            self._takeover_lock = threading.Lock()
            self._pending = {}
            self.client_connected = threading.Event()
            self.configured = threading.Event()
            output_tee.set_tee(self, False)
            self.debugger.cond = threading.Condition(threading.RLock())  # likewise
            self.debugger.reset_client_state()
        except Exception:
            pass  # never let the fork itself fail

    # ----- output events, leaving ------------------------------------------------------------------
    def set_tee_output(self, on: bool) -> None:
        """configure's teeOutput: the program's output goes to the current client as events too."""
        with self._client_lock:
            self.tee_output = on
            output_tee.set_tee(self, on)

    def _leave(self, link: Link, request: Message) -> None:
        """disconnect: the client goes and the program runs on; terminate / terminateDebuggee: it ends.

        The program is ended with os._exit(TERMINATED_EXIT_CODE) after its stdout and stderr are
        flushed and `exited` is sent: bounded in time, whatever the program's threads are doing.
        """
        args = request.get("arguments")
        end = request.get("command") == "terminate" or (
            isinstance(args, dict) and args.get("terminateDebuggee") is True)
        if not end:
            self._release(link)  # breakpoints cleared, threads resumed before the client hears back
            link.respond(request)
            link.close()
            return
        self.exit_code = TERMINATED_EXIT_CODE
        self._flush_program_output()
        link.event("exited", {"exitCode": TERMINATED_EXIT_CODE})
        link.respond(request)
        link.shutdown_write()
        try:  # let the adapter read everything: wait (bounded) for it to close its side
            deadline = time.monotonic() + EXIT_GRACE
            link.sock.settimeout(EXIT_GRACE)
            while link.read() is not None and time.monotonic() < deadline:
                pass
        except Exception:
            pass
        os._exit(TERMINATED_EXIT_CODE)

    def _flush_program_output(self) -> None:
        def flush() -> None:
            for stream in (sys.stdout, sys.stderr):
                try:
                    if stream is not None:
                        stream.flush()
                except Exception:
                    pass
        self.spawn(flush).join(FLUSH_TIMEOUT)  # a stream blocked on a full pipe must not hold the exit


_agent: Optional[Agent] = None
_agent_lock = threading.Lock()


def get_agent(backend: str = "") -> Agent:
    global _agent
    with _agent_lock:
        if _agent is None:
            _agent = Agent(backend)
        return _agent
