"""`queryrouter --serve`: one-shot runs hand their query to a resident server and print what they would
have printed themselves; without a server that answers exactly as they would, they answer alone."""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from queryrouter import cli, server
from queryrouter.private_files import UnsafePath

COMMAND = [sys.executable, "-m", "queryrouter"]
QUERIES = [
    ["19.2", "lbs", "to", "kg"],                  # a shipped shape
    ["17.3", "furlongs", "to", "fathoms"],        # a shape nobody has planned
    ["-40c", "to", "f"],
    ["19,2", "kg", "to", "lb"],
    ["behemoth", "definition"],
    ["who", "owns", "antarctica"],
    ["15%", "of", "80"],
    ["5", "florbs", "to", "kg"],                  # not answered: exit status 1
    ["--json", "synonyms", "for", "happy"],
    ["--explain", "4", "oz", "chocolate", "in", "grams"],
    ["--explain", "--json", "luscious", "meaning"],
    ["naïve", "définition"],
]


class Served:
    """A `queryrouter --serve` process with its own runtime and cache folders."""

    def __init__(self, root: Path, *options: str) -> None:
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(root / "runtime"), "XDG_CACHE_HOME": str(root / "cache")}
        (root / "runtime").mkdir(mode=0o700, exist_ok=True)
        self.process = subprocess.Popen([*COMMAND, "--serve", *options], env=self.env, stderr=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL)
        assert self.process.stderr is not None
        ready = self.process.stderr.readline().decode()
        assert "answering one-shot queries at" in ready, ready
        self.path = ready.split(" at ", 1)[1].split(" (", 1)[0]

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([*COMMAND, *args], capture_output=True, env=env or self.env, timeout=60,
                              check=False)

    def stop(self) -> str:
        """Stop it as a service manager would; what it said when it stopped."""
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=30) == 0
        assert self.process.stderr is not None
        return self.process.stderr.read().decode()


@pytest.fixture
def short_path() -> Iterator[Path]:
    """A folder with a short name: a socket's path is limited to about 100 bytes, too few for pytest's."""
    folder = tempfile.mkdtemp(prefix="qr-")
    yield Path(folder)
    shutil.rmtree(folder)


@pytest.fixture
def served(short_path: Path) -> Iterator[Served]:
    running = Served(short_path)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def alone(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    """The same run with no server to be found."""
    return subprocess.run([*COMMAND, *args], capture_output=True, timeout=60, check=False,
                          env={**env, "XDG_RUNTIME_DIR": env["XDG_RUNTIME_DIR"] + "-none"})


def test_a_served_run_prints_and_exits_as_a_run_alone_does(served: Served) -> None:
    assert os.stat(served.path).st_mode & 0o777 == 0o600, "only this user's runs may connect"
    for args in QUERIES:
        by_server, by_itself = served.run(*args), alone(served.env, *args)
        assert (by_server.stdout.decode(), by_server.returncode) == (by_itself.stdout.decode(), by_itself.returncode)
        assert by_server.stderr == b""
    assert served.run("5", "florbs", "to", "kg").returncode == 1
    assert f"stopped after {len(QUERIES) + 1} queries" in served.stop()
    assert not os.path.exists(served.path), "the socket is removed when the server stops"


def test_a_served_run_loads_neither_pint_nor_lark_nor_the_glossary_nor_json(served: Served) -> None:
    for args in (["17.3", "furlongs", "to", "fathoms"], ["behemoth", "definition"]):
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "queryrouter", *args], capture_output=True,
                              env=served.env, timeout=60, check=False)
        assert done.returncode == 0 and done.stdout
        loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.decode().splitlines()}
        unwanted = {"pint", "lark", "sqlite3", "queryrouter.glossary", "json", "queryrouter.fastpath.shapes", "socket"}
        assert not unwanted & loaded
    assert "stopped after 2 queries" in served.stop()


def test_runs_with_other_settings_answer_alone(served: Served, tmp_path: Path) -> None:
    glossary = tmp_path / "terms.toml"
    glossary.write_text('[[entry]]\nterm = "quokka"\nsummary = "A small wallaby."\n', encoding="utf-8")
    assert "0.2366" in served.run("--imperial", "1", "cup", "to", "l").stdout.decode()  # a UK cup
    assert "quokka" in served.run("--glossary", str(glossary), "quokka").stdout.decode()
    assert served.run("--no-cache", "1", "cup", "to", "l").returncode == 0
    assert "stopped after 0 queries" in served.stop()


def test_a_glossary_edit_names_another_server(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.toml"
    glossary.write_text('[[entry]]\nterm = "quokka"\nsummary = "A small wallaby."\n', encoding="utf-8")
    before = server.address(server.file_settings([str(glossary)]))
    glossary.write_text('[[entry]]\nterm = "quokka"\nsummary = "A marsupial."\n', encoding="utf-8")
    assert server.address(server.file_settings([str(glossary)])) != before
    assert server.address(["us"]) != server.address(["imperial"])


def test_many_clients_at_once(served: Served) -> None:
    amounts = range(1, 41)
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda n: server.ask(served.path, f"{n} furlongs to m", False, False), amounts))
    assert [reply[1] if reply else None for reply in replies] == [f"{n} fur = {n * 201.168:.4g} m" for n in amounts]
    assert f"stopped after {len(amounts)} queries" in served.stop()


def test_a_second_server_is_refused(served: Served) -> None:
    second = served.run("--serve")
    assert second.returncode == 2 and "already answers" in second.stderr.decode()
    assert served.run("19.2", "lbs", "to", "kg").stdout.decode().strip() == "19.2 lb = 8.709 kg"
    assert "stopped after 1 queries" in served.stop()


def test_serve_takes_no_query() -> None:
    done = subprocess.run([*COMMAND, "--serve", "5", "kg"], capture_output=True, timeout=60, check=False)
    assert done.returncode == 2 and "--serve takes no query" in done.stderr.decode()


def test_a_stale_socket_is_answered_around_and_replaced(short_path: Path) -> None:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(short_path / "runtime"), "XDG_CACHE_HOME": str(short_path / "cache")}
    path = subprocess.run([sys.executable, "-c", "from queryrouter import cli; print(cli._address(cli._options([])))"],
                          capture_output=True, env=env, check=True, text=True).stdout.strip()
    os.makedirs(os.path.dirname(path), mode=0o700)
    with socket.socket(socket.AF_UNIX) as dead:  # a server killed without cleaning up leaves this
        dead.bind(path)
    os.chmod(path, 0o600)
    done = subprocess.run([*COMMAND, "19.2", "lbs", "to", "kg"], capture_output=True, env=env, timeout=60,
                          check=False)
    assert done.stdout.decode().strip() == "19.2 lb = 8.709 kg" and done.returncode == 0 and done.stderr == b""
    replacing = Served(short_path)
    assert replacing.path == path
    assert replacing.run("19.2", "lbs", "to", "kg").stdout.decode().strip() == "19.2 lb = 8.709 kg"
    assert "stopped after 1 queries" in replacing.stop()


@pytest.mark.parametrize("reply", [b"", b"x not a status", b"0 20\ncut short", b"0\n19.2 lb", None])
def test_a_server_that_does_not_answer_properly_is_not_trusted(short_path: Path, reply: bytes | None) -> None:
    path = str(short_path / "odd.sock")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        os.chmod(path, 0o600)  # as a server of ours leaves it: only its reply is wrong
        listener.listen()

        def answer_once() -> None:
            connection, _ = listener.accept()
            with connection:
                while connection.recv(1 << 16):  # the whole request, as a server reads it
                    pass
                if reply is None:  # hangs past the client's patience
                    threading.Event().wait(1.0)
                else:
                    connection.sendall(reply)

        worker = threading.Thread(target=answer_once)
        worker.start()
        patience, server.TIMEOUT = server.TIMEOUT, 0.2
        try:
            assert server.ask(path, "5 kg to lb", False, False) is None
        finally:
            server.TIMEOUT = patience
            worker.join()


def test_no_socket_file_means_no_server(tmp_path: Path) -> None:
    assert server.ask(str(tmp_path / "absent.sock"), "5 kg to lb", False, False) is None


def test_a_fingerprint_that_fails_means_no_server(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def vanished() -> str:
        raise FileNotFoundError("a package file went away during an upgrade")

    monkeypatch.setattr("queryrouter.fastpath.plan_store.code_fingerprint", vanished)
    assert cli.main(["19.2", "lbs", "to", "kg"]) == 0
    assert capsys.readouterr().out.strip() == "19.2 lb = 8.709 kg"


def test_a_request_over_the_limit_gets_no_reply_so_the_run_answers_alone(served: Served) -> None:
    assert server.ask(served.path, "5 kg to lb " + "x" * server.MAX_REQUEST, False, False) is None
    assert server.ask(served.path, "5 kg to lb", False, False) == (0, "5 kg = 11.02 lb")
    assert "stopped after 1 queries" in served.stop()


# --- who may answer: the socket's folder and file (issue 22, finding 3) ------------------------------

FAKE_ANSWER = "19.2 lb = 1,000,000 kg\x1b]0;owned\x07"  # what another user's server would like us to print


class FakeServer:
    """A server that answers every connection with FAKE_ANSWER, as another user's could; counts them."""

    def __init__(self, path: str) -> None:
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(path)
        self.listener.listen()
        self.connections = 0
        self.thread = threading.Thread(target=self._answer, daemon=True)
        self.thread.start()

    def _answer(self) -> None:
        body = FAKE_ANSWER.encode()
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with connection:
                connection.settimeout(5)
                try:
                    while connection.recv(1 << 16):  # the whole request, as our server reads it
                        pass
                    connection.sendall(b"0 %d\n" % len(body) + body)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)


def environment(root: Path, runtime: Path | None) -> dict[str, str]:
    """Runs with their own cache folder, and `runtime` as XDG_RUNTIME_DIR (None: unset)."""
    env = {key: value for key, value in os.environ.items() if key != "XDG_RUNTIME_DIR"}
    env["XDG_CACHE_HOME"] = str(root / "cache")
    if runtime is not None:
        env["XDG_RUNTIME_DIR"] = str(runtime)
    return env


def socket_path(env: dict[str, str]) -> str:
    """Where a run with `env` looks for its server."""
    return subprocess.run([sys.executable, "-c", "from queryrouter import cli; print(cli._address(cli._options([])))"],
                          capture_output=True, env=env, check=True, text=True).stdout.strip()


def needs_root(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(os.geteuid() != 0, reason=f"only root can make files of another user ({reason})")


def refused_alone(env: dict[str, str], fake: FakeServer, reason: str) -> None:
    """A one-shot run answers itself and says once why; `--serve` exits 2 and says why; neither asks
    the fake server."""
    done = subprocess.run([*COMMAND, "19.2", "lbs", "to", "kg"], capture_output=True, env=env, timeout=60, check=False)
    assert (done.stdout.decode(), done.returncode) == ("19.2 lb = 8.709 kg\n", 0)
    said = done.stderr.decode().splitlines()
    assert len(said) == 1 and said[0].startswith("queryrouter: not asking a server: ") and reason in said[0], said
    serving = subprocess.run([*COMMAND, "--serve"], capture_output=True, env=env, timeout=60, check=False)
    said = serving.stderr.decode().splitlines()
    assert serving.returncode == 2 and len(said) == 1 and reason in said[0], said
    assert "Traceback" not in serving.stderr.decode()
    assert fake.connections == 0


@pytest.mark.parametrize("other", ["folder open to all", pytest.param("another uid", marks=needs_root("uid 65534"))])
def test_another_users_server_in_a_shared_runtime_folder_is_not_trusted(short_path: Path, other: str) -> None:
    runtime = short_path / "shared"
    runtime.mkdir()
    runtime.chmod(0o1777)  # XDG_RUNTIME_DIR pointing at a folder every user may write, as /tmp
    env = environment(short_path, runtime)
    path = socket_path(env)
    os.mkdir(os.path.dirname(path))  # the other user was first
    fake = FakeServer(path)
    try:
        if other == "folder open to all":
            os.chmod(os.path.dirname(path), 0o777)
            reason = "other users may write the folder"
        else:
            os.chown(os.path.dirname(path), 65534, 65534)
            os.chown(path, 65534, 65534)
            os.chmod(path, 0o777)  # the other user lets anyone connect
            reason = "belongs to another user (uid 65534)"
        refused_alone(env, fake, reason)
        assert os.path.exists(path), "another user's socket is not removed"
    finally:
        fake.close()


@pytest.mark.parametrize("stands", ["link to a server", "socket others may use", "regular file",
                                    pytest.param("socket of another uid", marks=needs_root("uid 65534"))])
def test_only_a_socket_of_ours_is_connected_to_or_replaced(short_path: Path, stands: str) -> None:
    env = environment(short_path, short_path / "runtime")
    path = socket_path(env)
    os.makedirs(os.path.dirname(path), mode=0o700)
    fake = FakeServer(str(short_path / "elsewhere.sock") if stands == "link to a server" else
                      path if "socket" in stands else str(short_path / "unused.sock"))
    try:
        if stands == "link to a server":
            os.symlink(short_path / "elsewhere.sock", path)
            os.chmod(short_path / "elsewhere.sock", 0o600)
        elif stands == "socket others may use":
            os.chmod(path, 0o666)
        elif stands == "regular file":
            Path(path).write_bytes(b"")
        else:
            os.chmod(path, 0o600)
            os.chown(path, 65534, 65534)
        reason = {"link to a server": "not a socket", "regular file": "not a socket",
                  "socket others may use": "(mode 666)", "socket of another uid": "another user"}[stands]
        refused_alone(env, fake, reason)
        assert os.path.lexists(path), "what stands there is left for its owner to look at"
    finally:
        fake.close()


@needs_root("a server run as uid 65534")
@pytest.mark.skipif(not hasattr(socket, "SO_PEERCRED"), reason="the system does not say who listens")
def test_a_server_of_another_user_swapped_in_after_the_checks_is_not_trusted(short_path: Path) -> None:
    """The folder passed its checks, then another user's socket took the name (a swapped folder): the
    client asks the system who is listening, and does not take that server's answer."""
    short_path.chmod(0o711)  # the other user may pass through to its own folder
    theirs = short_path / "theirs"
    theirs.mkdir()
    os.chown(theirs, 65534, 65534)
    ready_read, ready_write = os.pipe()
    child = os.fork()
    if child == 0:  # the other user's server
        try:
            os.setgid(65534)
            os.setuid(65534)
            listener = socket.socket(socket.AF_UNIX)
            listener.bind(str(theirs / "fake.sock"))
            listener.listen()
            os.write(ready_write, b"!")
            connection, _ = listener.accept()
            connection.settimeout(5)
            while connection.recv(1 << 16):
                pass
            connection.sendall(b"0 22\n19.2 lb = 1,000,000 kg")
        finally:
            os._exit(0)
    os.close(ready_write)
    try:
        assert os.read(ready_read, 1) == b"!", "the other user's server did not start"
        ours = short_path / "ours"
        ours.mkdir(mode=0o700)
        os.chown(theirs / "fake.sock", 0, 0)  # what lstat sees is now a socket of ours, mode 0600...
        os.chmod(theirs / "fake.sock", 0o600)
        os.rename(theirs / "fake.sock", ours / "serve.sock")  # ...but uid 65534 listens behind it
        with pytest.raises(UnsafePath, match=r"runs as another user \(uid 65534\)"):
            server.ask(str(ours / "serve.sock"), "19.2 lbs to kg", False, False)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        os.close(ready_read)


def test_the_cache_folder_fallback_is_0700_even_under_umask_000(short_path: Path) -> None:
    env = environment(short_path, None)
    process = subprocess.Popen([*COMMAND, "--serve"], env=env, stderr=subprocess.PIPE, umask=0)
    try:
        assert process.stderr is not None
        ready = process.stderr.readline().decode()
        path = ready.split(" at ", 1)[1].split(" (", 1)[0]
        assert path.startswith(str(short_path / "cache" / "queryrouter") + "/"), path
        assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert server.ask(path, "5 kg to lb", False, False) == (0, "5 kg = 11.02 lb")
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- limits: the whole-request deadline, the connection cap, one line per bad request (finding 7) -------

TINY_SERVER = """\
import sys
from queryrouter import server
path, server.TIMEOUT, server.MAX_CONNECTIONS, server.MAX_REQUEST = sys.argv[1], float(sys.argv[2]), 2, 1000
server.BUSY_WAIT = 1.0  # longer than a finished request's thread takes to give its place back

def answer(query, as_json, explain):
    if query == "boom":
        raise ValueError("a bug in answering")
    return 0, query.upper()

served = server.serve(path, answer, ready=lambda: print("ready", file=sys.stderr, flush=True))
print(f"served {served}", file=sys.stderr)
"""


class TinyServer:
    """server.serve with a deadline of `timeout` seconds, two requests at once and requests of 1000 bytes at
    most, answering each query in capitals (and "boom" with an exception)."""

    def __init__(self, root: Path, timeout: float = 1.0) -> None:
        self.path = str(root / "own" / "tiny.sock")
        self.process = subprocess.Popen([sys.executable, "-c", TINY_SERVER, self.path, str(timeout)],
                                        stderr=subprocess.PIPE)
        assert self.process.stderr is not None
        assert self.process.stderr.readline() == b"ready\n"

    def connect(self) -> socket.socket:
        connection = socket.socket(socket.AF_UNIX)
        connection.connect(self.path)
        return connection

    def stop(self) -> list[str]:
        """What it said on stderr, line by line, until it stopped."""
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=30) == 0
        assert self.process.stderr is not None
        return self.process.stderr.read().decode().splitlines()


@pytest.fixture
def tiny(short_path: Path, request: pytest.FixtureRequest) -> Iterator[TinyServer]:
    running = TinyServer(short_path, getattr(request, "param", 1.0))
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()


def test_a_request_that_trickles_in_is_dropped_at_the_whole_request_deadline(tiny: TinyServer) -> None:
    started = time.monotonic()
    with tiny.connect() as connection:
        connection.sendall(b"0")
        while time.monotonic() - started < 5:  # a byte every 0.3 s: each read well within the 1 s timeout
            if select.select([connection], [], [], 0.3)[0]:
                assert connection.recv(100) == b"", "no reply: the connection is closed"
                break
            connection.sendall(b"x")
        dropped = time.monotonic() - started
    assert 0.9 < dropped < 3.5, f"dropped after {dropped:.1f} s, not at the 1 s deadline"
    assert tiny.stop() == ["queryrouter: request dropped: unfinished after 1 s", "served 0"]


@pytest.mark.parametrize("tiny", [3.0], indirect=True)  # the held requests outlast BUSY_WAIT
def test_connections_over_the_cap_are_closed_so_their_clients_answer_alone(tiny: TinyServer) -> None:
    holders = [tiny.connect(), tiny.connect()]  # two requests that do not finish: both threads busy
    for holder in holders:
        holder.sendall(b"0hold")
    time.sleep(0.2)
    started = time.monotonic()
    assert server.ask(tiny.path, "over the cap", False, False) is None
    assert time.monotonic() - started < 5, "turned away after BUSY_WAIT, not at the client's 10 s timeout"
    for holder in holders:
        holder.shutdown(socket.SHUT_WR)
        assert holder.recv(100) == b"0 4\nHOLD"
        holder.close()
    assert server.ask(tiny.path, "under the cap", False, False) == (0, "UNDER THE CAP")
    said = tiny.stop()
    assert said == ["queryrouter: busy: 2 requests at once, one more turned away", "served 3"], said


def test_each_bad_request_costs_one_line_and_no_traceback(tiny: TinyServer) -> None:
    def send(request: bytes, finish: bool = True) -> bytes:
        with tiny.connect() as connection:
            connection.sendall(request)
            if finish:
                connection.shutdown(socket.SHUT_WR)
            return connection.recv(100)

    assert send(b"") == b""  # says nothing: another server checking whether this one is alive
    assert send(b"\x16\x03\x01 not ours") == b""
    assert send(b"0" + b"x" * 2000) == b""
    assert send(b"0boom") == b""
    assert send(b"0half a query", finish=False) == b""  # the deadline passes
    assert send(b"0fine") == b"0 4\nFINE"
    assert tiny.stop() == ["queryrouter: request dropped: not a queryrouter request",
                           "queryrouter: request dropped: longer than 1000 bytes",
                           "queryrouter: request dropped: a bug in answering",
                           "queryrouter: request dropped: unfinished after 1 s",
                           "served 1"]


class Pauses:
    """CONNECT_PAUSES that say when the client first had to wait: its first attempt found the queue full."""

    def __init__(self, pauses: list[float]) -> None:
        self.pauses, self.waited = pauses, threading.Event()

    def __iter__(self) -> Iterator[float]:
        for pause in self.pauses:
            self.waited.set()
            yield pause


def test_a_client_waits_briefly_while_the_listen_queue_is_full(short_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pauses = Pauses([0.1, 0.2, 0.4, 0.8])  # room for a loaded machine; the default waits under a second
    monkeypatch.setattr(server, "CONNECT_PAUSES", pauses, raising=False)
    folder = short_path / "own"
    folder.mkdir(mode=0o700)
    path = str(folder / "busy.sock")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        os.chmod(path, 0o600)
        listener.listen(0)
        queued = []
        while True:  # fill the listen queue
            filler = socket.socket(socket.AF_UNIX)
            filler.setblocking(False)
            try:
                filler.connect(path)
            except BlockingIOError:
                filler.close()
                break
            queued.append(filler)
        assert queued, "the queue takes at least one connection"

        def drain_then_answer() -> None:
            if not pauses.waited.wait(timeout=5):  # until the client's first attempt has found the queue full
                return
            for _ in queued:
                listener.accept()[0].close()
            connection, _ = listener.accept()
            with connection:
                while connection.recv(1 << 16):
                    pass
                connection.sendall(b"0 5\nhello")

        worker = threading.Thread(target=drain_then_answer)
        worker.start()
        try:
            assert server.ask(path, "5 kg to lb", False, False) == (0, "hello")
        finally:
            worker.join(timeout=10)
            for filler in queued:
                filler.close()
