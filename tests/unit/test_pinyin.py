"""Pinyin matching of code names (coder.text.pinyin); readings checked against a dictionary."""

from __future__ import annotations

import pytest

from coder.text.pinyin import pinyin_match, readings


@pytest.mark.parametrize(
    "needle",
    ["tkld", "tiaokuai", "tiaokuailiandong", "tiaokld", "tiaoku", "TiaoKuai", "tiao kuai", "kuai"],
)
def test_simplified_and_traditional_names_by_initials_and_syllables(needle: str) -> None:
    for name in ("条块联动", "條塊聯動"):
        assert pinyin_match(needle, name) is not None, (needle, name)


def test_where_the_match_begins() -> None:
    assert pinyin_match("tkld", "条块联动") == 0
    assert pinyin_match("ld", "条块联动") == 2
    assert pinyin_match("liandong", "区—街镇—居民区三级联动") == 10  # the dashes are skipped


@pytest.mark.parametrize("needle", ["tkls", "tiaokuaix", "kt", "条块", "", "dongl"])
def test_what_does_not_match(needle: str) -> None:
    assert pinyin_match(needle, "条块联动") is None


def test_every_reading_of_a_heteronym_matches() -> None:
    # 长 is chang (long) and zhang (to grow, head of); 重 is zhong and chong (Xinhua Zidian)
    for needle in ("zhangzhe", "changzhe", "zz", "cz"):
        assert pinyin_match(needle, "长者") == 0, needle
    assert {"zhong", "chong"} <= set(readings("重")[0])
    assert pinyin_match("chongxin", "重新") == 0 and pinyin_match("zx", "重新") == 0


def test_letters_digits_and_v_for_u_umlaut() -> None:
    assert pinyin_match("s401", "S4-01 居民代表") == 0
    assert pinyin_match("jmdb", "S4-01 居民代表") == 6
    assert pinyin_match("lvse", "绿色") == 0  # ü typed as v
