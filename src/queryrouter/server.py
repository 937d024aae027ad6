"""A resident queryrouter for programs that run the command once per query (a launcher, an editor, a voice
assistant): `queryrouter --serve` keeps pint, lark and the glossary loaded, and a one-shot run that finds
it hands its query over a Unix socket instead of loading them itself.

The socket is named by a hash of everything that decides the answers (the code, grammars and data, pint
and lark, the unit options, the glossary files and their times), so a client only reaches a server that
answers exactly as it would itself. Without one (no socket, a stale one, a server that does not answer in
time) the client answers in its own process. Only a client that finds a socket file loads a socket module.

One query per connection: the client sends a byte for the output mode, then the query (UTF-8), and closes
its side; the server replies with a line of the exit status and the text's length, then the text to print.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a one-shot run imports this module
if TYPE_CHECKING:
    import _socket

Answer = Callable[[str, bool, bool], "tuple[int, str]"]
"""(query, as JSON, explained) -> (exit status, text to print): what the server runs for each request."""

TIMEOUT = 10.0
"""Seconds a client waits for a server before answering in its own process: a warm server takes
milliseconds, so only a stuck one takes this long."""

MAX_REQUEST = 1 << 20
"""A longer request is not read: the client, which gets no reply, answers it itself."""


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
            stat = os.stat(path)
            settings.append(f"{os.path.realpath(path)}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            settings.append(f"{path}:missing")
    return settings


def ask(path: str, query: str, as_json: bool, explain: bool) -> tuple[int, str] | None:
    """The server's (exit status, text) for `query`, or None when no server at `path` answers."""
    if not os.path.exists(path):  # the usual case, found without importing a socket module
        return None
    import _socket  # socket's C core: socket.py's import (enum, selectors) is a sixth of a served run

    try:
        connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except (OSError, AttributeError):  # AttributeError: no AF_UNIX on this platform
        return None
    try:
        connection.settimeout(TIMEOUT)
        connection.connect(path)
        connection.sendall(_mode(as_json, explain) + query.encode("utf-8", "surrogatepass"))
        connection.shutdown(_socket.SHUT_WR)
        reply = _receive(connection)
    except OSError:
        return None
    finally:
        connection.close()
    header, _, text = reply.partition(b"\n")
    status, _, length = header.partition(b" ")
    if not (status.isdigit() and length.isdigit() and int(length) == len(text)):
        return None  # not our server's reply, or cut short
    return int(status), text.decode("utf-8", "surrogatepass")


def _mode(as_json: bool, explain: bool) -> bytes:
    return bytes([ord("0") + as_json + 2 * explain])


class AlreadyServing(OSError):
    """Another server answers at this socket."""


def serve(path: str, answer: Answer, ready: Callable[[], None] = lambda: None) -> int:
    """Answer clients at `path` until SIGTERM or Ctrl-C, then remove the socket; returns how many queries
    it answered. A stale socket file (no server behind it) is replaced; a live one raises AlreadyServing."""
    import signal
    import socketserver
    import threading

    if not hasattr(socketserver, "ThreadingUnixStreamServer"):
        raise OSError("--serve needs Unix sockets, which this platform does not have")
    served = 0
    count_lock = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            nonlocal served
            self.request.settimeout(TIMEOUT)  # a client that never finishes its request holds no thread
            request = _receive(self.request, MAX_REQUEST)
            if not request[:1] or request[:1] not in b"0123" or len(request) > MAX_REQUEST:
                return  # no reply: the client answers itself
            flags = request[0] - ord("0")
            status, text = answer(request[1:].decode("utf-8", "surrogatepass"), bool(flags & 1), bool(flags & 2))
            body = text.encode("utf-8", "surrogatepass")
            self.request.sendall(b"%d %d\n" % (status, len(body)) + body)
            with count_lock:
                served += 1

    class Server(socketserver.ThreadingUnixStreamServer):
        daemon_threads = True
        request_queue_size = 128  # socketserver's 5 turns away a burst of clients (a connect fails at once)

    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    _clear_stale(path)
    try:
        server = Server(path, Handler)
    except OSError as error:  # "AF_UNIX path too long" does not say which path
        raise OSError(f"cannot answer at {path}: {error}") from error
    os.chmod(path, 0o600)  # only this user's runs may connect
    mine = os.stat(path).st_ino
    in_main = threading.current_thread() is threading.main_thread()  # only it may set a signal handler
    previous = signal.signal(signal.SIGTERM, _stop) if in_main else None
    try:
        ready()
        server.serve_forever()
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        server.server_close()
        try:
            if os.stat(path).st_ino == mine:  # not a socket another server has put there since
                os.remove(path)
        except OSError:
            pass
    return served


def _receive(connection: _socket.socket, limit: int | None = None) -> bytes:
    """Everything the other side sends until it closes its side, or just over `limit` bytes."""
    parts, size = [], 0
    while (limit is None or size <= limit) and (part := connection.recv(1 << 16)):
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _clear_stale(path: str) -> None:
    """Remove a socket file no server listens on; raise AlreadyServing for one that a server does."""
    import socket

    if not os.path.exists(path):
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(path)
        except OSError:
            os.remove(path)
            return
    raise AlreadyServing(f"a server already answers at {path}")


class _Stopped(Exception):
    """SIGTERM: stop serving."""


def _stop(signum: int, frame: object) -> None:
    raise _Stopped
