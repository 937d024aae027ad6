"""Glossary files: each format loads, and each kind of malformed file is a typed error naming file and line
or key, with nothing half-loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from queryrouter import Glossary, GlossaryFormatError, Router


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_json_and_csv_load_the_same_entry(tmp_path: Path) -> None:
    toml = write(tmp_path, "g.toml", '[[entry]]\nterm = "quokka"\naliases = ["rottnest wallaby"]\n'
                                     'summary = "a small wallaby"\n')
    js = write(tmp_path, "g.json", json.dumps({"entries": [{"term": "quokka", "aliases": ["rottnest wallaby"],
                                                            "summary": "a small wallaby"}]}))
    csv = write(tmp_path, "g.csv", "term,aliases,summary\nquokka,rottnest wallaby,a small wallaby\n")
    loaded = [Glossary.from_file(path).entries[0] for path in (toml, js, csv)]
    assert loaded[0] == loaded[1] == loaded[2]
    assert loaded[0].aliases == ("rottnest wallaby",)


def test_faq_pairs_are_kept(tmp_path: Path) -> None:
    path = write(tmp_path, "faq.toml", '[[entry]]\nterm = "secret speech"\nsummary = "a 1956 speech"\n'
                                       '[[entry.faq]]\nquestion = "Why secret?"\nanswer = "A closed session."\n')
    assert Glossary.from_file(path).entries[0].faq == (("Why secret?", "A closed session."),)


@pytest.mark.parametrize(("name", "text", "line", "key", "message"), [
    ("syntax.toml", '[[entry]]\nterm = "a"\ndefinition = "b"\nterm2 = \n', 4, None, "Invalid"),
    ("wrongtype.toml", '[[entry]]\nterm = 5\ndefinition = "b"\n', None, "entry[0]", "term"),
    ("dup.toml", '[[entry]]\nterm = "a"\ndefinition = "b"\n[[entry]]\nterm = "A"\ndefinition = "c"\n', None,
     "entry[1]", "duplicate"),
    ("empty.toml", "", None, "entry", "[[entry]]"),
    ("nodef.toml", '[[entry]]\nterm = "a"\n', None, "entry[0]", "definition"),
    ("unknown.toml", '[[entry]]\nterm = "a"\ndefinition = "b"\ncolour = "red"\n', None, "entry[0]", "colour"),
    ("syntax.json", '[\n{"term": "a",\n "definition": }\n]', 3, None, "Expecting value"),
    ("shape.json", '{"term": "a"}', None, None, "list of entries"),
    ("list.json", '[{"term": "a", "definition": "b", "aliases": "c"}]', None, "entries[0]", "aliases"),
    ("header.csv", "word,definition\na,b\n", 1, None, "term"),
    ("fields.csv", "term,definition\na,b\nc,d,e\n", 3, None, "more fields"),
    ("dup.csv", "term,definition\na,b\nx,y\na,c\n", 4, None, "duplicate"),
])
def test_malformed_files_name_file_and_place(tmp_path: Path, name: str, text: str, line: int | None,
                                             key: str | None, message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(GlossaryFormatError) as raised:
        Glossary.from_file(path)
    error = raised.value
    assert str(path) in str(error) and message in str(error)
    assert error.line == line and error.key == key


def test_not_utf8_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("term,definition\ncafé,x\n".encode("latin-1"))
    for path, message in [(latin, "UTF-8"), (write(tmp_path, "g.yaml", "x"), "format"),
                          (tmp_path / "missing.toml", "cannot read")]:
        with pytest.raises(GlossaryFormatError, match=message):
            Glossary.from_file(path)


def test_a_bad_file_loads_nothing_and_the_router_is_not_built(tmp_path: Path) -> None:
    good = write(tmp_path, "good.toml", '[[entry]]\nterm = "quokka"\nsummary = "a small wallaby"\n')
    bad = write(tmp_path, "bad.csv", "term,definition\nwombat,burrowing marsupial\n,missing term\n")
    with pytest.raises(GlossaryFormatError) as raised:
        Router(glossary=[good, bad])
    assert raised.value.line == 3


def test_a_large_file_loads(tmp_path: Path) -> None:
    rows = "".join(f"term{i},definition number {i}\n" for i in range(20_000))
    glossary = Glossary.from_file(write(tmp_path, "big.csv", "term,definition\n" + rows))
    assert len(glossary.entries) == 20_000
    assert glossary.lookup("term19999") is not None


def test_a_transposed_letter_finds_a_user_entry_as_it_finds_a_dictionary_word(tmp_path: Path) -> None:
    """User entries and WordNet share one typo measure (OSA: a swap of neighbours is one edit)."""
    glossary = Glossary.from_file(write(tmp_path, "g.toml", '[[entry]]\nterm = "quokka"\nsummary = "a wallaby"\n'))
    found = glossary.lookup("qoukka")
    assert found is not None and (found.entry.term, found.how) == ("quokka", "fuzzy")


def test_every_router_shares_the_default_glossary() -> None:
    """Opening WordNet and building its typo index is done once per process, not once per Router."""
    assert Router().glossary is Router().glossary is Glossary.default()


# --- hostile and odd files: each a GlossaryFormatError naming the file and line, never another exception

@pytest.mark.parametrize(("name", "text", "line", "message"), [
    ("deep.json", '{"entries": [{"term": "a", "definition": "b", "facts": ' + "[" * 100_000 + "]" * 100_000 + "}]}",
     1, "nested too deeply"),
    ("deep.toml", '[[entry]]\nterm = "a"\ndefinition = "b"\nx = ' + "[" * 100_000 + "]" * 100_000 + "\n",
     4, "nested too deeply"),
    ("digits.json", '[\n{"term": "a", "definition": "b", "pos": ' + "9" * 5000 + "}\n]", 2, "cannot read a value"),
    ("digits.toml", '[[entry]]\nterm = "a"\ndefinition = "b"\npos = ' + "9" * 5000 + "\n", 4, "cannot read a value"),
    ("quote.csv", 'term,definition\na,b\nc,"unterminated\nd,e\nf,g\n', 3, "never closed"),
    ("alias.toml", '[[entry]]\nterm = "quokka"\ndefinition = "b"\n[[entry]]\nterm = "wallaby"\n'
                   'aliases = ["Quokka"]\ndefinition = "c"\n', None, "alias 'Quokka' of 'wallaby' names 'quokka'"),
    ("alias.csv", "term,aliases,definition\nquokka,,b\nwallaby,quokka,c\n", 3, "names 'quokka' (first at line 2)"),
])
def test_hostile_files_are_format_errors_with_a_line(tmp_path: Path, name: str, text: str, line: int | None,
                                                      message: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(GlossaryFormatError) as raised:
        Glossary.from_file(path)
    assert str(path) in str(raised.value) and message in str(raised.value)
    assert raised.value.line == line


@pytest.mark.parametrize(("name", "text"), [
    ("bom.csv", "term,definition\nquokka,a small wallaby\n"),
    ("bom.toml", '[[entry]]\nterm = "quokka"\ndefinition = "a small wallaby"\n'),
    ("bom.json", '[{"term": "quokka", "definition": "a small wallaby"}]'),
])
def test_a_byte_order_mark_is_accepted(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert Glossary.from_file(path).entries[0].term == "quokka"


def test_a_quoted_field_may_span_lines_and_later_rows_keep_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "multi.csv", 'term,definition\na,"one\ntwo"\nb,c\n,missing\n')
    with pytest.raises(GlossaryFormatError) as raised:
        Glossary.from_file(path)
    assert raised.value.line == 5
    good = write(tmp_path, "ok.csv", 'term,definition\na,"one\ntwo"\nb,c\n')
    assert [entry.term for entry in Glossary.from_file(good).entries] == ["a", "b"]


def test_the_size_cap_is_counted_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from queryrouter import glossary

    monkeypatch.setattr(glossary, "MAX_FILE_BYTES", 1000)
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")  # stat says 0 bytes; reading never ends
    with pytest.raises(GlossaryFormatError, match="not a regular file"):
        Glossary.from_file(zero)
    big = write(tmp_path, "big.csv", "term,definition\n" + "a,b\n" * 300)
    with pytest.raises(GlossaryFormatError, match="larger than 1000 bytes"):
        Glossary.from_file(big)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(GlossaryFormatError, match="not a regular file"):
        Glossary.from_file(fifo)


def test_the_command_line_reports_a_bad_glossary_in_one_line_with_exit_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    done = subprocess.run([sys.executable, "-m", "queryrouter", "--glossary", str(path), "behemoth definition"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"queryrouter: {path}, line 1: tables or lists nested too deeply"]
