"""``experiments/face_validity.py`` prints a row per variant and track, paired on one seed."""

from __future__ import annotations

import pytest

from tests.experiments import script


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_face_validity_prints_every_variant_and_track(capsys) -> None:
    module = script("face_validity")
    assert module.main(["--replicates", "60"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "variant" not in line]
    assert len(rows) == len(module.VARIANTS) * 4  # four tracks in the default scenario
    for label in module.VARIANTS:
        assert sum(f"| {label} |" in r for r in rows) == 4
    # with no review after the deadline, nothing is agreed after it: the two columns agree
    for r in rows:
        if r.startswith("| no review after the deadline |"):
            cells = [c.strip() for c in r.strip("|").split("|")]
            assert cells[2] == cells[3]
