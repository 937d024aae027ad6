"""The `queryrouter` command: one-shot answers, JSON, batch runs over JSON Lines, and a REPL.

Exit status: 0 answered (every line, in a batch), 1 not answered, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from . import __version__
from .errors import QueryRouterError

if TYPE_CHECKING:
    from .result import Result
    from .router import Router

EXIT_ANSWERED, EXIT_NOT_ANSWERED, EXIT_USAGE = 0, 1, 2
MAX_LINE_BYTES = 10_000
HISTORY_FILE = Path(os.environ.get("QUERYROUTER_HISTORY", Path.home() / ".queryrouter_history"))

EXAMPLES = """\
examples:
  queryrouter 19.2 lbs to kg             one answer
  queryrouter --json behemoth definition  the Result as JSON
  queryrouter < queries.txt > out.jsonl   one JSON object per input line, same order
  queryrouter queries.txt                 the same, from a file
  queryrouter                             an interactive prompt (:json, :help, Ctrl-D quits)

exit status: 0 answered, 1 not answered, 2 usage error
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="queryrouter", description="Answer search-box queries: conversions, definitions, topics, sums.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query", nargs="*", help="the query (words are joined), or one file of queries")
    parser.add_argument("--json", action="store_true", help="print Result.to_dict() as JSON")
    parser.add_argument("--glossary", action="append", default=[], metavar="FILE",
                        help="a TOML, JSON or CSV glossary searched before the default (repeatable)")
    parser.add_argument("--imperial", action="store_true", help="UK imperial cups, pints, gallons")
    parser.add_argument("--version", action="version", version=f"queryrouter {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        router = _router(args)
    except (QueryRouterError, OSError) as error:
        print(f"queryrouter: {error}", file=sys.stderr)
        return EXIT_USAGE
    if len(args.query) == 1 and Path(args.query[0]).is_file():
        with open(args.query[0], "rb") as lines:
            return batch(router, lines, sys.stdout)
    if args.query:
        return one_shot(router, " ".join(args.query), args.json, sys.stdout)
    if not sys.stdin.isatty():
        return batch(router, sys.stdin.buffer, sys.stdout)
    return repl(router, args.json)


def _router(args: argparse.Namespace) -> Router:
    from .router import Router

    return Router(glossary=args.glossary or None, volume_system="imperial" if args.imperial else "us")


def one_shot(router: Router, query: str, as_json: bool, out: IO[str]) -> int:
    result = router.route(query)
    print(_show(result, as_json), file=out)
    return EXIT_ANSWERED if result.ok else EXIT_NOT_ANSWERED


def _show(result: Result, as_json: bool) -> str:
    if as_json:
        return json.dumps(result.to_dict(), ensure_ascii=False)
    extra = f"\n  did you mean: {', '.join(result.suggestions)}" if result.suggestions and result.ok else ""
    alternatives = "".join(f"\n  or: {a.text}" for a in result.alternatives)
    return f"{result.text}{alternatives}{extra}"


def batch(router: Router, lines: IO[bytes], out: IO[str]) -> int:
    """One JSON object per input line, in order, with its line number; a bad line gets an error record."""
    all_answered = True
    for number, record in _records(router, lines):
        all_answered &= record.get("ok", False) is True
        out.write(json.dumps({"line": number, **record}, ensure_ascii=False) + "\n")
    out.flush()
    return EXIT_ANSWERED if all_answered else EXIT_NOT_ANSWERED


def _records(router: Router, lines: IO[bytes]) -> Iterator[tuple[int, dict[str, object]]]:
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_BYTES:
            yield number, _error("too_long", f"line is longer than {MAX_LINE_BYTES} bytes")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield number, _error("invalid_encoding", f"not UTF-8: {error.reason} at byte {error.start}")
            continue
        yield number, router.route(text.rstrip("\r\n")).to_dict()


def _error(status: str, message: str) -> dict[str, object]:
    return {"query": None, "intent": "none", "status": status, "ok": False, "text": message,
            "interpreted_as": "", "confidence": 0.0, "suggestions": [], "alternatives": [], "answer": None}


def repl(router: Router, as_json: bool) -> int:
    """An interactive prompt with readline history: `:json` toggles JSON, `:help` explains, Ctrl-D quits."""
    history = _start_history()
    print(f"queryrouter {__version__} — type a query; :help for commands, Ctrl-D to quit")
    while True:
        try:
            line = input("? ").strip()
        except EOFError:
            print()
            break
        except KeyboardInterrupt:
            print()
            continue
        if line in (":q", ":quit", ":exit"):
            break
        if line == ":json":
            as_json = not as_json
            print(f"JSON output {'on' if as_json else 'off'}")
        elif line == ":help":
            print(EXAMPLES.split("\n\n")[0] + "\n:json toggles JSON output, :quit or Ctrl-D quits")
        elif line:
            print(_show(router.route(line), as_json))
    history()
    return EXIT_ANSWERED


def _start_history() -> Callable[[], None]:
    try:
        import readline
    except ImportError:  # no readline on this platform: a plain prompt still works
        return lambda: None
    try:
        readline.read_history_file(HISTORY_FILE)
    except OSError:
        pass

    def save() -> None:
        try:
            readline.write_history_file(HISTORY_FILE)
        except OSError:
            pass

    return save
