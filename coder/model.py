"""Domain types: plain, immutable values that the facade returns.

Offsets are code-point indices into a source's normalised text, half-open ``[start, end)``:
``source.text[start:end]`` is the coded passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["open", "axial", "selective"]
LEVELS: tuple[Level, ...] = ("open", "axial", "selective")
PARADIGM_ROLES = ("causal", "phenomenon", "context", "intervening", "strategy", "consequence")
PARADIGM_ROLE_ZH = {
    "causal": "因果条件",
    "phenomenon": "现象",
    "context": "脉络",
    "intervening": "中介条件",
    "strategy": "行动/互动策略",
    "consequence": "结果",
}
LEVEL_ZH = {"open": "初始概念", "axial": "范畴", "selective": "核心范畴"}
AXES = ("统", "合")
MEMO_TYPES = ("code", "theoretical", "methodological", "comparison", "storyline", "project")
MEMO_TARGETS = ("project", "source", "case", "code", "coding", "relation")

#: Built-in relation types: Strauss & Corbin's paradigm links, part-of, and Glaser's coding
#: families. The project keeps its own editable copy (table ``relation_types``).
RELATION_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("causes", "因果", "paradigm", "A causal condition that gives rise to the phenomenon"),
    ("context_for", "情境", "paradigm", "The context in which the phenomenon is embedded"),
    (
        "intervenes_in",
        "中介/调节",
        "paradigm",
        "An intervening condition that weakens or strengthens",
    ),
    (
        "strategy_for",
        "策略",
        "paradigm",
        "An action/interaction strategy responding to the phenomenon",
    ),
    ("leads_to", "结果", "paradigm", "Leads to a consequence"),
    ("condition_for", "条件", "six Cs", "A condition that makes the target possible"),
    ("part_of", "从属", "structure", "Part of a larger whole"),
    ("reinforces", "互构/强化", "process", "Strengthens the target (mutual when both ways)"),
    ("covaries_with", "共变", "six Cs", "Covaries with"),
    ("contingent_on", "依情况", "six Cs", "Contingent on"),
    ("type_of", "类型", "type", "A type or kind of"),
    ("stage_of", "阶段", "process", "A stage or phase of a process"),
    ("property_of", "属性", "dimension", "A property or dimension of"),
    ("degree_of", "程度", "degree", "An intensity or degree of"),
)


@dataclass(frozen=True, slots=True)
class Coder:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Case:
    id: int
    name: str
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Turn:
    idx: int
    start: int
    end: int
    speaker: str
    timestamp: str


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    guid: str
    name: str
    chars: int
    original_name: str
    sha256: str
    encoding: str
    format: str
    case: str | None
    position: int
    turns: int = 0
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Code:
    id: int
    guid: str
    label: str
    name: str
    level: Level
    colour: str = ""
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    name_en: str = ""
    in_vivo: bool = False
    paradigm_role: str | None = None
    axis: str | None = None
    is_core: bool = False
    properties: tuple[dict[str, str], ...] = ()
    parents: tuple[int, ...] = ()
    """Parent code ids, the primary parent first."""

    @property
    def display(self) -> str:
        return f"{self.label} {self.name}"


@dataclass(frozen=True, slots=True)
class CodeField:
    """One field of a code that a person edits, with its headings in both languages."""

    key: str
    en: str
    zh: str
    kind: Literal["line", "text", "flag", "choice", "list"]
    """How it is edited: one line, several lines, a yes/no, one of a few values, a list."""

    @property
    def heading(self) -> str:
        """The English heading with the Chinese method term beside it."""
        return f"{self.en} {self.zh}"


#: The fields of a code a person edits, once for every part of the program (the facade's checks,
#: the codebook files, merging copies, the TUI's form and detail pane), in the form's order.
CODE_FIELDS: tuple[CodeField, ...] = (
    CodeField("label", "Label", "编号", "line"),
    CodeField("name", "Name", "名称", "line"),
    CodeField("name_en", "English name", "英文名", "line"),
    CodeField("colour", "Colour", "颜色", "line"),
    CodeField("definition", "Definition", "定义", "text"),
    CodeField("inclusion", "Inclusion", "纳入标准", "text"),
    CodeField("exclusion", "Exclusion", "排除标准", "text"),
    CodeField("example", "Example", "典型例句", "text"),
    CodeField("in_vivo", "In vivo", "本土概念", "flag"),
    CodeField("paradigm_role", "Paradigm role", "范式要素", "choice"),
    CodeField("axis", "Axis", "统/合", "choice"),
    CodeField("properties", "Properties", "性质", "list"),
)
CODE_FIELD_KEYS: tuple[str, ...] = tuple(f.key for f in CODE_FIELDS)
#: The fields that identify a code rather than describe it.
CODE_IDENTITY = ("label", "name")
#: The describing fields: what a codebook file or a colleague's copy may fill in or change.
CODE_DESCRIPTION: tuple[str, ...] = tuple(k for k in CODE_FIELD_KEYS if k not in CODE_IDENTITY)
#: The free-text fields (stored as text, never NULL).
CODE_TEXT_FIELDS: tuple[str, ...] = tuple(f.key for f in CODE_FIELDS if f.kind == "text")


@dataclass(frozen=True, slots=True)
class Coding:
    id: int
    source_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    memo: str = ""
    created: float = 0.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A coding with what a reader needs to see it: the text and the names around it."""

    id: int
    source: str
    source_id: int
    start: int
    end: int
    code: str
    label: str
    code_id: int
    coder: str
    text: str
    memo: str


@dataclass(frozen=True, slots=True)
class Memo:
    id: int
    type: str
    target_type: str
    target_id: int | None
    title: str
    text: str
    coder: str
    created: float
    modified: float
    start: int | None = None
    """With ``end``: the passage of the source the memo is anchored to (an annotation)."""
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    id: int
    from_id: int
    to_id: int
    type: str
    description: str
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    time: float
    coder: str | None
    action: str
    summary: str
    state: str

    @property
    def undone(self) -> bool:
        """Not in effect: undone, or undone and then discarded by a newer change. (A "final"
        event, such as a membership change, is in effect and cannot be undone.)"""
        return self.state in ("undone", "discarded")


@dataclass(slots=True)
class SourceDraft:
    """A source ready to be added: its text already normalised (see ``coder.text.normalise``)."""

    name: str
    text: str
    original_name: str = ""
    encoding: str = ""
    format: str = "txt"
    sha256: str = ""
    language: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    case: str | None = None
    case_attributes: dict[str, str] = field(default_factory=dict)
    turns: list[Turn] | None = None
    """The speaker turns; None (a pasted or scripted source) has them found when it is added,
    by the same rule as an imported file (coder.text.speakers)."""
    warnings: list[str] = field(default_factory=list)
    """What the reader wants the user to know (e.g. that a PDF's layout was lost)."""
