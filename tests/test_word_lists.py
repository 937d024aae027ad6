"""Words are data: no grammar file and none of the intents' modules holds a list of words. Every word list
is a class of data/vocabulary.toml (issue 17), so a new phrasing is a line of data plus an example, and this
test keeps it so."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GRAMMARS = ROOT / "grammars"
SOURCE = ROOT / "src" / "queryrouter"

# A word or a phrase as a regular expression or a string spells it: letters, an optional plural "s?",
# spaces as \s+; three of them as alternatives in a row are a word list ("half|halves|third").
_WORD = r"(?:[A-Za-z'’]{2,}\??(?:(?:\\s[+*?]?|\s)+[A-Za-z'’]+\??)*)"
_REGEX_LIST = re.compile(rf"(?<![\w\\]){_WORD}(?:\|{_WORD}){{2,}}(?![\w])")
_STRING_LIST = re.compile(rf'"{_WORD}"i?(?:\s*\|\s*"{_WORD}"i?){{2,}}')

# Grammars whose words have not moved yet: another part of issue 17 moves them. When one is clean its
# test passes, and the strict xfail then fails: take it off this list.
PENDING: set[str] = set()  # conversion.lark and common.lark moved theirs (the conversion work)


def word_lists(text: str) -> list[str]:
    """The word lists in a grammar's text, comments left out."""
    code = "\n".join(re.sub(r"(?:^|\s)//.*$", "", line) for line in text.splitlines())
    return [m.group(0) for pattern in (_REGEX_LIST, _STRING_LIST) for m in pattern.finditer(code)]


@pytest.mark.parametrize("grammar", [
    pytest.param(path.name, marks=pytest.mark.xfail(strict=True, reason="moved by the conversion work"))
    if path.name in PENDING else path.name
    for path in sorted(GRAMMARS.glob("*.lark"))])
def test_no_grammar_holds_a_word_list(grammar: str) -> None:
    assert word_lists((GRAMMARS / grammar).read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("text", [
    r"DENOMINATOR.2: /\b(?i:halves|half|thirds?|quarters?)\b/",
    r"_ASK.3: /(?i:tell\s+me\s+about|facts\s+about|who\s+is)\b/",
    'PLUS: "plus"i | "add"i | "and"i',
])
def test_a_word_list_is_found(text: str) -> None:
    assert word_lists(text)


@pytest.mark.parametrize("text", [
    r"WORD_NUMBER.2: /\b(?:(?:@{number.tens})(?:[- ](?:@{calculation.digit}))?|(?:@{number.ones}))\b/",
    r'TIMES: "*" | "x"i | "×" | "·" | /(?:@{calculation.times})(?!\w)/',
    r"FRACTION.2: /(?<![\d.\/^*])(?<!\^ )\d+\/\d+/",
    "// comments may name words: 'what is | who is | where is'",
])
def test_classes_symbols_and_comments_are_no_word_list(text: str) -> None:
    assert word_lists(text) == []


# --- Python ----------------------------------------------------------------------------------------

MODULES = ["lexicon.py", "dictionary.py", "arithmetic.py", "intents/definition.py", "intents/topic.py",
           "intents/calculation.py", "intents/conversion.py", "numbers.py", "normalize.py", "tagger.py",
           "prepared.py"]
# Collections of lowercase strings that are names in the code, not words of queries.
NOT_WORDS = {
    "SUFFIX_RULES": "WordNet's morphy rules: (part of speech, ending, replacement)",
    "_LEVEL": "the kinds of node of an expression tree",
}
NODE_KINDS = {"number", "fraction", "constant", "sum", "product", "prefix", "power", "postfix", "group"}
"""The kinds of node of an expression (arithmetic.Node.op): names in the code."""
_PLAIN = re.compile(r"[a-z][a-z' ]*\Z")


def python_word_lists(source: str) -> list[str]:
    """Literal collections of three or more words, and "a b c".split(), outside NOT_WORDS."""
    found = []
    skipped: set[int] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in NOT_WORDS for t in targets) and node.value is not None:
                skipped.update(id(inner) for inner in ast.walk(node.value))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        items: list[ast.expr | None] = []
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = list(node.elts)
        elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) for v in node.values):
            items = list(node.keys)  # a mapping of words to values: "double" -> 2
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split"
              and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str)):
            items = [ast.Constant(word) for word in node.func.value.value.split()]
        strings = [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
        if (len(strings) >= 3 and len(strings) == len(items) and all(_PLAIN.match(s) for s in strings)
                and not set(strings) <= NODE_KINDS):
            found.append(f"line {getattr(node, 'lineno', '?')}: {strings[:4]}")
    return found


@pytest.mark.parametrize("module", MODULES)
def test_no_module_holds_a_word_list(module: str) -> None:
    assert python_word_lists((SOURCE / module).read_text(encoding="utf-8")) == []


def test_a_python_word_list_is_found() -> None:
    assert python_word_lists('WHO = ("who", "whom", "whose")\nSTOP = frozenset("a an the".split())')
    assert python_word_lists('MULTIPLES = {"double": 2, "twice": 2, "triple": 3}')


def test_the_moved_lists_are_gone() -> None:
    from queryrouter import lexicon
    from queryrouter.intents import calculation

    moved = {lexicon: ["FACET_WORDS", "STOPWORDS", "FUNCTION_WORDS", "NOT_A_SUBJECT", "EXPLANATION_LEADS", "WHO",
                       "ABBREVIATIONS", "UNITED_STATES"],
             calculation: ["_MULTIPLES", "_DENOMINATORS"]}
    assert [(m.__name__, name) for m, names in moved.items() for name in names if hasattr(m, name)] == []
    words = lexicon.words()
    assert "population" in words.facets["population"] and "would" in words.function
    assert words.abbreviations["uk"] == "united kingdom"


def test_lexicon_py_needs_no_ruff_exception() -> None:
    """pyproject.toml let lexicon.py write word lists as "a b c".split() until they moved to data."""
    assert "src/queryrouter/lexicon.py" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
