"""A word's forms: plural and singular, past tense, past participle, present participle, third person,
comparative and superlative, and the adjective, noun, verb or adverb made from it.

Irregular forms come from data/word_forms.toml (principal parts, which WordNet's verb.exc does not tell
apart, and forms that differ by sense) and WordNet's exception lists; the rest from English spelling rules.
Derived words come from WordNet's derivation and "pertains to" links. A form is given only for a word the
dictionary holds in the part of speech the form needs: "past tense of table" is none.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from .lexicon import normalize_key
from .result import DefinitionAnswer, Result, Status, WordForm

if TYPE_CHECKING:
    from .context import Context
    from .lexicon import Lexicon
    from .normalize import Normalized
    from .vocabulary import Vocabulary

NAME = "definition"
CUES = ("definition.form.before", "definition.form.after")
"""The vocabulary groups whose class names are the forms a cue asks ([definition.form.before.plural])."""

NOUN, VERB, ADJECTIVE, ADVERB = "noun", "verb", "adjective", "adverb"
# The part of speech a form is made of. The names are the [definition.form.*] classes' (vocabulary.toml).
NEEDS: dict[str, tuple[str, ...]] = {
    "plural": (NOUN,), "singular": (NOUN,),
    "past_tense": (VERB,), "past_participle": (VERB,), "present_participle": (VERB,), "third_person": (VERB,),
    "comparative": (ADJECTIVE, ADVERB), "superlative": (ADJECTIVE, ADVERB),
}
DERIVED = (NOUN, VERB, ADJECTIVE, ADVERB)
"""Relations that ask for a related word of that part of speech ("adjective of generosity")."""
LABEL = {"past_tense": "past tense", "past_participle": "past participle",
         "present_participle": "present participle", "third_person": "third person singular"}
_VOWEL = "aeiou"
_DOUBLING = re.compile(r"(?:^|[^aeiou])[aeiou]([bcdfgklmnprstvz])$")  # "stop" -> "stopped", not "rain"


@dataclass(frozen=True)
class Forms:
    """What word_forms answers: the word as the dictionary writes it, the form asked and its forms (several
    when the word has variants or its forms differ by sense); `regular` when only spelling rules made them."""

    term: str
    relation: str
    forms: tuple[WordForm, ...]
    pos: str
    regular: bool = False

    @property
    def label(self) -> str:
        return label(self.relation)

    def text(self) -> str:
        """ "The past tense of 'go' is 'went'."; by sense: "... is 'lay' (to rest lying down) or ..."."""
        if not self.forms:
            return f"'{self.term}' has no {self.label} in common use."
        listed = [f"'{f.form}'" + (f" ({f.sense})" if f.sense else "") for f in self.forms]
        words = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " or " + listed[-1]
        return f"The {self.label} of '{self.term}' is {words}."


def label(relation: str) -> str:
    """How the answer names a form: "past tense", "noun form"."""
    return f"{relation} form" if relation in DERIVED else LABEL.get(relation, relation)


def relation_of(cue: str, vocabulary: Vocabulary) -> str | None:
    """The form a cue asks: the class of the longest [definition.form.*] phrase it ends with ("whats the
    plural of" -> "plural"); the question words before it are the grammar's."""
    text = " ".join(cue.lower().split())
    best: tuple[int, str] | None = None
    for group in CUES:
        for name in vocabulary.members(group):
            for phrase in vocabulary.phrases(name):
                if (text == phrase or text.endswith(" " + phrase)) and (best is None or len(phrase) > best[0]):
                    best = len(phrase), name.rpartition(".")[2]
    return best[1] if best else None


def answer(term: str, cue: str, query: Normalized, context: Context) -> Result:
    """The form `cue` asks of `term` as a definition Result; not_found, saying why, when the word is not in
    the dictionary or has no such form ("past tense of table": it is no verb)."""
    relation = relation_of(cue, context.vocabulary) or "definition"
    label_ = label(relation)
    interpreted = f"{label_} of {term!r}"
    lexicon = context.glossary.lexicon
    found = lexicon.lookup_word(term) if lexicon is not None else None
    if lexicon is None or found is None:
        suggestions = tuple(context.glossary.suggest(term))
        hint = f" Did you mean {', '.join(suggestions)}?" if suggestions else ""
        return Result.failure(query.original, NAME, Status.NOT_FOUND, f"No entry for {term!r}.{hint}",
                              suggestions=suggestions, interpreted_as=interpreted)
    entry = found.entry
    poses = tuple(dict.fromkeys(sense.pos for sense in entry.senses))
    if relation == "singular":
        forms: Forms | None = None
        if found.how == "inflection" and NOUN in poses:
            forms = Forms(normalize_key(term), relation, (WordForm(entry.term),), NOUN)
    else:
        forms = word_forms(lexicon, normalize_key(entry.term), poses, relation)
    if forms is None:
        needs = " or ".join(NEEDS.get(relation, ()))
        why = (f"'{entry.term}' is not a {needs} in the dictionary, so it has no {label_}." if needs
               else f"No {relation} formed from '{entry.term}' is listed in the dictionary.")
        return Result.failure(query.original, NAME, Status.NOT_FOUND, why, interpreted_as=interpreted)
    if found.how != "exact" and relation != "singular":
        interpreted = f"{label_} of {entry.term!r} (read {term!r} as {entry.term!r})"
    confidence = 0.95 if found.how == "exact" and not forms.regular else 0.9 if found.how != "fuzzy" \
        else 0.9 * found.score / 100
    senses = tuple(sense for sense in entry.senses if sense.pos == forms.pos)
    return Result(query.original, NAME, Status.OK, forms.text(), interpreted, confidence,
                  answer=DefinitionAnswer(forms.term, relation, senses, (), (), entry.source, forms.forms))


def is_form(relation: str) -> bool:
    """Whether `relation` asks for a word's form rather than its meaning."""
    return relation in NEEDS or relation in DERIVED


def word_forms(lexicon: Lexicon, term: str, poses: tuple[str, ...], relation: str) -> Forms | None:
    """The `relation` of `term`, a headword whose parts of speech are `poses`; None when the word is not of a
    part of speech the form needs, or no related word of the kind asked is listed."""
    if relation in DERIVED:
        return _derived(lexicon, term, relation)
    pos = next((p for p in NEEDS.get(relation, ()) if p in poses), None)
    if pos is None:
        return None
    irregular = [form for form, kind in lexicon.inflections(term) if kind == pos]
    if relation == "plural":
        return _plural(term, irregular)
    if relation == "singular":
        return None  # answered from the lookup: the word asked is the plural (intents/definition.py)
    if pos == VERB:
        return _verb(term, relation, irregular)
    return _compared(term, relation, pos, irregular)


def _plural(noun: str, irregular: list[str]) -> Forms:
    table = _table().get("plural", {}).get(noun)
    if table is not None:
        return Forms(noun, "plural", _listed(table, "plural"), NOUN)
    if irregular:
        return Forms(noun, "plural", tuple(WordForm(f) for f in irregular), NOUN)
    return Forms(noun, "plural", (WordForm(_regular_plural(noun)),), NOUN, regular=True)


def _regular_plural(noun: str) -> str:
    if re.search(r"(?:s|x|z|ch|sh)$", noun):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + "s"


def _verb(verb: str, relation: str, irregular: list[str]) -> Forms:
    if relation in ("past_tense", "past_participle"):
        parts = _principal_parts(verb, irregular)
        if parts is not None:
            return Forms(verb, relation, _listed(parts, "past" if relation == "past_tense" else "participle"), VERB)
        edited = [f for f in irregular if f.endswith("ed")]  # "stopped", "panicked"; not "wrought" for "work"
        if edited:
            return Forms(verb, relation, tuple(WordForm(f) for f in edited), VERB)
        return Forms(verb, relation, (WordForm(_regular_past(verb)),), VERB, regular=True)
    if relation == "present_participle":
        ing = [f for f in irregular if f.endswith("ing")]
        if ing:
            return Forms(verb, relation, tuple(WordForm(f) for f in ing), VERB)
        return Forms(verb, relation, (WordForm(_regular_ing(verb)),), VERB, regular=True)
    third = _table().get("third_person", {}).get(verb)
    if isinstance(third, str):
        return Forms(verb, relation, (WordForm(third),), VERB)
    listed = [f for f in irregular if f.endswith("s") and f.startswith(verb[:-1])]  # "quizzes"
    if listed:
        return Forms(verb, relation, tuple(WordForm(f) for f in listed), VERB)
    third_form = verb + "es" if re.search(r"[^aeiou]o$", verb) else _regular_plural(verb)  # "goes", "does"
    return Forms(verb, relation, (WordForm(third_form),), VERB, regular=True)


def _principal_parts(verb: str, irregular: list[str]) -> Any:
    """The table's entry for `verb`, or for the verb it ends in when its exception forms say it is a compound
    of that verb ("overcome": overcame, from "come"); None for a regular verb."""
    verbs = _table().get("verb", {})
    if verb in verbs:
        return verbs[verb]
    for start in range(1, len(verb) - 1):
        prefix, root = verb[:start], verb[start:]
        if root in verbs and irregular:
            made = {prefix + f.form for part in ("past", "participle") for f in _listed(verbs[root], part)}
            if {f for f in irregular if not f.endswith("ing")} <= made:
                return _prefixed(prefix, verbs[root])
    return None


def _prefixed(prefix: str, entry: Any) -> Any:
    if isinstance(entry, list) and all(isinstance(part, str) for part in entry):
        return ["/".join(prefix + f for f in part.split("/")) for part in entry]
    return [{**sense, "past": prefix + sense["past"], "participle": prefix + sense["participle"]} for sense in entry]


def _regular_past(verb: str) -> str:
    if verb.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ied"
    if _syllables(verb) == 1 and _DOUBLING.search(verb):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def _regular_ing(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and len(verb) > 2 and not re.search(r"(?:ee|ye|oe)$", verb):
        return verb[:-1] + "ing"
    if _syllables(verb) == 1 and _DOUBLING.search(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _compared(word: str, relation: str, pos: str, irregular: list[str]) -> Forms:
    index = 0 if relation == "comparative" else 1
    table = _table().get("compared", {}).get(word)
    if table is not None:
        return Forms(word, relation, _split(table[index]), pos)
    ending = "er" if index == 0 else "est"
    listed = [f for f in irregular if f.endswith(ending)]
    if listed:
        return Forms(word, relation, tuple(WordForm(f) for f in listed), pos)
    return Forms(word, relation, (WordForm(_regular_compared(word, pos, ending)),), pos, regular=True)


def _regular_compared(word: str, pos: str, ending: str) -> str:
    """One syllable takes -er/-est ("fast"), as does two ending in -y or -le ("happy", "simple"); longer words
    and adverbs in -ly take "more"/"most" ("beautiful", "quickly")."""
    syllables = _syllables(word)
    if " " in word or (pos == ADVERB and word.endswith("ly")) or syllables > 2 or (
            syllables == 2 and not re.search(r"(?:[^aeiou]y|le)$", word)):
        return ("more " if ending == "er" else "most ") + word
    if word.endswith("e"):
        return word + ending[1:]
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "i" + ending
    if syllables == 1 and _DOUBLING.search(word):
        return word + word[-1] + ending
    return word + ending


def _syllables(word: str) -> int:
    """Vowel groups, less a silent final e ("large" is one): near enough for the spelling rules."""
    groups = len(re.findall(r"[aeiouy]+", word.lower().lstrip("y")))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(groups, 1)


def _derived(lexicon: Lexicon, term: str, relation: str) -> Forms | None:
    """The words of part of speech `relation` that WordNet links to `term` ("generosity": generous)."""
    # WordNet links "quick" to the adverbs "faster" and "quickest" too: those are its comparisons, not its adverb.
    found = list(dict.fromkeys(target for target, target_pos, _ in lexicon.derived(term) if target_pos == relation
                               and not (relation == ADVERB and target.endswith(("er", "est")))))
    if not found:
        return None
    return Forms(term, relation, tuple(WordForm(word) for word in found), relation)


def _listed(entry: Any, part: str) -> tuple[WordForm, ...]:
    """A table entry's forms: ["went", "gone"] (past, participle), ["cacti/cactuses"] or by sense."""
    if isinstance(entry, list) and all(isinstance(item, str) for item in entry):
        if not entry:
            return ()
        return _split(entry[0] if part in ("past", "plural") else entry[-1])
    return tuple(WordForm(form, sense["sense"]) for sense in entry for form in sense[part].split("/"))


def _split(forms: str) -> tuple[WordForm, ...]:
    return tuple(WordForm(form) for form in forms.split("/"))


@cache
def _table() -> dict[str, Any]:
    """data/word_forms.toml, read once on first use."""
    text = resources.files(__package__).joinpath("data/word_forms.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
