"""Speaker turns: which line-start labels name speakers, and the turns they open.

A **label line** starts (after spaces and an optional timestamp ``[00:01:02]``, ``(01:02)``,
``00:01:02`` or ``[00:00:03.000 --> 00:00:07.000]``) with a label, an optional bracketed role
(``王（社区书记）``; a time in the brackets, ``说话人1(00:00:03)``, is the turn's time) and a full-
or half-width colon. A label is letters and digits (``A``, ``P1``, ``R2``, ``S1-01``,
``Speaker 1``, ``SPEAKER_00``, ``Interviewer``) or one to six Han characters, optionally
numbered (``王``, ``李老师``, ``訪談者``, ``居委会主任``, ``说话人1``, ``发言人 2``).

A **header line** is a label and a time and nothing else (``说话人1 00:00:03``, ``张三  00:05``), as
transcription services (讯飞听见, 飞书妙记, 腾讯会议, 通义听悟) export them: the words on the lines
below, up to the next turn, are the turn.

**Which labels are speakers** (so that an ordinary sentence with a colon is not taken for one):

1. A *known* label always is, wherever it opens a line: the built-in list (:data:`DEFAULT_SPEAKERS`,
   Simplified and Traditional), the project's own (``coder dictionary P speakers WORD``), ids such
   as ``S1-01``, and the services' numbered speakers (``说话人1``, ``發言人 2``, ``Speaker 3``,
   ``SPEAKER_00``).
2. Any other label is a speaker when, counted by name (``王（社区书记）：`` and ``王：`` are one):

   - it opens at least two lines (**repetition**: a definition, a note or a header field such as
     ``时间：2019年`` occurs once), or it heads a header line where some header line's label
     recurs (an agenda's ``签到 09:00`` lines do not repeat);
   - it is not a field word (``注意``, ``时间``, ``关键词``, ``摘要``, ``Note``, ``Date``, …,
     :data:`NOT_SPEAKERS`) and does not end in a reporting verb (``他说``, ``书记指出``);
   - the text is a dialogue (**position**): at least two different speakers open turns, known or
     inferred (one label repeated on its own is a heading, not a conversation), and at least one
     non-blank line in ten (:data:`DIALOGUE_SHARE`) opens a turn (a paper's ``Level 1:`` and
     ``Model 2:`` headings, or a data listing's ``Title:`` fields, are a few lines among many).

Only line starts count, so a colon inside a sentence never opens a turn. Text before the first
turn (a title, the date, 关键词, 摘要) stays in the text, outside every turn. A turn's span is what
the speaker said: not the label, the role or the timestamp. With labels given explicitly
(``import --speakers A,B``, ``coder turns --speakers``) exactly those are speakers and nothing is
inferred.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from coder.model import Turn

if TYPE_CHECKING:
    from coder.store.core import ProjectCore


#: Speaker labels recognised by default (Simplified, Traditional, English).
DEFAULT_SPEAKERS = (
    "访谈者",
    "受访者",
    "采访者",
    "被访者",
    "访问者",
    "主持人",
    "研究者",
    "调研员",
    "訪談者",
    "受訪者",
    "採訪者",
    "被訪者",
    "訪問者",
    "調研員",
    "问",
    "答",
    "問",
    "Q",
    "A",
    "I",
    "R",
    "Interviewer",
    "Interviewee",
    "Respondent",
)
#: The labels of the one asking (shown greyed; machine suggestions leave their turns alone).
INTERVIEWER_LABELS = frozenset(
    {
        "访谈者",
        "采访者",
        "访问者",
        "主持人",
        "研究者",
        "调研员",
        "訪談者",
        "採訪者",
        "訪問者",
        "調研員",
        "问",
        "問",
        "Q",
        "I",
        "Interviewer",
    }
)

#: Labels that head a field or a note, not a speaker (compared case-insensitively).
NOT_SPEAKERS = frozenset(
    """
    注意 注 注释 注釋 备注 備註 说明 說明 提示 按 编者按 編者按 时间 時間 日期 地点 地點 场合 場合 场所 場所
    标题 標題 题目 題目 主题 主題 话题 話題 关键词 關鍵詞 关键字 關鍵字 摘要 概要 简介 簡介 附 附件 附注 附註
    参考 參考 来源 來源 出处 出處 定义 定義 例如 比如 譬如 例子 示例 举例 舉例 例 问题 問題 总结 總結 小结 小結
    结论 結論 原因 目的 方法 结果 結果 要点 要點 记录 記錄 记录人 記錄人 记录者 記錄者 转录 轉錄 转写 轉寫 整理 整理人
    录音 錄音 时长 時長 访谈时间 訪談時間 访谈日期 訪談日期 访谈地点 訪談地點 访谈对象 訪談對象 受访对象 受訪對象
    访谈方式 訪談方式 编号 編號 地址 电话 電話 邮箱 郵箱 网址 網址 链接 連結 文件 檔案 页码 頁碼 版本 作者 单位 單位
    note notes nb ps p.s date time place location venue title subject topic keywords keyword summary abstract
    example examples e.g i.e source sources duration re tel phone email e-mail url http https ftp file page
    warning tip caution see cf
    """.split()
)

#: Endings that make a label a reporting clause (他说：, 书记指出：), not a speaker.
_REPORTING = (
    "说",
    "說",
    "道",
    "讲",
    "講",
    "问",
    "問",
    "表示",
    "指出",
    "认为",
    "認為",
    "提到",
    "强调",
    "強調",
    "回答",
    "回忆",
    "回憶",
    "称",
    "稱",
    "写",
    "寫",
)

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_TIMESTAMP = (
    rf"(?:\[(?P<ts1>{_TIME})(?:[ \t]*-->[ \t]*{_TIME})?\]"
    rf"|[(（](?P<ts2>{_TIME})[)）]"
    rf"|(?P<ts0>{_TIME})(?=[ \t]))"
)
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Labels that could be speakers: letters and digits, or 1–6 Han characters (maybe numbered).
_GENERIC = (
    r"[A-Za-z][A-Za-z.]{0,15}(?:[ _]?\d{1,3}(?:-\d{1,3})?)?"
    rf"|[{_HAN}]{{1,6}}(?:[ ]?\d{{1,3}}|[A-Za-z])?"
)
#: Labels known by their shape: interview ids and the services' numbered speakers.
_KNOWN_SHAPE = re.compile(
    r"[A-Z]{1,3}\d{1,3}(?:-\d{1,3})?"
    r"|(?:说话人|說話人|发言人|發言人|讲话人|講話人|Speaker|SPEAKER|speaker)[ _]?\d{1,3}"
)
_TIME_ONLY = re.compile(_TIME)
_NONBLANK = re.compile(r"^[ \t]*\S", re.MULTILINE)
#: A transcript: at least one non-blank line in this many opens a turn.
DIALOGUE_SHARE = 10


def _line_pattern(names: Iterable[str], generic: bool) -> re.Pattern[str]:
    known = "|".join(sorted({re.escape(s) for s in names if s}, key=len, reverse=True))
    alternatives = "|".join(a for a in (known, _GENERIC if generic else "") if a) or "(?!)"
    return re.compile(
        rf"^[ \t]*(?:{_TIMESTAMP}[ \t]*)?(?P<speaker>{alternatives})[ \t]*"
        r"(?:[(（](?P<role>[^()（）\n]{1,30})[)）][ \t]*)?"
        rf"(?:[：:](?!//)[ \t]*|[ \t]+(?P<ts3>{_TIME})[ \t]*$)",
        re.MULTILINE,
    )


@dataclass(frozen=True)
class TurnRule:
    """How a source's turns are found: its known labels, and whether others are inferred."""

    labels: tuple[str, ...] = DEFAULT_SPEAKERS
    infer: bool = True
    blocked: frozenset[str] = frozenset()
    """Labels that are never speakers (``coder dictionary P speakers --remove``)."""

    @classmethod
    def of(
        cls,
        project_labels: Sequence[str] = (),
        explicit: Sequence[str] | None = None,
        removed: Sequence[str] = (),
    ) -> TurnRule:
        """The rule for an import: ``explicit`` labels exactly (nothing inferred), else the
        built-in labels and the project's, less the ``removed`` ones, and inference."""
        if explicit is not None:
            return cls(tuple(dict.fromkeys(s.strip() for s in explicit if s.strip())), infer=False)
        off = frozenset(removed)
        labels = (s for s in (*DEFAULT_SPEAKERS, *project_labels) if s not in off)
        return cls(tuple(dict.fromkeys(labels)), infer=True, blocked=off)

    @classmethod
    def for_project(cls, project: ProjectCore, explicit: Sequence[str] | None = None) -> TurnRule:
        """The rule of a project: its settings ``speakers`` (labels added) and ``not_speakers``
        (labels removed), or exactly ``explicit``."""
        return cls.of(
            project.setting("speakers", []) or (),
            explicit,
            project.setting("not_speakers", []) or (),
        )

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return _line_pattern(self.labels, self.infer)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.labels)

    def is_known(self, name: str) -> bool:
        return name in self._known or (self.infer and _KNOWN_SHAPE.fullmatch(name) is not None)

    def speakers(self, text: str) -> set[str]:
        """The labels that are speakers in ``text`` (the rule in the module doc)."""
        matches = list(self.pattern.finditer(text))
        return self._decide(matches, Counter(m["speaker"] for m in matches), text)

    def _decide(
        self, matches: Sequence[re.Match[str]], counts: Counter[str], text: str
    ) -> set[str]:
        """Which of the labels of the label-line ``matches`` (``counts`` of each) in ``text``
        are speakers."""
        if not self.infer:
            return set(counts)
        known = {n for n in counts if self.is_known(n) and n not in self.blocked}
        if len(known) == len(counts):
            return known
        # Header lines (a label and a time alone) are a transcript's shape: when one of their
        # labels recurs, each of them is a candidate, though it may head one turn only.
        headers = Counter(m["speaker"] for m in matches if m["ts3"] is not None)
        recurring = bool(headers) and max(headers.values()) >= 2
        inferred = {
            n
            for n, k in counts.items()
            if n not in known
            and n not in self.blocked
            and (k >= 2 or (recurring and n in headers))
            and n.lower() not in NOT_SPEAKERS
            and not (len(n) > 1 and n.endswith(_REPORTING))
        }
        if not inferred:
            return known
        if len(known | inferred) < 2:
            return known
        opened = sum(counts[n] for n in known | inferred)
        if opened * DIALOGUE_SHARE < len(_NONBLANK.findall(text)):
            return known
        return known | inferred

    def find(self, body: str) -> list[Turn]:
        """The speaker turns of ``body`` (offsets into it)."""
        matches = list(self.pattern.finditer(body))
        if not matches:
            return []
        counts = Counter(m["speaker"] for m in matches)
        speakers = self._decide(matches, counts, body)
        if len(speakers) < len(counts):
            matches = [m for m in matches if m["speaker"] in speakers]
        out = []
        size = len(body)
        last = len(matches) - 1
        for i, m in enumerate(matches):
            name, stamp, header = _parts(m)
            start = m.end()
            if header:  # the words are on the lines below
                while start < size and body[start] in "\n \t":
                    start += 1
            end = matches[i + 1].start() if i < last else size
            while end > start and body[end - 1] in "\n \t":
                end -= 1
            out.append(Turn(i, min(start, end), end, name, stamp))
        return out

    def label(self, line: str, speakers: set[str]) -> tuple[str, int, str] | None:
        """``(speaker, where the words start, time)`` when ``line`` opens with a speaker's label."""
        m = self.pattern.match(line)
        if m is None or _name(m) not in speakers:
            return None
        name, stamp, _ = _parts(m)
        return name, m.end(), stamp


def _name(m: re.Match[str]) -> str:
    return m["speaker"]


def _parts(m: re.Match[str]) -> tuple[str, str, bool]:
    """A label line's speaker, time, and whether it is a header line (words below it)."""
    name, role, ts1, ts2, ts0, ts3 = m.group("speaker", "role", "ts1", "ts2", "ts0", "ts3")
    stamp = ts1 or ts2 or ts0 or ts3 or ""
    if role and _TIME_ONLY.fullmatch(role.strip()):
        stamp = role.strip()
    return name, stamp, ts3 is not None


DEFAULT_RULE = TurnRule()


def speaker_names(turns: Iterable[Turn]) -> list[str]:
    """The speakers of ``turns`` in order of first appearance."""
    return list(dict.fromkeys(t.speaker for t in turns if t.speaker))


def refind_turns(text: str, old: Sequence[Turn], fmt: str, rule: TurnRule) -> list[Turn]:
    """The turns of an imported source's ``text`` found again by ``rule`` (``coder turns``).

    A subtitle source keeps one turn per cue with the cue's time; only who speaks is found again
    (when inferring, the speaker of a cue whose voice tag is not a label shape stays)."""
    if fmt not in ("srt", "vtt"):
        return rule.find(text)
    speakers = rule.speakers(text)
    out = []
    for t in old:
        line_start = text.rfind("\n", 0, t.start) + 1
        line_end = text.find("\n", line_start)
        line = text[line_start : len(text) if line_end == -1 else line_end]
        found = rule.label(line, speakers)
        if found:
            out.append(Turn(t.idx, line_start + found[1], t.end, found[0], t.timestamp))
        elif rule.infer and t.speaker and line.startswith(f"{t.speaker}："):
            out.append(t)
        else:
            out.append(Turn(t.idx, line_start, t.end, "", t.timestamp))
    return out
