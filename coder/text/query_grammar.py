"""The grammar of coding queries: text to a tree, by a small recursive-descent parser.

Operands::

    a25   条块联动      a code by label or by name (label first)
    {资源下沉 & <权力>}  a name with spaces or symbols, in braces
    A3            a category: itself or any code under it (at any depth)
    =A3           only the code itself
    "会商日"       a search term (“会商日” too): every place the text has it
    ( ... )       grouping

Operators, from the tightest to the loosest (all left-associative)::

    A NOT B   A NEAR/n B   A FOLLOWED_BY B   A FOLLOWED_BY/n B   A NEAR/n FOLLOWED_BY B   A IN B
    A AND B
    A OR B

so ``a25 AND a08 NOT a26 OR "会商日"`` reads ``(a25 AND (a08 NOT a26)) OR "会商日"``. Operators
are written in capitals (``and`` is an ordinary word, perhaps a code name). What each operator
means is in :mod:`coder.analysis.query`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from coder.errors import InvalidInput
from coder.i18n import _

#: Binary operators and how tightly they bind (higher binds tighter).
PRECEDENCE = {"OR": 1, "AND": 2, "NOT": 3, "NEAR": 3, "FOLLOWED_BY": 3, "IN": 3}
_QUOTES = {'"': '"', "“": "”", "”": "”"}
_TOKEN = re.compile(
    r"""(?:
      (?P<open>\() | (?P<close>\)) |
      (?P<near>NEAR/(?P<n>\d+)) |
      (?P<followed>FOLLOWED_BY(?:/(?P<fn>\d+))?) |
      (?P<word>AND|OR|NOT|IN)(?=[\s()"“{=]|$) |
      (?P<exact>=)? (?:
        \{(?P<braced>[^}]*)\} |
        (?P<quote>["“”])(?P<term>[^"“”]*)["“”] |
        (?P<bare>[^\s(){}"“”]+)
      )
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Code:
    """A code operand: ``ref`` is a label or a name; ``exact`` leaves out the codes under it."""

    ref: str
    exact: bool = False


@dataclass(frozen=True)
class Term:
    """A search term: every occurrence in the normalised text."""

    text: str


@dataclass(frozen=True)
class Op:
    """A binary operator. ``n``: the distance of ``NEAR/n`` and ``FOLLOWED_BY/n`` (None: any)."""

    op: str
    left: Node
    right: Node
    n: int | None = None


Node = Code | Term | Op


@dataclass(frozen=True)
class _Token:
    kind: str
    """``(``, ``)``, ``op`` or ``operand``."""
    at: int
    op: str = ""
    n: int | None = None
    node: Code | Term | None = None


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos == len(text):
            return out
        at = pos
        m = _TOKEN.match(text, pos)
        if m is None:
            what = (
                _("an unclosed {") if text[pos] == "{" else _("an unclosed quote or a stray brace")
            )
            raise _error(text, at, what)
        if m.group("open"):
            out.append(_Token("(", at))
        elif m.group("close"):
            out.append(_Token(")", at))
        elif m.group("near"):
            out.append(_Token("op", at, "NEAR", int(m.group("n"))))
        elif m.group("followed"):
            fn = m.group("fn")
            out.append(_Token("op", at, "FOLLOWED_BY", int(fn) if fn else None))
        elif m.group("word"):
            out.append(_Token("op", at, m.group("word")))
        else:
            exact = bool(m.group("exact"))
            if m.group("quote") is not None:
                if exact:
                    raise _error(text, at, _("= goes before a code, not a search term"))
                term = unicodedata.normalize("NFC", m.group("term"))
                if not term:
                    raise _error(text, at, _("an empty search term"))
                out.append(_Token("operand", at, node=Term(term)))
            else:
                ref = m.group("braced") if m.group("braced") is not None else m.group("bare")
                ref = unicodedata.normalize("NFC", ref.strip())
                if not ref:
                    raise _error(text, at, _("an empty code name"))
                out.append(_Token("operand", at, node=Code(ref, exact)))
        pos = m.end()


def _error(text: str, at: int, what: str) -> InvalidInput:
    near = text[at : at + 12]
    where = (
        _(" at character {n} ({near!r})").format(n=at + 1, near=near) if near else _(" at its end")
    )
    return InvalidInput(
        _("query {text!r}: {what}{where}; nothing was run").format(
            text=text, what=what, where=where
        )
    )


def parse(text: str) -> Node:
    """The query as a tree; a malformed query is an :class:`InvalidInput` saying where."""
    tokens = _tokens(text)
    if not tokens:
        raise InvalidInput(_("the query is empty; nothing was run"))
    parser = _Parser(text, tokens)
    node = parser.expression(1)
    if parser.pos < len(tokens):
        tok = tokens[parser.pos]
        what = _("an unmatched )") if tok.kind == ")" else _("an operator (AND, OR, ...) expected")
        raise _error(text, tok.at, what)
    return node


class _Parser:
    """Precedence climbing over the tokens (the levels of :data:`PRECEDENCE`)."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expression(self, level: int) -> Node:
        left = self.atom()
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "op" or PRECEDENCE[tok.op] < level:
                return left
            self.pos += 1
            op, n = tok.op, tok.n
            nxt = self.peek()
            if op == "NEAR" and nxt is not None and nxt.kind == "op" and nxt.op == "FOLLOWED_BY":
                if nxt.n is not None:
                    raise _error(self.text, nxt.at, _("give the distance once"))
                self.pos += 1
                op = "FOLLOWED_BY"
            right = self.expression(PRECEDENCE[tok.op] + 1)
            left = Op(op, left, right, n)

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise _error(self.text, len(self.text), _("an operand expected"))
        if tok.kind == "operand":
            self.pos += 1
            assert tok.node is not None
            return tok.node
        if tok.kind == "(":
            self.pos += 1
            node = self.expression(1)
            close = self.peek()
            if close is None or close.kind != ")":
                raise _error(self.text, tok.at, _("this ( is never closed"))
            self.pos += 1
            return node
        what = (
            _("an unmatched )")
            if tok.kind == ")"
            else _("an operand expected before {op}").format(op=tok.op)
        )
        raise _error(self.text, tok.at, what)


def show(node: Node) -> str:
    """The tree written back with full parentheses (how the query was read)."""
    if isinstance(node, Term):
        return f'"{node.text}"'
    if isinstance(node, Code):
        plain = re.fullmatch(r"[^\s(){}\"“”=]+", node.ref) and node.ref not in PRECEDENCE
        return ("=" if node.exact else "") + (node.ref if plain else "{" + node.ref + "}")
    op = node.op if node.n is None else f"{node.op}/{node.n}"
    return f"({show(node.left)} {op} {show(node.right)})"


def operands(node: Node) -> list[Code | Term]:
    """The operands, left to right."""
    if isinstance(node, Op):
        return operands(node.left) + operands(node.right)
    return [node]
