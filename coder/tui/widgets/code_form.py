"""The codebook screen's form for one code: its fields, its heading lines and whether it has
unsaved edits. The screen decides which code it shows and what is saved; the form holds the
values being edited."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from coder.i18n import _
from coder.model import AXES, CODE_FIELDS, PARADIGM_ROLES, Code
from coder.tui.words import ROLES

#: The form's fields, from the one list of code fields (coder.model.CODE_FIELDS): one-line
#: fields (Input) and several-line fields (TextArea), with their headings (English with the
#: Chinese method term, translated through the catalogs). The colour, the paradigm role, the
#: axis and the in-vivo flag have widgets of their own; a code's properties are edited elsewhere.
FIELDS = {f.key: f for f in CODE_FIELDS}
LINE_FIELDS = tuple(
    (f.key, f.heading) for f in CODE_FIELDS if f.kind == "line" and f.key != "colour"
)
TEXT_FIELDS = tuple((f.key, f.heading) for f in CODE_FIELDS if f.kind == "text")
#: What the form holds of a code: every field but the properties.
FORM_KEYS = tuple(f.key for f in CODE_FIELDS if f.kind != "list")
ROLE_OPTIONS = [(_("— none 无"), ""), *[(ROLES[r], r) for r in PARADIGM_ROLES]]
AXIS_OPTIONS = [(_("— none 无"), ""), *[(a, a) for a in AXES]]


class Tick(Checkbox):
    """A checkbox that shows its mark only when ticked (Textual's shows an X either way, told
    apart by colour alone)."""

    @property
    def _button(self):
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button


def stored_fields(code: Code) -> dict[str, Any]:
    """The code's values of the form's fields, as stored."""
    return {key: getattr(code, key) for key in FORM_KEYS}


def is_colour(value: str) -> bool:
    """``#rrggbb``."""
    return (
        len(value) == 7
        and value[0] == "#"
        and all(ch in "0123456789abcdefABCDEF" for ch in value[1:])
    )


class CodeForm(VerticalScroll):
    """The fields of one code, with its title, level and categories above and below them."""

    def compose(self) -> ComposeResult:
        yield Static("", id="cb-title")
        for field, heading in LINE_FIELDS:
            with Horizontal(classes="cb-row"):
                yield Label(_(heading), classes="cb-key")
                yield Input(id=f"cb-{field}", compact=True)
        with Horizontal(classes="cb-row"):
            yield Label(_("Level 层级"), classes="cb-key")
            yield Static("", id="cb-level")
        for field, heading in TEXT_FIELDS:
            with Horizontal(classes="cb-row cb-text"):
                yield Label(_(heading), classes="cb-key")
                yield TextArea(id=f"cb-{field}", soft_wrap=True, compact=True)
        with Horizontal(classes="cb-row cb-gap"):
            yield Label(_(FIELDS["colour"].heading), classes="cb-key")
            yield Input(id="cb-colour", placeholder="#rrggbb", compact=True)
            yield Static("", id="cb-swatch")
        with Horizontal(classes="cb-row"):
            yield Label(_(FIELDS["paradigm_role"].heading), classes="cb-key")
            yield Select(ROLE_OPTIONS, id="cb-role", allow_blank=False, compact=True)
        with Horizontal(classes="cb-row"):
            yield Label(_(FIELDS["axis"].heading), classes="cb-key")
            yield Select(AXIS_OPTIONS, id="cb-axis", allow_blank=False, compact=True)
        with Horizontal(classes="cb-row"):
            yield Label(_(FIELDS["in_vivo"].heading), classes="cb-key")
            yield Tick(_("participant's words"), id="cb-in_vivo", compact=True)
        with Horizontal(classes="cb-row"):
            yield Label(_("Categories 所属范畴"), classes="cb-key")
            yield Static("", id="cb-parents")
        yield Static("", id="cb-state")

    def show_title(self, title: Text | str) -> None:
        self.query_one("#cb-title", Static).update(title)

    def load(self, values: dict[str, Any], *, axial: bool) -> None:
        """Fill the fields; the paradigm role and the axis are for axial codes only."""
        for field, _heading in LINE_FIELDS:
            self.query_one(f"#cb-{field}", Input).value = values[field]
        self.query_one("#cb-colour", Input).value = values["colour"]
        for field, _heading in TEXT_FIELDS:
            self.query_one(f"#cb-{field}", TextArea).load_text(values[field])
        role, axis = self.query_one("#cb-role", Select), self.query_one("#cb-axis", Select)
        role.value, axis.value = values["paradigm_role"] or "", values["axis"] or ""
        role.disabled = axis.disabled = not axial
        self.query_one("#cb-in_vivo", Checkbox).value = values["in_vivo"]

    def show_place(self, level: Text, parents: Text) -> None:
        """The code's level line and its categories (the primary first)."""
        self.query_one("#cb-level", Static).update(level)
        self.query_one("#cb-parents", Static).update(parents)

    def values(self) -> dict[str, Any]:
        """What the fields hold now."""
        values: dict[str, Any] = {
            field: self.query_one(f"#cb-{field}", Input).value.strip()
            for field in (*(key for key, _heading in LINE_FIELDS), "colour")
        }
        for field, _heading in TEXT_FIELDS:
            values[field] = self.query_one(f"#cb-{field}", TextArea).text
        for field, select in (("paradigm_role", "#cb-role"), ("axis", "#cb-axis")):
            value = self.query_one(select, Select).value
            values[field] = value if isinstance(value, str) and value else None
        values["in_vivo"] = self.query_one("#cb-in_vivo", Checkbox).value
        return values

    def show_state(self, changes: list[str]) -> None:
        """The line under the fields: the unsaved fields, or the keys; the colour's swatch."""
        state = self.query_one("#cb-state", Static)
        if changes:
            # the fields by their headings in the form (the colour is in FIELDS too)
            names = ", ".join(_(FIELDS[k].heading) if k in FIELDS else k for k in changes)
            state.update(
                Text(
                    _("● unsaved: {fields}  (ctrl+s saves)").format(fields=names),
                    style="bold yellow",
                )
            )
        else:
            state.update(Text(_("ctrl+s saves · enter on a code edits it · esc back"), style="dim"))
        colour = self.query_one("#cb-colour", Input).value.strip()
        swatch = self.query_one("#cb-swatch", Static)
        swatch.update(Text("■■■", style=colour) if is_colour(colour) else "")
