"""Exact arithmetic on expression trees, and how its answers are shown: the half of the calculation intent
that needs no parser, so a calculation whose shape is known ("#% of #") is answered without lark.

intents/calculation.py reads a query into a Calculation (a small tree of Nodes whose depth is known before
anything recurses over it). `evaluate` computes with Fractions and checks the size of every step *before*
doing the work, so hostile input ("9^9^9^9", deep nesting, "factorial of 10 factorial") is refused in
microseconds. Roots and fractional powers that have no exact value are computed with 30-digit Decimals and
marked inexact, so the answer says "≈" instead of pretending.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from decimal import Context, Decimal
from fractions import Fraction

from .formatting import format_number
from .result import Alternative, CalculationAnswer, Result, Status
from .values import replace, value

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: 4 ms of a one-shot run
if TYPE_CHECKING:
    from typing import Literal

    Form = Literal["value", "percent", "fraction", "decimal", "part_of_whole", "change"]

NAME = "calculation"

MAX_DIGITS = 1000  # no intermediate value may have more digits (numerator or denominator) than this
MAX_BITS = int(MAX_DIGITS / math.log10(2))
MAX_DEPTH = 32  # parentheses and powers nested deeper than this are not a search query
MAX_EXACT_ROOT = 64  # "x^(1/q)" looks for an exact root only for small q; larger q is computed inexactly
_DECIMALS = Context(prec=30)

# How tightly each kind of node binds when shown; an operand that binds less gets parentheses.
_LEVEL = {"constant": 6, "sum": 1, "product": 2, "prefix": 3, "power": 4, "postfix": 5, "fraction": 5, "number": 6}


@value
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
    position: int = -1  # where a typed number starts in the query text: orders the amounts of a plan

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
        if self.op == "constant":
            return self.text
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
            shown = self.args[0].shown(4 if set(self.ops) == {"-"} else 6)  # √(2²)
            ops = "".join(self.ops)
            return (ops.rstrip() if shown.startswith("(") else ops) + shown  # "sin 2", "sin(π/6)"
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


def branch(op: str, args: tuple[Node, ...] | list[Node], ops: tuple[str, ...] | list[str] = ()) -> Node:
    args = tuple(args)
    return Node(op, args, tuple(ops), depth=1 + max(arg.depth for arg in args))


def leaf(value: Fraction, currency: str = "", text: str = "", position: int = -1) -> Node:
    return Node("number", value=value, currency=currency, text=text, position=position)


# π and e to 30 digits, as far as inexact values are computed (_DECIMALS); answers with them say "≈".
CONSTANTS = {"π": Fraction("3.14159265358979323846264338328"), "e": Fraction("2.71828182845904523536028747135")}


def constant(symbol: str) -> Node:
    return Node("constant", value=CONSTANTS[symbol], text=symbol)


@value
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


def respond(request: Calculation, original: str, notes: Sequence[str] = ()) -> Result:
    """The Result for a calculation: its value, the readings when an operator was probably lost, or the
    failure that says why it has no value."""
    readings = request.readings or of_readings(request.node)
    if readings:
        return ambiguous(original, readings)
    try:
        return present(request, original, notes)
    except CalculationError as error:
        return Result.failure(original, NAME, error.status, str(error),
                              interpreted_as=with_notes(str(request.node), notes), confidence=0.9)


@value
class PreparedCalculation:
    """A calculation read once, to answer every query of its shape ("#% of #"): the typed numbers are
    slots (the leaves at `slots`, their positions in the text), filled with each query's amounts."""

    request: Calculation
    notes: tuple[str, ...]
    slots: tuple[int, ...]  # positions of the typed numbers, in text order
    KIND = NAME  # the intent that decided it

    @classmethod
    def of(cls, request: Calculation, notes: Sequence[str]) -> PreparedCalculation:
        positions = {node.position for node in _leaves(request) if node.position >= 0}
        return cls(request, tuple(notes), tuple(sorted(positions)))

    @property
    def values(self) -> tuple[Fraction, ...]:
        """The amounts of the query it was read from, in text order (the router checks they are the
        query's plain numbers, so a word number or a fraction keeps the query off the plan)."""
        typed = {node.position: node for node in _leaves(self.request)}
        return tuple(typed[position].value for position in self.slots)

    @property
    def amounts(self) -> int:
        return len(self.slots)

    def apply(self, original: str, values: Sequence[Fraction], typed: Sequence[str] | None = None) -> Result:
        """The answer with `values` in the slots, each shown as `typed` (default: as first read)."""
        if typed is None:
            return respond(self.request, original, self.notes)
        filled = dict(zip(self.slots, zip(values, typed, strict=True), strict=True))
        request = self.request
        request = replace(request, node=_fill(request.node, filled),
                          parts=tuple(_fill(node, filled) for node in request.parts),
                          readings=tuple(_fill(node, filled) for node in request.readings))
        return respond(request, original, self.notes)

def _leaves(request: Calculation) -> list[Node]:
    found: list[Node] = []
    pending = [request.node, *request.parts, *request.readings]
    while pending:
        node = pending.pop()
        if node.op == "number":
            found.append(node)
        pending.extend(node.args)
    return found


def _fill(node: Node, filled: dict[int, tuple[Fraction, str]]) -> Node:
    if node.op == "number":
        if node.position not in filled:
            return node
        value, text = filled[node.position]
        return replace(node, value=value, text=text)
    return replace(node, args=tuple(_fill(arg, filled) for arg in node.args))


def present(request: Calculation, original: str, notes: Sequence[str] = ()) -> Result:
    node = request.node
    currencies = _currencies(node)
    if len(currencies) > 1:
        raise CalculationError(Status.NOT_UNDERSTOOD,
                               f"The calculation mixes currencies ({', '.join(sorted(currencies))}).")
    value, exact = evaluate(node)
    check_float(value)
    relation = "=" if exact else "≈"
    expression = interpreted = str(node)
    if _has_running_percent(node):
        interpreted += " (each % is of the running total)"
    if request.form in ("percent", "part_of_whole", "change"):
        expression = str(branch("product", (node, leaf(Fraction(100))), ("×",)))
        interpreted = f"{node} as a percent"
        value = _bounded(value * 100)
        check_float(value)
        percent = f"{shown_value(value)}%"
        if request.form == "percent":
            text = f"{node} {relation} {percent}"
        elif request.form == "part_of_whole":
            part, whole = request.parts
            text = f"{part} is {'' if exact else 'about '}{percent} of {whole}"
        else:
            old, new = request.parts
            change = "no change" if value == 0 else (
                f"a {shown_value(abs(value))}% {'increase' if value > 0 else 'decrease'}")
            text = f"From {old} to {new} is {'' if exact else 'about '}{change}"
            value = -value if request.decrease else value
    elif request.form == "fraction":
        interpreted = f"{node} as a fraction"
        text = f"{node} {relation} {_fraction_text(value)}" if exact else (
            f"{node} ≈ {shown_value(value)}, which is not exact, so there is no exact fraction")
    elif request.form == "decimal":
        interpreted = f"{node} as a decimal"
        text = f"{node} {_decimal_text(value, exact)}"
    else:
        currency = _currency(node)
        shown = _money(value, currency) if currency else shown_value(value)
        if (value.denominator != 1 and shown.lstrip("-").isdigit()) or (currency and (value * 100).denominator != 1):
            relation = "≈"  # 1 + 1e-20 is not 1, though no float shows it; $10 / 3 is not $3.33
        text = f"{node} {relation} {shown}"
    return Result(original, NAME, Status.OK, text, with_notes(interpreted, notes), 0.95,
                  answer=CalculationAnswer(expression, float(value), _exact(value, exact)))


def _has_running_percent(node: Node) -> bool:
    """"100 + 10% - 5%" is shown as typed, so say how its percentages were read."""
    running = node.op == "sum" and len(node.args) > 2 and any(op.endswith("%") for op in node.ops)
    return running or any(_has_running_percent(arg) for arg in node.args)


def with_notes(interpreted: str, notes: Sequence[str]) -> str:
    """How the query was read, with the normalizer's repairs ("read the comma as a decimal point")."""
    return f"{interpreted} ({'; '.join(notes)})" if notes else interpreted


def of_readings(node: Node) -> tuple[Node, ...]:
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
                args[index] = branch("postfix", (args[index],), ("%",))
    return replace(node, args=tuple(args), ops=tuple(ops), depth=1 + max((arg.depth for arg in args), default=0))


def ambiguous(original: str, readings: tuple[Node, ...]) -> Result:
    """An operator or % sign was probably lost: offer every reading that computes, pick none."""
    alternatives = []
    for reading in readings:
        try:
            value, exact = evaluate(reading)
            check_float(value)
        except CalculationError:
            continue
        alternatives.append(Alternative(str(reading), f"{reading} {'=' if exact else '≈'} {shown_value(value)}"))
    text = (f"'{original.strip()}' is unclear; did you mean "
            f"{' or '.join(a.text for a in alternatives) or 'something else'}?")
    return Result.failure(original, NAME, Status.AMBIGUOUS, text, confidence=0.3,
                          suggestions=tuple(a.interpreted_as for a in alternatives),
                          alternatives=tuple(alternatives))


# --- evaluation ------------------------------------------------------------------------------------

def evaluate(node: Node) -> tuple[Fraction, bool]:
    """Exact value of `node` and whether it is exact; CalculationError when it cannot be computed.
    Recursion is bounded by MAX_DEPTH, checked before this is called."""
    if node.op == "number":
        return node.value, True
    if node.op == "constant":
        return node.value, False
    results = [evaluate(arg) for arg in node.args]
    exact = all(is_exact for _, is_exact in results)
    values = [value for value, _ in results]
    value = values[0]
    if node.op == "fraction":
        return _divide(values[0], values[1]), exact
    if node.op == "sum":
        for op, operand in zip(node.ops, values[1:]):
            term = _bounded(value * operand) if op in ("+%", "-%") else operand
            value = _bounded(value + term if op[0] == "+" else value - term)
    elif node.op == "product":
        for op, operand in zip(node.ops, values[1:]):
            if op == "mod":
                value = value - math.floor(_divide(value, operand)) * operand  # the remainder, as on a calculator
            else:
                value = _divide(value, operand) if op == "/" else _bounded(value * operand)
    elif node.op == "power":
        value, power_exact = _power(values[0], values[1])
        exact = exact and power_exact
    elif node.op == "prefix":
        degrees = _degrees(node.args[0])
        for op in reversed(node.ops):
            if op == "-":
                value = -value
            elif op in _LOGARITHMS:
                value, log_exact = _logarithm(value, op)
                exact = exact and log_exact
            elif op.startswith("log"):  # "log5 ": a logarithm to a base
                value, log_exact = _log_base(value, Fraction(op[3:].strip()))
                exact = exact and log_exact
            elif op.endswith("√") and op[:-1].isdigit():  # "4√": the 4th root
                order = int(op[:-1])
                if order < 1:
                    raise CalculationError(Status.OUT_OF_RANGE, "A root's order is a whole number from 1 up.")
                value, root_exact = _power(value, Fraction(1, order))
                exact = exact and root_exact
            elif op.strip() in _FUNCTIONS:
                value, function_exact = _function(op.strip(), value, exact, degrees)
                exact = function_exact
            else:
                value, root_exact = _power(value, Fraction(1, 2 if op == "√" else 3))
                exact = exact and root_exact
    elif node.op == "postfix":
        for op in node.ops:
            if op == "%":
                value = _bounded(value / 100)
            elif op == "°":
                value, exact = _bounded(value * CONSTANTS["π"] / 180), False
            elif op == "!":
                value = _factorial(value)
            else:
                value, _ = _power(value, Fraction(2 if op == "²" else 3))
    return value, exact


_LOGARITHMS = {"log ": math.log10, "ln ": math.log}
_OPERATORS = {"prefix": frozenset({"-", "√", "∛"}), "postfix": frozenset({"%", "²", "³", "!", "°"}),
              "sum": frozenset({"+", "-", "+%", "-%"}), "product": frozenset({"×", "/", "of?", "mod"})}


def reads_operator(kind: str, op: str) -> bool:
    """Whether evaluating a node of `kind` reads `op` as the operator it is: what a plan stored on disk may
    hold (fastpath/plans.py), said here beside the code that reads them, so the two cannot drift apart."""
    if op in _OPERATORS.get(kind, ()):
        return True
    if kind != "prefix":
        return False
    if op in _LOGARITHMS or (op.endswith(" ") and op.strip() in _FUNCTIONS):  # "ln ", "sin "
        return True
    if op.startswith("log") and op.endswith(" "):  # "log5 ": a logarithm to a base
        base = op[3:-1]
        return base.replace(".", "", 1).isdigit() and base.isascii()
    order = op[:-1]
    return op.endswith("√") and 0 < len(order) <= 3 and order.isascii() and order.isdigit()  # "4√": a root

_FUNCTIONS: dict[str, Callable[[float], float]] = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos, "atan": math.atan,
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh, "asinh": math.asinh, "acosh": math.acosh,
    "atanh": math.atanh, "exp": math.exp, "abs": abs, "log2": math.log2}
"""The functions of [calculation.function] in the vocabulary, by the name its values give."""

def _degrees(node: Node) -> Fraction | None:
    """The exact angle in degrees when `node` is one written in degrees ("30°", "(45 deg)"), else None."""
    node = node.bare
    if node.op != "postfix" or node.ops != ("°",):
        return None
    try:
        value, exact = evaluate(node.args[0])
    except CalculationError:
        return None
    return value if exact else None


def _function(name: str, value: Fraction, exact: bool, degrees: Fraction | None) -> tuple[Fraction, bool]:
    """`name` of `value`: exact for abs, at 0, for log2 of a power of two, and for sin, cos and tan of the
    whole degrees where they are rational (sin 30° = 1/2, tan 45° = 1: Niven's theorem says no others), and
    where an exact 0 or ±1 gives a whole number (cos 0 = 1, acos 1 = 0: no irrational value is whole)."""
    if name == "abs":
        return abs(value), exact
    if name == "log2":
        return _log_base(value, Fraction(2))
    known = _trig_in_degrees(name, degrees) if degrees is not None else None
    if known is not None:
        return known, True
    if name == "tan" and degrees is not None and degrees % 180 == 90:
        raise CalculationError(Status.OUT_OF_RANGE, f"tan is not defined for {shown_value(degrees)}°.")
    try:
        result = _FUNCTIONS[name](float(value))
    except OverflowError:
        raise CalculationError(Status.OUT_OF_RANGE, "The result is too large to show.") from None
    except ValueError:
        raise CalculationError(Status.OUT_OF_RANGE, f"{name} is not defined for {shown_value(value)}.") from None
    if math.isinf(result) or math.isnan(result):
        raise CalculationError(Status.OUT_OF_RANGE, f"{name} is not defined for {shown_value(value)}.")
    if exact and abs(value) in (0, 1) and result.is_integer():
        return Fraction(int(result)), True
    return Fraction(result), False


def _trig_in_degrees(name: str, degrees: Fraction) -> Fraction | None:
    """sin, cos or tan of a multiple of 30° or 45° where the value is rational, else None."""
    if degrees.denominator != 1:
        return None
    turn = int(degrees) % 360
    sine: dict[int, Fraction | int] = {0: 0, 30: Fraction(1, 2), 90: 1, 150: Fraction(1, 2), 180: 0,
                                       210: Fraction(-1, 2), 270: -1,
            330: Fraction(-1, 2)}
    if name == "sin":
        return Fraction(sine[turn]) if turn in sine else None
    if name != "cos" and name != "tan":
        return None
    if name == "cos":
        shifted = (90 - turn) % 360
        return Fraction(sine[shifted]) if shifted in sine else None
    tangent: dict[int, int] = {0: 0, 45: 1, 135: -1, 180: 0, 225: 1, 315: -1}
    return Fraction(tangent[turn]) if turn in tangent else None


def _log_base(value: Fraction, base: Fraction) -> tuple[Fraction, bool]:
    """The logarithm of `value` to `base`: exact when `value` is a whole power of a whole base (log5 125)."""
    if base <= 0 or base == 1:
        raise CalculationError(Status.OUT_OF_RANGE, "A logarithm's base is a positive number other than 1.")
    if value <= 0:
        raise CalculationError(Status.OUT_OF_RANGE, "A logarithm is defined for positive numbers only.")
    if value == 1:
        return Fraction(0), True
    if base.denominator == 1 and 1 in (value.numerator, value.denominator):
        power = value.numerator if value.denominator == 1 else value.denominator
        exponent, rest = 0, power
        while rest % base.numerator == 0 and rest > 1:
            rest, exponent = rest // base.numerator, exponent + 1
        if rest == 1:
            return Fraction(exponent if value.denominator == 1 else -exponent), True
    return Fraction(_logarithm_of(value, math.log) / _logarithm_of(base, math.log)), False


def _logarithm(value: Fraction, op: str) -> tuple[Fraction, bool]:
    """log10 or ln of `value`, exact where it is a whole number (log 1000, ln 1)."""
    if value <= 0:
        raise CalculationError(Status.OUT_OF_RANGE, "A logarithm is defined for positive numbers only.")
    if value == 1:
        return Fraction(0), True
    numerator, denominator = value.numerator, value.denominator
    if op == "log " and 1 in (numerator, denominator):
        power = numerator if denominator == 1 else denominator
        digits = len(str(power)) - 1
        if power == 10**digits:  # 1000 or 1/1000
            return Fraction(digits if denominator == 1 else -digits), True
    return Fraction(_logarithm_of(value, _LOGARITHMS[op])), False


def _logarithm_of(value: Fraction, logarithm: Callable[[float], float]) -> float:
    """math.log or math.log10 of a positive Fraction of any size: of its float where it has one (ln e is
    1, not 0.999999999999998 as log10 e × ln 10 is), else of its numerator less of its denominator (math's
    logarithms take whole numbers of any size)."""
    try:
        as_float = float(value)
    except OverflowError:
        as_float = math.inf
    if sys.float_info.min <= as_float < math.inf:
        return logarithm(as_float)
    return logarithm(value.numerator) - logarithm(value.denominator)


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
    if base < 0:  # an odd root of a negative number is negative; raised to an even power, positive again
        value, _ = _power(-base, exponent)
        return (-value if exponent.numerator % 2 else value), False
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


def check_float(value: Fraction) -> None:
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

def shown_value(value: Fraction) -> str:
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
    if (node.op == "prefix" and set(node.ops) == {"-"}) or (node.op == "postfix" and set(node.ops) == {"%"}):
        return _currency(node.args[0])
    return ""


def _money(value: Fraction, symbol: str) -> str:
    """To the cent, half up: "$30", "$31.11", "-$4.50"."""
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    amount = str(cents // 100) if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"
    return f"{'-' if value < 0 else ''}{symbol}{amount}"
