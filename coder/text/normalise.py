"""Decoding bytes and normalising text, once, at import.

The normalised text is what every offset indexes, so this is the only place where text changes:
the BOM goes, CRLF and CR become LF, and the text is put in Unicode NFC. Everything else the
participant said stays, full-width punctuation included; nothing is converted between Traditional
and Simplified characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from coder.errors import InvalidInput
from coder.i18n import _

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Chinese encodings tried, in order, when the bytes are not UTF-8. GB18030 is a superset of GBK
#: and GB2312, so one decoder covers the three.
_CHINESE = ("gb18030", "big5")


def normalise(text: str) -> str:
    """Strip a BOM, turn CRLF and CR into LF, and compose to NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(
        1
        for ch in text
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
    )
    return cjk / len(text)


_IMPLAUSIBLE = re.compile(r"[\ue000-\uf8ff\x80-\x9f\x00-\x08\x0e-\x1f]")


def _plausible(text: str) -> bool:
    """A decoding with private-use characters or control codes is a wrong guess (GB18030 maps
    almost any byte sequence to *something*)."""
    return _IMPLAUSIBLE.search(text) is None


def _is_binary(data: bytes) -> bool:
    sample = data[:8192]
    return b"\x00" in sample


def decode(data: bytes, encoding: str | None = None, *, name: str = "") -> tuple[str, str]:
    """Decode ``data`` to text; returns ``(text, encoding)``. ``encoding`` overrides detection.

    Detection: a BOM decides; then strict UTF-8; then the Chinese encodings (GB18030, Big5), with
    charset-normalizer choosing between them and any other candidate. A single-byte Latin guess
    never wins over a clean GB18030 decoding that reads as Chinese.
    """
    where = f"{name}: " if name else ""
    if encoding and encoding.lower() != "auto":
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInput(
                _("{where}unknown encoding {encoding!r}; nothing was imported").format(
                    where=where, encoding=encoding
                )
            ) from None
        try:
            return data.decode(encoding), codecs.lookup(encoding).name
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                _("{where}not valid {encoding} at byte {start}; nothing was imported").format(
                    where=where, encoding=encoding, start=exc.start
                )
            ) from None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise InvalidInput(
                    _(
                        "{where}has a {enc} byte-order mark but invalid {enc} at byte {start}; nothing was imported"
                    ).format(where=where, enc=enc, start=exc.start)
                ) from None
            return (text[1:] if text.startswith("\ufeff") else text), (
                "utf-8" if enc == "utf-8-sig" else enc
            ) + " (BOM)"
    if _is_binary(data):
        raise InvalidInput(
            _("{where}looks like a binary file (NUL bytes), not text; nothing was imported").format(
                where=where
            )
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    lenient = data.decode("utf-8", errors="replace")
    damaged = lenient.count("\ufffd")
    if damaged <= max(1, len(lenient) // 200) and any(
        ord(ch) > 127 and ch != "\ufffd" for ch in lenient
    ):
        # Almost all of it is UTF-8: a few damaged bytes, not another encoding. Guessing one would
        # turn the whole text into nonsense.
        raise InvalidInput(
            _(
                "{where}UTF-8 with {damaged} damaged byte sequence(s), the first at byte {first_bad} (fix the file, or force an encoding with --encoding); nothing was imported"
            ).format(where=where, damaged=damaged, first_bad=first_bad)
        )
    candidates: dict[str, str] = {}
    for enc in _CHINESE:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            candidates[enc] = text
    if len(candidates) == 1:
        enc, text = next(iter(candidates.items()))
        return text, enc
    if len(candidates) == 2:
        return _choose_chinese(data, candidates)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InvalidInput(
            _(
                "{where}the bytes decode in no known encoding (try --encoding); nothing was imported"
            ).format(where=where)
        )
    text = str(best)
    if _cjk_share(text) == 0 and sum(ch.isprintable() or ch in "\n\t" for ch in text) < 0.95 * len(
        text
    ):
        raise InvalidInput(
            _(
                "{where}the bytes decode in no known encoding (try --encoding); nothing was imported"
            ).format(where=where)
        )
    return text, best.encoding


def _choose_chinese(data: bytes, candidates: dict[str, str]) -> tuple[str, str]:
    """Both GB18030 and Big5 decode the bytes: let charset-normalizer's coherence decide."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(candidates)).best()
    if best is not None and best.encoding in candidates:
        return candidates[best.encoding], best.encoding
    # charset-normalizer had no opinion: GB18030 is far more common in mainland transcripts.
    return candidates["gb18030"], "gb18030"
