"""calculation: "15% of 80", "60000 / 10", "2^10": exact arithmetic on Fractions, never `eval`, bounded."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from lark import Token, Transformer, v_args
from lark.visitors import merge_transformers

from ..formatting import format_number
from ..numbers import NumberReader, parse_decimal
from ..result import Alternative, CalculationAnswer, Result, Status

if TYPE_CHECKING:
    from ..normalize import Normalized
    from ..router import Router

NAME = "calculation"
MAX_DIGITS = 1000  # a result with more digits than this is out of range, not a minute of arithmetic
_SYMBOLS = {"add": "+", "sub": "-", "mul": "×", "div": "/", "pow": "^"}


@dataclass(frozen=True)
class Node:
    """An arithmetic expression: an operator over operands, or a number (op == "number")."""

    op: str
    args: tuple[Node, ...] = ()
    value: Fraction = Fraction(0)

    def __str__(self) -> str:
        if self.op == "number":
            return format_number(self.value, significant=15)
        if self.op == "neg":
            return f"-{self.args[0]}"
        if self.op == "percent":
            return f"{self.args[0]}%"
        left, right = (f"({a})" if a.op in _SYMBOLS else str(a) for a in self.args)
        return f"{left} {_SYMBOLS[self.op]} {right}"


@dataclass(frozen=True)
class Calculation:
    expression: Node | None
    juxtaposed: tuple[Fraction, Fraction] | None = None  # "60000 10": an operator was probably lost


class CalculationError(ValueError):
    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status


@v_args(inline=True)
class _Reader(Transformer):
    def expression(self, node: Node) -> Calculation:
        return Calculation(node)

    def juxtaposed(self, left: Token, right: Token) -> Calculation:
        return Calculation(None, (parse_decimal(left), parse_decimal(right)))

    def decimal(self, token: Token) -> Node:
        return Node("number", value=parse_decimal(token))

    def fraction(self, token: Token) -> Node:
        """"1/0" is a division like "1 / 0", so it reports division by zero the same way."""
        numerator, denominator = token.split("/")
        return Node("div", (self.decimal(Token("NUMBER", numerator)), self.decimal(Token("NUMBER", denominator))))

    def add(self, left: Node, right: Node) -> Node:
        return Node("add", (left, right))

    def sub(self, left: Node, right: Node) -> Node:
        return Node("sub", (left, right))

    def mul(self, left: Node, right: Node) -> Node:
        return Node("mul", (left, right))

    def div(self, left: Node, right: Node) -> Node:
        return Node("div", (left, right))

    def pow(self, base: Node, exponent: Node) -> Node:
        return Node("pow", (base, exponent))

    def neg(self, operand: Node) -> Node:
        return Node("neg", (operand,))

    def percent(self, operand: Node) -> Node:
        return Node("percent", (operand,))


def reader() -> Transformer:
    return merge_transformers(_Reader(), common=NumberReader())


def answer(request: Calculation, query: Normalized, router: Router) -> Result:
    if request.juxtaposed is not None:
        return _ambiguous(query, *request.juxtaposed)
    node = request.expression
    assert node is not None
    try:
        value = evaluate(node)
    except CalculationError as error:
        return Result.failure(query.original, NAME, error.status, str(error), interpreted_as=str(node),
                              confidence=0.9)
    text = f"{node} = {format_number(value)}"
    return Result(query.original, NAME, Status.OK, text, str(node), 0.95,
                  answer=CalculationAnswer(str(node), float(value), _exact(value)))


def evaluate(node: Node) -> Fraction:
    """Exact value of `node`; raises CalculationError for division by zero or results too large."""
    if node.op == "number":
        return node.value
    values = [evaluate(arg) for arg in node.args]
    if node.op == "neg":
        return -values[0]
    if node.op == "percent":
        return values[0] / 100
    left, right = values
    if node.op == "add":
        return _bounded(left + right)
    if node.op == "sub":
        return _bounded(left - right)
    if node.op == "mul":
        return _bounded(left * right)
    if node.op == "div":
        if right == 0:
            raise CalculationError(Status.DIVISION_BY_ZERO, "Division by zero.")
        return _bounded(left / right)
    return _power(left, right)


def _power(base: Fraction, exponent: Fraction) -> Fraction:
    if base == 0 and exponent < 0:
        raise CalculationError(Status.DIVISION_BY_ZERO, "Zero to a negative power divides by zero.")
    if base == 0 or base == 1:
        return base
    size = abs(float(exponent)) * max(abs(_log10(base)), 1e-3)
    if size > MAX_DIGITS:
        raise CalculationError(Status.OUT_OF_RANGE, "The result is too large to compute.")
    if exponent.denominator == 1:
        return base ** int(exponent)
    if base < 0:
        raise CalculationError(Status.OUT_OF_RANGE, "A fractional power of a negative number is not real.")
    return Fraction(float(base) ** float(exponent))


def _log10(value: Fraction) -> float:
    return math.log10(abs(value.numerator)) - math.log10(value.denominator)


def _bounded(value: Fraction) -> Fraction:
    if value.numerator.bit_length() > MAX_DIGITS * 4 or value.denominator.bit_length() > MAX_DIGITS * 4:
        raise CalculationError(Status.OUT_OF_RANGE, "The result is too large to compute.")
    return value


def _exact(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _ambiguous(query: Normalized, left: Fraction, right: Fraction) -> Result:
    """Two bare numbers: an operator or a decimal point was lost, so offer the readings, pick none."""
    readings = [Node("div", (Node("number", value=left), Node("number", value=right))),
                Node("mul", (Node("number", value=left), Node("number", value=right))),
                Node("mul", (Node("percent", (Node("number", value=right),)), Node("number", value=left)))]
    alternatives = []
    for node in readings:
        try:
            alternatives.append(Alternative(str(node), f"{node} = {format_number(evaluate(node))}"))
        except CalculationError:
            continue
    text = (f"'{query.original.strip()}' has two numbers and no operator; "
            f"did you mean {' or '.join(a.interpreted_as for a in alternatives)}?")
    return Result.failure(query.original, NAME, Status.AMBIGUOUS, text, confidence=0.3,
                          suggestions=tuple(a.interpreted_as for a in alternatives),
                          alternatives=tuple(alternatives))
