"""calculation: "15% of 80", "12 is what percent of 80", "2^10", "sqrt 2": exact, bounded, never `eval`.

The grammar parses chains flat; the reader builds a small expression tree (Node) whose depth is known
before anything recurses over it. `evaluate` computes with Fractions and checks the size of every step
*before* doing the work, so hostile input ("9^9^9^9", deep nesting, "factorial of 10 factorial") is
refused in microseconds. Roots and fractional powers that have no exact value are computed with 30-digit
Decimals and marked inexact, so the answer says "≈" instead of pretending.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Context, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, cast

from lark import Token, Transformer, v_args

from ..formatting import format_number
from ..numbers import parse_decimal, parse_fraction, parse_number_words
from ..result import Alternative, CalculationAnswer, Result, Status

if TYPE_CHECKING:
    from ..normalize import Normalized
    from ..router import Router

NAME = "calculation"
MAX_DIGITS = 1000  # no intermediate value may have more digits (numerator or denominator) than this
MAX_BITS = int(MAX_DIGITS / math.log10(2))
MAX_DEPTH = 32  # parentheses and powers nested deeper than this are not a search query
MAX_EXACT_ROOT = 64  # "x^(1/q)" looks for an exact root only for small q; larger q is computed inexactly
_DECIMALS = Context(prec=30)
_CODE_LIKE = re.compile(r"\d+(?:\.\d+)?(?:[-/]\d+(?:\.\d+)?)+")

Form = Literal["value", "percent", "fraction", "decimal", "part_of_whole", "change"]

_OPERATORS = {"PLUS": "+", "MINUS": "-", "LESS": "-", "TIMES": "×", "DIVIDE": "/", "OUT_OF": "/",
              "OF": "of", "SQRT": "√", "CBRT": "∛", "PERCENT": "%", "SQUARED": "²",
              "CUBED": "³", "FACTORIAL": "!"}
_DENOMINATORS = {"half": 2, "halve": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
                 "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "hundredth": 100, "thousandth": 1000}
# How tightly each kind of node binds when shown; an operand that binds less gets parentheses.
_LEVEL = {"sum": 1, "product": 2, "prefix": 3, "power": 4, "postfix": 5, "fraction": 5, "number": 6}


@dataclass(frozen=True)
class Node:
    """A piece of an expression. `ops` sit between `args` (sum, product) or apply to the one arg (prefix,
    postfix). A sum's "+%"/"-%" adds or takes a percentage of the running total, like a calculator."""

    op: str  # number | fraction | group | sum | product | power | prefix | postfix
    args: tuple[Node, ...] = ()
    ops: tuple[str, ...] = ()
    value: Fraction = Fraction(0)
    currency: str = ""
    depth: int = 1
    text: str = ""  # a number as typed ("1e100", "19.2"), so the expression echoes the query

    @property
    def bare(self) -> Node:
        """This node without the parentheses around it."""
        node = self
        while node.op == "group":
            node = node.args[0]
        return node

    @property
    def level(self) -> int:
        return _LEVEL[self.bare.op]

    def __str__(self) -> str:
        if self.op == "number":
            return f"{self.currency}{self.text or format_number(self.value, significant=15)}"
        if self.op == "group":
            return str(self.args[0])
        if self.op == "fraction":
            return f"{self.args[0]}/{self.args[1]}"
        if self.op == "power":
            exponent = self.args[1].bare  # "2^-3", "2^3^2" read plainly; "8^(1/3)", "2^(1 + 1)" do not
            plain = exponent.op == "power" or exponent.level == 6 or (
                exponent.op == "prefix" and exponent.args[0].level == 6)
            base = self.args[0]  # "(2/3)^2": a fraction base is not "2/3^2"
            shown_base = f"({base})" if base.bare.op == "fraction" else base.shown(5)
            return f"{shown_base}^{exponent if plain else f'({exponent})'}"
        if self.op == "prefix":
            return "".join(self.ops) + self.args[0].shown(4 if set(self.ops) == {"-"} else 6)  # √(2²)
        if self.op == "postfix":
            return self.args[0].shown(6) + "".join(self.ops)
        if self.op == "sum" and len(self.args) == 2 and self.ops[0] in ("+%", "-%"):
            total = self.args[0].shown(2)
            return f"{total} {self.ops[0][0]} {self.args[1].shown(3)} × {self.args[0].shown(3)}"
        parts = [self.args[0].shown(self.level)]  # left-associative: "12 / 80 × 100"
        for op, arg in zip(self.ops, self.args[1:]):
            tighter = 6 if op == "/" and arg.bare.op == "fraction" else self.level + 1  # "12 / (2/3)"
            parts.append(f"{op[0] if op in ('+%', '-%') else op} {arg.shown(tighter)}")
        return " ".join(parts)

    def shown(self, level: int) -> str:
        """This node as an operand that must bind at least as tightly as `level`."""
        return str(self) if self.level >= level else f"({self})"


def _node(op: str, args: tuple[Node, ...] | list[Node], ops: tuple[str, ...] | list[str] = ()) -> Node:
    args = tuple(args)
    return Node(op, args, tuple(ops), depth=1 + max(arg.depth for arg in args))


def _number(value: Fraction, currency: str = "", text: str = "") -> Node:
    return Node("number", value=value, currency=currency, text=text)


@dataclass(frozen=True)
class Calculation:
    """What the query asks: evaluate `node` and present it as `form`; `parts` name the operands the
    text repeats ("12 is 15% of 80"); `readings` are the candidates when an operator was probably lost."""

    node: Node
    form: Form = "value"
    parts: tuple[Node, ...] = ()
    decrease: bool = False
    readings: tuple[Node, ...] = ()


class CalculationError(ValueError):
    """A calculation that cannot be answered, with the status that says why."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status


def _kind(token: Token) -> str:
    """The terminal's own name: the grammar namespaces it ("calculation__PLUS")."""
    return token.type.rpartition("__")[2]


def _is_percent(node: Node) -> bool:
    return node.op == "postfix" and node.ops[-1] == "%"


def _plus(left: Node, op: str, right: Node) -> Node:
    """`left ± right`, where "80 - 15%" takes 15% of 80 (the calculator reading)."""
    return _node("sum", (left, right), (op + "%" if _is_percent(right) else op,))


@v_args(inline=True)
class _Reader(Transformer):
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
        return Calculation(_node("product", (part, whole), ("/",)), "part_of_whole", (part, whole))

    def whole_of_part(self, _of: Token, whole: Node, part: Node) -> Calculation:
        return self.part_of_whole(part, _of, whole)

    def percent_change(self, kind: Token, old: Node, new: Node) -> Calculation:
        difference = _node("sum", (new, old), ("-",))
        return Calculation(_node("product", (difference, old), ("/",)), "change", (old, new),
                           decrease="decrease" in kind.lower())

    def off(self, amount: Node, base: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def increase(self, base: Node, amount: Node) -> Calculation:
        return Calculation(_plus(base, "+", amount))

    def decrease(self, base: Node, amount: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def divide(self, left: Node, right: Node) -> Calculation:
        return Calculation(_node("product", (left, right), ("/",)))

    def multiply(self, left: Node, right: Node) -> Calculation:
        return Calculation(_node("product", (left, right), ("×",)))

    def add(self, left: Node, right: Node) -> Calculation:
        return Calculation(_plus(left, "+", right))

    def subtract(self, amount: Node, base: Node) -> Calculation:
        return Calculation(_plus(base, "-", amount))

    def juxtaposed(self, left: Token, right: Token) -> Calculation | None:
        """Two bare numbers: an operator was probably lost, so every reading is offered, none picked.
        Numbers touching ("1.2.3", a version) are not two numbers at all."""
        if left.end_pos == right.start_pos:
            return None
        a, b = self.decimal(left), self.decimal(right)
        readings = (_node("product", (a, b), ("/",)), _node("product", (a, b), ("×",)),
                    _node("product", (_node("postfix", (b,), ("%",)), a), ("×",)))
        return Calculation(readings[0], readings=readings)

    # --- expressions -------------------------------------------------------------------------------

    def sum(self, first: Node, *rest: Node | Token) -> Node:
        """n-ary; a percentage term ("+ 10%") is taken of the running total, as on a calculator."""
        args, ops = [first], []
        for op, term in zip(cast("tuple[Token, ...]", rest[0::2]), cast("tuple[Node, ...]", rest[1::2])):
            args.append(term)
            ops.append(_OPERATORS[_kind(op)] + ("%" if _is_percent(term) else ""))
        return _node("sum", args, ops)

    def product(self, first: Node, *rest: Node | Token) -> Node:
        args, ops = [first], []
        for op, operand in zip(cast("tuple[Token, ...]", rest[0::2]), cast("tuple[Node, ...]", rest[1::2])):
            symbol = _OPERATORS[_kind(op)]
            if symbol == "of":  # "20 of 150": a bare number before "of" probably lost its % sign
                symbol = "of?" if args[-1].op == "number" else "×"
            args.append(operand)
            ops.append(symbol)
        return _node("product", args, ops)

    def power(self, *factors: Node) -> Node:
        """Right-associative, and a sign or root before a base covers the whole power: -2^2 = -(2^2)."""
        node = factors[-1]
        for factor in reversed(factors[:-1]):
            if factor.op == "prefix":
                node = _node("prefix", (_node("power", (factor.args[0], node)),), factor.ops)
            else:
                node = _node("power", (factor, node))
        return node

    def factor(self, *children: Node | Token) -> Node:
        prefixes, node = cast("tuple[Token, ...]", children[:-1]), cast(Node, children[-1])
        return _node("prefix", (node,), [_OPERATORS[_kind(token)] for token in prefixes])

    def factorial_of(self, _of: Token, node: Node) -> Node:
        return _node("postfix", (node,), ("!",))  # shown as 5!

    def postfix(self, node: Node, *tokens: Token) -> Node:
        return _node("postfix", (node,), [_OPERATORS[_kind(token)] for token in tokens])

    # --- numbers -----------------------------------------------------------------------------------

    def decimal(self, token: Token) -> Node:
        return _number(parse_decimal(token), text=str(token))

    def money(self, symbol: Token, token: Token) -> Node:
        return _number(parse_decimal(token), str(symbol), str(token))

    def fraction(self, token: Token) -> Node:
        """"1/0" is a division like "1 / 0", so it reports division by zero the same way."""
        numerator, denominator = token.split("/")
        return _node("fraction", (_number(parse_decimal(numerator)), _number(parse_decimal(denominator))))

    def mixed(self, whole: Token, part: Token) -> Node:
        return _number(parse_decimal(whole) + parse_fraction(part))

    def word_number(self, token: Token) -> Node:
        return _number(parse_number_words(token))

    def word_fraction(self, *tokens: Token) -> Node:
        """"two thirds", "a quarter", "half": shown and computed as the fraction 2/3, 1/4, 1/2."""
        *count, denominator = tokens
        numerator = Fraction(1)
        if count and _kind(count[0]) == "NUMBER":
            numerator = parse_decimal(count[0])
        elif count and _kind(count[0]) == "WORD_NUMBER":
            numerator = self.word_number(count[0]).value
        stem = denominator.lower().removesuffix("s")
        return _node("fraction", (_number(numerator), _number(Fraction(_DENOMINATORS[stem]))))

    def group(self, node: Node) -> Node:
        return _node("group", (node,))


def reader() -> Transformer:
    return _Reader()


# --- answering -------------------------------------------------------------------------------------

def answer(request: Calculation | None, query: Normalized, router: Router) -> Result | None:
    """The Result for `request`, or None to decline when the query is only a number or a name."""
    if request is None:
        return None
    node = request.node
    if node.depth > MAX_DEPTH:
        return Result.failure(query.original, NAME, Status.OUT_OF_RANGE,
                              f"The expression is nested more than {MAX_DEPTH} levels deep.", confidence=0.9)
    if request.form == "value" and _is_not_a_sum(node, query):
        return _as_name(node, query)
    readings = request.readings or _of_readings(node)
    if readings:
        return _ambiguous(query, readings)
    try:
        return _present(request, query)
    except CalculationError as error:
        return Result.failure(query.original, NAME, error.status, str(error),
                              interpreted_as=_with_notes(str(node), query), confidence=0.9)


def _is_not_a_sum(node: Node, query: Normalized) -> bool:
    """True for a number alone ("42", "(5)", "-3", "15%", "$150", "two thirds") and for numbers joined by
    - or / without spaces, which are names, dates, phone numbers or scores (9/11, 24/7, 12-25-2020,
    1-800-555-1234). A division by zero ("1/0") is none of those, so it is still reported."""
    if _has_operator(node) and not _CODE_LIKE.fullmatch(query.text):
        return False
    try:
        evaluate(node)
    except CalculationError as error:
        return error.status is not Status.DIVISION_BY_ZERO
    return True


def _as_name(node: Node, query: Normalized) -> Result | None:
    """"100/3" is read as a name or a date, like "9/11", yet may be a sum: a not-found Result that says
    what it computes and suggests the spaced expression, shown only if no other intent answers. None
    for a number alone ("42") or what cannot be computed."""
    bare = node.bare
    if not _has_operator(node) and bare.op != "fraction":
        return None
    try:
        value, exact = evaluate(node)
        _check_float(value)
    except CalculationError:
        return None
    expression = f"{bare.args[0]} / {bare.args[1]}" if bare.op == "fraction" else str(node)
    return Result.failure(query.original, "none", Status.NOT_FOUND,
                          f"Nothing found about {query.original.strip()!r}, read as a name or a date; as a "
                          f"calculation, {expression} {'=' if exact else '≈'} {_shown(value)}.",
                          suggestions=(expression,), confidence=0.2)


def _has_operator(node: Node) -> bool:
    while node.op == "group" or (node.op == "prefix" and set(node.ops) == {"-"}) or (
            node.op == "postfix" and set(node.ops) == {"%"}):
        node = node.args[0]
    return node.op not in ("number", "fraction")


def _present(request: Calculation, query: Normalized) -> Result:
    node = request.node
    currencies = _currencies(node)
    if len(currencies) > 1:
        raise CalculationError(Status.NOT_UNDERSTOOD,
                               f"The calculation mixes currencies ({', '.join(sorted(currencies))}).")
    value, exact = evaluate(node)
    _check_float(value)
    relation = "=" if exact else "≈"
    expression = interpreted = str(node)
    if _has_running_percent(node):
        interpreted += " (each % is of the running total)"
    if request.form in ("percent", "part_of_whole", "change"):
        expression = str(_node("product", (node, _number(Fraction(100))), ("×",)))
        interpreted = f"{node} as a percent"
        value = _bounded(value * 100)
        _check_float(value)
        percent = f"{_shown(value)}%"
        if request.form == "percent":
            text = f"{node} {relation} {percent}"
        elif request.form == "part_of_whole":
            part, whole = request.parts
            text = f"{part} is {'' if exact else 'about '}{percent} of {whole}"
        else:
            old, new = request.parts
            change = "no change" if value == 0 else (
                f"a {_shown(abs(value))}% {'increase' if value > 0 else 'decrease'}")
            text = f"From {old} to {new} is {'' if exact else 'about '}{change}"
            value = -value if request.decrease else value
    elif request.form == "fraction":
        interpreted = f"{node} as a fraction"
        text = f"{node} {relation} {_fraction_text(value)}" if exact else (
            f"{node} ≈ {_shown(value)}, which is not exact, so there is no exact fraction")
    elif request.form == "decimal":
        interpreted = f"{node} as a decimal"
        text = f"{node} {_decimal_text(value, exact)}"
    else:
        currency = _currency(node)
        shown = _money(value, currency) if currency else _shown(value)
        if value.denominator != 1 and shown.lstrip("-").isdigit():
            relation = "≈"  # 1 + 1e-20 is not 1, though no float shows the difference
        text = f"{node} {relation} {shown}"
    return Result(query.original, NAME, Status.OK, text, _with_notes(interpreted, query), 0.95,
                  answer=CalculationAnswer(expression, float(value), _exact(value, exact)))


def _has_running_percent(node: Node) -> bool:
    """"100 + 10% - 5%" is shown as typed, so say how its percentages were read."""
    running = node.op == "sum" and len(node.args) > 2 and any(op.endswith("%") for op in node.ops)
    return running or any(_has_running_percent(arg) for arg in node.args)


def _with_notes(interpreted: str, query: Normalized) -> str:
    """How the query was read, with the normalizer's repairs ("read the comma as a decimal point")."""
    return f"{interpreted} ({'; '.join(query.notes)})" if query.notes else interpreted


def _of_readings(node: Node) -> tuple[Node, ...]:
    """"20 of 150" -> (20% × 150, 20 × 150) when some "of" follows a bare number; else ()."""
    if not _has_lost_percent(node):
        return ()
    return _resolve(node, percent=True), _resolve(node, percent=False)


def _has_lost_percent(node: Node) -> bool:
    return "of?" in node.ops or any(_has_lost_percent(arg) for arg in node.args)


def _resolve(node: Node, percent: bool) -> Node:
    """`node` with each "of?" read as a percentage of, or as a plain multiplication."""
    args = [_resolve(arg, percent) for arg in node.args]
    ops = list(node.ops)
    for index, op in enumerate(node.ops):
        if op == "of?":
            ops[index] = "×"
            if percent:
                args[index] = _node("postfix", (args[index],), ("%",))
    return replace(node, args=tuple(args), ops=tuple(ops), depth=1 + max((arg.depth for arg in args), default=0))


def _ambiguous(query: Normalized, readings: tuple[Node, ...]) -> Result:
    """An operator or % sign was probably lost: offer every reading that computes, pick none."""
    alternatives = []
    for reading in readings:
        try:
            value, exact = evaluate(reading)
            _check_float(value)
        except CalculationError:
            continue
        alternatives.append(Alternative(str(reading), f"{reading} {'=' if exact else '≈'} {_shown(value)}"))
    text = (f"'{query.original.strip()}' is unclear; did you mean "
            f"{' or '.join(a.text for a in alternatives) or 'something else'}?")
    return Result.failure(query.original, NAME, Status.AMBIGUOUS, text, confidence=0.3,
                          suggestions=tuple(a.interpreted_as for a in alternatives),
                          alternatives=tuple(alternatives))


# --- evaluation ------------------------------------------------------------------------------------

def evaluate(node: Node) -> tuple[Fraction, bool]:
    """Exact value of `node` and whether it is exact; CalculationError when it cannot be computed.
    Recursion is bounded by MAX_DEPTH, checked before this is called."""
    if node.op == "number":
        return node.value, True
    results = [evaluate(arg) for arg in node.args]
    exact = all(is_exact for _, is_exact in results)
    values = [value for value, _ in results]
    value = values[0]
    if node.op == "fraction":
        return _divide(values[0], values[1]), exact
    if node.op == "sum":
        for op, term in zip(node.ops, values[1:]):
            if op in ("+%", "-%"):
                term = _bounded(value * term)
            value = _bounded(value + term if op[0] == "+" else value - term)
    elif node.op == "product":
        for op, operand in zip(node.ops, values[1:]):
            value = _divide(value, operand) if op == "/" else _bounded(value * operand)
    elif node.op == "power":
        value, power_exact = _power(values[0], values[1])
        exact = exact and power_exact
    elif node.op == "prefix":
        for op in reversed(node.ops):
            if op == "-":
                value = -value
            else:
                value, root_exact = _power(value, Fraction(1, 2 if op == "√" else 3))
                exact = exact and root_exact
    elif node.op == "postfix":
        for op in node.ops:
            if op == "%":
                value = _bounded(value / 100)
            elif op == "!":
                value = _factorial(value)
            else:
                value, _ = _power(value, Fraction(2 if op == "²" else 3))
    return value, exact


def _divide(left: Fraction, right: Fraction) -> Fraction:
    if right == 0:
        raise CalculationError(Status.DIVISION_BY_ZERO, "Division by zero.")
    return _bounded(left / right)


def _bounded(value: Fraction) -> Fraction:
    if value.numerator.bit_length() > MAX_BITS or value.denominator.bit_length() > MAX_BITS:
        raise CalculationError(Status.OUT_OF_RANGE, f"The result has more than {MAX_DIGITS} digits.")
    return value


def _log10(value: Fraction) -> float:
    """log10 |value| of a nonzero Fraction of any size, without converting it to a float."""
    return math.log10(abs(value.numerator)) - math.log10(value.denominator)


def _power(base: Fraction, exponent: Fraction) -> tuple[Fraction, bool]:
    """base ** exponent, refused before computing when the result would be too large or not real."""
    if base == 0:
        if exponent < 0:
            raise CalculationError(Status.DIVISION_BY_ZERO, "Zero to a negative power divides by zero.")
        return (Fraction(0) if exponent > 0 else Fraction(1)), True
    if exponent == 0 or base == 1:
        return Fraction(1), True
    if exponent.denominator == 1 and base == -1:
        return Fraction(-1 if exponent.numerator % 2 else 1), True
    magnitude = max(math.log10(abs(base.numerator)), math.log10(base.denominator))  # digits, roughly
    if magnitude > 0 and _log10(exponent) + math.log10(magnitude) > math.log10(MAX_DIGITS):
        raise CalculationError(Status.OUT_OF_RANGE, f"The result has more than {MAX_DIGITS} digits.")
    if exponent.denominator == 1:
        return _bounded(base ** exponent.numerator), True
    if base < 0 and exponent.denominator % 2 == 0:
        order = "square" if exponent.denominator == 2 else "even-order"
        raise CalculationError(Status.OUT_OF_RANGE, f"A negative number has no real {order} root.")
    if exponent.denominator <= MAX_EXACT_ROOT:
        root = _exact_root(base, exponent.denominator)
        if root is not None:
            return _power(root, Fraction(exponent.numerator))
    if base < 0:
        value, _ = _power(-base, exponent)  # an odd root of a negative number is negative
        return -value, False
    approximate = _DECIMALS.power(_to_decimal(base), _to_decimal(exponent))
    return _bounded(Fraction(approximate)), False


def _to_decimal(value: Fraction) -> Decimal:
    return _DECIMALS.divide(Decimal(value.numerator), Decimal(value.denominator))


def _exact_root(value: Fraction, order: int) -> Fraction | None:
    """The exact `order`-th root of `value` when numerator and denominator are perfect powers."""
    sign = -1 if value < 0 else 1
    numerator, denominator = _integer_root(abs(value.numerator), order), _integer_root(value.denominator, order)
    if numerator ** order == abs(value.numerator) and denominator ** order == value.denominator:
        return sign * Fraction(numerator, denominator)
    return None


def _integer_root(number: int, order: int) -> int:
    """floor(number ** (1/order)) by Newton's method on integers, exact for any size."""
    if number < 2:
        return number
    guess = 1 << -(-number.bit_length() // order)  # a power of two at or above the root
    while True:
        better = ((order - 1) * guess + number // guess ** (order - 1)) // order
        if better >= guess:
            return guess
        guess = better


def _factorial(value: Fraction) -> Fraction:
    if value.denominator != 1 or value < 0:
        raise CalculationError(Status.OUT_OF_RANGE, "Factorial is defined for whole numbers 0 and up.")
    if value > 10_000 or math.lgamma(float(value) + 1) / math.log(10) > MAX_DIGITS:
        raise CalculationError(Status.OUT_OF_RANGE, f"The result has more than {MAX_DIGITS} digits.")
    return Fraction(math.factorial(int(value)))


def _check_float(value: Fraction) -> None:
    """The answer carries the value as a float too, so it must fit one without becoming inf or 0."""
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    if math.isinf(as_float):
        raise CalculationError(Status.OUT_OF_RANGE, "The result is too large to show.")
    if value != 0 and as_float == 0:
        raise CalculationError(Status.OUT_OF_RANGE, "The result is too small to show.")


# --- showing values --------------------------------------------------------------------------------

def _shown(value: Fraction) -> str:
    """Rounded for people; whole numbers stay whole up to 30 digits ("2^64"), beyond that 1.072e301. A
    value that is not whole is never shown as one: 1.00002 is not "1", nor 14285.71 "14286"."""
    if value.denominator == 1 and abs(value) >= 10 ** 30:
        return format_number(float(value))
    shown = format_number(value)
    significant = 4
    while value.denominator != 1 and shown.lstrip("-").isdigit() and significant < 15:
        significant += 1
        shown = format_number(value, significant)
    return shown


def _exact(value: Fraction, exact: bool) -> str:
    """"100/3" for exact values; the float's shortest decimal for approximate ones."""
    if not exact:
        return repr(float(value))
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _fraction_text(value: Fraction) -> str:
    """"1/4", "7/4 = 1 3/4", "3"."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{value.numerator}/{value.denominator}"
    whole, rest = divmod(abs(value.numerator), value.denominator)
    if whole:
        text += f" = {'-' if value < 0 else ''}{whole} {rest}/{value.denominator}"
    return text


def _decimal_text(value: Fraction, exact: bool) -> str:
    """"= 0.375" when the decimal ends within 30 places, else "≈ 0.3333333333"."""
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    places = max(twos, fives)
    if exact and rest == 1 and places <= 30:
        return f"= {Decimal(value.numerator * 10 ** places // value.denominator).scaleb(-places):f}"
    return f"≈ {format_number(value, significant=10)}"


def _currencies(node: Node) -> set[str]:
    found = {node.currency} if node.currency else set()
    for arg in node.args:
        found |= _currencies(arg)
    return found


def _currency(node: Node) -> str:
    """The currency the value is in: "20% × $150" is money, "$150 / $3" is a plain ratio."""
    if node.op == "number":
        return node.currency
    if node.op == "group":
        return _currency(node.args[0])
    if node.op == "sum":
        return next((symbol for symbol in map(_currency, node.args) if symbol), "")
    if node.op == "product":
        symbol = _currency(node.args[0])
        for op, arg in zip(node.ops, node.args[1:]):
            other = _currency(arg)
            symbol = "" if (other and (symbol or op == "/")) else symbol or other
        return symbol
    if node.op == "prefix" and set(node.ops) == {"-"} or node.op == "postfix" and set(node.ops) == {"%"}:
        return _currency(node.args[0])
    return ""


def _money(value: Fraction, symbol: str) -> str:
    """To the cent, half up: "$30", "$31.11", "-$4.50"."""
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    amount = str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"
    return f"{'-' if value < 0 else ''}{symbol}{amount}"
