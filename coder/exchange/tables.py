"""The tables Chinese grounded-theory papers publish, built from the project's analyses.

Each builder returns a :class:`Table` with Chinese and English titles and headers (those of
``method.md``) and rows of plain values (``str``, ``int``, ``float`` or ``None``); the writers in
:mod:`coder.exchange.papers` lay them out. ``lang`` only changes the few words a builder writes
into cells itself (e.g. "无" / "none"); the headers of both languages are always on the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from coder.analysis.agreement import agreement, reliability_rows
from coder.analysis.frequencies import frequencies
from coder.analysis.saturation import saturation
from coder.errors import InvalidInput
from coder.i18n import _
from coder.model import PARADIGM_ROLE_ZH, Code, Segment
from coder.store.schema import MACHINE_PREFIX

if TYPE_CHECKING:
    from coder.project import Project


Cell = str | int | float | None

#: Longest quote, in characters, that the automatic rule picks for 开放式编码示例.
QUOTE_LIMIT = 120
#: Words in a coding's memo that flag it as the researcher's chosen example.
FLAG_WORDS = ("代表", "example")


@dataclass(frozen=True)
class Table:
    """One paper table: titles and headers in both languages, and its rows."""

    title_zh: str
    title_en: str
    headers_zh: tuple[str, ...]
    headers_en: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    name: str = ""
    """The short name used to choose it (see :data:`TABLE_NAMES`)."""
    notes_zh: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()
    """Notes printed under the table (注): what the machine did, where it did anything."""

    def notes(self, lang: str = "zh") -> tuple[str, ...]:
        return self.notes_en if lang == "en" else self.notes_zh

    def title(self, lang: str = "zh") -> str:
        return self.title_en if lang == "en" else self.title_zh

    def headers(self, lang: str = "zh") -> tuple[str, ...]:
        return self.headers_en if lang == "en" else self.headers_zh


@dataclass
class Options:
    """What the builders need besides the project."""

    lang: str = "zh"
    coders: Sequence[str] | None = None
    held_out: Sequence[str] | None = None
    examples: int = 1
    """Quotes per concept in 开放式编码示例."""
    warnings: list[str] = field(default_factory=list)

    def word(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh


def _codes(project: Project) -> tuple[list[Code], dict[int, Code]]:
    codes = project.codes()
    return codes, {c.id: c for c in codes}


def _coders(project: Project, opt: Options) -> list[str]:
    """The coders a table reads: those asked for, else every human coder (machine coders,
    ``model:<version>``, only when asked for by name)."""
    if opt.coders:
        return list(opt.coders)
    return [c for c in project.coders() if not c.startswith(MACHINE_PREFIX)]


def _segments(project: Project, opt: Options, **where: Any) -> list[Segment]:
    """Coded segments of every human coder and of the coders asked for (a machine coder's only
    when it is asked for by name)."""
    asked = set(opt.coders or ())
    return [
        s
        for s in project.segments(**where)
        if s.coder in asked or not s.coder.startswith(MACHINE_PREFIX)
    ]


def _quote(seg: Segment) -> str:
    return f"{seg.text}（{seg.source}）"


def participants(project: Project, opt: Options) -> Table:
    """访谈对象基本信息: one row per source; source attributes override those of its case.
    访谈时长 is ``duration_min`` in minutes; 字数 is the source's length in characters."""
    cases = {c.name: c.attributes for c in project.cases()}
    rows: list[tuple[Cell, ...]] = []
    missing: set[str] = set()
    for s in project.sources():
        attrs = {**cases.get(s.case or "", {}), **s.attributes}
        values = [attrs.get(k, "") for k in ("category", "role", "unit", "gender")]
        missing.update(
            k for k, v in zip(("category", "role", "unit", "gender"), values, strict=True) if not v
        )
        duration = attrs.get("duration_min", "")
        if not duration:
            missing.add("duration_min")
        minutes: Cell = int(duration) if duration.isdigit() else duration or None
        rows.append((s.case or s.name, *values, minutes, s.chars))
    if missing:
        opt.warnings.append(
            _("访谈对象基本信息: some sources have no {names}; those cells are empty").format(
                names=", ".join(sorted(missing))
            )
        )
    return Table(
        "访谈对象基本信息",
        "Interviewee profile",
        ("编号", "类别", "职务", "单位", "性别", "访谈时长", "字数"),
        ("ID", "Category", "Position", "Organisation", "Gender", "Duration (min)", "Characters"),
        rows,
        "participants",
    )


def representative(segments: Sequence[Segment], gold: str | None, count: int) -> list[Segment]:
    """Up to ``count`` quotes for one concept.

    The rule: codings whose memo contains "代表" or "example" (any case) are the researcher's
    choice and are taken first, in source order. The rest are filled from the gold coder's codings
    (the first coder; any coder's when the gold coder has none), longest first among those of at
    most :data:`QUOTE_LIMIT` characters, ties in source order; when every coding is longer, the
    shortest are taken (the writer does not cut a quote)."""
    flagged = [s for s in segments if any(w in s.memo.lower() for w in FLAG_WORDS)]
    chosen = flagged[:count]
    pool = [s for s in segments if s.coder == gold] or list(segments)
    pool = [s for s in pool if s not in chosen]
    fitting = [s for s in pool if len(s.text) <= QUOTE_LIMIT]
    ranked = sorted(fitting, key=lambda s: -len(s.text)) + sorted(
        (s for s in pool if len(s.text) > QUOTE_LIMIT), key=lambda s: len(s.text)
    )
    return chosen + ranked[: max(0, count - len(chosen))]


def open_coding(project: Project, opt: Options) -> Table:
    """开放式编码示例: representative quotes per concept (see :func:`representative`), each
    followed by its interviewee id, with the concept and its primary category."""
    if opt.examples < 1:
        raise InvalidInput(_("examples per concept must be at least 1; nothing was changed"))
    codes, by_id = _codes(project)
    gold: str | None = (_coders(project, opt) or [None])[0]  # type: ignore[list-item]
    by_code: dict[int, list[Segment]] = {}
    for seg in _segments(project, opt):
        by_code.setdefault(seg.code_id, []).append(seg)
    rows: list[tuple[Cell, ...]] = []
    for code in codes:
        if code.level != "open" or code.id not in by_code:
            continue
        parent = by_id[code.parents[0]].display if code.parents else ""
        for seg in representative(by_code[code.id], gold, opt.examples):
            rows.append((_quote(seg), code.display, parent))
    return Table(
        "开放式编码示例",
        "Examples of open coding",
        ("原始语句（受访者编号）", "初始概念", "初始范畴"),
        ("Original statement (interviewee)", "Initial concept", "Initial category"),
        rows,
        "open_coding",
    )


def axial_coding(project: Project, opt: Options) -> Table:
    """主轴编码结果: one row per axial category with the codes under it, its definition, its
    paradigm role and its 统/合 axis."""
    codes, by_id = _codes(project)
    rows: list[tuple[Cell, ...]] = []
    for cat in codes:
        if cat.level != "axial":
            continue
        children = [c.display for c in codes if cat.id in c.parents]
        role = cat.paradigm_role or ""
        rows.append(
            (
                cat.display,
                "、".join(children),
                cat.definition,
                role if opt.lang == "en" else PARADIGM_ROLE_ZH.get(role, role),
                cat.axis or "",
            )
        )
    return Table(
        "主轴编码结果",
        "Results of axial coding",
        ("主范畴", "对应范畴", "范畴内涵", "范式要素", "统/合"),
        ("Main category", "Sub-categories", "Meaning", "Paradigm element", "Tong/He"),
        rows,
        "axial_coding",
    )


def relations(project: Project, opt: Options) -> Table:
    """主范畴典型关系结构: every relation as "A1 → A3", its description (or its type's name when
    it has none), the text of its first evidence coding (empty without evidence), and its support
    in the data (turns where both sides occur, rolled up; evidence codings; memos), or the flag
    that it is asserted, not yet grounded (see :mod:`coder.analysis.support`)."""
    from coder.analysis.support import UNGROUNDED, UNGROUNDED_ZH, relation_support

    _x, by_id = _codes(project)
    type_names = {t[0]: t[1] for t in project.relation_types()}
    rels = project.relations()
    support = {s.relation_id: s for s in relation_support(project, "turn")}
    evidence_ids = {r.evidence[0] for r in rels if r.evidence}
    quotes = {s.id: _quote(s) for s in project.segments(ids=evidence_ids)} if evidence_ids else {}
    rows: list[tuple[Cell, ...]] = []
    for r in rels:
        meaning = r.description or (r.type if opt.lang == "en" else type_names.get(r.type, r.type))
        quote = quotes.get(r.evidence[0], "") if r.evidence else ""
        s = support[r.id]
        if not s.grounded:
            grounding = opt.word(UNGROUNDED_ZH, UNGROUNDED)
        elif opt.lang == "en":
            grounding = f"{s.units} turns; {s.evidence} evidence codings; {len(s.memos)} memos"
        else:
            grounding = f"共现话轮 {s.units}；证据编码 {s.evidence}；备忘录 {len(s.memos)}"
        rows.append(
            (f"{by_id[r.from_id].label} → {by_id[r.to_id].label}", meaning, quote, grounding)
        )
    return Table(
        "主范畴典型关系结构",
        "Typical relation structure of the main categories",
        ("典型关系结构", "关系内涵", "代表性语句", "资料支撑"),
        ("Relation", "Meaning", "Representative statement", "Support in the data"),
        rows,
        "relations",
    )


def reliability(project: Project, opt: Options) -> Table:
    """编码信度: Holsti's K, the composite R and Cohen's κ per coder pair (segment units), from
    :func:`coder.analysis.agreement.agreement` for ``coders`` or the project's first two."""
    names = list(opt.coders) if opt.coders else _coders(project, opt)[:2]
    rows: list[tuple[Cell, ...]] = []
    if len(names) < 2:
        opt.warnings.append(
            _("编码信度: the project has fewer than two coders; the table is empty")
        )
    else:
        rows = list(reliability_rows(agreement(project, names), summary=True))
    return Table(
        "编码信度",
        "Coding reliability",
        ("编码者对", "M", "N1", "N2", "相互同意度 K", "信度 R", "κ"),
        ("Coder pair", "M", "N1", "N2", "Mutual agreement K", "Reliability R", "κ"),
        rows,
        "reliability",
    )


def code_frequencies(project: Project, opt: Options) -> Table:
    """编码频次: codings (参考点数) and sources per code, rolled up the hierarchy, in codebook
    order, with the primary parent category."""
    _x, by_id = _codes(project)
    rows: list[tuple[Cell, ...]] = []
    for f in frequencies(project):
        code = by_id[f.code_id]
        parent = by_id[code.parents[0]].display if code.parents else ""
        rows.append((f.label, f.code, f.codings, f.sources, parent))
    return Table(
        "编码频次",
        "Code frequencies",
        ("编码", "名称", "参考点数", "来源数", "所属范畴"),
        ("Code", "Name", "References", "Sources", "Category"),
        rows,
        "frequencies",
    )


def codebook(project: Project, opt: Options) -> Table:
    """编码手册 (codebook document): every code in hierarchy order (core, then each category
    followed by its concepts) with its label, name, level, definition, inclusion and exclusion
    criteria, an example quote with the interviewee id (the representative coding chosen as in
    开放式编码示例; the codebook's example when the code has no codings), codings and sources,
    parent category, paradigm role and 统/合 axis."""
    from coder.exchange.codebook_yaml import _hierarchy_order
    from coder.model import LEVEL_ZH, PARADIGM_ROLE_ZH

    codes, by_id = _codes(project)
    freq = {f.code_id: f for f in frequencies(project)}
    gold: str | None = (_coders(project, opt) or [None])[0]  # type: ignore[list-item]
    rows: list[tuple[Cell, ...]] = []
    for code in _hierarchy_order(codes):
        f = freq.get(code.id)
        # A quote from the data with its interviewee id; the codebook's own example otherwise.
        picked = representative(_segments(project, opt, code=code.id), gold, 1)
        example = _quote(picked[0]) if picked else code.example
        level = opt.word(LEVEL_ZH[code.level], code.level)
        role = opt.word(
            PARADIGM_ROLE_ZH.get(code.paradigm_role or "", ""), code.paradigm_role or ""
        )
        rows.append(
            (
                code.label,
                code.name,
                level,
                code.definition,
                code.inclusion,
                code.exclusion,
                example,
                f.codings if f else 0,
                f.sources if f else 0,
                by_id[code.parents[0]].display if code.parents else "",
                role,
                code.axis or "",
            )
        )
    return Table(
        "编码手册",
        "Codebook",
        (
            "编号",
            "名称",
            "层级",
            "定义",
            "纳入标准",
            "排除标准",
            "示例（受访者编号）",
            "参考点数",
            "来源数",
            "所属范畴",
            "范式要素",
            "统/合",
        ),
        (
            "Label",
            "Name",
            "Level",
            "Definition",
            "Inclusion",
            "Exclusion",
            "Example (interviewee)",
            "References",
            "Sources",
            "Category",
            "Paradigm role",
            "Axis",
        ),
        rows,
        "codebook",
    )


def saturation_check(project: Project, opt: Options) -> Table:
    """理论饱和度检验: each held-out interview and the concepts and categories it adds to the
    others (the expected finding is none). Without ``held_out`` the last two sources are used,
    with a warning."""
    held = list(opt.held_out or [])
    if not held:
        held = [s.name for s in project.sources()[-2:]]
        opt.warnings.append(
            _(
                "理论饱和度检验: no held-out interviews given; used the last two sources ({names})"
            ).format(names=", ".join(held))
        )
    none = opt.word("无", "none")
    rows: list[tuple[Cell, ...]] = [
        (h.source, "、".join(h.new_codes) or none, "、".join(h.new_categories) or none)
        for h in saturation(project, held_out=held).held_out
    ]
    return Table(
        "理论饱和度检验",
        "Theoretical saturation test",
        ("检验访谈", "新增概念", "新增范畴"),
        ("Held-out interview", "New concepts", "New categories"),
        rows,
        "saturation",
    )


BUILDERS: dict[str, Callable[[Any, Options], Table]] = {
    "codebook": codebook,
    "participants": participants,
    "open_coding": open_coding,
    "axial_coding": axial_coding,
    "relations": relations,
    "reliability": reliability,
    "frequencies": code_frequencies,
    "saturation": saturation_check,
}
#: The seven tables of the paper, in the order papers print them: what an export writes unless
#: told. The codebook document (one long table of every code) is asked for by name.
TABLE_NAMES: tuple[str, ...] = tuple(n for n in BUILDERS if n != "codebook")
_ALIASES = {
    "编码手册": "codebook",
    "访谈对象基本信息": "participants",
    "开放式编码示例": "open_coding",
    "主轴编码结果": "axial_coding",
    "主范畴典型关系结构": "relations",
    "编码信度": "reliability",
    "编码频次": "frequencies",
    "理论饱和度检验": "saturation",
}


def table_names(tables: str | Sequence[str] | None) -> list[str]:
    """The tables asked for (short or Chinese names, a list or ``"a,b"``), in paper order."""
    if tables is None:
        return list(TABLE_NAMES)
    asked = [t.strip() for t in (tables.split(",") if isinstance(tables, str) else tables)]
    asked = [_ALIASES.get(t, t) for t in asked if t]
    unknown = [t for t in asked if t not in BUILDERS]
    if unknown or not asked:
        raise InvalidInput(
            _("unknown table {unknown!r}; known: {BUILDERS}; nothing was written").format(
                unknown=unknown[0] if unknown else "(none)", BUILDERS=", ".join(BUILDERS)
            )
        )
    return [t for t in BUILDERS if t in asked]


def build_tables(
    project: Project, tables: str | Sequence[str] | None = None, opt: Options | None = None
) -> list[Table]:
    """The tables asked for, in paper order; warnings go to ``opt.warnings``."""
    opt = opt or Options()
    built = [BUILDERS[name](project, opt) for name in table_names(tables)]
    if any(t.name in FROM_CODINGS for t in built):
        from coder.assist.provenance import provenance

        said = provenance(project)
        if not said.empty():
            zh, en = tuple(said.lines("zh")), tuple(said.lines("en"))
            built = [
                replace(t, notes_zh=zh, notes_en=en) if t.name in FROM_CODINGS else t for t in built
            ]
    return built


#: Tables whose figures or quotes come from codings: their notes say what the machine did.
FROM_CODINGS = frozenset({"codebook", "open_coding", "reliability", "frequencies", "saturation"})
