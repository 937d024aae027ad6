"""The `queryrouter` command: one-shot answers, JSON, explanations, batch runs over JSON Lines, a REPL, and
a resident server that one-shot runs hand their queries to (server.py).

Exit status: 0 answered (every line, in a batch), 1 not answered, 2 usage error.
Only what a mode needs is imported: --help and --version never load pint, lark or the glossary, and the
Router loads each of them on the first query that needs it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

from . import __version__
from .errors import QueryRouterError
from .values import value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    import argparse
    from typing import IO, Protocol

    from .result import Result
    from .router import Router

    class Input(Protocol):
        """A binary stream that returns what it has (sys.stdin.buffer, a file opened "rb", BytesIO)."""

        def read1(self, size: int = ..., /) -> bytes: ...

EXIT_ANSWERED, EXIT_NOT_ANSWERED, EXIT_USAGE = 0, 1, 2
MAX_LINE_BYTES = 10_000
BLOCK_BYTES = 1 << 15  # input read at once, at most: its whole lines are answered and written together
BLOCKS_PER_JOB = 4  # blocks in flight per worker: bounds memory however long the input is
HISTORY_FILE = os.environ.get("QUERYROUTER_HISTORY") or os.path.join(os.path.expanduser("~"), ".queryrouter_history")

EXAMPLES = """\
examples:
  queryrouter 19.2 lbs to kg              one answer (the words are joined)
  queryrouter --json behemoth definition   the Result as JSON
  queryrouter --explain 4 oz chocolate in grams
                                           how the query was read: repairs, intents tried, units
  queryrouter < queries.txt > out.jsonl    batch: one JSON object per input line, same order
  queryrouter --jobs 4 queries.txt         the same from a file, in 4 worker processes
  queryrouter                              on a terminal: an interactive prompt
  queryrouter --serve                      stay running; one-shot runs hand it their query (faster)

exit status: 0 answered (in a batch: every line), 1 not answered, 2 usage error
"""

REPL_HELP = """\
Type a query and press Enter. Commands:
  :json            toggle JSON output
  :explain         toggle explanations (or :explain QUERY for one)
  :help            this help
  :quit, Ctrl-D    quit
Up and Down recall earlier queries (history is kept in {history}).{preview}"""


@value
class Options:
    """The command line's arguments; the defaults are argparse's (tests/test_cli.py checks they agree)."""

    query: list[str]
    json: bool = False
    explain: bool = False
    jobs: int = 1
    plain: bool = False
    glossary: list[str] | None = None
    imperial: bool = False
    no_cache: bool = False
    serve: bool = False


def _options(argv: list[str]) -> Options:
    """Words without an option among them (or none: a batch on stdin, the REPL) are read without building
    argparse's parser: importing and building it is a sixth of a one-shot run. A negative amount ("-40",
    "-40c") is a query word, never an option."""
    if not any(word.startswith("-") and not _negative(word) for word in argv):
        return Options(argv)
    # argparse takes "-40c" for an unknown option (it reads "-40" and "-2.5" as numbers, the value of
    # --jobs too): a NUL, which no command line argument can hold, hides it and is taken off again.
    hidden = ["\0" + word if _negative(word) and not word[1:].replace(".", "", 1).isdigit() else word
              for word in argv]
    parsed = vars(_parser().parse_args(hidden))
    return Options(**{**parsed, "query": [word.removeprefix("\0") for word in parsed["query"]]})


def _negative(word: str) -> bool:
    """A word that starts with a minus and a digit or point: an amount, "-40c" or "-.5"."""
    return len(word) > 1 and word[0] == "-" and word[1] in "0123456789."


def _parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="queryrouter", description="Answer search-box queries: conversions, definitions, topics, sums.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="*", help="the query (words are joined), or one file of queries")
    parser.add_argument("--json", action="store_true", help="print Result.to_dict() as JSON")
    parser.add_argument("--explain", action="store_true",
                        help="show how the query was read (one-shot and the interactive prompt)")
    parser.add_argument("--jobs", type=_at_least_one, default=1, metavar="N",
                        help="batch: answer in N worker processes; output order is unchanged (default 1)")
    parser.add_argument("--plain", action="store_true",
                        help="interactive prompt: plain readline, even if prompt_toolkit is installed")
    parser.add_argument("--glossary", action="append", metavar="FILE",
                        help="a TOML, JSON or CSV glossary searched before the default (repeatable)")
    parser.add_argument("--imperial", action="store_true", help="UK imperial cups, pints, gallons")
    parser.add_argument("--no-cache", action="store_true",
                        help="answer every query the long way: no query shapes from $XDG_CACHE_HOME/queryrouter "
                             "or shipped with queryrouter")
    parser.add_argument("--serve", action="store_true",
                        help="stay running and answer other runs' one-shot queries (for a launcher that runs "
                             "queryrouter per query): they skip loading pint, lark and the glossary")
    parser.add_argument("--version", action="version", version=f"queryrouter {__version__}")
    return parser


def _at_least_one(text: str) -> int:
    import argparse

    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _options(list(sys.argv[1:] if argv is None else argv))
        return _run(args)
    except BrokenPipeError:  # `queryrouter big.txt | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_NOT_ANSWERED
    except (QueryRouterError, OSError) as error:
        print(f"queryrouter: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


def _run(args: Options) -> int:
    from_file = len(args.query) == 1 and os.path.isfile(args.query[0])
    if args.serve:
        return _serve(args)
    if args.query and not from_file:
        query = " ".join(args.query)
        reply = _ask_server(args, query)
        if reply is not None:
            status, text = reply
            print(text)
            return status
        return one_shot(_router(args), query, args.json, sys.stdout, explain=args.explain)
    router = _router(args)
    if not args.query and sys.stdin.isatty():
        return repl(router, args.json, explain=args.explain, plain=args.plain or not sys.stdout.isatty())
    if args.explain:
        _parser().error("--explain needs a query; a batch always writes Result records")
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    with open(args.query[0] if from_file else sys.stdin.fileno(), "rb", closefd=from_file) as lines:
        return batch(router, lines, sys.stdout, jobs=args.jobs, progress=progress)


def _router(args: Options) -> Router:
    from .fastpath.plan_store import default_path
    from .router import Router

    return Router(glossary=args.glossary, volume_system="imperial" if args.imperial else "us",
                  plan_store=None if args.no_cache else default_path(), shipped_plans=not args.no_cache)


def _address(args: Options) -> str:
    """The socket of the server that answers as `_router(args)` would."""
    from .server import address, file_settings

    return address(["imperial" if args.imperial else "us", f"no_cache={args.no_cache}",
                    *file_settings(args.glossary or [])])


def _ask_server(args: Options, query: str) -> tuple[int, str] | None:
    """What a `queryrouter --serve` with the same settings answers, or None without one."""
    from .private_files import UnsafePath
    from .server import ask

    try:
        return ask(_address(args), query, args.json, args.explain)
    except UnsafePath as error:  # another user's folder or socket, a link: never asked
        print(f"queryrouter: not asking a server: {error}", file=sys.stderr)
        return None
    except OSError:  # a package file vanished while being fingerprinted (an upgrade under way)
        return None


def _serve(args: Options) -> int:
    """--serve: load everything, then answer other runs' one-shot queries until Ctrl-C or SIGTERM."""
    from functools import partial

    from .server import claim, serve

    if args.query:
        _parser().error("--serve takes no query: other runs of queryrouter send theirs")
    path = _address(args)
    claim(path)  # first: a refusal comes at once, and the fallback cache folder is 0700 before plans go in
    router = _router(args)
    _warm(router)
    served = serve(path, partial(_reply, router), ready=lambda: print(
        f"queryrouter: answering one-shot queries at {path} (Ctrl-C stops)", file=sys.stderr, flush=True))
    print(f"queryrouter: stopped after {served} queries", file=sys.stderr)
    return EXIT_ANSWERED


# --- one query ---------------------------------------------------------------------------------------

def one_shot(router: Router, query: str, as_json: bool, out: IO[str], *, explain: bool = False) -> int:
    status, text = _reply(router, query, as_json, explain)
    print(text, file=out)
    return status


def _reply(router: Router, query: str, as_json: bool, explain: bool) -> tuple[int, str]:
    """A one-shot run's exit status and what it prints, in this process or in a server's."""
    text, result = _answer(router, query, as_json, explain)
    return EXIT_ANSWERED if result.ok else EXIT_NOT_ANSWERED, text


def _answer(router: Router, query: str, as_json: bool, explain: bool) -> tuple[str, Result]:
    """What one query prints: the answer or the explanation, as text or JSON."""
    if explain:
        explanation = router.explain(query)
        if as_json:
            import json

            return json.dumps(explanation.to_dict(), ensure_ascii=False), explanation.result
        return "\n".join(explanation.lines()), explanation.result
    result = router.route(query)
    return _show(result, as_json), result


def _show(result: Result, as_json: bool) -> str:
    if as_json:
        return result.to_json()
    extra = f"\n  did you mean: {', '.join(result.suggestions)}" if result.suggestions and result.ok else ""
    alternatives = "".join(f"\n  or: {a.text}" for a in result.alternatives)
    return f"{result.text}{alternatives}{extra}"


# --- batch -------------------------------------------------------------------------------------------

Block = tuple[int, bytes]
"""Whole input lines as read, without the last one's line end, and the number of the first."""


def batch(router: Router, lines: Input, out: IO[str], *, jobs: int = 1, progress: _Progress | None = None) -> int:
    """One JSON object per input line, in order, with its line number; a bad line gets an error record.

    The input streams: lines are answered as they arrive and written at once, so memory stays flat however
    long the input is, and a program that writes one query and waits gets its answer."""
    blocks = _read_blocks(lines)
    answered = _answer_in_workers(router, blocks, jobs) if jobs > 1 else (
        _answer_block(router, block) for block in blocks)
    all_answered = True
    try:
        for ok, records, count in answered:
            all_answered &= ok
            out.write(records)
            out.flush()
            if progress is not None:
                progress.tick(count)
    finally:
        out.flush()
        if progress is not None:
            progress.close()
    return EXIT_ANSWERED if all_answered else EXIT_NOT_ANSWERED


def _read_blocks(stream: Input) -> Iterator[Block]:
    """The input's whole lines as they arrive: read1 takes what is there, up to BLOCK_BYTES, waiting only
    when nothing is. The part of a line still to come is kept no longer than an over-long line needs to
    be told apart, so an endless line is never held."""
    number, rest = 1, b""
    while data := stream.read1(BLOCK_BYTES):
        end = data.rfind(b"\n")
        if end < 0:
            rest = (rest + data)[:MAX_LINE_BYTES + 2]  # room for the content, "\r" and one byte too many
            continue
        block, rest = rest + data[:end], data[end + 1:][:MAX_LINE_BYTES + 2]
        yield number, block
        number += block.count(b"\n") + 1
    if rest:
        yield number, rest


def _answer_block(router: Router, block: Block) -> tuple[bool, str, int]:
    """Whether every line was answered, their records (each ending in a newline), and how many."""
    first, data = block
    all_answered, records = True, []
    for number, raw in enumerate(data.split(b"\n"), first):
        ok, record = _answer_line(router, raw[:-1] if raw.endswith(b"\r") else raw)
        all_answered &= ok
        records.append(f'{{"line": {number}, {record[1:]}\n')
    return all_answered, "".join(records), len(records)


def _answer_line(router: Router, raw: bytes) -> tuple[bool, str]:
    """One line's record, and whether it was answered."""
    if len(raw) > MAX_LINE_BYTES:
        return False, _unreadable("TOO_LONG", f"line is longer than {MAX_LINE_BYTES} bytes")
    try:
        return router.record(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return False, _unreadable("INVALID_ENCODING", f"not UTF-8: {error.reason} at byte {error.start}")


def _unreadable(status: str, message: str) -> str:
    """The contract's record for a line that never became a query text ("query" is null)."""
    import json

    from .result import Result, Status

    return json.dumps({**Result.failure("", "none", Status[status], message).to_dict(), "query": None},
                      ensure_ascii=False)


def _answer_in_workers(router: Router, blocks: Iterable[Block], jobs: int) -> Iterator[tuple[bool, str, int]]:
    """Blocks of lines answered by `jobs` processes, yielded in input order as (all answered, records,
    how many): one string per block, so the parent process only reads and writes.

    Unlike Pool.imap, which reads its whole input ahead, at most BLOCKS_PER_JOB blocks per worker are in
    flight; and a worker that dies raises BrokenProcessPool instead of leaving the run waiting forever."""
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(router, os.getpid())) as pool:
        pending: deque[Future[tuple[bool, str, int]]] = deque()
        for block in blocks:
            pending.append(pool.submit(_answer_block_in_worker, block))
            if len(pending) >= BLOCKS_PER_JOB * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_worker_router: Router | None = None
WATCH_SECONDS = 0.5
"""How often a worker checks that the batch process it answers for is still there (see _die_with)."""
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _start_worker(router: Router, parent: int) -> None:
    """Each worker gets the Router pickled (its configuration) and builds pint, lark and the glossary
    itself, lazily, on its first query. It lives no longer than the batch process `parent`."""
    global _worker_router
    _worker_router = router
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Exit when the batch process `parent` does (even by SIGKILL): an orphaned worker would hold the output
    pipe open, so its reader never sees the end, and keep its memory for minutes.

    On Linux the kernel kills the worker at once (the parent-death signal); everywhere, and for a parent
    that died before the signal was set, a thread checks every WATCH_SECONDS whether the parent is gone:
    the worker's parent changed (it was adopted), or the batch process no longer exists."""
    import threading

    _set_death_signal()
    adopted_from = os.getppid()  # the batch process, or a start method's server process that dies with it

    def orphaned() -> bool:
        if os.getppid() != adopted_from:
            return True
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return True
        except OSError:  # PermissionError: it exists
            pass
        return False

    def watch() -> None:
        while not orphaned():
            time.sleep(WATCH_SECONDS)
        os._exit(EXIT_NOT_ANSWERED)

    threading.Thread(target=watch, name="queryrouter-orphan-check", daemon=True).start()


def _set_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; False where that cannot be asked."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import signal

    try:
        return bool(ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _answer_block_in_worker(block: Block) -> tuple[bool, str, int]:
    assert _worker_router is not None, "_start_worker runs first in every worker"
    return _answer_block(_worker_router, block)


class _Progress:
    """Lines done and their rate on one carriage-return line, for a person watching stderr."""

    def __init__(self, stream: IO[str], every: float = 0.2) -> None:
        self.stream, self.every = stream, every
        self.count = 0
        self.started = self.shown = time.monotonic()

    def tick(self, lines: int = 1) -> None:
        self.count += lines
        now = time.monotonic()
        if now - self.shown >= self.every:
            self.shown = now
            self._show(now)

    def close(self) -> None:
        self._show(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()

    def _show(self, now: float) -> None:
        rate = self.count / max(now - self.started, 1e-9)
        self.stream.write(f"\r{self.count:,} lines  {rate:,.0f} lines/s ")
        self.stream.flush()


# --- the interactive prompt --------------------------------------------------------------------------

class _Modes:
    """What the interactive prompt shows; its commands switch them."""

    def __init__(self, as_json: bool, explain: bool) -> None:
        self.as_json, self.explain = as_json, explain


def repl(router: Router, as_json: bool = False, *, explain: bool = False, plain: bool = False) -> int:
    """An interactive prompt with persistent history and, with prompt_toolkit, the answer previewed in a
    bottom toolbar as you type. Without prompt_toolkit (or with --plain) it is a readline prompt."""
    import threading

    modes = _Modes(as_json, explain)
    prompt = None if plain else _toolbar_prompt(router)
    read, finish = prompt or _readline_prompt()
    # Load pint, lark and the glossary while the person types, so neither preview nor answer waits.
    threading.Thread(target=_warm, args=(router,), daemon=True).start()
    print(f"queryrouter {__version__} — type a query; :help for commands, Ctrl-D to quit")
    preview = "\nThe answer is previewed below the prompt as you type." if prompt else ""
    try:
        _converse(router, read, modes, preview)
    finally:  # the history is saved even when the loop fails
        finish()
    return EXIT_ANSWERED


def _converse(router: Router, read: Callable[[], str], modes: _Modes, preview: str) -> None:
    """Read and answer lines until Ctrl-D or :quit."""
    while True:
        try:
            line = read().strip()
        except EOFError:
            print()
            break
        except KeyboardInterrupt:
            print()
            continue
        command, _, rest = line.partition(" ")
        if command in (":q", ":quit", ":exit"):
            break
        if command == ":json":
            modes.as_json = not modes.as_json
            print(f"JSON output {'on' if modes.as_json else 'off'}")
        elif command == ":explain" and rest.strip():
            print(_answer(router, rest.strip(), modes.as_json, explain=True)[0])
        elif command == ":explain":
            modes.explain = not modes.explain
            print(f"explanations {'on' if modes.explain else 'off'}")
        elif command == ":help":
            print(REPL_HELP.format(history=HISTORY_FILE, preview=preview))
        elif command.startswith(":") and len(command) > 1 and command[1:].isalpha():
            print(f"unknown command {command}; :help lists the commands")
        elif line:
            print(_answer(router, line, modes.as_json, modes.explain)[0])


def _warm(router: Router) -> None:
    """Load pint, the glossary, the indexes of their spellings for typos and the parts of the parser the usual
    queries use."""
    router.units.warm()
    if router.glossary.lexicon is not None:
        router.glossary.lexicon.warm()
    for query in ("1 furlong to m", "15 * 3", "define word", "who owns antarctica"):
        router.route(query)


def _toolbar_prompt(router: Router) -> tuple[Callable[[], str], Callable[[], None]] | None:
    """prompt_toolkit's prompt with a live answer in the bottom toolbar; None when it is not installed."""
    try:
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory
    except ImportError:
        return None
    from functools import lru_cache

    @lru_cache(maxsize=256)  # the toolbar redraws on every key and cursor move: route each text once
    def preview(text: str) -> str:
        result = router.route(text)
        shown = result.text.splitlines()[0] if result.text else ""
        return f" = {shown[:200]}" if result.ok else f" ({result.status.value}) {shown[:200]}"

    def toolbar() -> str:
        text = session.default_buffer.text.strip()
        if not text or text.startswith(":"):
            return " :help for commands, Ctrl-D quits"
        return preview(text)

    session: PromptSession[str] = PromptSession(history=FileHistory(str(HISTORY_FILE)), bottom_toolbar=toolbar)
    return (lambda: session.prompt("? ")), (lambda: None)  # FileHistory saves each line as it is entered


def _readline_prompt() -> tuple[Callable[[], str], Callable[[], None]]:
    """input() with readline's line editing. It reads and appends prompt_toolkit's history format
    ("+query" lines after a "# time" line), so both prompts share one history file."""
    try:
        import readline
    except ImportError:  # no readline on this platform: a plain prompt still works
        return (lambda: input("? ")), (lambda: None)
    try:
        with open(HISTORY_FILE, encoding="utf-8") as history:
            for line in history:
                if line.startswith("+"):
                    readline.add_history(line[1:].rstrip("\n"))
    except (OSError, UnicodeDecodeError):
        pass
    entered: list[str] = []

    def read() -> str:
        line = input("? ")
        entered.append(line)  # kept here too: readline's own list stops growing at history-size
        return line

    def save() -> None:
        from datetime import datetime

        try:
            with open(HISTORY_FILE, "a", encoding="utf-8") as history:
                history.writelines(f"\n# {datetime.now()}\n+{line}\n" for line in entered if line.strip())
        except OSError:
            pass

    return read, save
