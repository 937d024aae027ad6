"""A resident queryrouter for programs that run the command once per query (a launcher, an editor, a voice
assistant): `queryrouter --serve` keeps pint, lark and the glossary loaded, and a one-shot run that finds
it hands its query over a Unix socket instead of loading them itself.

The socket is named by a hash of everything that decides the answers (the code, grammars and data, pint
and lark, the unit options, the glossary files and their times), so a client only reaches a server that
answers exactly as it would itself. Without one (no socket, a stale one, a server that does not answer in
time) the client answers in its own process. Only a client that finds a socket file loads a socket module.

One query per connection: the client sends a byte for the output mode, then the query (UTF-8), and closes
its side; the server replies with a line of the exit status and the text's length, then the text to print.

On a shared machine another user can create folders and sockets under names we can predict (a shared
$XDG_RUNTIME_DIR, a symlink at the socket path), and a server of theirs would choose what our runs print.
So the socket lives in a folder only we may use (0700, ours, not a link), is bound under a umask that
leaves it 0600 from the start, and is checked with lstat (a socket, not a link, ours, 0600) before a
client connects or a server binds or replaces it; where the system says who is listening (SO_PEERCRED),
the client also checks that it is us. Anything else is refused with a message, and the run answers alone.
"""

from __future__ import annotations

import os
import stat
import sys
import time
from collections.abc import Callable, Sequence

from .private_files import (  # only os and stat: a one-shot run has them
    UnsafePath,
    check_folder,
    check_owned,
    private_folder,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a one-shot run imports this module
if TYPE_CHECKING:
    import _socket
    import socket
    from typing import Any

    Request = socket.socket | tuple[bytes, socket.socket]  # what socketserver hands a request handler

Answer = Callable[[str, bool, bool], "tuple[int, str]"]
"""(query, as JSON, explained) -> (exit status, text to print): what the server runs for each request."""

TIMEOUT = 10.0
"""Seconds a client waits for a server before answering in its own process: a warm server takes
milliseconds, so only a stuck one takes this long."""

MAX_REQUEST = 1 << 20

POLL = 0.2
"""Seconds between the server's checks for a stop signal: how long SIGTERM or Ctrl-C takes at most."""
"""A longer request is not read: the client, which gets no reply, answers it itself."""

MAX_CONNECTIONS = 32
"""Requests answered at once: a client that holds a connection open holds a thread, so a flood of them
could otherwise start threads without bound."""

BUSY_WAIT = 0.5
"""Seconds a connection over MAX_CONNECTIONS waits for a free thread before it is closed (its client then
answers alone): a burst of ordinary clients finishes in milliseconds."""

CONNECT_PAUSES = (0.05, 0.1, 0.2, 0.4)
"""Seconds a client waits before each new attempt while the server's listen queue is full: a burst of
clients gets in within a second instead of all answering alone."""

_QUEUE_FULL: tuple[type[OSError], ...] = (BlockingIOError,) if sys.platform.startswith("linux") else (
    BlockingIOError, ConnectionRefusedError)
"""What connect raises when the listen queue is full: EAGAIN on Linux (where ECONNREFUSED means nobody
listens, a stale socket, which is not worth waiting for); ECONNREFUSED for either on the BSDs and macOS."""


def address(settings: Sequence[str]) -> str:
    """The socket of a server whose answers depend on `settings` (its options, and each glossary file with
    its size and time), in $XDG_RUNTIME_DIR/queryrouter or else the user's cache folder."""
    from .fingerprints import code_fingerprint, text_hash
    from .private_files import cache_root

    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    folder = os.path.join(runtime, "queryrouter") if os.path.isabs(runtime) else cache_root()
    return os.path.join(folder, f"serve-{text_hash(chr(10).join([code_fingerprint(), *settings]))}.sock")


def file_settings(paths: Sequence[str]) -> list[str]:
    """Each file as a setting: its full path, size and modification time, so an edit names a new server."""
    settings = []
    for path in paths:
        try:
            info = os.stat(path)
            settings.append(f"{os.path.realpath(path)}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            settings.append(f"{path}:missing")
    return settings


def ask(path: str, query: str, as_json: bool, explain: bool) -> tuple[int, str] | None:
    """The server's (exit status, text) for `query`, or None when no server at `path` answers. Raises
    UnsafePath when something other than a socket of ours stands at `path` (see check_socket)."""
    try:
        os.lstat(path)  # the usual case, no file, found without importing a socket module
    except FileNotFoundError:
        return None
    except OSError:
        pass  # a folder we may not search: check_socket says whose
    check_socket(path)
    import _socket  # socket's C core: socket.py's import (enum, selectors) is a sixth of a served run

    deadline = time.monotonic() + TIMEOUT
    try:
        connection = _connect(path, deadline)
    except (OSError, AttributeError):  # AttributeError: no AF_UNIX on this platform
        return None
    try:
        _check_peer(path, connection)
        connection.settimeout(_left(deadline))
        connection.sendall(_mode(as_json, explain) + query.encode("utf-8", "surrogatepass"))
        connection.shutdown(_socket.SHUT_WR)
        reply = _receive(connection, None, deadline)
    except UnsafePath:
        raise
    except OSError:
        return None
    finally:
        connection.close()
    header, _, text = reply.partition(b"\n")
    status, _, length = header.partition(b" ")
    if not (status.isdigit() and length.isdigit() and int(length) == len(text)):
        return None  # not our server's reply, or cut short
    return int(status), text.decode("utf-8", "surrogatepass")


def check_socket(path: str) -> None:
    """Raise UnsafePath unless `path` is a socket of ours, mode 0600, in a folder of ours that only we may
    use, as lstat sees them: a link is never followed, and what another user put there never trusted."""
    folder = os.path.dirname(path)
    info = check_folder(folder)
    if info.st_mode & 0o077:
        raise UnsafePath(f"{folder}: other users may enter the folder (mode {stat.S_IMODE(info.st_mode):o})")
    info = os.lstat(path)
    if not stat.S_ISSOCK(info.st_mode):
        raise UnsafePath(f"{path}: not a socket (a link or a file stands there)")
    check_owned(path, info, "socket")
    if stat.S_IMODE(info.st_mode) != 0o600:
        raise UnsafePath(f"{path}: the socket's mode is {stat.S_IMODE(info.st_mode):o}, not 600")


def _connect(path: str, deadline: float) -> _socket.socket:
    """A connection to `path`, tried again a few times within a second while the listen queue is full."""
    import _socket

    pauses = iter(CONNECT_PAUSES)
    while True:
        connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            connection.settimeout(_left(deadline))
            connection.connect(path)
            return connection
        except _QUEUE_FULL:
            connection.close()
            pause = next(pauses, None)
            if pause is None or time.monotonic() + pause >= deadline:
                raise
            time.sleep(pause)
        except BaseException:
            connection.close()
            raise


def _check_peer(path: str, connection: _socket.socket) -> None:
    """Raise UnsafePath when the system says that the process listening at `path` is another user's (the
    folder was swapped between check_socket and connect). Linux only; elsewhere check_socket stands alone."""
    import _socket

    if not (hasattr(_socket, "SO_PEERCRED") and hasattr(os, "geteuid")):
        return
    credentials = connection.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)  # pid, uid, gid
    uid = int.from_bytes(credentials[4:8], sys.byteorder)
    if uid != os.geteuid():
        raise UnsafePath(f"{path}: the server there runs as another user (uid {uid})")


def _left(deadline: float) -> float:
    """Seconds until `deadline`; TimeoutError once it has passed."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(f"unfinished after {TIMEOUT:g} s")
    return left


def _mode(as_json: bool, explain: bool) -> bytes:
    return bytes([ord("0") + as_json + 2 * explain])


class AlreadyServing(OSError):
    """Another server answers at this socket."""


def claim(path: str) -> None:
    """Make ready to answer at `path`: its folder made or checked (private_files.private_folder), and a
    stale socket (no server behind it) removed. Raises AlreadyServing for a live one, and UnsafePath for a
    folder or file that is not ours alone: a link is neither followed nor removed, another user's socket
    neither connected to nor replaced."""
    try:
        private_folder(os.path.dirname(path))
        _clear_stale(path)
    except UnsafePath as error:
        raise UnsafePath(f"will not answer there: {error}") from None


def serve(path: str, answer: Answer, ready: Callable[[], None] = lambda: None) -> int:
    """Answer clients at `path` until SIGTERM or Ctrl-C, then remove the socket; returns how many queries
    it answered. See claim for what is refused.

    Each request has TIMEOUT seconds in all, however slowly it trickles in; at most MAX_CONNECTIONS are
    answered at once; a bad request costs one line on stderr, never a traceback."""
    import signal
    import socketserver
    import threading

    if not hasattr(socketserver, "ThreadingUnixStreamServer"):
        raise OSError("--serve needs Unix sockets, which this platform does not have")
    served = 0
    count_lock = threading.Lock()
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            nonlocal served
            deadline = time.monotonic() + TIMEOUT  # for the whole request: a trickle holds no thread for long
            request = _receive(self.request, MAX_REQUEST, deadline)
            if not request:
                return  # a connection that says nothing: another server checking that this one is alive
            if request[:1] not in b"0123":
                raise _BadRequest("not a queryrouter request")
            if len(request) > MAX_REQUEST:
                raise _BadRequest(f"longer than {MAX_REQUEST} bytes")  # no reply: the client answers itself
            flags = request[0] - ord("0")
            status, text = answer(request[1:].decode("utf-8", "surrogatepass"), bool(flags & 1), bool(flags & 2))
            with count_lock:  # before the reply: a client that has it may stop the server at once
                served += 1
            body = text.encode("utf-8", "surrogatepass")
            self.request.settimeout(_left(deadline))
            self.request.sendall(b"%d %d\n" % (status, len(body)) + body)

    class Server(socketserver.ThreadingUnixStreamServer):
        daemon_threads = True
        request_queue_size = 128  # socketserver's 5 turns away a burst of clients (a connect fails at once)

        def process_request(self, request: Request, client_address: Any) -> None:
            if not slots.acquire(timeout=BUSY_WAIT):
                _log(f"busy: {MAX_CONNECTIONS} requests at once, one more turned away")
                self.shutdown_request(request)  # the client gets no reply and answers alone
                return
            try:
                super().process_request(request, client_address)
            except BaseException:
                slots.release()
                raise

        def process_request_thread(self, request: Request, client_address: Any) -> None:
            try:
                super().process_request_thread(request, client_address)
            finally:
                slots.release()

        def handle_error(self, request: object, client_address: object) -> None:
            error = sys.exc_info()[1]
            _log(f"request dropped: {str(error) or type(error).__name__}")

        def service_actions(self) -> None:
            """Between requests (at least every POLL seconds): stop when a signal asked to. The signal
            handler only sets a flag: an exception raised wherever the signal lands could break off
            thread bookkeeping half done (a slot given back twice) and be swallowed as a bad request."""
            if stopping.is_set():
                raise _Stopped

    claim(path)
    mask = os.umask(0o177)  # the socket is 0600 from the moment it exists, not after a chmod
    try:
        server = Server(path, Handler)
    except OSError as error:  # "AF_UNIX path too long" does not say which path
        raise OSError(f"cannot answer at {path}: {error}") from error
    finally:
        os.umask(mask)
    mine = os.lstat(path).st_ino
    stopping = threading.Event()
    in_main = threading.current_thread() is threading.main_thread()  # only it may set a signal handler
    previous = {number: signal.signal(number, lambda *_: stopping.set())
                for number in (signal.SIGTERM, signal.SIGINT)} if in_main else {}
    try:
        check_socket(path)  # what clients will check: a platform whose bind ignores the umask is found here
        ready()
        server.serve_forever(poll_interval=POLL)
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        server.server_close()
        try:
            if os.lstat(path).st_ino == mine:  # not a socket another server has put there since
                os.remove(path)
        except OSError:
            pass
    return served


def _receive(connection: _socket.socket, limit: int | None = None, deadline: float | None = None) -> bytes:
    """Everything the other side sends until it closes its side, or just over `limit` bytes; TimeoutError
    when that takes past `deadline` (time.monotonic), however steadily the bytes arrive."""
    parts, size = [], 0
    while limit is None or size <= limit:
        if deadline is not None:
            connection.settimeout(_left(deadline))
        try:
            part = connection.recv(1 << 16)
        except TimeoutError:
            raise TimeoutError(f"unfinished after {TIMEOUT:g} s") from None
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _clear_stale(path: str) -> None:
    """Remove a socket of ours that no server listens on; raise AlreadyServing for one that a server does,
    and UnsafePath for anything that is not a socket of ours (check_socket)."""
    import socket

    try:
        os.lstat(path)
    except FileNotFoundError:
        return
    check_socket(path)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            os.remove(path)
            return
    raise AlreadyServing(f"a server already answers at {path}")


def _log(message: str) -> None:
    print(f"queryrouter: {message}", file=sys.stderr, flush=True)


class _BadRequest(Exception):
    """A request the server does not answer; its client gets no reply and answers alone."""


class _Stopped(BaseException):
    """SIGTERM or Ctrl-C: stop serving. Not an Exception: socketserver hands those to handle_error and
    serves on."""
