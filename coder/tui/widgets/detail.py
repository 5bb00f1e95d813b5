"""The main screen's detail pane: the codings under the cursor, then the highlighted code with
its definition, criteria and memos."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text

from coder.i18n import _, level_word
from coder.model import CODE_FIELDS, Code, Memo
from coder.tui.widgets.textline import TextPane
from coder.tui.widgets.transcript import Hint, Span
from coder.tui.words import ROLES

#: The code's fields shown under its name: its free-text fields (definition, criteria, example).
TEXT_FIELDS = tuple(f for f in CODE_FIELDS if f.kind == "text")


class DetailPane(TextPane):
    """What the cursor is on: the parent sets what to show (``show_detail``); the pane only
    draws it, repainting without a layout pass (TextPane)."""

    def show_detail(
        self,
        under: Sequence[Span],
        code: Code | None,
        *,
        codes: Mapping[int, Code],
        colours: Mapping[int, str],
        coding_memos: Mapping[int, str],
        code_memos: Sequence[Memo] = (),
        hint: Hint | None = None,
    ) -> None:
        """``under``: the codings at the cursor; ``code``: the code highlighted in the tree, with
        its memos ``code_memos`` (the first three shown)."""
        text = Text()
        for span in under:
            of = codes.get(span.code_id)
            text.append(f"■ {span.label} ", style=colours.get(span.code_id, ""))
            text.append(f"{of.name if of else ''}  ", style="bold")
            text.append(f"[{span.start}–{span.end}) {span.coder}\n", style="dim")
            if coding_memos.get(span.id):
                text.append(
                    "  " + _("memo: {memo}").format(memo=coding_memos[span.id]) + "\n",
                    style="italic",
                )
        if hint is not None:
            of = codes.get(hint.code_id)
            text.append(f"{hint.label}? ", style="dim italic")
            text.append(f"{of.name if of else ''}  ", style="dim")
            text.append(
                _("suggested {score}").format(score=f"{hint.score:.2f}") + "\n", style="dim"
            )
            if hint.threshold:
                text.append(
                    "  "
                    + _("this code from {threshold} (held out: {share} right)").format(
                        threshold=f"{hint.threshold:.2f}", share=f"{hint.precision:.0%}"
                    )
                    + "\n",
                    style="dim",
                )
            if hint.because:
                text.append(
                    "  " + _("because: {terms}").format(terms=" ".join(hint.because)) + "\n",
                    style="dim italic",
                )
            text.append("  " + _("a accept · R reject") + "\n", style="dim")
        if code is not None:
            if under or hint is not None:
                text.append("\n")
            self._code(text, code, code_memos)
        self.show(text)

    @staticmethod
    def _code(text: Text, code: Code, memos: Sequence[Memo]) -> None:
        text.append(f"{code.label} {code.name}", style="bold")
        if code.name_en:
            text.append(f"  {code.name_en}", style="dim")
        text.append("\n" + level_word(code.level))
        if code.paradigm_role:
            text.append(" · " + ROLES.get(code.paradigm_role, code.paradigm_role))
        if code.axis:
            text.append(f" · {code.axis}")
        if code.in_vivo:
            text.append(" · " + _("in vivo"))
        for field in TEXT_FIELDS:
            value = getattr(code, field.key)
            if value:
                text.append(f"\n{_(field.heading)} ", style="bold dim")
                text.append(value)
        for memo in memos[:3]:
            text.append("\n" + _("memo") + " ", style="bold dim")

            text.append(memo.text[:200], style="italic")
