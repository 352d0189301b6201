"""DAP-shaped JSON messages with Content-Length framing over a socket (the agent link)."""
from __future__ import annotations

import json
import re
import select
import socket
import threading
from typing import Any, Dict, Optional

from .errors import BAD_ARGUMENTS

Message = Dict[str, Any]

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_BYTES = 8192  # a header block longer than this ends the link
# `Name: value` with an RFC 9110 token name: the only line shape a DAP header block has
_HEADER_LINE = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+:")
_HTTP_METHOD = re.compile(rb"[A-Za-z]+ ")  # `POST / HTTP/1.1`: a browser (fetch, form, WebSocket) or curl
# headers that only HTTP clients send: a link carrying them is a web page, not a DAP peer
_HTTP_ONLY_HEADERS = frozenset((b"host", b"origin", b"referer", b"user-agent", b"cookie", b"sec-fetch-mode"))
_HTTP_REFUSAL_BODY = b"pdap: this port speaks the Debug Adapter Protocol, not HTTP; request refused\n"
HTTP_REFUSAL = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(_HTTP_REFUSAL_BODY)) + _HTTP_REFUSAL_BODY
# a peer that vanished (a laptop asleep, a cable pulled) is noticed in bounded time: a link idle
# for KEEPALIVE_IDLE s is probed; sent data unacknowledged for UNACKED_TIMEOUT s ends the link
KEEPALIVE_IDLE = 30
KEEPALIVE_INTERVAL = 10
KEEPALIVE_COUNT = 3
UNACKED_TIMEOUT_MS = 30_000


def tune(sock: socket.socket) -> None:
    """TCP keepalive and a bound on unacknowledged data, where the platform offers them."""
    options = [
        (socket.SOL_SOCKET, getattr(socket, "SO_KEEPALIVE", None), 1),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPIDLE", getattr(socket, "TCP_KEEPALIVE", None)), KEEPALIVE_IDLE),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPINTVL", None), KEEPALIVE_INTERVAL),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPCNT", None), KEEPALIVE_COUNT),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_USER_TIMEOUT", None), UNACKED_TIMEOUT_MS),
        # a response and the event after it are small writes: without this, Nagle holds the second ~40 ms
        (socket.IPPROTO_TCP, getattr(socket, "TCP_NODELAY", None), 1),
    ]
    for level, name, value in options:
        if name is None:
            continue
        try:
            sock.setsockopt(level, name, value)
        except (OSError, ValueError):
            pass


class ProtocolError(Exception):
    """The peer sent something that is not a framed DAP message; the link is closed."""


class HttpRequestRefused(ProtocolError):
    """The peer speaks HTTP (a web page, curl): answer HTTP_REFUSAL, then close."""


class Link:
    """One framed connection. Reads happen on one thread; writes may come from any thread."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        tune(sock)
        self._reader = sock.makefile("rb")
        # reentrant: a signal handler that prints (teed output) may interrupt a send on the same thread
        self._write_lock = threading.RLock()
        self._seq = 1
        self.closed = False

    def read(self, max_bytes: int = MAX_MESSAGE_BYTES) -> Optional[Message]:
        """Returns the next message, or None at end of stream. A header line that is not
        `Name: value` raises ProtocolError (HttpRequestRefused when it is HTTP's)."""
        length = -1
        first = True
        header_bytes = 0
        while True:
            line = self._reader.readline(MAX_HEADER_BYTES + 1)
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            header_bytes += len(line)
            if header_bytes > MAX_HEADER_BYTES:
                raise ProtocolError("DAP header longer than %d bytes" % MAX_HEADER_BYTES)
            if not line.endswith(b"\n"):
                return None  # the peer went away in the middle of a header line
            if not _HEADER_LINE.match(line):
                if first and _HTTP_METHOD.match(line):
                    raise HttpRequestRefused("refused an HTTP request: this port speaks DAP, not HTTP")
                raise ProtocolError("not a DAP header line: %r" % line[:80])
            first = False
            name, _, value = line.partition(b":")
            name = name.lower()
            if name in _HTTP_ONLY_HEADERS:
                raise HttpRequestRefused("refused an HTTP request (%s header)" % name.decode("ascii"))
            if name == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    raise ProtocolError("bad Content-Length header") from None
        if length < 0 or length > max_bytes:
            raise ProtocolError("missing Content-Length, or a message over %d bytes" % max_bytes)
        body = self._reader.read(length)
        if len(body) < length:
            return None
        try:
            message = json.loads(body.decode("utf-8"))
        except ValueError as exc:
            raise ProtocolError("message body is not JSON: %s" % exc) from None
        if not isinstance(message, dict):
            raise ProtocolError("message body is not a JSON object")
        return message

    def peer_gone(self) -> bool:
        """Whether the peer has closed its side (or the socket failed), seen without reading:
        bytes waiting to be read are not an end. Only while no thread reads this link."""
        if self.closed:
            return True
        try:
            if not select.select([self.sock], [], [], 0)[0]:
                return False
            return self.sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def refuse_http(self) -> None:
        """A plain HTTP 400 to a web page that reached this link, so it is not left hanging; then close."""
        try:
            self.sock.settimeout(1.0)
            self.sock.sendall(HTTP_REFUSAL)
        except OSError:
            pass
        self.close()

    def send(self, message: Message, timeout: Optional[float] = None) -> bool:
        """Sends one message; False if the link is closed, or (with timeout) it could not go at once."""
        lock = self._write_lock
        if not lock.acquire(timeout=-1 if timeout is None else timeout):
            return False
        try:
            if self.closed:
                return False
            message["seq"] = self._seq
            self._seq += 1
            body = json.dumps(message, default=repr).encode("utf-8")
            if timeout is not None and not select.select([], [self.sock], [], timeout)[1]:
                return False
            self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            return True
        except (OSError, ValueError):
            self.closed = True
            return False
        finally:
            lock.release()

    def event(self, event: str, body: Optional[Message] = None, timeout: Optional[float] = None) -> bool:
        return self.send({"type": "event", "event": event, "body": body or {}}, timeout)

    def respond(self, request: Message, body: Optional[Message] = None) -> None:
        self.send(
            {
                "type": "response",
                "request_seq": request.get("seq", 0),
                "command": request.get("command", ""),
                "success": True,
                "body": body or {},
            }
        )

    def fail(self, request: Message, message: str, error_id: int = BAD_ARGUMENTS, show_user: bool = True) -> None:
        """A failed response: `error_id` is one of errors.py's ids (the client's mistake by default)."""
        self.send(
            {
                "type": "response",
                "request_seq": request.get("seq", 0),
                "command": request.get("command", ""),
                "success": False,
                "message": message,
                "body": {"error": {"id": error_id, "format": message, "showUser": show_user}},
            }
        )

    def shutdown_write(self) -> None:
        """No more messages from this side; the peer sees end of stream after everything sent so far."""
        with self._write_lock:
            self.closed = True
            try:
                self.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def close(self) -> None:
        # not under the write lock: a send blocked on a peer that stopped reading holds it, and
        # shutting the socket down is what ends that send
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
