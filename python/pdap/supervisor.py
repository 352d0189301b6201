"""The launched program's keeper: `python -I -S -c "...import supervisor; supervisor.main()" PYTHON ARGS...`
(imported, so that its bytecode is cached), started by the adapter.

A launch owns the program's whole process tree, and nothing of it may outlive the adapter, however
the adapter ends (even SIGKILL). This process is the one place that can promise that, because it
does not depend on the program being healthy (a debuggee stuck in C, exec'd into something else,
or already gone while its children run on):

- It starts the program in a session of its own (so a `killpg` reaches every process that did not
  leave it), with stdin on /dev/null (input() gets end of file, as under debugpy), and becomes
  the child subreaper, so descendants orphaned on the way (a double fork, a `setsid` daemon) are
  re-parented here and can still be found.
- Its stdin is the adapter's lifeline: the kernel closes it when the adapter dies, for any reason.
  End of file there ends the whole tree. `TERM` / `KILL` lines ask for those signals tree-wide.
- It reads the program's stdout and stderr and sends them with the program's own end on one
  channel (its stdout), in order: `exited` is sent when the program exits, after everything it
  wrote before exiting, even while a grandchild keeps the pipes open.

Frames on stdout: a kind byte, a 4-byte big-endian length, the payload. `o`/`e`: stdout/stderr
bytes; `s`: the program's pid, once started; `x`: its exit code (128+N for signal N); `f`: why it
could not start (UTF-8 text, numbers in decimal).
Standard library only, no pdap imports: it runs before, and beside, the agent.
"""
import errno
import os
import select
import signal
import struct
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
KILL_ROUNDS = 20
#: how long output may gather before it is passed on (at most this late, in far fewer frames)
BATCH_S = 0.002


class Channel:
    """Frames to the adapter on stdout; once that fails the adapter is gone and nothing is sent."""

    def __init__(self) -> None:
        self.open = True

    def send(self, kind: bytes, payload: bytes) -> None:
        data = kind + struct.pack(">I", len(payload)) + payload
        try:
            while data and self.open:
                data = data[os.write(1, data):]
        except OSError:
            self.open = False

    def send_text(self, kind: bytes, text: object) -> None:
        self.send(kind, str(text).encode("utf-8", "replace"))


def become_subreaper() -> None:
    """Orphaned descendants come to us rather than to init (Linux); elsewhere the session has to do."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception:
        pass


def descendants() -> "set[int]":
    """Every process below this one, from /proc (empty where there is no /proc)."""
    children: "dict[int, list[int]]" = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return set()
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(name))
    found: "set[int]" = set()
    todo = [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class Supervisor:
    def __init__(self, argv: "list[str]") -> None:
        self.argv = argv
        self.pid = 0
        self.exit_code: "int | None" = None
        self.outputs: "dict[int, bytes]" = {}
        self.lifeline_open = True
        self.channel = Channel()
        # once the program's session has no process left its id may be reused: never signal it again
        self.group_gone = False

    def start(self) -> bool:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        defaults = [s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)]
        try:
            self.pid = os.posix_spawnp(
                self.argv[0],
                self.argv,
                dict(os.environ),
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_DUP2, out_w, 1),
                    (os.POSIX_SPAWN_DUP2, err_w, 2),
                ],
                setsid=True,
                setsigdef=defaults,  # as a program started by a shell or Node: nothing ignored
            )
        except OSError as exc:
            self.channel.send_text(b"f", "%s: %s" % (self.argv[0], exc.strerror or exc))
            return False
        finally:
            os.close(out_w)
            os.close(err_w)
        for fd in (out_r, err_r):
            os.set_blocking(fd, False)
        self.outputs = {out_r: b"o", err_r: b"e"}
        self.channel.send_text(b"s", self.pid)
        return True

    def signal_tree(self, signum: int) -> None:
        if self.group_alive():
            try:
                os.killpg(self.pid, signum)
            except OSError:
                pass
        for pid in descendants():
            try:
                os.kill(pid, signum)
            except OSError:
                pass

    def kill_tree(self) -> None:
        """SIGKILL until nothing is left below us (a process may fork while we kill)."""
        for _ in range(KILL_ROUNDS):
            self.signal_tree(signal.SIGKILL)
            self.reap()
            if not descendants() and not self.group_alive():
                return
            select.select([], [], [], 0.01)

    def group_alive(self) -> bool:
        if self.group_gone:
            return False
        try:
            os.killpg(self.pid, 0)
            return True
        except OSError as exc:
            self.group_gone = exc.errno != errno.EPERM
            return not self.group_gone

    def reap(self) -> None:
        """Collect every child that ended (the program, and orphans re-parented to us)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.pid and self.exit_code is None:
                self.exit_code = exit_code(status)
                self.drain()
                self.channel.send_text(b"x", self.exit_code)

    def forward(self, fd: int) -> None:
        """What the pipe holds, up to 64 KiB, as one frame: a program that prints line by line
        costs one frame per wake-up, not one per write."""
        chunks = []
        size = 0
        ended = False
        while size < 65536:
            try:
                data = os.read(fd, 65536 - size)
            except BlockingIOError:
                break
            if not data:
                ended = True
                break
            chunks.append(data)
            size += len(data)
        if chunks:
            self.channel.send(self.outputs[fd], b"".join(chunks))
        if ended:
            os.close(fd)
            del self.outputs[fd]

    def drain(self) -> None:
        """All the program wrote before it exited is in the pipes now: pass that on before its end
        (just that much: a grandchild may go on writing)."""
        for fd in list(self.outputs):
            left = pending_bytes(fd)
            while left > 0 and fd in self.outputs:
                try:
                    data = os.read(fd, min(left, 65536))
                except BlockingIOError:
                    break
                left -= len(data)
                if data:
                    self.channel.send(self.outputs[fd], data)
                else:
                    os.close(fd)
                    del self.outputs[fd]

    def command(self) -> None:
        data = os.read(0, 4096)
        if not data:
            self.lifeline_open = False
            return
        for line in data.split():
            if line == b"TERM":
                self.signal_tree(signal.SIGTERM)
            elif line == b"KILL":
                self.signal_tree(signal.SIGKILL)

    def finished(self) -> bool:
        """The program ended, its output is all sent and nothing it started still runs."""
        return (self.exit_code is not None and not self.outputs and not descendants()
                and not self.group_alive())

    def run(self) -> None:
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.stop)  # whoever ends us ends the tree with us
        if not self.start():
            return
        become_subreaper()  # after the spawn: the program starts meanwhile (ctypes takes a while)
        try:
            while self.lifeline_open and self.channel.open and not self.finished():
                # once the program is gone, poll for what may be left (a group member is not our child)
                timeout = None if self.exit_code is None else 0.5
                ready, _, _ = select.select([0, wake_r, *self.outputs], [], [], timeout)
                forwarded = False
                for fd in ready:
                    if fd == 0:
                        self.command()
                    elif fd == wake_r:
                        os.read(wake_r, 512)
                        self.reap()  # SIGCHLD: the program, or an orphan of it, ended
                    elif fd in self.outputs:
                        self.forward(fd)
                        forwarded = True
                if forwarded:
                    # let more output gather: a program printing line by line would otherwise cost a
                    # wake-up per write, and the CPU it needs
                    time.sleep(BATCH_S)
        finally:
            self.kill_tree()

    def stop(self, *_: object) -> None:
        self.lifeline_open = False


def pending_bytes(fd: int) -> int:
    """How much a pipe holds (FIONREAD); without it, a bound as large as a pipe can grow."""
    try:
        import fcntl
        import termios

        buf = bytearray(4)
        fcntl.ioctl(fd, termios.FIONREAD, buf)
        return struct.unpack("i", bytes(buf))[0]
    except (ImportError, OSError, AttributeError):
        return 1 << 20


def exit_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C meant for the adapter's terminal
    Supervisor(sys.argv[1:]).run()


if __name__ == "__main__":
    main()
