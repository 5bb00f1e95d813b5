"""The codebook screen (F2): edit codes and reshape the tree with the method's operations.

Left, the code tree with counts; right, a form for the highlighted code (coder.tui.widgets.
code_form). ctrl+s writes the changed fields as one event. Move, attach, detach, promote, merge,
split, core, new and delete each call the Project facade once (``CoderScreen.write``), which
tells every other screen (ProjectChanged); this one then shows the code the operation concerns.

Length: the method's nine operations on the tree are thin actions, each one facade call with
its confirmation and its one-line result in the interface language; together with their
translated messages they make the length, while the form (code_form) and the tree (code_tree)
live in widgets of their own.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Header, Input, Select, Static, TextArea
from textual.widgets.tree import TreeNode

from coder.errors import Conflict
from coder.facade.codebook import LEVEL_RANK
from coder.i18n import _
from coder.model import Code
from coder.tui.colours import code_colours
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.dialogs import Chooser, CodePicker, SplitDialog, TextPrompt
from coder.tui.widgets.code_form import CodeForm, stored_fields
from coder.tui.widgets.code_form import Tick as Tick  # where the tests and older code find it
from coder.tui.widgets.code_tree import CodeRow, CodeTree
from coder.tui.widgets.footer import FittingFooter
from coder.tui.words import LEVELS, count

#: Stands for "out of every category" in the move picker (no code has id 0).
NO_CATEGORY = Code(id=0, guid="", label="—", name="(no category) 不归入范畴", level="")  # type: ignore[arg-type]


class CodebookScreen(CoderScreen):
    """Edit codes (names, definitions, colour, paradigm role, 统/合) and reshape the codebook."""

    CSS_PATH = "../styles/codebook.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", _("Save"), id="codebook.save"),
        Binding("p", "move", _("Move"), id="codebook.move"),
        Binding("a", "attach", _("Attach"), id="codebook.attach"),
        Binding("d", "detach", _("Detach"), id="codebook.detach"),
        Binding("u", "promote", _("Promote"), id="codebook.promote"),
        Binding("g", "merge", _("Merge"), id="codebook.merge"),
        Binding("s", "split", _("Split"), id="codebook.split"),
        Binding("k", "core", _("Core category"), show=False, id="codebook.core"),
        Binding("N", "new_code", _("New"), id="codebook.new"),
        Binding("delete", "delete", _("Delete"), id="codebook.delete"),
        Binding("escape", "back", _("Back"), show=False, id="codebook.back"),
    ]

    def __init__(self, code_id: int | None = None) -> None:
        """``code_id``: the code to show first (e.g. the one highlighted on the main screen)."""
        super().__init__()
        self.codes: dict[int, Code] = {}
        self.counts: dict[int, tuple[int, int]] = {}
        self.rolled: dict[int, tuple[int, int]] = {}
        """Codings and sources of each code with the codes below it (as F6 counts them)."""
        self.current: int | None = None
        """The code the form shows."""
        self.drafts: dict[int, dict[str, Any]] = {}
        """Unsaved edits of codes the highlight has left, by code id (only the changed fields)."""
        self.bases: dict[int, Code] = {}
        """The code as it was when its draft began: a save expects it unchanged there, so a
        colleague's edit of the same field meanwhile is not silently overwritten."""
        self._leave_warned = False
        self._mounted = False
        self._next: int | None = code_id
        """The code to show after the next reload (set by an operation)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="cb-panes"):
            with Vertical(id="cb-left"):
                yield Static(_("Codebook 编码表"), classes="pane-title")
                yield CodeTree(id="cb-tree")
            yield CodeForm(id="cb-form")
        yield FittingFooter(compact=True)

    def on_mount(self) -> None:
        self._mounted = True
        self.reload()
        tree = self.query_one(CodeTree).tree_view
        if self.current is None and tree.last_line >= 0:
            tree.move_cursor_to_line(0)
            self._show(tree.cursor_node.data if tree.cursor_node else None)
        tree.focus()

    # -- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the codebook; show the code an operation asked for, else the one shown before
        (if it still exists), with its unsaved edits."""
        if not self._mounted:
            return
        target, self._next = (self._next if self._next is not None else self.current), None
        self._keep_draft()
        for code_id in self.drafts:
            self.bases.setdefault(code_id, self.codes[code_id])
        codes = self.project.codes()
        self.codes = {c.id: c for c in codes}
        self.counts = self.project.code_counts()
        self.rolled = {}  # a category's counts with the codes below it, read when first shown
        self.drafts = {k: v for k, v in self.drafts.items() if k in self.codes}
        self.bases = {k: v for k, v in self.bases.items() if k in self.drafts}
        colours = code_colours(codes)
        rows = [CodeRow(c, *self.counts.get(c.id, (0, 0)), colours[c.id]) for c in codes]
        tree = self.query_one(CodeTree)
        tree.set_codes(rows)
        if target is not None and target not in self.codes:
            target = None
        if target is not None:
            self.highlight(target)
        self._show(target if target is not None else tree.highlighted, force=True)

    def highlight(self, code_id: int) -> None:
        """Move the tree cursor to a code (the form follows)."""
        tree = self.query_one(CodeTree).tree_view
        tree.last_line  # noqa: B018 -- lays the rebuilt tree out, so that nodes know their lines

        def find(node: TreeNode[int]) -> TreeNode[int] | None:
            for child in node.children:
                if child.data == code_id:
                    return child
                found = find(child)
                if found is not None:
                    return found
            return None

        node = find(tree.root)
        if node is not None:
            tree.move_cursor(node)

    # -- the form ----------------------------------------------------------------------------------

    @property
    def form(self) -> CodeForm:
        return self.query_one(CodeForm)

    def _show(self, code_id: int | None, *, force: bool = False) -> None:
        """Fill the form with a code's stored fields and any unsaved draft of it."""
        if code_id == self.current and not force:
            return
        self.current = code_id
        self._leave_warned = False
        code = self.codes.get(code_id) if code_id is not None else None
        form = self.form
        form.disabled = code is None
        if code is None:
            form.show_title(_("No code highlighted 未选编码"))
            return
        axial = code.level == "axial"
        form.load({**stored_fields(code), **self.drafts.get(code.id, {})}, axial=axial)

        n, sources = self.counts.get(code.id, (0, 0))
        title = Text.assemble((f"{code.label} {code.name}", "bold"))
        if code.is_core:
            title.append(_("  ★ core 核心范畴"), style="bold yellow")
        below = any(code.id in c.parents for c in self.codes.values())
        if below:
            # As the statistics count it: its own codings and those of every code below it.
            if not self.rolled:
                from coder.analysis.frequencies import frequencies

                self.rolled = {f.code_id: (f.codings, f.sources) for f in frequencies(self.project)}
            all_n, all_sources = self.rolled.get(code.id, (n, sources))
            title.append(
                "\n"
                + _("{codings} 参考点 · {sources} 来源 with the codes below 含下属").format(
                    codings=count(all_n, _("{n} coding"), _("{n} codings")),
                    sources=count(all_sources, _("{n} source"), _("{n} sources")),
                )
                + "\n"
                + _("{codings} · {sources} coded with {label} itself 直接编码").format(
                    codings=count(n, _("{n} coding"), _("{n} codings")),
                    sources=count(sources, _("{n} source"), _("{n} sources")),
                    label=code.label,
                ),
                "dim",
            )
        else:
            title.append(
                "\n"
                + _("{codings} 参考点 · {sources} 来源").format(
                    codings=count(n, _("{n} coding"), _("{n} codings")),
                    sources=count(sources, _("{n} source"), _("{n} sources")),
                ),
                "dim",
            )
        form.show_title(title)
        level = Text(LEVELS[code.level])
        kids = sum(code.id in c.parents for c in self.codes.values())
        if kids:
            level.append(_(" · {n} codes below 下属").format(n=kids))
        if not axial:
            level.append(_("  (role, axis: axial only)"), style="dim")
        self.query_one("#cb-level", Static).update(level)
        parents = Text()
        for i, pid in enumerate(code.parents):
            p = self.codes.get(pid)
            if p is not None:
                parents.append("\n" if i else "")
                parents.append(f"{p.label} {p.name}", style="bold" if i == 0 else "")
                parents.append(_("  primary 主") if i == 0 else "", style="dim")
        form.show_place(level, parents or Text(_("— none 无"), style="dim"))
        self._update_state()

    def _changes(self) -> dict[str, Any]:
        """Fields of the shown code that the form has changed."""
        code = self.codes.get(self.current) if self.current is not None else None
        if code is None:
            return {}
        stored = stored_fields(code)
        return {k: v for k, v in self.form.values().items() if v != stored[k]}

    def _keep_draft(self) -> None:
        if self.current is None or not self._mounted:
            return
        changes = self._changes()
        if changes:
            self.drafts[self.current] = changes
        else:
            self.drafts.pop(self.current, None)

    def _update_state(self) -> None:
        self.form.show_state(list(self._changes()))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _edited(self) -> None:
        if self.current is not None:
            self._update_state()

    @on(CodeTree.Highlighted)
    def _highlighted(self, event: CodeTree.Highlighted) -> None:
        # A rebuild posts highlights of nodes the cursor has already left: only the last counts.
        if event.code_id != self.query_one(CodeTree).highlighted or event.code_id == self.current:
            return
        if self.current is not None and self._changes():
            self._keep_draft()
            code = self.codes[self.current]
            self.notify(
                _("unsaved edits of {label} kept; go back to it and press ctrl+s").format(
                    label=code.label
                )
            )
        self._show(event.code_id)

    @on(CodeTree.Chosen)
    def _chosen(self, event: CodeTree.Chosen) -> None:
        self.query_one("#cb-name", Input).focus()

    # -- saving and leaving ------------------------------------------------------------------------

    def action_save(self) -> None:
        code = self._code()
        if code is None:
            return
        changes = self._changes()
        if not changes:
            self.notify(_("nothing to save"), timeout=2)
            return
        # The values the form started from: a colleague's edit of the same field meanwhile makes
        # the save refuse instead of overwriting it.
        base = self.bases.get(code.id, code)
        expect = {field: getattr(base, field) for field in changes}

        def save() -> Code:
            try:
                return self.project.update_code(code.id, expect=expect, **changes)
            except Conflict as exc:
                # Told once; a second ctrl+s means "mine all the same".
                self.bases[code.id] = self.project.code(code.id)
                raise Conflict(
                    _("{message}. ctrl+s again saves yours over it").format(message=exc)
                ) from exc

        ok, saved = self.write(save)
        if not ok or saved is None:
            return
        # The form now shows what is stored: the reload must not take it for unsaved edits.
        self.codes[code.id] = saved
        self.drafts.pop(code.id, None)
        self.bases.pop(code.id, None)
        self.notify(
            _("saved {label}: {fields}").format(
                label=changes.get("label", code.label), fields=", ".join(changes)
            ),
            timeout=2,
        )
        self._changed(code.id)

    def action_back(self) -> None:
        tree = self.query_one(CodeTree).tree_view
        if self.focused is not tree:
            tree.focus()
            return
        self._keep_draft()
        if self.drafts and not self._leave_warned:
            labels = ", ".join(self.codes[i].label for i in self.drafts)
            self.notify(
                _(
                    "unsaved edits of {labels}: ctrl+s saves, escape again leaves without them"
                ).format(labels=labels),
                severity="warning",
            )
            self._leave_warned = True
            return
        self.app.pop_screen()

    # -- the method's operations -----------------------------------------------------------------

    def _code(self) -> Code | None:
        code = self.codes.get(self.current) if self.current is not None else None
        if code is None:
            self.notify(_("highlight a code first"), severity="warning")
        return code

    def _changed(self, highlight: int | None) -> None:
        """The project changed here (the other screens have heard): show it, with ``highlight``."""
        self._next = highlight
        self.reload()

    def _below(self, code_id: int) -> set[int]:
        """Every code inside ``code_id``, at any depth."""
        out: set[int] = set()
        stack = [code_id]
        while stack:
            here = stack.pop()
            for c in self.codes.values():
                if here in c.parents and c.id not in out:
                    out.add(c.id)
                    stack.append(c.id)
        return out

    def _possible_parents(self, code: Code, *, exclude: set[int]) -> list[Code]:
        below = self._below(code.id) | {code.id} | exclude
        return [
            c
            for c in self.codes.values()
            if LEVEL_RANK[c.level] >= LEVEL_RANK[code.level] and c.id not in below
        ]

    async def _confirm(self, question: str, yes: str) -> bool:
        options: list[tuple[str, str | Text]] = [("yes", yes), ("no", _("No, keep it as it is"))]
        return await self.app.push_screen_wait(Chooser(question, options)) == "yes"

    def action_move(self) -> None:
        code = self._code()
        if code is None:
            return
        primary = set(code.parents[:1])
        options = self._possible_parents(code, exclude=primary)
        if code.parents:
            options.insert(0, NO_CATEGORY)

        def picked(result: int | str | None) -> None:
            if not isinstance(result, int):
                return
            if self.write(self.project.move_code, code.id, result or None)[0]:
                said = (
                    _("moved {label} under {code}").format(
                        label=code.label, code=self.codes[result].display
                    )
                    if result
                    else _("moved {label} out of every category").format(label=code.label)
                )
                self.notify(said, timeout=2)
                self._changed(code.id)

        title = _("Move {code} under… 移至范畴").format(code=code.display)
        self.app.push_screen(CodePicker(options, title=title, allow_new=False), picked)

    def action_attach(self) -> None:
        code = self._code()
        if code is None:
            return

        def picked(result: int | str | None) -> None:
            if isinstance(result, int) and self.write(self.project.attach_code, code.id, result)[0]:
                self.notify(
                    _("{label} is also in {code}").format(
                        label=code.label, code=self.codes[result].display
                    ),
                    timeout=2,
                )
                self._changed(code.id)

        options = self._possible_parents(code, exclude=set(code.parents))
        title = _("Also put {code} in… 归入另一范畴").format(code=code.display)
        self.app.push_screen(CodePicker(options, title=title, allow_new=False), picked)

    def action_detach(self) -> None:
        code = self._code()
        if code is None:
            return
        if not code.parents:
            self.notify(_("{label} is in no category").format(label=code.label), severity="warning")
            return

        def chosen(key: str | None) -> None:
            if key is not None and self.write(self.project.detach_code, code.id, int(key))[0]:
                self.notify(
                    _("{label} left {code}").format(
                        label=code.label, code=self.codes[int(key)].display
                    ),
                    timeout=2,
                )
                self._changed(code.id)

        options: list[tuple[str, str | Text]] = [
            (str(p), self.codes[p].display + (_("  (primary 主)") if i == 0 else ""))
            for i, p in enumerate(code.parents)
            if p in self.codes
        ]
        question = _("Take {code} out of… 移出范畴").format(code=code.display)
        self.app.push_screen(Chooser(question, options), chosen)

    def action_promote(self) -> None:
        code = self._code()
        if code is None:
            return
        ok, new = self.write(self.project.promote_code, code.id)
        if ok and new is not None:
            self.notify(
                _("promoted {label} to {level} {new}").format(
                    label=code.label, level=LEVELS[new.level], new=new.label
                ),
                timeout=2,
            )
            self._changed(code.id)

    def action_core(self) -> None:
        code = self._code()
        if code is not None and self.write(self.project.set_core, code.id)[0]:
            self.notify(
                _("{code} is the core category 核心范畴").format(code=code.display), timeout=2
            )
            self._changed(code.id)

    @work(group="codebook", description="merge", exit_on_error=False)
    async def action_merge(self) -> None:
        code = self._code()
        if code is None:
            return
        n = self.counts.get(code.id, (0, 0))[0]
        options = [c for c in self.codes.values() if c.id != code.id]
        title = _("Merge {code} into… 合并到").format(code=code.display)
        result = await self.app.push_screen_wait(CodePicker(options, title=title, allow_new=False))
        if not isinstance(result, int):
            return
        target = self.codes[result]
        sure = await self._confirm(
            _("Merge {code} into {target}? 合并").format(code=code.display, target=target.display)
            + "\n"
            + _("{codings} move to {target}; {label} goes (undo restores both).").format(
                codings=count(n, _("{n} coding"), _("{n} codings")),
                target=target.label,
                label=code.label,
            ),
            _("Yes, merge {label} into {target}").format(label=code.label, target=target.label),
        )
        if sure and self.write(self.project.merge_codes, code.id, target.id)[0]:
            self.notify(
                _("merged {label} into {target}").format(label=code.label, target=target.label),
                timeout=2,
            )
            self._changed(target.id)

    @work(group="codebook", description="split", exit_on_error=False)
    async def action_split(self) -> None:
        code = self._code()
        if code is None:
            return
        segments = self.project.segments(code=code.id)
        if not segments:
            self.notify(
                _("{label} has no codings to split off").format(label=code.label),
                severity="warning",
            )
            return
        rows = []
        for s in segments:
            text = Text.assemble((f"{s.source} ", "bold"), s.text.replace("\n", " "))
            text.append(f"  [{s.start}–{s.end}) {s.coder}", style="dim")
            rows.append((s.id, text))
        title = _("Split {code}: tick the codings for the new code (space) 拆分").format(
            code=code.display
        )
        ids = await self.app.push_screen_wait(SplitDialog(title, rows))
        if not ids:
            return
        name = await self.app.push_screen_wait(
            TextPrompt(
                _("Name of the new code for {codings} 新编码名称").format(
                    codings=count(len(ids), _("{n} coding"), _("{n} codings"))
                ),
                placeholder=_("name"),
            )
        )
        if name and self.write(self.project.split_code, code.id, name, ids)[0]:
            self.notify(
                _("split {codings} of {label} into {name}").format(
                    codings=count(len(ids), _("{n} coding"), _("{n} codings")),
                    label=code.label,
                    name=name,
                ),
                timeout=2,
            )
            self._changed(code.id)

    def action_new_code(self) -> None:
        here = self.codes.get(self.current) if self.current is not None else None
        level, parent = "open", None
        if here is not None and here.level == "axial":
            parent = here
        elif here is not None and here.level == "selective":
            level = "axial"
            parent = next((c for c in self.codes.values() if c.is_core), here)
        elif here is not None and here.parents:
            parent = self.codes.get(here.parents[0])
        where = _(" under {code}").format(code=parent.display) if parent else ""

        def named(name: str | None) -> None:
            if not name:
                return
            ok, made = self.write(
                self.project.add_code, name, level, parent=parent.id if parent else None
            )
            if ok and made is not None:
                self.notify(_("added {code}").format(code=made.display), timeout=2)
                self._changed(made.id)

        title = {
            "open": _("New open code 初始概念"),
            "axial": _("New axial code 范畴"),
            "selective": _("New selective code 核心范畴"),
        }[level] + where
        self.app.push_screen(TextPrompt(title, placeholder=_("name")), named)

    @work(group="codebook", description="delete", exit_on_error=False)
    async def action_delete(self) -> None:
        code = self._code()
        if code is None:
            return
        n = self.counts.get(code.id, (0, 0))[0]
        after = code.parents[0] if code.parents else None
        sure = await self._confirm(
            _("Delete {code}? 删除").format(code=code.display)
            + "\n"
            + _("{codings} go with it; ctrl+z brings them back.").format(
                codings=count(n, _("{n} coding"), _("{n} codings"))
            ),
            _("Yes, delete {label} and its {codings}").format(
                label=code.label, codings=count(n, _("{n} coding"), _("{n} codings"))
            ),
        )
        if sure and self.write(self.project.delete_code, code.id)[0]:
            self.drafts.pop(code.id, None)
            self.notify(
                _("deleted {code} and {codings} (ctrl+z undoes)").format(
                    code=code.display, codings=count(n, _("{n} coding"), _("{n} codings"))
                ),
                timeout=3,
            )
            self._changed(after)
