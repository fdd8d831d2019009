"""A tiny, safe expression language for the cross-field rules of a campaign's form.

An expression is integers, indicator codes, ``+``, ``-``, ``*`` and parentheses, e.g.
``theory_study_participants`` or ``screening_sessions + lecture_sessions``. There is no ``eval``:
the text is tokenised and parsed by recursive descent into a small tree, and evaluated over a dict
of values in which a missing value is ``None`` (or absent).

A rule compares two expressions (``left operator right``). Whether a rule is checked when values
are missing follows DHIS2's validation rules (``MissingValueStrategy``):

- ``never_skip``: always checked; a missing value counts as 0.
- ``skip_if_any_missing``: not checked while any value the rule names is missing.
- ``skip_if_all_missing``: not checked while every value the rule names is missing; otherwise a
  missing value counts as 0.

Errors carry the 0-based character position and a machine-readable ``reason`` so that callers can
word the message (in Chinese, through gettext) at the field concerned.
"""

from __future__ import annotations

import operator as op
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

MAX_LENGTH = 300
MAX_DEPTH = 40

CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
_TOKEN_RE = re.compile(r"\s*(?:(?P<int>\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>[-+*()]))")


class MissingValueStrategy(StrEnum):
    NEVER_SKIP = "never_skip"
    SKIP_IF_ANY_MISSING = "skip_if_any_missing"
    SKIP_IF_ALL_MISSING = "skip_if_all_missing"


OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "<": op.lt,
    "<=": op.le,
    "==": op.eq,
    "!=": op.ne,
    ">=": op.ge,
    ">": op.gt,
}


class Reason(StrEnum):
    EMPTY = "empty"  # nothing to parse
    TOO_LONG = "too_long"  # longer than MAX_LENGTH
    TOO_DEEP = "too_deep"  # more than MAX_DEPTH nested parentheses / signs
    BAD_CHARACTER = "bad_character"  # a character that is no token
    BAD_CODE = "bad_code"  # a name that is not a snake_case code (upper case, leading _)
    UNEXPECTED_TOKEN = "unexpected_token"  # noqa: S105 (a token where another was expected)
    UNEXPECTED_END = "unexpected_end"  # the text ends in the middle of an expression
    UNCLOSED_PARENTHESIS = "unclosed_parenthesis"  # "(" without ")"
    UNKNOWN_CODE = "unknown_code"  # a code the caller does not know (see check_codes)


class ExpressionError(ValueError):
    def __init__(self, reason: Reason, position: int, token: str = "") -> None:
        self.reason = reason
        self.position = position
        self.token = token
        super().__init__(f"{reason.value} at position {position}" + (f": {token!r}" if token else ""))


@dataclass(frozen=True)
class Token:
    kind: str  # "int", "name", "op", "end"
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(Reason.TOO_LONG, MAX_LENGTH)
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(text, pos)
        if m is None or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise ExpressionError(Reason.BAD_CHARACTER, start, text[start])
        kind = m.lastgroup or ""
        start = m.start(kind)
        value = m.group(kind)
        if kind == "name" and not CODE_RE.fullmatch(value):
            raise ExpressionError(Reason.BAD_CODE, start, value)
        tokens.append(Token(kind, value, start))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# The tree: ("int", n) | ("code", name) | ("neg", node) | ("+"|"-"|"*", left, right)
Node = tuple


@dataclass(frozen=True)
class Expression:
    source: str
    tree: Node
    codes: tuple[str, ...]  # indicator codes in order of first appearance

    def evaluate(self, values: Mapping[str, int | None], *, missing_as_zero: bool = False) -> int | None:
        """The value, or None when a code's value is missing (unless ``missing_as_zero``)."""
        return _eval(self.tree, values, missing_as_zero)

    def __str__(self) -> str:
        return self.source


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.codes: list[str] = []

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def expr(self) -> Node:
        node = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            sign = self.take().text
            node = (sign, node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.tok.kind == "op" and self.tok.text == "*":
            self.take()
            node = ("*", node, self.factor())
        return node

    def factor(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(Reason.TOO_DEEP, self.tok.position)
        try:
            t = self.tok
            if t.kind == "end":
                raise ExpressionError(Reason.UNEXPECTED_END, t.position)
            if t.kind == "int":
                self.take()
                return ("int", int(t.text))
            if t.kind == "name":
                self.take()
                if t.text not in self.codes:
                    self.codes.append(t.text)
                return ("code", t.text)
            if t.text in "+-":
                self.take()
                inner = self.factor()
                return ("neg", inner) if t.text == "-" else inner
            if t.text == "(":
                self.take()
                inner = self.expr()
                if self.tok.text != ")" or self.tok.kind != "op":
                    if self.tok.kind == "end":
                        raise ExpressionError(Reason.UNCLOSED_PARENTHESIS, t.position, "(")
                    raise ExpressionError(Reason.UNEXPECTED_TOKEN, self.tok.position, self.tok.text)
                self.take()
                return inner
            raise ExpressionError(Reason.UNEXPECTED_TOKEN, t.position, t.text)
        finally:
            self.depth -= 1


def parse(text: str) -> Expression:
    """Parse ``text``; raises ExpressionError with the position of the first problem."""
    if not text.strip():
        raise ExpressionError(Reason.EMPTY, 0)
    parser = _Parser(tokenize(text))
    tree = parser.expr()
    if parser.tok.kind != "end":
        raise ExpressionError(Reason.UNEXPECTED_TOKEN, parser.tok.position, parser.tok.text)
    return Expression(source=text, tree=tree, codes=tuple(parser.codes))


def check_codes(expression: Expression, known: set[str] | frozenset[str]) -> None:
    """Raise UNKNOWN_CODE at the first code of ``expression`` that is not in ``known``."""
    for code in expression.codes:
        if code not in known:
            position = next(
                m.start()
                for m in re.finditer(rf"(?<![A-Za-z0-9_]){re.escape(code)}(?![A-Za-z0-9_])", expression.source)
            )
            raise ExpressionError(Reason.UNKNOWN_CODE, position, code)


def _eval(node: Node, values: Mapping[str, int | None], missing_as_zero: bool) -> int | None:
    kind = node[0]
    if kind == "int":
        return int(node[1])
    if kind == "code":
        value = values.get(node[1])
        if value is None:
            return 0 if missing_as_zero else None
        return int(value)
    if kind == "neg":
        inner = _eval(node[1], values, missing_as_zero)
        return None if inner is None else -inner
    left = _eval(node[1], values, missing_as_zero)
    right = _eval(node[2], values, missing_as_zero)
    if left is None or right is None:
        return None
    if kind == "+":
        return left + right
    if kind == "-":
        return left - right
    return left * right


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class RuleResult:
    outcome: Outcome
    left: int | None = None
    right: int | None = None


def check_rule(
    left: Expression,
    operator: str,
    right: Expression,
    values: Mapping[str, int | None],
    strategy: str = MissingValueStrategy.SKIP_IF_ANY_MISSING,
) -> RuleResult:
    """Check ``left operator right`` over ``values`` with the given missing-value strategy."""
    compare = OPERATORS[operator]
    strategy = MissingValueStrategy(strategy)
    codes = list(dict.fromkeys(left.codes + right.codes))
    missing = [c for c in codes if values.get(c) is None]
    if missing and strategy == MissingValueStrategy.SKIP_IF_ANY_MISSING:
        return RuleResult(Outcome.SKIPPED)
    if codes and len(missing) == len(codes) and strategy == MissingValueStrategy.SKIP_IF_ALL_MISSING:
        return RuleResult(Outcome.SKIPPED)
    lv = left.evaluate(values, missing_as_zero=True)
    rv = right.evaluate(values, missing_as_zero=True)
    assert lv is not None and rv is not None
    return RuleResult(Outcome.PASSED if compare(lv, rv) else Outcome.FAILED, lv, rv)
