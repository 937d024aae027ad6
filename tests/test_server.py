"""`queryrouter --serve`: one-shot runs hand their query to a resident server and print what they would
have printed themselves; without a server that answers exactly as they would, they answer alone."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from queryrouter import cli, server

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
        assert not {"pint", "lark", "sqlite3", "queryrouter.glossary", "json", "queryrouter.fastpath.shapes", "socket"} & loaded
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
    os.makedirs(os.path.dirname(path))
    with socket.socket(socket.AF_UNIX) as dead:  # a server killed without cleaning up leaves this
        dead.bind(path)
    done = subprocess.run([*COMMAND, "19.2", "lbs", "to", "kg"], capture_output=True, env=env, timeout=60,
                          check=False)
    assert done.stdout.decode().strip() == "19.2 lb = 8.709 kg" and done.returncode == 0
    replacing = Served(short_path)
    assert replacing.path == path
    assert replacing.run("19.2", "lbs", "to", "kg").stdout.decode().strip() == "19.2 lb = 8.709 kg"
    assert "stopped after 1 queries" in replacing.stop()


@pytest.mark.parametrize("reply", [b"", b"x not a status", b"0 20\ncut short", b"0\n19.2 lb", None])
def test_a_server_that_does_not_answer_properly_is_not_trusted(short_path: Path, reply: bytes | None) -> None:
    path = str(short_path / "odd.sock")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
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
