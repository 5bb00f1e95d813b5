"""The main screen's coding commands: apply, new and in-vivo codes, the number keys, uncode,
resize, and memos on codings, sources and codes.

Each change goes through the facade once (``CoderScreen.write``); a question before it (which
coding, a colleague's coding, the memo text) is a ``@work`` flow awaiting its dialog.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from coder.errors import CoderError
from coder.i18n import _
from coder.model import Code
from coder.prefs import KeySlots, load_slots, save_slots
from coder.tui.screens.base import CoderScreen
from coder.tui.screens.dialogs import Chooser, CodePicker, Confirm, TextPrompt
from coder.tui.widgets.code_tree import CodeTree
from coder.tui.widgets.transcript import Span, TranscriptView
from coder.tui.words import chars

_TRIM = re.compile(r"^[\s\W_]+|[\s\W_]+$")


class CodingCommands(CoderScreen):
    """The coding commands of :class:`coder.tui.screens.main.MainScreen`, which shows what they
    change (its codebook, spans, status line and detail pane)."""

    if TYPE_CHECKING:
        codes: dict[int, Code]
        colours: dict[int, str]
        keys: KeySlots
        source_id: int | None
        source_names: dict[int, str]
        flash: str

        def _refresh_after_coding(self) -> None: ...
        def _update_status(self) -> None: ...
        def _update_detail(self, *, force: bool = False) -> None: ...
        def _source_name(self, source_id: int | None) -> str: ...

    def _selection_or_warn(self) -> tuple[int, int] | None:
        view = self.query_one(TranscriptView)
        sel = view.selection
        if sel is None:
            self.notify(
                _("select a passage first (shift+arrows, s sentence, t turn, or drag)"),
                severity="warning",
            )
        return sel

    # -- the number keys ---------------------------------------------------------------------------

    def _keys_place(self) -> str:
        """Which project the number keys belong to: its file, or its server location."""
        return (
            str(Path(self.project.path).resolve()) if self.project.path else self.project.location
        )

    def _load_keys(self) -> None:
        try:
            self.keys = load_slots(self._keys_place(), self.project.coder)
        except CoderError as exc:
            self.notify(str(exc), severity="warning")

    def _remember(self, code_id: int) -> None:
        """The code takes a number key (and keeps it until pushed out), saved for next time."""
        self.keys.keep_only(set(self.codes))  # a deleted code's key is free again
        self.keys.use(code_id)
        self.query_one(CodeTree).set_keys(self.keys.keys())
        try:
            save_slots(self._keys_place(), self.project.coder, self.keys)
        except CoderError as exc:
            self.notify(str(exc), severity="warning")

    def action_recent(self, n: int) -> None:
        code_id = self.keys.code(n)
        if code_id is not None and code_id in self.codes:
            self._apply(code_id)
        else:
            self.notify(
                _("no code on key {n} yet: a code you apply takes the next free number key").format(
                    n=n
                ),
                severity="warning",
            )

    # -- applying codes ----------------------------------------------------------------------------

    def _apply(self, code_id: int) -> None:
        sel = self._selection_or_warn()
        if sel is None or self.source_id is None:
            return
        ok, coding = self.write(self.project.code_span, self.source_id, sel[0], sel[1], code_id)
        if not ok or coding is None:
            return
        self._remember(code_id)
        code = self.codes[code_id]
        # The fast path: one span into the view, one count in the tree (no reload, no toast).
        view = self.query_one(TranscriptView)
        view.add_span(
            Span(
                coding.id,
                coding.start,
                coding.end,
                code_id,
                code.label,
                self.colours.get(code_id, ""),
                self.project.coder,
            )
        )
        tree = self.query_one(CodeTree)
        count = next((r.codings for r in tree.rows if r.code.id == code_id), 0) + 1
        tree.set_count(code_id, count)
        self.flash = _("coded {chars} as {code}").format(
            chars=chars(sel[1] - sel[0]), code=f"{code.label} {code.name}"
        )
        self._update_detail(force=True)
        self._update_status()

    def action_apply_highlighted(self) -> None:
        code_id = self.query_one(CodeTree).highlighted
        if code_id is None:
            self.notify(
                _("highlight a code in the tree first (ctrl+t), or press c"), severity="warning"
            )
            return
        self._apply(code_id)

    def action_pick_code(self) -> None:
        if self._selection_or_warn() is None:
            return

        def picked(result: int | str | None) -> None:
            if isinstance(result, int):
                self._apply(result)
            elif isinstance(result, str):
                self._code_new(result, in_vivo=False)

        self.app.push_screen(CodePicker(list(self.codes.values())), picked)

    def _code_new(self, name: str, *, in_vivo: bool) -> None:
        sel = self._selection_or_warn()
        if sel is None or self.source_id is None:
            return
        highlighted = self.query_one(CodeTree).highlighted
        parent = (
            highlighted
            if highlighted is not None and self.codes[highlighted].level == "axial"
            else None
        )
        ok, made = self.write(
            self.project.code_new,
            self.source_id,
            sel[0],
            sel[1],
            name,
            parent=parent,
            in_vivo=in_vivo,
        )
        if not ok or made is None:
            return
        code_id = made[0]
        new = code_id not in self.codes
        self._refresh_after_coding()
        self._remember(code_id)
        code = self.codes[code_id]
        named = f"{code.label} {code.name}"
        if not new:
            said = _("coded as {code} (the code of that name)").format(code=named)
        elif in_vivo:
            said = _("new in-vivo code {code}, coded").format(code=named)
        else:
            said = _("new code {code}, coded").format(code=named)
        self.notify(said, timeout=3)
        self._update_status()

    def action_new_code(self) -> None:
        if self._selection_or_warn() is None:
            return

        def named(name: str | None) -> None:
            if name:
                self._code_new(name, in_vivo=False)

        self.app.push_screen(
            TextPrompt(_("New code from the selection 新建初始概念"), placeholder=_("name")), named
        )

    def action_in_vivo(self) -> None:
        """The selected words become the code's name (an in-vivo code), at one key."""
        sel = self._selection_or_warn()
        if sel is None:
            return
        view = self.query_one(TranscriptView)
        name = _TRIM.sub("", view.text[sel[0] : sel[1]]).replace("\n", " ")
        if not name:
            self.notify(_("the selection has no words to name a code"), severity="warning")
            return
        if len(name) > 60:
            self.notify(
                _("an in-vivo name is a short phrase: select fewer words"), severity="warning"
            )
            return
        self._code_new(name, in_vivo=True)

    # -- changing codings --------------------------------------------------------------------------

    def _codings_here(self) -> list[Span]:
        """Codings the user means: those overlapping the selection (the one that matches it
        first), else those under the cursor or ending right at it."""
        view = self.query_one(TranscriptView)
        sel = view.selection
        if sel:
            hits = view.spans_between(*sel)
            return sorted(hits, key=lambda s: (abs(s.start - sel[0]) + abs(s.end - sel[1]), -s.id))
        here = view.spans_between(view.cursor, view.cursor)
        if not here and view.cursor > 0:
            here = [
                s for s in view.spans_between(view.cursor - 1, view.cursor) if s.end == view.cursor
            ]
        return here

    async def _choose_coding(self, verb: str) -> tuple[Span, bool] | None:
        """Which coding ``verb`` (remove, resize, memo on) applies to, and whether it is changed
        by force: the one that matches the selection exactly, the only one there, or the user's
        pick from a list (label, name, coder, span). None: there is none, or the user said no."""
        here = self._codings_here()
        if not here:
            self.notify(_("no coding under the cursor"), severity="warning")
            return None
        sel = self.query_one(TranscriptView).selection
        exact = [s for s in here if sel and (s.start, s.end) == sel]
        if len(exact) == 1 or len(here) == 1:
            return await self._whose_first(verb, (exact or here)[0])
        options: list[tuple[str, str | Text]] = [
            (
                str(i),
                Text.assemble(
                    (f"{s.label} ", "bold"),
                    self.codes[s.code_id].name if s.code_id in self.codes else "",
                    (f"  {s.coder}", "bold" if s.coder != self.project.coder else ""),
                    (f"  [{s.start}–{s.end})", "dim"),
                ),
            )
            for i, s in enumerate(here)
        ]
        question = {
            "remove": _("Remove which coding?"),
            "resize": _("Resize which coding?"),
            "memo on": _("Memo on which coding?"),
        }[verb]
        key = await self.app.push_screen_wait(Chooser(question, options))
        return None if key is None else await self._whose_first(verb, here[int(key)])

    async def _whose_first(self, verb: str, span: Span) -> tuple[Span, bool] | None:
        """One's own coding at once; a colleague's after a question naming them (the facade
        refuses a coder on a team server, and says so)."""
        if span.coder == self.project.coder:
            return span, False
        if self.project.on_server and self.project.role() == "coder":
            return span, False
        code = self.codes.get(span.code_id)
        question = {
            "remove": _("Remove {coder}'s coding {code} [{start}–{end})? "),
            "resize": _("Resize {coder}'s coding {code} [{start}–{end})? "),
            "memo on": _("Memo on {coder}'s coding {code} [{start}–{end})? "),
        }[verb].format(
            coder=span.coder,
            code=f"{span.label} {code.name if code else ''}",
            start=span.start,
            end=span.end,
        ) + _("It is {coder}'s work, not {me}'s.").format(coder=span.coder, me=self.project.coder)
        yes_label = {
            "remove": _("Remove it (y)"),
            "resize": _("Resize it (y)"),
            "memo on": _("Memo on it (y)"),
        }[verb]
        yes = await self.app.push_screen_wait(
            Confirm(question, yes=yes_label, no=_("Leave it (n)"))
        )
        return (span, True) if yes else None

    @work(group="coding", description="uncode", exit_on_error=False)
    async def action_uncode(self) -> None:
        chosen = await self._choose_coding("remove")
        if chosen is None:
            return
        span, force = chosen
        if self.write(self.project.uncode, span.id, force=force)[0]:
            where = {"label": span.label, "start": span.start, "end": span.end}
            said = (
                _("removed {coder}'s {label} at {start}–{end}").format(coder=span.coder, **where)
                if span.coder != self.project.coder
                else _("removed {label} at {start}–{end}").format(**where)
            )
            self.notify(said, timeout=2)
            self._refresh_after_coding()

    @work(group="coding", description="resize", exit_on_error=False)
    async def action_resize(self) -> None:
        sel = self._selection_or_warn()
        if sel is None:
            return
        if not self._codings_here():
            self.notify(_("no coding overlaps the selection"), severity="warning")
            return
        chosen = await self._choose_coding("resize")
        if chosen is None:
            return
        span, force = chosen
        if self.write(self.project.resize_coding, span.id, *sel, force=force)[0]:
            self.notify(
                _("{label} now covers {start}–{end}").format(
                    label=span.label, start=sel[0], end=sel[1]
                ),
                timeout=2,
            )
            self._refresh_after_coding()

    # -- memos -------------------------------------------------------------------------------------

    @work(group="coding", description="memo", exit_on_error=False)
    async def action_memo(self) -> None:
        """Memo on the coding under the cursor, else on the source."""
        if self._codings_here():
            chosen = await self._choose_coding("memo on")
            if chosen is None:
                return
            span, force = chosen

            def save(text: str) -> None:
                self.project.set_coding_memo(span.id, text, force=force)

            title = _("Memo on coding {label} [{start}–{end}) 编码备忘").format(
                label=span.label, start=span.start, end=span.end
            )
            if await self.edit_memo(title, self.project.coding(span.id).memo, save):
                self.notify(_("memo saved"), timeout=2)
                self._refresh_after_coding()
            return
        if self.source_id is None:
            return
        source_id = self.source_id

        def add(text: str) -> None:
            self.project.add_memo(text, type="methodological", target="source", target_id=source_id)

        title = _("Memo on source {source} 资料备忘").format(source=self._source_name(source_id))
        if await self.edit_memo(title, "", add, empty_ok=False):
            self.notify(_("memo saved"), timeout=2)

    @work(group="coding", description="code memo", exit_on_error=False)
    async def action_code_memo(self) -> None:
        code_id = self.query_one(CodeTree).highlighted
        if code_id is None:
            self.notify(_("highlight a code first"), severity="warning")
            return
        code = self.codes[code_id]
        existing = self.project.memos(target="code", target_id=code_id, type="code")

        def save(text: str) -> None:
            if existing:
                self.project.update_memo(existing[0].id, text=text)
            else:
                self.project.add_memo(text, type="code", target="code", target_id=code_id)

        title = _("Memo on {code} 编码备忘").format(code=f"{code.label} {code.name}")
        if await self.edit_memo(title, existing[0].text if existing else "", save):
            self.notify(_("memo saved"), timeout=2)
            self._update_detail(force=True)
