"""calculation: "15% of 80", "12 is what percent of 80", "2^10", "sqrt 2": exact, bounded, never `eval`.

The grammar parses chains flat; the reader here builds the Calculation (arithmetic.py computes and shows
it). `decide` hands the router a PreparedCalculation when every query of the shape reads alike, so
"20% of 150" after "15% of 80" needs neither the parser nor this module.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING, Any, cast

from lark import Token, Transformer, v_args

from ..arithmetic import (
    MAX_DEPTH,
    NAME,
    Calculation,
    CalculationError,
    Node,
    PreparedCalculation,
    branch,
    check_float,
    constant,
    evaluate,
    leaf,
    respond,
    shown_value,
)
from ..numbers import parse_decimal, parse_fraction, parse_number_words
from ..result import Result, Status

if TYPE_CHECKING:
    from ..context import Context
    from ..normalize import Normalized

_CODE_LIKE = re.compile(r"\d+(?:\.\d+)?(?:[-/]\d+(?:\.\d+)?)+")
# Three or more numbers joined by - or / without spaces, anywhere: a phone number ("555-123-4567 x12"), a
# date ("12/25/2020 + 1"), a part number; and template or shell syntax ("{{7*7}}", "${7*7}", "`ls`").
_TYPED_FRACTION = re.compile(r"\d+/\d+")
_NOT_ARITHMETIC = re.compile(r"(?<![\w.])\d+(?:[-/]\d+){2,}|\{\{|\$\{|`")

_OPERATORS = {"PLUS": "+", "MINUS": "-", "LESS": "-", "TIMES": "×", "DIVIDE": "/", "OUT_OF": "/",
              "OF": "of", "SQRT": "√", "CBRT": "∛", "LOG": "log ", "LN": "ln ", "PERCENT": "%", "SQUARED": "²",
              "CUBED": "³", "FACTORIAL": "!", "MOD": "mod", "MOD_SIGN": "mod", "TIP_ON": "of", "DEGREE": "°"}
"""The symbol each operator terminal of calculation.lark is shown as; the words that spell each one are
the vocabulary's ([calculation.plus], [calculation.times]...)."""


def _value(name: str, token: Token) -> Any:
    """The value the vocabulary's class `name` gives the words of `token` ("double" -> 2)."""
    from ..vocabulary import Vocabulary

    return Vocabulary.default().values(name)[" ".join(token.lower().split())]


def _words(name: str, token: Token) -> str:
    """The words of a function-like token without the article before them and the "of" after them
    ("the sine of" -> "sine"), as the vocabulary's class `name` lists them."""
    from ..vocabulary import Vocabulary

    vocabulary = Vocabulary.default()
    words = token.lower().split()
    if len(words) > 1 and words[0] in vocabulary.phrases("article"):
        words = words[1:]
    if len(words) > 1 and words[-1] in vocabulary.phrases("of"):
        words = words[:-1]
    return " ".join(words)


def _prefix(token: Token) -> str:
    """The prefix operator a token stands for: "-", "√", "log ", "sin ", "log5 " (a base), "4√" (a root)."""
    kind = _kind(token)
    if kind == "FUNCTION":
        from ..vocabulary import Vocabulary

        return str(Vocabulary.default().values("calculation.function")[_words("calculation.function", token)]) + " "
    if kind == "LOG_BASE":
        base = re.search(r"\d+(?:\.\d+)?", token)
        return "log " if base is None or Fraction(base.group()) == 10 else f"log{base.group()} "
    if kind == "ROOT":
        digits = re.match(r"(?:\D*?\s)?(\d+)", str(token))
        if digits:
            return f"{digits.group(1)}√"
        word = _words("calculation.root", token).split()[0]
        try:
            part = Fraction(_value("number.ordinal", Token(kind, word)))
        except KeyError:
            part = Fraction(_value("calculation.part", Token(kind, word)))
        return f"{part.denominator}√"
    return _OPERATORS[kind]


def _kind(token: Token) -> str:
    """The terminal's own name: the grammar namespaces it ("calculation__PLUS")."""
    return token.type.rpartition("__")[2]


def _position(token: Token) -> int:
    return -1 if token.start_pos is None else token.start_pos


def _is_percent(node: Node) -> bool:
    return node.op == "postfix" and node.ops[-1] == "%"


def _plus(left: Node, op: str, right: Node) -> Node:
    """`left ± right`, where "80 - 15%" takes 15% of 80 (the calculator reading)."""
    return branch("sum", (left, right), (op + "%" if _is_percent(right) else op,))


@v_args(inline=True)
class _Reader(Transformer[Any, Any]):
    """Parse tree -> Calculation. Chains arrive flat and stay n-ary, so only nesting adds depth."""

    # --- the query forms ---------------------------------------------------------------------------

    def expression(self, node: Node) -> Calculation:
        return Calculation(node)

    def as_percent(self, node: Node) -> Calculation:
        return Calculation(node, "percent")

    def as_fraction(self, node: Node) -> Calculation:
        return Calculation(node, "fraction")

    def as_decimal(self, node: Node) -> Calculation:
        return Calculation(node, "decimal")

    def part_of_whole(self, part: Node, _of: Token, whole: Node) -> Calculation:
        return Calculation(branch("product", (part, whole), ("/",)), "part_of_whole", (part, whole))

    def whole_of_part(self, _of: Token, whole: Node, part: Node) -> Calculation:
        return self.part_of_whole(part, _of, whole)

    def percent_change(self, kind: Token, old: Node, new: Node) -> Calculation:
        difference = branch("sum", (new, old), ("-",))
        asked = Token(kind.type, kind.rsplit(None, 1)[-1])  # "the percent decrease": the change asked
        return Calculation(branch("product", (difference, old), ("/",)), "change", (old, new),
                           decrease=_value("calculation.change", asked) == "decrease")

    def off(self, amount: Node, base: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def increase(self, base: Node, amount: Node) -> Calculation:
        return Calculation(_plus(base, "+", amount))

    def decrease(self, base: Node, amount: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def scaled(self, how: Token, node: Node) -> Calculation:
        """"double 40", "triple 15": 2 × 40, 3 × 15."""
        return Calculation(branch("product", (leaf(Fraction(_value("calculation.multiple", how))), node), ("×",)))

    def divide(self, left: Node, right: Node) -> Calculation:
        return Calculation(branch("product", (left, right), ("/",)))

    def multiply(self, left: Node, right: Node) -> Calculation:
        return Calculation(branch("product", (left, right), ("×",)))

    def add(self, left: Node, right: Node) -> Calculation:
        return Calculation(_plus(left, "+", right))

    def add_to(self, amount: Node, base: Node) -> Calculation:
        """"add 10% to 50": the amount is added to the base, 55, as "subtract 5 from 10" takes it away."""
        return Calculation(_plus(base, "+", amount))

    def subtract(self, amount: Node, base: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def more_than(self, amount: Node, _how: Token, base: Node) -> Calculation:
        """"20% more than 50" is 50 raised by 20%; "5 more than 10" is 15."""
        return Calculation(_plus(base, "+", amount))

    def less_than(self, amount: Node, _how: Token, base: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def added_on(self, amount: Node, _how: Token, base: Node) -> Calculation:
        """"7.5% sales tax on 200": the base with the tax on top, 215."""
        return Calculation(_plus(base, "+", amount))

    def whole_from_part(self, share: Node, part: Node) -> Calculation:
        """"30% of what is 45": the whole is 45 / 30%."""
        return Calculation(branch("product", (part, share), ("/",)))

    def part_is_of_whole(self, part: Node, share: Node) -> Calculation:
        """"40 is 20% of what": 40 / 20%."""
        return self.whole_from_part(share, part)

    def average(self, *items: Node) -> Calculation:
        """"average of 3, 5 and 10": (3 + 5 + 10) / 3."""
        total = branch("group", (branch("sum", items, ("+",) * (len(items) - 1)),))
        return Calculation(branch("product", (total, leaf(Fraction(len(items)))), ("/",)))

    def difference(self, left: Node, right: Node) -> Calculation:
        """"difference between 18 and 50" is 32: a difference has no sign."""
        return Calculation(branch("prefix", (branch("group", (branch("sum", (left, right), ("-",)),)),), ("abs ",)))

    def remainder(self, left: Node, _by: Token | Node, right: Node | None = None) -> Calculation:
        """"remainder of 50 divided by 7": 50 mod 7."""
        if right is None:
            right = cast(Node, _by)
        return Calculation(branch("product", (left, right), ("mod",)))

    def juxtaposed(self, left: Token, right: Token) -> Calculation | None:
        """Two bare numbers: an operator was probably lost, so every reading is offered, none picked.
        Numbers touching ("1.2.3", a version) are not two numbers at all."""
        if left.end_pos == right.start_pos:
            return None
        a, b = self.decimal(left), self.decimal(right)
        readings = (branch("product", (a, b), ("/",)), branch("product", (a, b), ("×",)),
                    branch("product", (branch("postfix", (b,), ("%",)), a), ("×",)))
        return Calculation(readings[0], readings=readings)

    # --- expressions -------------------------------------------------------------------------------

    def sum(self, first: Node, *rest: Node | Token) -> Node:
        """n-ary; a percentage term ("+ 10%") is taken of the running total, as on a calculator."""
        args, ops = [first], []
        for op, term in zip(cast("tuple[Token, ...]", rest[0::2]), cast("tuple[Node, ...]", rest[1::2])):
            args.append(term)
            ops.append(_OPERATORS[_kind(op)] + ("%" if _is_percent(term) else ""))
        return branch("sum", args, ops)

    def product(self, first: Node, *rest: Node | Token) -> Node:
        args, ops = [first], []
        for op, operand in zip(cast("tuple[Token, ...]", rest[0::2]), cast("tuple[Node, ...]", rest[1::2])):
            symbol = _OPERATORS[_kind(op)]
            if symbol == "of":  # "20 of 150": a bare number before "of" probably lost its % sign
                symbol = "of?" if args[-1].op == "number" else "×"
            args.append(operand)
            ops.append(symbol)
        return branch("product", args, ops)

    def implied(self, first: Node, *rest: Node) -> Node:
        """"2pi", "2(3+4)", "3 sqrt 2": multiplication without a sign, binding tighter than /."""
        return branch("product", (first, *rest), ("×",) * len(rest))

    def power(self, *factors: Node) -> Node:
        """Right-associative, and a sign or root before a base covers the whole power: -2^2 = -(2^2)."""
        node = factors[-1]
        for factor in reversed(factors[:-1]):
            if factor.op == "prefix" and not (factor.args[0].op == "group" and factor.ops[-1] != "-"):
                node = branch("prefix", (branch("power", (factor.args[0], node)),), factor.ops)
            else:
                node = branch("power", (factor, node))
        return node

    def factor(self, *children: Node | Token) -> Node:
        prefixes, node = cast("tuple[Token, ...]", children[:-1]), cast(Node, children[-1])
        return branch("prefix", (node,), [_prefix(token) for token in prefixes])

    def factorial_of(self, _of: Token, node: Node) -> Node:
        return branch("postfix", (node,), ("!",))  # shown as 5!

    def postfix(self, node: Node, *tokens: Token) -> Node:
        return branch("postfix", (node,), [_OPERATORS[_kind(token)] for token in tokens])

    # --- numbers -----------------------------------------------------------------------------------

    def decimal(self, token: Token) -> Node:
        return leaf(parse_decimal(token), text=str(token), position=_position(token))

    def scaled_decimal(self, token: Token, scale: Token) -> Node:
        """"1 million", "2.5 billion", "60k": one number, shown as typed; not an amount of a plan (its value
        is not the digits typed)."""
        if scale.lower() == "k":  # "60k / 12": thousands, as salaries and prices are written
            return leaf(parse_decimal(str(token)) * 1000, text=f"{token}{scale}")
        return leaf(parse_number_words(str(scale), parse_decimal(str(token))), text=f"{token} {scale}")

    def money(self, symbol: Token, token: Token) -> Node:
        return leaf(parse_decimal(token), str(symbol), str(token), _position(token))

    def fraction(self, token: Token) -> Node:
        """"1/0" is a division like "1 / 0", so it reports division by zero the same way."""
        numerator, denominator = token.split("/")
        return branch("fraction", (leaf(parse_decimal(numerator)), leaf(parse_decimal(denominator))))

    def mixed(self, whole: Token, part: Token) -> Node:
        return leaf(parse_decimal(whole) + parse_fraction(part))

    def word_number(self, token: Token) -> Node:
        return leaf(parse_number_words(str(token)))

    def word_fraction(self, *tokens: Token) -> Node:
        """"two thirds", "a quarter", "half": shown and computed as the fraction 2/3, 1/4, 1/2."""
        *count, denominator = tokens
        numerator = Fraction(1)
        if count and _kind(count[0]) == "NUMBER":
            numerator = parse_decimal(count[0])
        elif count and _kind(count[0]) == "WORD_NUMBER":
            numerator = self.word_number(count[0]).value
        try:
            part = Fraction(_value("calculation.part", denominator))
        except KeyError:  # "a fourth", "three sixteenths": the ordinals numbers and units share
            part = Fraction(_value("number.ordinal", denominator))
        return branch("fraction", (leaf(numerator), leaf(1 / part)))

    def count(self, *tokens: Token) -> Node:
        """"a dozen", "3 score", "two gross": the count times what it counts."""
        *how_many, word = tokens
        value = Fraction(_value("calculation.count", Token(word.type, _words("calculation.count", word))))
        if how_many and _kind(how_many[0]) == "NUMBER":
            value *= parse_decimal(how_many[0])
        elif how_many and _kind(how_many[0]) == "WORD_NUMBER":
            value *= parse_number_words(str(how_many[0]))
        return leaf(value, text=" ".join(str(token) for token in tokens))

    def count_part(self, *tokens: Token) -> Node:
        """"half a dozen", "a quarter of a gross" read as "half" × "a dozen"."""
        *part, _article, word = tokens
        fraction = self.word_fraction(*part)
        value = fraction.args[0].value / fraction.args[1].value
        counted = Fraction(_value("calculation.count", Token(word.type, _words("calculation.count", word))))
        return leaf(value * counted, text=" ".join(str(token) for token in tokens))

    def grouped(self, token: Token) -> Node:
        """"1_000": the underscores only group the digits."""
        return leaf(parse_decimal(token.replace("_", "")), text=str(token))

    def brace(self, node: Node) -> Node:
        return branch("group", (node,))

    def constant(self, token: Token) -> Node:
        return constant("e" if token == "e" else "π")

    def group(self, node: Node) -> Node:
        return branch("group", (node,))


def reader() -> Transformer[Any, Any]:
    return _Reader()


# --- answering -------------------------------------------------------------------------------------

def answer(request: Calculation | None, query: Normalized, context: Context) -> Result | None:
    """The Result for `request`, or None to decline when the query is only a number or a name."""
    decided = decide(request, query, context)
    return decided.apply(query.original, decided.values) if isinstance(decided, PreparedCalculation) else decided


def decide(request: Calculation | None, query: Normalized,
           context: Context) -> PreparedCalculation | Result | None:
    """What the router can apply to every query of this shape, when nothing decided here depends on the
    amounts; else the Result itself, or None to decline."""
    if request is None or _NOT_ARITHMETIC.search(query.text):
        return None
    node = request.node
    if node.depth > MAX_DEPTH:
        return Result.failure(query.original, NAME, Status.OUT_OF_RANGE,
                              f"The expression is nested more than {MAX_DEPTH} levels deep.", confidence=0.9)
    if request.form == "value" and node.bare.op == "constant" and node.bare.text == "π":
        return PreparedCalculation.of(request, query.notes)  # "pi" alone asks its value; "e" alone is a letter
    if request.form == "value" and not (_has_operator(node) and not _CODE_LIKE.fullmatch(query.text)):
        # A number alone ("42", "(5)", "-3", "15%", "$150", "two thirds") or numbers joined by - or / without
        # spaces, which are names, dates, phone numbers or scores (9/11, 24/7, 12-25-2020, 1-800-555-1234):
        # not a sum, and whether it is declined depends on its value, so it gets no plan. A division by zero
        # ("1/0") is none of those, so it is still reported.
        try:
            value, exact = evaluate(node)
            check_float(value)
        except CalculationError as error:
            return respond(request, query.original, query.notes) if error.status is Status.DIVISION_BY_ZERO else None
        if _is_division(node, query, context):
            return respond(request, query.original, query.notes)
        return _as_name(node, query, value, exact)
    return PreparedCalculation.of(request, query.notes)


def _is_division(node: Node, query: Normalized, context: Context) -> bool:
    """"100/3", "45/9" alone: a division, as a calculator reads it. Not a day and a month in either order
    ("7/11", "4/20", "25/12": a date, a shop, a name; the not-found answer still says what it computes),
    not a name the glossary holds ("24/7"), nor a number over itself ("50/50"); dates with a year
    ("12/25/2020") never get here (three numbers)."""
    bare = node.bare
    if not _TYPED_FRACTION.fullmatch(query.text):
        return False
    top, bottom = bare.args[0].value, bare.args[1].value
    if top == bottom or (1 <= min(top, bottom) <= 12 and max(top, bottom) <= 31):
        return False
    return context.glossary.lookup(query.text.strip(), fuzzy=False) is None


def _as_name(node: Node, query: Normalized, value: Fraction, exact: bool) -> Result | None:
    """"100/3" is read as a name or a date, like "9/11", yet may be a sum: a not-found Result that says
    what it computes and suggests the spaced expression, shown only if no other intent answers. None
    for a number alone ("42")."""
    bare = node.bare
    if not _has_operator(node) and bare.op != "fraction":
        return None
    expression = f"{bare.args[0]} / {bare.args[1]}" if bare.op == "fraction" else str(node)
    return Result.failure(query.original, "none", Status.NOT_FOUND,
                          f"Nothing found about {query.original.strip()!r}, read as a name or a date; as a "
                          f"calculation, {expression} {'=' if exact else '≈'} {shown_value(value)}.",
                          suggestions=(expression,), confidence=0.2)


def _has_operator(node: Node) -> bool:
    while node.op == "group" or (node.op == "prefix" and set(node.ops) == {"-"}) or (
            node.op == "postfix" and set(node.ops) == {"%"}):
        node = node.args[0]
    return node.op not in ("number", "fraction", "constant")
