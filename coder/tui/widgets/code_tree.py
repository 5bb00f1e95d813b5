"""The code tree: core category → categories → concepts, with counts, filtered by typing."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Tree

from coder.i18n import _
from coder.model import Code
from coder.text.pinyin import pinyin_match

LEVEL_MARK = {"selective": "◆", "axial": "■", "open": "·"}


@dataclass(frozen=True, slots=True)
class CodeRow:
    code: Code
    codings: int
    sources: int
    colour: str


def _label(r: CodeRow, key: int | None = None) -> Text:
    """The node's label without its count (the tree draws the count in a column of its own)."""
    return Text.assemble(
        (f"{key}" if key else "", "bold reverse"),
        (" " if key else "", ""),
        (LEVEL_MARK[r.code.level] + " ", r.colour or "white"),
        (f"{r.code.label} ", "bold"),
        r.code.name,
    )


def _count(r: CodeRow) -> str:
    return str(r.codings) if r.codings or r.code.level == "open" else ""


class CountedTree(Tree[int]):
    """A tree whose codings counts stand right-aligned in a column at its right edge, whatever the
    depth of the node and the cell width of its name (a Chinese character is two cells); a name
    too long for the room left is cut with an ellipsis."""

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(label, id=id)
        self.counts: dict[int, str] = {}

    def render_label(self, node, base_style: Style, style: Style) -> Text:
        text = super().render_label(node, base_style, style)
        count = self.counts.get(node.data, "") if node.data is not None else ""
        depth, up = 0, node.parent
        while up is not None:
            depth += 1
            up = up.parent
        # The guides before the label (Tree._get_guide_width): a level per ancestor, the root's
        # own level only when the root is shown.
        guides = max(depth - (0 if self.show_root else 1), 0) * self.guide_depth
        room = self.scrollable_content_region.width - guides - 1
        if room <= 0:
            return text
        column = len(count) + 1 if count else 0
        if text.cell_len > room - column:
            text.truncate(max(room - column, 1), overflow="ellipsis")
        if count:
            text.append(" " * max(room - column - text.cell_len, 0) + " ")
            text.append(count, "dim")
        return text


class CodeTree(Vertical):
    """A filter box above a tree of codes. Posts ``Highlighted`` and ``Chosen`` with a code id."""

    DEFAULT_CSS = """
    CodeTree { height: 1fr; }
    CodeTree > Input { height: 3; }
    CodeTree > Tree { height: 1fr; }
    """

    filter_text: reactive[str] = reactive("", init=False)
    """Only codes whose label or name contains this, or whose name it spells in pinyin (and their
    ancestors), are shown."""

    class Highlighted(Message):
        def __init__(self, tree: CodeTree, code_id: int | None) -> None:
            super().__init__()
            self.tree = tree
            self.code_id = code_id

        @property
        def control(self) -> CodeTree:
            return self.tree

    class Chosen(Message):
        def __init__(self, tree: CodeTree, code_id: int) -> None:
            super().__init__()
            self.tree = tree
            self.code_id = code_id

        @property
        def control(self) -> CodeTree:
            return self.tree

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[CodeRow] = []
        self._code_nodes: dict[int, object] = {}
        self.keys: dict[int, int] = {}
        """code id → the number key it is on (shown before its label)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("filter codes 筛选…"), id="code-filter")
        tree = CountedTree(_("Codes 编码"), id="code-tree")
        tree.show_root = False
        # Enter applies the highlighted code; it must not also fold a category away (space
        # folds and unfolds).
        tree.auto_expand = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree_view(self) -> CountedTree:
        return self.query_one("#code-tree", CountedTree)

    @property
    def highlighted(self) -> int | None:
        node = self.tree_view.cursor_node
        return node.data if node is not None else None

    def set_codes(self, rows: list[CodeRow]) -> None:
        keep = self.highlighted
        self.rows = rows
        self._rebuild(keep)

    def _rebuild(self, keep: int | None = None) -> None:
        tree = self.tree_view
        tree.clear()
        tree.counts = {r.code.id: _count(r) for r in self.rows}
        by_id = {r.code.id: r for r in self.rows}
        kids: dict[int | None, list[CodeRow]] = {}
        for r in self.rows:
            parent = r.code.parents[0] if r.code.parents and r.code.parents[0] in by_id else None
            kids.setdefault(parent, []).append(r)
        needle = self.filter_text.strip().lower()
        visible: set[int] = set()
        if needle:
            for r in self.rows:
                if (
                    needle in r.code.label.lower()
                    or needle in r.code.name.lower()
                    or pinyin_match(needle, r.code.name) is not None
                ):
                    visible.add(r.code.id)
                    # and every ancestor
                    stack = list(r.code.parents)
                    while stack:
                        p = stack.pop()
                        if p in by_id and p not in visible:
                            visible.add(p)
                            stack.extend(by_id[p].code.parents)
        target = None

        def add(node, parent: int | None) -> None:
            nonlocal target
            for r in kids.get(parent, []):
                if needle and r.code.id not in visible:
                    continue
                label = _label(r, self.keys.get(r.code.id))
                if kids.get(r.code.id):
                    child = node.add(label, data=r.code.id, expand=True)
                    add(child, r.code.id)
                else:
                    child = node.add_leaf(label, data=r.code.id)
                self._code_nodes[r.code.id] = child
                if r.code.id == keep:
                    target = child

        self._code_nodes = {}
        add(tree.root, None)
        tree.root.expand()
        if target is not None:
            tree.last_line  # noqa: B018 -- lays the rebuilt tree out, so that nodes know their lines
            tree.move_cursor(target)

    def set_count(self, code_id: int, codings: int) -> None:
        """Show a new count for one code without rebuilding the tree."""
        for i, r in enumerate(self.rows):
            if r.code.id == code_id:
                self.rows[i] = CodeRow(r.code, codings, r.sources, r.colour)
                self.tree_view.counts[code_id] = _count(self.rows[i])
                self._relabel(i)
                return

    def set_keys(self, keys: dict[int, int]) -> None:
        """Show which code is on which number key (only the rows that change are redrawn)."""
        changed = {c for c in set(keys) | set(self.keys) if keys.get(c) != self.keys.get(c)}
        self.keys = dict(keys)
        for i, r in enumerate(self.rows):
            if r.code.id in changed:
                self._relabel(i)

    def _relabel(self, i: int) -> None:
        r = self.rows[i]
        node = self._code_nodes.get(r.code.id)
        if node is not None:
            node.set_label(_label(r, self.keys.get(r.code.id)))  # type: ignore[attr-defined]

    def watch_filter_text(self) -> None:
        self._rebuild(self.highlighted)

    @on(Input.Changed, "#code-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self.filter_text = event.value

    @on(Input.Submitted, "#code-filter")
    def _to_tree(self, event: Input.Submitted) -> None:
        event.stop()
        self.tree_view.focus()

    def on_key(self, event) -> None:
        """Down from the filter goes into the tree, to the codes it filtered."""
        if event.key == "down" and self.query_one("#code-filter", Input).has_focus:
            event.stop()
            event.prevent_default()
            self.tree_view.focus()

    def focus_filter(self) -> None:
        self.query_one("#code-filter", Input).focus()

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, event.node.data))

    @on(Tree.NodeSelected)
    def _chosen(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Chosen(self, event.node.data))
