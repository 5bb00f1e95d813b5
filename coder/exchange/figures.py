"""The model figures grounded-theory papers print: the paradigm model (典范模型), the 统合 model and
the category network, as SVG, PDF or PNG for a journal page.

* **paradigm** — 因果条件 → 现象 → 行动/互动策略 → 结果, with 脉络 above and 中介条件 below the
  strategies; each box lists its categories; an arrow joins two boxes when relations join their
  categories, labelled with the relation types (and how many), solid when at least one of them
  is grounded in the codings, dashed when all are only asserted (see
  :mod:`coder.analysis.support`); the model's own flow is drawn thin and dotted where no relation
  has been recorded.
* **tonghe** — the core category in the middle at the top, the 统 categories on the left and the
  合 categories on the right; the ties between the two sides are the rolled-up co-occurrence of
  the categories (line width and label: the units where both occur), typed relations are arrows.
* **network** — the categories and the core as in ``coder graph -o x.svg`` (统 left, 合 right, the
  paradigm down the middle), co-occurrence ties grey and undirected, relations as arrows with
  their type, width by support.

Publication habits: vector output (SVG with text kept as text, PDF with the fonts embedded), a
font with Chinese glyphs found reliably (see :func:`coder.graph.export.cjk_font`), black, white
and greys only with line styles carrying meaning (so a black-and-white print loses nothing),
17 cm wide (a full journal page; a column is 8 cm), labels in Chinese or English (``lang``).

Length: three figures in one module because they share the page geometry, the box and
arrow drawing, the font lookup and the text-fit checks (every label inside the page); each
figure's own code is a short function over those helpers.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coder.errors import InvalidInput
from coder.i18n import _

if TYPE_CHECKING:
    from coder.project import Project


FIGURES = ("paradigm", "tonghe", "network")
SUFFIXES = (".svg", ".pdf", ".png")
#: Page width of every figure, in centimetres (a full page width; 8 cm is one column).
WIDTH_CM = 17.0
CM = 1 / 2.54
FONT_PT = 7.5

ROLE_TITLES = {
    "causal": ("因果条件", "Causal conditions"),
    "phenomenon": ("现象", "Phenomenon"),
    "strategy": ("行动/互动策略", "Action/interaction strategies"),
    "consequence": ("结果", "Consequences"),
    "context": ("脉络", "Context"),
    "intervening": ("中介条件", "Intervening conditions"),
}
#: Where each paradigm box sits: centre x, centre y (cm) on a 17 × 11 cm page, and its width.
ROW_Y = 5.6
BOXES = {
    "causal": (1.65, ROW_Y),
    "phenomenon": (5.75, ROW_Y),
    "strategy": (10.45, ROW_Y),
    "consequence": (15.3, ROW_Y),
    "context": (10.45, 9.75),
    "intervening": (10.45, 1.35),
}
BOX_WIDTH = {"causal": 3.0, "phenomenon": 3.0, "strategy": 4.0, "consequence": 3.1}
FLOW = (
    ("causal", "phenomenon"),
    ("phenomenon", "strategy"),
    ("strategy", "consequence"),
    ("context", "strategy"),
    ("intervening", "strategy"),
)


@dataclass(frozen=True)
class _Category:
    label: str
    name: str
    role: str
    axis: str


def write_figure(
    project: Project, path: str | Path, figure: str, *, lang: str = "zh", unit: str = "turn"
) -> list[str]:
    """Write one figure to exactly ``path`` (its suffix gives the format); return warnings."""
    path = Path(path)
    if figure not in FIGURES:
        raise InvalidInput(
            _("unknown figure {figure!r}; known: {FIGURES}; nothing was written").format(
                figure=figure, FIGURES=", ".join(FIGURES)
            )
        )
    if path.suffix.lower() not in SUFFIXES:
        raise InvalidInput(
            _("{name}: a figure is written as {SUFFIXES}; nothing was written").format(
                name=path.name, SUFFIXES=", ".join(SUFFIXES)
            )
        )
    if lang not in ("zh", "en"):
        raise InvalidInput(
            _("--lang {lang!r} is not zh or en; nothing was written").format(lang=lang)
        )
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from coder.graph.export import cjk_font

    notes: list[str] = []
    font = cjk_font()
    rc: dict[str, Any] = {
        "svg.fonttype": "none",  # text stays text: searchable, editable in Illustrator/Inkscape
        "pdf.fonttype": 42,  # TrueType embedded, as journals ask
        "font.size": FONT_PT,
    }
    if font:
        rc["font.family"] = [font]
    elif lang == "zh" or _has_cjk(project):
        notes.append(
            "no font with Chinese characters is installed: Chinese labels show as boxes "
            "(install fonts-noto-cjk)"
        )
    data = _Data(project, lang, unit)
    draw = {"paradigm": _paradigm, "tonghe": _tonghe, "network": _network}[figure]
    with rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        height = {"paradigm": 11.0, "tonghe": 8.0, "network": 13.0}[figure]
        fig = Figure(figsize=(WIDTH_CM * CM, height * CM))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH_CM)
        ax.set_ylim(0, height)
        ax.set_aspect("equal")
        ax.axis("off")
        draw(ax, data, height)
        tmp = path.with_name(path.name + ".part")
        try:
            fig.savefig(tmp, format=path.suffix.lower()[1:], dpi=600)
            tmp.replace(path)  # a figure that fails half-way never replaces a good one
        finally:
            tmp.unlink(missing_ok=True)
    return notes


def _has_cjk(project: Project) -> bool:
    return any(any("\u4e00" <= ch <= "\u9fff" for ch in c.name) for c in project.codes())


class _Data:
    """What the figures show, read once."""

    def __init__(self, project: Project, lang: str, unit: str) -> None:
        from coder.analysis.cooccurrence import rolled_cooccurrence
        from coder.analysis.support import relation_support

        self.lang = lang
        self.unit = unit
        codes = project.codes()
        en = lang == "en"
        self.names = {c.label: (c.name_en or c.name) if en else c.name for c in codes}
        self.categories = [
            _Category(c.label, self.names[c.label], c.paradigm_role or "", c.axis or "")
            for c in codes
            if c.level == "axial"
        ]
        core = [c for c in codes if c.is_core] or [c for c in codes if c.level == "selective"]
        self.core = core[0].label if core else None
        self.support = relation_support(project, unit)
        #: Relations by (from, to): several between the same two codes share one arrow.
        self.arrows: dict[tuple[str, str], list[Any]] = defaultdict(list)
        for s in self.support:
            self.arrows[(s.source, s.target)].append(s)
        type_zh = {t[0]: t[1] for t in project.relation_types()}
        self.type_label = {t: t.replace("_", " ") if en else type_zh.get(t, t) for t in type_zh}
        self.ties = {
            (r.a, r.b): r.count
            for r in rolled_cooccurrence(project, unit)
            if r.a in self.names and r.b in self.names
        }

    def word(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def types(self, relations: Sequence[Any]) -> str:
        return " · ".join(dict.fromkeys(self.type_label.get(r.type, r.type) for r in relations))

    def item(self, label: str) -> str:
        return f"{label} {self.names[label]}"


# -- drawing helpers -----------------------------------------------------------------------------


def _text_cm(text: str, size: float) -> float:
    """About how wide ``text`` is at ``size`` points: a Chinese character is square, a Latin
    letter a little over half as wide."""
    em = size / 72 * 2.54
    return sum(em if ord(ch) > 0x2E80 else 0.55 * em for ch in text)


def _wrap(text: str, width_cm: float, size: float) -> list[str]:
    """``text`` broken into lines of at most ``width_cm`` (at spaces, or anywhere in Chinese)."""
    lines: list[str] = []
    line = ""
    for piece in re.findall(r"\S+\s*|\s+", text) if " " in text else list(text):
        if line and _text_cm((line + piece).rstrip(), size) > width_cm:
            lines.append(line.rstrip())
            line = piece.lstrip() if " " in text else piece
        else:
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [text]


def _box(ax: Any, x: float, y: float, w: float, h: float, **style: Any) -> None:
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=0.15",
            facecolor=style.get("fill", "white"),
            edgecolor="black",
            linewidth=style.get("lw", 0.8),
            linestyle=style.get("ls", "-"),
            zorder=3,
        )
    )


def _arrow(
    ax: Any,
    a: tuple[float, float],
    b: tuple[float, float],
    *,
    width: float = 0.9,
    style: str = "-",
    rad: float = 0.0,
    head: bool = True,
    colour: str = "black",
) -> None:
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(
        FancyArrowPatch(
            a,
            b,
            arrowstyle="-|>,head_length=2.2,head_width=1.1" if head else "-",
            connectionstyle=f"arc3,rad={rad}",
            linewidth=width,
            linestyle=style,
            color=colour,
            mutation_scale=2.2,
            shrinkA=0,
            shrinkB=0,
            zorder=2,
        )
    )


def _label(ax: Any, x: float, y: float, text: str, **kw: Any) -> None:
    ax.text(
        x,
        y,
        text,
        ha=kw.get("ha", "center"),
        va=kw.get("va", "center"),
        fontsize=kw.get("size", FONT_PT - 1),
        zorder=5,
        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
    )


def _legend(ax: Any, data: _Data, y: float, *, flow: bool = False) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="black", lw=0.9, ls="-"),
        Line2D([], [], color="black", lw=0.9, ls="--"),
    ]
    labels = [
        data.word("有资料支撑的关系", "relation grounded in the codings"),
        data.word("仅为断言、尚无资料支撑的关系", "relation asserted, not yet grounded"),
    ]
    if flow:
        handles.append(Line2D([], [], color="black", lw=0.5, ls=":"))
        labels.append(data.word("范式模型的顺序（尚无关系）", "paradigm order (no relation yet)"))
    ax.legend(
        handles,
        labels,
        loc="lower left",
        bbox_to_anchor=(0.01, y),
        frameon=False,
        fontsize=FONT_PT - 1,
        ncol=len(handles),
    )


# -- the paradigm model --------------------------------------------------------------------------


def _paradigm(ax: Any, data: _Data, height: float) -> None:
    role_of = {c.label: c.role for c in data.categories}
    members: dict[str, list[_Category]] = defaultdict(list)
    for c in data.categories:
        if c.role in BOXES:
            members[c.role].append(c)
    size: dict[str, tuple[float, float]] = {}
    for role, (x, y) in BOXES.items():
        w = BOX_WIDTH.get(role, 4.0)
        lines = [
            line
            for c in members[role]
            for line in _wrap(
                data.item(c.label) + (f" [{c.axis}]" if c.axis else ""), w - 0.3, FONT_PT - 1
            )
        ]
        h = 0.75 + 0.3 * max(len(lines), 1)
        size[role] = (w, h)
        _box(ax, x, y, w, h, fill="#eeeeee" if role == "phenomenon" else "white")
        title = data.word(*ROLE_TITLES[role])
        ax.text(x, y + h / 2 - 0.3, title, ha="center", va="center", weight="bold", zorder=4)
        body = "\n".join(lines) or data.word("（无）", "(none)")
        ax.text(
            x,
            y - 0.17,
            body,
            ha="center",
            va="center",
            fontsize=FONT_PT - 1,
            zorder=4,
            linespacing=1.3,
        )
    links: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    grounded: dict[tuple[str, str], bool] = defaultdict(bool)
    for s in data.support:
        a, b = role_of.get(s.source), role_of.get(s.target)
        if a in BOXES and b in BOXES and a != b:
            links[(a, b)][s.type] += 1
            grounded[(a, b)] |= s.grounded
    for pair in FLOW:
        if pair not in links:
            p, q, _rad, _label = _route(pair, size)
            _arrow(ax, p, q, width=0.5, style=":")
    for pair, types in links.items():
        p, q, rad, (lx, ly, ha, va) = _route(pair, size)
        _arrow(ax, p, q, width=0.9, style="-" if grounded[pair] else "--", rad=rad)
        text = "\n".join(
            f"{data.type_label.get(t, t)} ×{n}" if n > 1 else data.type_label.get(t, t)
            for t, n in sorted(types.items())
        )
        ax.text(
            lx,
            ly,
            text,
            ha=ha,
            va=va,
            fontsize=FONT_PT - 1.5,
            zorder=5,
            linespacing=1.2,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
        )
    _legend(ax, data, 0.0, flow=any(pair not in links for pair in FLOW))


def _route(
    pair: tuple[str, str], size: dict[str, tuple[float, float]]
) -> tuple[tuple[float, float], tuple[float, float], float, tuple[float, float, str, str]]:
    """An arrow between two paradigm boxes: its ends, its bend, and where its label goes.

    Neighbours in the row are joined straight (the label above the arrow); the way back between
    neighbours, and any link between boxes further apart, bends under the row; boxes above and
    below the row are joined to the row's boxes from their edge facing it.
    """
    (ax_, ay), (bx, by) = BOXES[pair[0]], BOXES[pair[1]]
    (aw, ah), (bw, bh) = size[pair[0]], size[pair[1]]
    row = [r for r in BOXES if BOXES[r][1] == ROW_Y]
    if ay == by == ROW_Y:
        i, j = row.index(pair[0]), row.index(pair[1])
        if j == i + 1:
            p, q = (ax_ + aw / 2, ay), (bx - bw / 2, by)
            return p, q, 0.0, ((p[0] + q[0]) / 2, ay + 0.1, "center", "bottom")
        # Under the row: leave and enter at the bottom edges, bending down.
        p = (ax_ - aw / 4 if bx < ax_ else ax_ + aw / 4, ay - ah / 2)
        q = (bx + bw / 4 if bx < ax_ else bx - bw / 4, by - bh / 2)
        # matplotlib's arc3 puts its control point at the chord's middle + rad × (dy, −dx): a
        # rad of the sign of dx bends the arc downwards; the curve's lowest point is half way.
        dx = q[0] - p[0]
        rad = 0.4 if dx > 0 else -0.4
        low = (p[1] + q[1]) / 2 - abs(rad * dx) / 2
        return p, q, rad, ((p[0] + q[0]) / 2, low - 0.1, "center", "top")
    if ax_ == bx:  # straight up or down
        sign = 1 if by > ay else -1
        p, q = (ax_ + 0.6, ay + sign * ah / 2), (bx + 0.6, by - sign * bh / 2)
        return p, q, 0.0, (p[0] + 0.12, (p[1] + q[1]) / 2, "left", "center")
    # From a box above or below the row to a row box beside it: from its side, bending.
    sign = 1 if by > ay else -1
    side = -1 if bx < ax_ else 1
    p = (ax_ + side * aw / 2, ay)
    q = (bx, by - sign * bh / 2)
    rad = 0.3 * side * sign
    return (
        p,
        q,
        rad,
        (
            (p[0] + q[0]) / 2 - side * 0.1,
            (p[1] + q[1]) / 2,
            "right" if side < 0 else "left",
            "center",
        ),
    )


# -- the 统合 model ------------------------------------------------------------------------------


def _tonghe(ax: Any, data: _Data, height: float) -> None:
    left = [c.label for c in data.categories if c.axis == "统"]
    right = [c.label for c in data.categories if c.axis == "合"]
    side_x = {"统": 4.2, "合": 12.8}
    box_w, box_h = 4.2, 1.0
    pos: dict[str, tuple[float, float]] = {}
    for column, x in ((left, side_x["统"]), (right, side_x["合"])):
        top = height - 3.0
        step = min(1.5, (top - 2.0) / max(len(column) - 1, 1))
        for i, label in enumerate(column):
            pos[label] = (x, top - i * step)
    core_y = height - 0.9
    if data.core:
        _box(ax, WIDTH_CM / 2, core_y, 6.4, 0.9, fill="#dddddd", lw=1.1)
        ax.text(
            WIDTH_CM / 2,
            core_y,
            data.item(data.core),
            ha="center",
            va="center",
            weight="bold",
            zorder=4,
        )
    titles = {
        "统": data.word("“统”（统筹）", "统 — orchestration"),
        "合": data.word("“合”（整合/合作）", "合 — integration"),
    }
    for side, x in side_x.items():
        ax.text(x, height - 2.15, titles[side], ha="center", va="center", weight="bold")
        if data.core:
            end_x = WIDTH_CM / 2 + (-3.2 if side == "统" else 3.2)
            _arrow(
                ax,
                (end_x, core_y),
                (x + (1.5 if side == "统" else -1.5), height - 2.0),
                width=0.5,
                style=":",
                head=False,
                colour="#555555",
            )
    on_left = set(left)
    # Every line meets a box at its own point along the edge facing the other side, in the
    # order of the other ends' heights, so that lines never converge on one point.
    lines: list[tuple[str, str, str, Any]] = []
    for (a, b), n in sorted(data.ties.items()):
        if a in pos and b in pos and (a in on_left) != (b in on_left):
            lines.append(("tie", a, b, n))
    for (a, b), rels in data.arrows.items():
        if a in pos and b in pos:
            kind = "cross" if (a in on_left) != (b in on_left) else "same"
            lines.append((kind, a, b, rels))
    ends: dict[tuple[str, str], list[tuple[float, int]]] = defaultdict(list)
    for i, (kind, a, b, _x) in enumerate(lines):
        for me, other in ((a, b), (b, a)):
            inner = kind != "same"
            facing = "in" if inner else "out"
            ends[(me, facing)].append((pos[other][1], i))
    anchor: dict[tuple[int, str], tuple[float, float]] = {}
    for (me, facing), items in ends.items():
        x, y = pos[me]
        toward_right = (me in on_left) == (facing == "in")
        ex = x + box_w / 2 if toward_right else x - box_w / 2
        items.sort(reverse=True)
        for k, (_x, i) in enumerate(items):
            dy = (0.5 - (k + 1) / (len(items) + 1)) * (box_h - 0.1)
            anchor[(i, me)] = (ex, y + dy)
    top_weight = max((n for kind, _x, _x, n in lines if kind == "tie"), default=1)
    for i, (kind, a, b, item) in enumerate(lines):
        p, q = anchor[(i, a)], anchor[(i, b)]
        if kind == "tie":
            ax.plot(
                [p[0], q[0]],
                [p[1], q[1]],
                color="#888888",
                lw=0.4 + 2.4 * item / top_weight,
                zorder=1,
                solid_capstyle="butt",
            )
            _label(ax, p[0] + 0.62 * (q[0] - p[0]), p[1] + 0.62 * (q[1] - p[1]), str(item))
            continue
        style = "-" if any(r.grounded for r in item) else "--"
        name = data.types(item)
        if kind == "cross":
            _arrow(ax, p, q, style=style)
            t = (0.2, 0.36, 0.52)[i % 3]  # labels of neighbouring arrows staggered
            _label(ax, p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]), name)
        else:
            outward = 1 if a not in on_left else -1
            # arc3's control point is the chord's middle + rad × (dy, −dx): bend outwards.
            rad = 0.45 * outward * (-1 if q[1] < p[1] else 1)
            _arrow(ax, p, q, style=style, rad=rad)
            bulge = abs(rad * (q[1] - p[1])) / 2
            at = p[0] + outward * (bulge + 0.08)
            # The label stays inside the page: wrapped to the room between the arc and the edge.
            room = (WIDTH_CM - 0.1 - at) if outward > 0 else (at - 0.1)
            _label(
                ax,
                at,
                (p[1] + q[1]) / 2,
                "\n".join(_wrap(name, room, FONT_PT - 1)),
                ha="left" if outward > 0 else "right",
            )
    for label, (x, y) in pos.items():
        _box(ax, x, y, box_w, box_h)
        text = "\n".join(_wrap(data.item(label), box_w - 0.3, FONT_PT))
        ax.text(x, y, text, ha="center", va="center", zorder=4, linespacing=1.2)
    ax.text(
        0.3,
        0.95,
        data.word(
            f"灰线：两侧范畴在同一{_unit_zh(data.unit)}中共同出现的次数（由其初始概念汇总）",
            f"Grey lines: {data.unit}s in which both categories occur (rolled up from their "
            "concepts)",
        ),
        ha="left",
        va="center",
        fontsize=FONT_PT - 1,
    )
    _legend(ax, data, 0.0)


def _unit_zh(unit: str) -> str:
    return {"turn": "话轮", "sentence": "句子", "segment": "编码片段", "source": "访谈"}.get(
        unit, unit
    )


# -- the network ---------------------------------------------------------------------------------


def _network(ax: Any, data: _Data, height: float) -> None:
    import networkx as nx

    from coder.graph.export import _columns

    h = nx.Graph()
    for c in data.categories:
        h.add_node(c.label, axis=c.axis, paradigm_role=c.role, level="axial")
    if data.core:
        h.add_node(data.core, axis="", paradigm_role="", level="selective")
    raw = _columns(h)
    xs = [p[0] for p in raw.values()] or [0.0]
    ys = [p[1] for p in raw.values()] or [0.0]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    pos = {
        n: (
            2.6 + (x - min(xs)) / span_x * (WIDTH_CM - 5.2),
            1.6 + (y - min(ys)) / span_y * (height - 3.2),
        )
        for n, (x, y) in raw.items()
    }
    top_weight = max(data.ties.values(), default=1)
    for (a, b), n in data.ties.items():
        if a in pos and b in pos:
            ax.plot(
                *zip(pos[a], pos[b], strict=True),
                color="#aaaaaa",
                lw=0.3 + 2.2 * n / top_weight,
                zorder=1,
            )
    top_support = max((s.units for s in data.support), default=1) or 1
    size = {n: 3.6 if n == data.core else 3.1 for n in pos}
    texts = {n: _wrap(data.item(n), size[n] - 0.25, FONT_PT - 0.5) for n in pos}
    tall = {n: 0.3 + 0.3 * len(texts[n]) for n in pos}
    half = {n: (size[n] / 2 + 0.05, tall[n] / 2 + 0.05) for n in pos}

    def free(x: float, y: float) -> bool:
        return all(
            abs(x - bx) > half[n][0] or abs(y - by) > half[n][1] for n, (bx, by) in pos.items()
        )

    for (a, b), rels in data.arrows.items():
        if a in pos and b in pos:
            p = _clip(pos[a], pos[b], half[a])
            q = _clip(pos[b], pos[a], half[b])
            rad = 0.12  # the way back bends to the other side by itself
            units = max(r.units for r in rels)
            _arrow(
                ax,
                p,
                q,
                width=0.6 + 1.6 * units / top_support,
                style="-" if any(r.grounded for r in rels) else "--",
                rad=rad,
            )
            # At the top of the arc (half way to arc3's control point), or beside it when that
            # is on a box.
            dx, dy = q[0] - p[0], q[1] - p[1]
            lx, ly = (p[0] + q[0]) / 2 + rad / 2 * dy, (p[1] + q[1]) / 2 - rad / 2 * dx
            norm = (dx * dx + dy * dy) ** 0.5 or 1.0
            for _x in range(8):
                if free(lx, ly):
                    break
                lx, ly = lx + 0.15 * dy / norm, ly - 0.15 * dx / norm
            _label(ax, lx, ly, data.types(rels), size=FONT_PT - 1.5)
    for node, (x, y) in pos.items():
        core = node == data.core
        _box(
            ax,
            x,
            y,
            size[node],
            tall[node],
            fill="#dddddd" if core else "white",
            lw=1.1 if core else 0.8,
        )
        ax.text(
            x,
            y,
            "\n".join(texts[node]),
            ha="center",
            va="center",
            zorder=4,
            linespacing=1.1,
            fontsize=FONT_PT - 0.5,
            weight="bold" if core else "normal",
        )
    ax.text(
        0.3,
        height - 0.4,
        data.word(
            f"左：统　右：合　灰线：同一{_unit_zh(data.unit)}中共同出现（线宽为次数）",
            f"left: 统, right: 合; grey: co-occurrence by {data.unit} (width: count)",
        ),
        ha="left",
        va="center",
        fontsize=FONT_PT - 1,
    )
    _legend(ax, data, 0.0)


def _clip(
    centre: tuple[float, float], toward: tuple[float, float], half: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from a box's centre toward another point leaves the box (half-width and
    half-height ``half``), so arrows start and end at the boxes' borders."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    if dx == dy == 0:
        return centre
    k = min(half[0] / abs(dx) if dx else float("inf"), half[1] / abs(dy) if dy else float("inf"))
    return centre[0] + k * dx, centre[1] + k * dy


def figure_names() -> Sequence[str]:
    return FIGURES
