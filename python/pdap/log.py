"""pdap's own log: what the agent has to say about itself, never in the program's streams.

Off unless asked for: the launch/attach attribute `logToFile` (the adapter passes a directory in
PDAP_LOG_DIR or in `configure`), or PDAP_LOG_DIR set by hand for `python -m pdap` and
`pdap.listen()`. One file per process: pdap-agent-PID.log.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Optional

ENV = "PDAP_LOG_DIR"
_lock = threading.Lock()
_path: Optional[str] = None


def to_directory(directory: Optional[str]) -> None:
    """Log from now on into directory (None: stop logging)."""
    global _path
    _path = os.path.join(directory, "pdap-agent-%d.log" % os.getpid()) if directory else None


def write(text: str) -> None:
    path = _path
    if path is None:
        return
    line = "%s %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S"), text.rstrip("\n"))
    try:
        with _lock, open(path, "a", encoding="utf-8") as f:
            f.write(line)
    except OSError:
        pass  # a log that cannot be written is no reason to disturb the program


to_directory(os.environ.get(ENV))
