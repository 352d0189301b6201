"""DAP-shaped JSON messages with Content-Length framing over a socket (the agent link)."""
from __future__ import annotations

import json
import socket
import threading
from typing import Any, Dict, Optional

Message = Dict[str, Any]

MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class ProtocolError(Exception):
    """The peer sent something that is not a framed DAP message; the link is closed."""


class Link:
    """One framed connection. Reads happen on one thread; writes may come from any thread."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._reader = sock.makefile("rb")
        self._write_lock = threading.Lock()
        self._seq = 1
        self.closed = False

    def read(self) -> Optional[Message]:
        """Returns the next message, or None at end of stream."""
        length = -1
        while True:
            line = self._reader.readline(8192)
            if not line:
                return None
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii", "replace").partition(":")
            if name.strip().lower() == "content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    raise ProtocolError("bad Content-Length header") from None
        if length < 0 or length > MAX_MESSAGE_BYTES:
            raise ProtocolError("missing or oversized Content-Length")
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

    def send(self, message: Message) -> None:
        with self._write_lock:
            if self.closed:
                return
            message["seq"] = self._seq
            self._seq += 1
            body = json.dumps(message, default=repr).encode("utf-8")
            try:
                self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            except OSError:
                self.closed = True

    def event(self, event: str, body: Optional[Message] = None) -> None:
        self.send({"type": "event", "event": event, "body": body or {}})

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

    def fail(self, request: Message, message: str) -> None:
        self.send(
            {
                "type": "response",
                "request_seq": request.get("seq", 0),
                "command": request.get("command", ""),
                "success": False,
                "message": message,
                "body": {"error": {"id": 1, "format": message, "showUser": True}},
            }
        )

    def close(self) -> None:
        with self._write_lock:
            self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass
