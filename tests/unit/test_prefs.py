"""The number keys: stable slots, kept per coder and project in the user's configuration folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coder.errors import InvalidInput
from coder.prefs import KeySlots, keys_file, load_slots, save_slots


def test_a_code_keeps_its_key_until_pushed_out() -> None:
    k = KeySlots()
    assert [k.use(c) for c in (10, 20, 30, 20, 10)] == [1, 2, 3, 2, 1]
    for c in range(40, 100, 10):  # six more fill keys 4–9
        k.use(c)
    assert k.slots == [10, 20, 30, 40, 50, 60, 70, 80, 90]
    # a tenth code takes the key used longest ago: 30 (10 and 20 were used after it)
    assert k.use(100) == 3 and k.code(3) == 100 and k.code(1) == 10
    k.keep_only({10, 100})
    assert k.keys() == {10: 1, 100: 3}
    assert k.use(7) == 2  # the first free key


def test_slots_are_kept_per_project_and_coder_under_xdg_config_home(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at the test's own folder
    assert keys_file() == tmp_path / "config" / "coder" / "keys.json"
    k = KeySlots()
    k.use(5)
    k.use(8)
    save_slots("/p/a.coder", "R1", k)
    save_slots("/p/b.coder", "R1", KeySlots([9] + [None] * 8))
    assert load_slots("/p/a.coder", "R1").keys() == {5: 1, 8: 2}
    assert load_slots("/p/a.coder", "R2").keys() == {}
    assert load_slots("/p/b.coder", "R1").keys() == {9: 1}
    doc = json.loads(keys_file().read_text(encoding="utf-8"))
    assert set(doc) == {"R1@/p/a.coder", "R1@/p/b.coder"}


def test_a_damaged_file_says_so_and_is_left_alone() -> None:
    keys_file().parent.mkdir(parents=True)
    keys_file().write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidInput, match="start empty"):
        load_slots("/p/a.coder", "R1")
    save_slots("/p/a.coder", "R1", KeySlots())
    assert keys_file().read_text(encoding="utf-8") == "{not json"


def test_a_failed_save_says_so_keeps_the_old_file_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coder import prefs

    save_slots("/p/a.coder", "R1", KeySlots([4] + [None] * 8))
    before = keys_file().read_text(encoding="utf-8")

    def full_disk(src: str, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prefs.os, "replace", full_disk)
    with pytest.raises(InvalidInput, match="could not be saved"):
        save_slots("/p/a.coder", "R1", KeySlots([7] + [None] * 8))
    with pytest.raises(InvalidInput, match="could not be saved"):
        prefs.save_ui_lang("zh-Hant")
    assert keys_file().read_text(encoding="utf-8") == before
    assert [p.name for p in keys_file().parent.iterdir()] == ["keys.json"]
