"""The `queryrouter` command, run as a real process: one-shot, --json, batch, exit statuses, the REPL."""

from __future__ import annotations

import fcntl
import importlib.util
import io
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import IO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queryrouter import Router, cli

COMMAND = [sys.executable, "-m", "queryrouter"]
BATCH_ROUTER = Router()
_ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>])")


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


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_below_one_is_a_usage_error(jobs: str) -> None:
    done = run("--jobs", jobs, stdin=b"5 kg to lb\n")
    assert done.returncode == 2 and done.stdout == b"" and b"--jobs" in done.stderr


@pytest.mark.parametrize("argv", [["19.2", "lbs", "to", "kg"], ["behemoth"], ["queries.txt"], ["5", "kg", "to", "lb"],
                                  []])
def test_plain_words_are_read_as_argparse_reads_them(argv: list[str]) -> None:
    from queryrouter.cli import Options, _options, _parser

    assert _options(argv) == Options(**vars(_parser().parse_args(argv)))


@pytest.mark.parametrize("argv", [["-40c", "to", "f"], ["-40", "c", "to", "f"], ["--json", "-40c", "to", "f"],
                                  ["-2.5kg", "to", "lb", "--no-cache"], ["-.5", "c", "in", "f", "--json"]])
def test_a_negative_amount_is_a_query_word_not_an_option(argv: list[str]) -> None:
    from queryrouter.cli import _options

    options = _options(argv)
    assert options.query == [word for word in argv if not word.startswith("--")]
    assert options.json == ("--json" in argv) and options.no_cache == ("--no-cache" in argv)


def test_a_negative_amount_answers_on_the_command_line() -> None:
    done = run("-40c", "to", "f")
    assert done.returncode == 0 and done.stdout.decode().strip() == "-40 °C = -40 °F"


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
    assert len({tuple(r) for r in records}) == 1  # an unreadable line's record has the contract's shape too
    assert records[1]["query"] is None and records[1]["answer"] is None
    assert records[0]["answer"]["to"]["unit"] == "kilogram"
    assert done.returncode == 1  # not every line was answered


def test_batch_records_are_the_libraries_results_as_json() -> None:
    """Byte for byte, whether a line's shape has a plan (its record written straight from the plan) or not."""
    queries = ([f"{n}.50 lbs to kg" for n in range(12)] + ["5 ft 3 in to cm", "6 ft 11.999 in to cm",
               "0 mpg to l/100km", "1 mpg to l/100km", "3 cups to ml", "2 cups to ml", "15% of 80", "25% of 60",
               "behemoth definition"])
    done = run(stdin="\n".join(queries).encode())
    router = Router()
    expected = [f'{{"line": {n}, {router.route(query).to_json()[1:]}' for n, query in enumerate(queries, 1)]
    assert done.stdout.decode().splitlines() == expected


def test_batch_from_a_file_argument(tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("32 celsius to fahrenheit\nluscious meaning\n")
    done = run(str(queries))
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert done.returncode == 0 and [r["intent"] for r in records] == ["conversion", "definition"]


def test_explain_shows_repairs_intents_and_units() -> None:
    done = run("--explain", "19,2", "lbs", "to", "kg")
    text = done.stdout.decode()
    assert done.returncode == 0
    assert "normalized: '19.2 lbs to kg'" in text and "decimal point" in text
    assert "calculation: not parsed" in text and "conversion: ok" in text
    assert "'lbs' -> pound" in text and "8.709 kg" in text


def test_explain_json_lists_glossary_candidates() -> None:
    data = json.loads(run("--explain", "--json", "who owns antarctica").stdout)
    assert [s["intent"] for s in data["steps"]] == ["calculation", "conversion", "definition", "topic"]
    assert any("Antarctica" in d and "score" in d for d in data["details"])
    assert data["result"]["status"] == "ok"


def test_router_explain_matches_route_and_never_raises() -> None:
    from queryrouter import Router

    router = Router()
    for query in ["4 oz chocolate in grams", "5 florbs to kg", "behemth meaning", "", "x" * 600, "\x00 )("]:
        explanation = router.explain(query)
        assert explanation.result == router.route(query)
        assert explanation.lines()[-1].startswith("answer:")
        json.dumps(explanation.to_dict())
    assert "leftover 'chocolate'" in "\n".join(router.explain("4 oz chocolate in grams").lines())


def test_explain_is_refused_in_a_batch() -> None:
    done = run("--explain", stdin=b"5 ft to cm\n")
    assert done.returncode == 2 and b"--explain" in done.stderr and done.stdout == b""


def test_jobs_keep_input_order_and_every_line(tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    lines = [f"{n} m to cm" if n % 7 else "\udcff" for n in range(1, 1201)]
    queries.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    done = run("--jobs", "2", str(queries))
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [r["line"] for r in records] == list(range(1, 1201))
    assert records[9]["answer"]["to"]["value"] == 1000.0
    assert records[6]["status"] == "invalid_encoding"
    assert done.returncode == 1


def test_an_endless_line_is_skipped_not_held() -> None:
    huge = b"7" * 3_000_000  # no newline for 3 MB: read in pieces and reported, the next line still answered
    done = run(stdin=huge + b"\n1 m to cm\n")
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [(r["line"], r["status"]) for r in records] == [(1, "too_long"), (2, "ok")]


def test_a_batch_answers_each_line_as_it_arrives() -> None:
    """A program that writes one query and waits for its answer (a co-process) gets it before writing more."""
    child = subprocess.Popen(COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert child.stdin is not None and child.stdout is not None
    try:
        for number in (1, 2):
            child.stdin.write(f"{number} m to cm\n".encode())
            child.stdin.flush()
            assert select.select([child.stdout], [], [], 30)[0], f"no answer to line {number} while input is open"
            record = json.loads(child.stdout.readline())
            assert (record["line"], record["answer"]["to"]["value"]) == (number, number * 100.0)
    finally:
        child.stdin.close()
        assert child.wait(timeout=30) == 0


class Trickle:
    """A binary stream whose read1 hands out its data in the given sizes, as a pipe does."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes = data, sizes or [len(data) or 1]
        self.reads = 0

    def read1(self, size: int = -1) -> bytes:
        piece = min(self.sizes[self.reads % len(self.sizes)], size if size > 0 else len(self.data))
        self.reads += 1
        piece, self.data = self.data[:piece], self.data[piece:]
        return piece


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([b"1 m to cm", b"", b"\r", b"2 kg to lb\r", b"x" * 12, b"y" * 10 + b"\r",
                                 b"z" * 11, b"\xff", b"behemoth"]), max_size=12),
       st.booleans(), st.lists(st.integers(1, 25), max_size=5))
def test_lines_are_numbered_and_judged_alike_however_the_input_arrives(
        monkeypatch: pytest.MonkeyPatch, lines: list[bytes], last_line_ended: bool, sizes: list[int]) -> None:
    monkeypatch.setattr(cli, "MAX_LINE_BYTES", 10)  # over-long lines at every block boundary
    data = b"\n".join(lines) + (b"\n" if last_line_ended and lines else b"")
    out = io.StringIO()
    cli.batch(BATCH_ROUTER, Trickle(data, sizes), out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    lines = data.split(b"\n")[:-1] if data.endswith(b"\n") or not data else data.split(b"\n")
    assert [record["line"] for record in records] == list(range(1, len(lines) + 1))
    for record, line in zip(records, lines):
        line = line.removesuffix(b"\r")
        if len(line) > 10:
            assert record["status"] == "too_long"
        elif line == b"\xff":
            assert record["status"] == "invalid_encoding"
        else:
            assert {**record, "line": None} == {"line": None, **json.loads(BATCH_ROUTER.record(line.decode())[1])}


def test_batch_shows_progress_on_a_terminal_stderr(tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("1 m to cm\n2 m to cm\n")
    out = tmp_path / "out.jsonl"
    pid, fd = pty.fork()
    if pid == 0:  # stderr is the terminal, stdout a file
        with open(out, "wb") as handle:
            os.dup2(handle.fileno(), 1)
        os.execv(sys.executable, [*COMMAND, str(queries)])
    try:
        seen = _read_until(fd, None)
    finally:
        status = _wait(pid)
    assert status == 0 and "\r2 lines" in seen and "lines/s" in seen
    assert len(out.read_text().splitlines()) == 2


def test_help_has_examples_and_exit_statuses() -> None:
    done = run("--help")
    assert done.returncode == 0
    assert b"--explain" in done.stdout and b"--jobs" in done.stdout and b"exit status" in done.stdout


def test_help_and_version_load_neither_pint_nor_lark() -> None:
    code = ("import sys; from queryrouter.cli import main\n"
            "try: main(['--version'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('pint', 'lark', 'rapidfuzz', 'sqlite3') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.stdout.decode().splitlines()[-1] == "[]"


def test_a_known_shape_loads_neither_pint_nor_lark_nor_dataclasses() -> None:
    """What keeps a one-shot run of a shape seen before fast (benchmarks/bench_cli.py)."""
    code = ("import sys; from queryrouter.cli import main\n"
            "main(sys.argv[1:])\n"
            "print(sorted(m for m in ('pint', 'lark', 'dataclasses', 'inspect', 'typing') if m in sys.modules))")
    for learned, query in (("19.2 lb to kg", "3.5 lb to kg"), ("15% of 80", "25% of 60")):
        subprocess.run([sys.executable, "-c", code, *learned.split()], capture_output=True, timeout=60, check=True)
        done = subprocess.run([sys.executable, "-c", code, *query.split()], capture_output=True, timeout=60)
        assert done.stdout.decode().splitlines()[-1] == "[]", done.stdout


def test_plain_repl_in_a_pseudo_terminal(tmp_path: Path) -> None:
    (tmp_path / "history").write_text("\n# 2026-11-26 10:00:00\n+1 mile to km\n")  # the toolbar prompt's format
    banner, recalled, answer, explained, _, as_json = _plain_session(
        tmp_path, b"\x1b[A", b"19.2 lbs to kg", b":explain 5 ft to cm", b":json", b"15% of 80")
    assert "Ctrl-D" in banner
    assert "1.609 km" in recalled  # Up recalled the query the other prompt saved
    assert "8.709 kg" in answer and "'ft' -> foot" in explained and '"status": "ok"' in as_json
    history = (tmp_path / "history").read_text()
    assert "+19.2 lbs to kg\n" in history and "+15% of 80\n" in history
    if importlib.util.find_spec("prompt_toolkit") is not None:  # the toolbar prompt reads what it wrote
        from prompt_toolkit.history import FileHistory

        assert "15% of 80" in list(FileHistory(str(tmp_path / "history")).load_history_strings())


def test_plain_repl_saves_every_query_whatever_readline_keeps(tmp_path: Path) -> None:
    (tmp_path / "inputrc").write_text("set history-size 2\n")  # readline's own list is full from the start
    (tmp_path / "history").write_text("".join(f"\n# 2026-11-26\n+{n} m to cm\n" for n in range(3)))
    _plain_session(tmp_path, b"7 m to cm", b"8 m to cm", env={"INPUTRC": str(tmp_path / "inputrc")})
    history = (tmp_path / "history").read_text()
    assert "+7 m to cm\n" in history and "+8 m to cm\n" in history


def _plain_session(tmp_path: Path, *lines: bytes, env: dict[str, str] | None = None) -> list[str]:
    """The --plain prompt on a terminal: each line entered in turn, then Ctrl-D, which must exit 0.
    Returns what the terminal showed before the first prompt and after each line."""
    pid, fd = _spawn(tmp_path, "--plain", env=env)
    try:
        shown = [_read_until(fd, "? ")]
        for line in lines:
            os.write(fd, line + b"\r")
            shown.append(_read_until(fd, "? "))
        os.write(fd, b"\x04")
        _read_until(fd, None)
    finally:
        status = _wait(pid)
    assert status == 0
    return shown


@pytest.mark.skipif(importlib.util.find_spec("prompt_toolkit") is None, reason="prompt_toolkit not installed")
def test_toolbar_repl_previews_the_answer_as_you_type(tmp_path: Path) -> None:
    pid, fd = _spawn(tmp_path)
    try:
        assert "Ctrl-D" in _read_until(fd, "Ctrl-D quits")
        os.write(fd, b"19.2 lbs to kg")  # no Enter: the answer can only be in the toolbar
        assert "8.709 kg" in _read_until(fd, "8.709 kg")
        os.write(fd, b"\r")
        _read_until(fd, "Ctrl-D quits")  # the next prompt's toolbar
        os.write(fd, b":explain\r")
        assert "explanations on" in _read_until(fd, "Ctrl-D quits")
        os.write(fd, b"1 mile to km\r")
        assert "'mile' -> mile" in _read_until(fd, "Ctrl-D quits")
        os.write(fd, b"\x04")  # only once the prompt is back: between prompts the terminal is not raw
        _read_until(fd, None)
    finally:
        status = _wait(pid)
    assert status == 0
    assert "+19.2 lbs to kg\n" in (tmp_path / "history").read_text()


def _spawn(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, int]:
    """The command on a real 80x24 terminal, with its history in `tmp_path`."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env or {})
        os.environ["QUERYROUTER_HISTORY"] = str(tmp_path / "history")
        os.environ["TERM"] = "xterm"
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execv(sys.executable, [*COMMAND, *args])
    return pid, fd


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
    """Read the terminal until `marker` appears (or the process closes it), escape sequences removed.

    A marker of "? " (the prompt) must end the output; any other may appear anywhere in it."""
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
        if b"\x1b[6n" in chunk:  # prompt_toolkit asks where the cursor is: answer as a terminal would
            os.write(fd, b"\x1b[1;1R")
        seen += chunk
        text = _ESCAPES.sub("", seen.decode(errors="replace"))
        if marker is not None and (text.endswith(marker) if marker == "? " else marker in text):
            break
    return _ESCAPES.sub("", seen.decode(errors="replace"))


def test_the_history_is_saved_when_the_prompt_loop_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from queryrouter import Router, cli

    lines, saved = iter(["1 m to cm"]), []

    def read() -> str:
        return next(lines)  # then StopIteration: a failure inside the loop, not Ctrl-D

    monkeypatch.setattr(cli, "_readline_prompt", lambda: (read, lambda: saved.append(True)))
    with pytest.raises(StopIteration):
        cli.repl(Router(), plain=True)
    assert saved == [True]


def _children(parent: int) -> list[int]:
    """The processes whose parent is `parent`, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == parent:
            found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    """No such process, or only its exit status is left (a zombie nobody has reaped yet)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


def _feed(stream: IO[bytes], data: bytes) -> None:
    try:
        stream.write(data)
    except (BrokenPipeError, ValueError):  # the reader was killed; the test closed the pipe
        pass


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers in /proc (Linux)")
@pytest.mark.parametrize("death_signal", [True, False], ids=["parent-death signal", "orphan check alone"])
def test_jobs_workers_die_with_their_parent(death_signal: bool) -> None:
    """A batch killed with SIGKILL takes its workers along, so whoever reads its output sees the end."""
    code = ("import sys; from queryrouter import cli\n"
            + ("" if death_signal else "cli._set_death_signal = lambda: False  # as where there is no prctl\n")
            + "sys.exit(cli.main(['--jobs', '2']))")
    batch = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert batch.stdin is not None and batch.stdout is not None
    workers: list[int] = []
    try:
        # More than the blocks in flight (BLOCKS_PER_JOB per worker), so records come out; the input is
        # kept open, as a program feeding the batch would.
        threading.Thread(target=_feed, args=(batch.stdin, b"1 m to cm\n" * 50_000), daemon=True).start()
        assert select.select([batch.stdout], [], [], 60)[0], "no answer from the workers"
        assert json.loads(batch.stdout.readline())["line"] == 1
        workers = _children(batch.pid)
        assert len(workers) == 2
        batch.kill()
        batch.wait()
        deadline, output = time.monotonic() + 5, os.dup(batch.stdout.fileno())
        try:
            while select.select([output], [], [], max(deadline - time.monotonic(), 0))[0]:
                if not os.read(output, 1 << 16):
                    break
            else:
                raise AssertionError("the output pipe is still open 5 s after the batch was killed")
        finally:
            os.close(output)
        while not all(map(_gone, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_gone, workers)), "workers outlived their batch"
    finally:
        batch.kill()
        for pid in workers:
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
