"""The shortcuts that made the 100,000-row sheet import fast give the same answers as the plain
ways they replaced: the search index's one-pass folding and spacing, the canonical-ISO date
check, and the paused cycle collector."""

from __future__ import annotations

import gc
import threading

import pytest

from coder.text.index import spaced
from coder.text.sheets import as_date, without_gc
from coder.text.variants import fold

TEXTS = [
    "體育新聞：龍舟賽",  # Traditional, folded to Simplified
    "居民反映垃圾分类",  # Simplified, unchanged
    "  padded  cell ",  # spaces before, between and after
    "",  # an empty cell
    "before\uffffafter",  # the batch's own separator inside a text
    "𠀀𪚥 astral",  # characters beyond the Basic Multilingual Plane
    "Ünïcode É",  # cased non-ASCII letters
]


def _plain(text: str, folded: bool) -> str:
    """What the per-text code did: fold, then a space after every character."""
    text = text.replace("\uffff", " ")
    return " ".join(fold(text) if folded else text).strip(" ")


@pytest.mark.parametrize("folded", [False, True])
def test_spacing_many_texts_at_once_equals_spacing_each(folded: bool) -> None:
    assert spaced(TEXTS, folded=folded) == [_plain(t, folded) for t in TEXTS]


def test_spacing_folds_traditional_characters_one_for_one() -> None:
    assert spaced(["體育", "龍"], folded=True) == ["体 育", "龙"]
    assert spaced(["體育"]) == ["體 育"]


@pytest.mark.parametrize(
    ("canonical", "other"),
    [
        ("2024-03-05", "2024/3/5"),
        ("2024-03-05 00:00:00", "2024/3/5 00:00"),
        ("2024-03-05 14:30:00", "2024/3/5 14:30"),
        ("2024-02-29", "2024/2/29"),  # a leap day
    ],
)
def test_a_canonical_iso_date_reads_as_its_other_spellings_do(canonical: str, other: str) -> None:
    assert as_date(canonical) == as_date(other) is not None


@pytest.mark.parametrize("bad", ["2023-02-29", "2024-13-01", "2024-03-05 24:00:00"])
def test_a_canonical_looking_date_out_of_range_is_not_a_date(bad: str) -> None:
    assert as_date(bad) is None


def test_the_collector_pauses_and_comes_back_even_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), without_gc():
        assert not gc.isenabled()
        with without_gc():  # nested: the inner end does not restart it
            pass
        assert not gc.isenabled()
        raise RuntimeError("a broken sheet")
    assert gc.isenabled()


def test_the_collector_stays_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with without_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_two_imports_at_once_restart_the_collector_only_when_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def other_import() -> None:
        with without_gc():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_import)
    worker.start()
    inside.wait(5)
    with without_gc():
        pass
    assert not gc.isenabled()  # the other import is still running
    release.set()
    worker.join(5)
    assert gc.isenabled()
