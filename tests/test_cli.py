"""The `queryrouter` command, run as a real process: one-shot, --json, batch, exit statuses, the REPL."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

COMMAND = [sys.executable, "-m", "queryrouter"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, timeout=60)


def test_one_shot_prints_the_answer() -> None:
    done = run("19.2", "lbs", "to", "kg")
    assert done.returncode == 0
    assert done.stdout.decode().strip() == "19.2 lb = 8.709 kg"


def test_json_prints_to_dict() -> None:
    done = run("--json", "behemoth definition")
    data = json.loads(done.stdout)
    assert done.returncode == 0 and data["intent"] == "definition" and data["answer"]["term"] == "behemoth"


def test_not_answered_exits_1() -> None:
    done = run("5 florbs to kg")
    assert done.returncode == 1
    assert "florbs" in done.stdout.decode()


def test_usage_error_exits_2_on_stderr() -> None:
    done = run("--no-such-option")
    assert done.returncode == 2 and done.stdout == b"" and b"usage" in done.stderr


def test_bad_glossary_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[{\"term\": }]")
    done = run("--glossary", str(bad), "behemoth definition")
    assert done.returncode == 2 and str(bad).encode() in done.stderr


def test_batch_keeps_every_line_in_order_and_reports_bad_ones() -> None:
    lines = b"19 2 lbs to kg\n\xff\xfe not utf-8\nwho owns antarctica\n" + b"x" * 20_000 + b"\n\n60000 10\n"
    done = run(stdin=lines)
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert [r["status"] for r in records] == ["ok", "invalid_encoding", "ok", "too_long", "empty", "ambiguous"]
    assert records[0]["answer"]["to"]["unit"] == "kilogram"
    assert done.returncode == 1  # not every line was answered


def test_batch_from_a_file_argument(tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("32 celsius to fahrenheit\nluscious meaning\n")
    done = run(str(queries))
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert done.returncode == 0 and [r["intent"] for r in records] == ["conversion", "definition"]


def test_repl_in_a_pseudo_terminal(tmp_path: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the REPL on a real terminal
        os.environ["QUERYROUTER_HISTORY"] = str(tmp_path / "history")
        os.execv(sys.executable, COMMAND)
    try:
        assert "Ctrl-D" in _read_until(fd, "? ")
        os.write(fd, b"19.2 lbs to kg\r")
        assert "8.709 kg" in _read_until(fd, "? ")
        os.write(fd, b":json\r")
        _read_until(fd, "? ")
        os.write(fd, b"15% of 80\r")
        assert '"status": "ok"' in _read_until(fd, "? ")
        os.write(fd, b"\x04")  # Ctrl-D quits
        _read_until(fd, None)
    finally:
        status = _wait(pid)
    assert status == 0
    assert "19.2 lbs to kg" in (tmp_path / "history").read_text()


def _wait(pid: int, timeout: float = 30.0) -> int | None:
    """The child's exit code; a child still running after `timeout` is killed and gives None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    return None


def _read_until(fd: int, marker: str | None, timeout: float = 30.0) -> str:
    """Read the terminal until `marker` appears at the end (or the process closes it)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if marker is not None and seen.decode(errors="replace").endswith(marker):
            break
    return seen.decode(errors="replace")
