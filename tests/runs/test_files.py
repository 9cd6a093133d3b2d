"""Atomic writes (:mod:`sim.runs.files`): a write either lands whole or leaves nothing behind."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.runs.files import atomic_path, read_json, write_json, write_parquet


class Boom(RuntimeError):
    pass


def test_a_successful_write_lands_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_json(tmp_path / "sub" / "a.json", {"b": 1, "a": [1, 2]})
    frame = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    write_parquet(tmp_path / "sub" / "t.parquet", frame)
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["a.json", "t.parquet"]
    assert read_json(tmp_path / "sub" / "a.json") == {"a": [1, 2], "b": 1}
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "sub" / "t.parquet"), frame)


def test_identical_data_gives_identical_bytes(tmp_path: Path) -> None:
    write_json(tmp_path / "a.json", {"b": 1, "a": 2})
    write_json(tmp_path / "b.json", {"a": 2, "b": 1})
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_an_error_inside_the_block_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(Boom), atomic_path(target) as tmp:
        tmp.write_text("half a file")
        raise Boom
    assert list(tmp_path.iterdir()) == []


def test_an_error_inside_the_block_leaves_an_existing_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("the old contents")
    with pytest.raises(Boom), atomic_path(target) as tmp:
        tmp.write_text("the new contents, never finished")
        raise Boom
    assert target.read_text() == "the old contents"
    assert list(tmp_path.iterdir()) == [target]


def _circular() -> dict:
    data: dict = {}
    data["self"] = data
    return data


@pytest.mark.parametrize(
    ("write", "bad"),
    [
        (write_json, _circular()),  # json cannot serialise a circular structure
        (write_json, {("a", "tuple"): "key"}),  # nor a tuple key
        (write_parquet, pd.DataFrame({"x": [object(), object()]})),  # Arrow cannot type objects
        (write_parquet, pd.DataFrame({"x": [1, "mixed"]})),
    ],
    ids=["json-circular", "json-tuple-key", "parquet-objects", "parquet-mixed-types"],
)
def test_a_failed_serialisation_leaves_no_file_and_keeps_the_old_one(tmp_path, write, bad):
    new = tmp_path / "new.out"
    with pytest.raises(Exception):  # noqa: B017  (whatever the serialiser raises)
        write(new, bad)
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old.out"
    old.write_bytes(b"previous")
    with pytest.raises(Exception):  # noqa: B017
        write(old, bad)
    assert old.read_bytes() == b"previous"
    assert list(tmp_path.iterdir()) == [old]


def test_read_json_of_a_missing_or_broken_file_is_none(tmp_path: Path) -> None:
    assert read_json(tmp_path / "missing.json") is None
    (tmp_path / "broken.json").write_text('{"a": ')
    assert read_json(tmp_path / "broken.json") is None
    (tmp_path / "list.json").write_text(json.dumps([1, 2]))
    assert read_json(tmp_path / "list.json") is None


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_written_files_take_their_mode_from_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        write_json(tmp_path / "a.json", {"a": 1})
        write_parquet(tmp_path / "t.parquet", pd.DataFrame({"x": [1]}))
        with atomic_path(tmp_path / "b.txt") as tmp:
            tmp.write_text("text")
    finally:
        os.umask(old)
    for name in ("a.json", "t.parquet", "b.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_json_is_strict_nan_and_infinity_become_null(tmp_path: Path) -> None:
    data = {"a": float("nan"), "b": [1.0, float("inf")], "c": np.float64("nan"), "d": np.int64(3)}
    write_json(tmp_path / "s.json", data)
    text = (tmp_path / "s.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    strict = json.loads(text, parse_constant=lambda name: pytest.fail(f"bare {name} in JSON"))
    assert strict == {"a": None, "b": [1.0, None], "c": None, "d": 3}
