"""Finding and reading saved runs and sweeps for the saved-run view."""

from __future__ import annotations

import pytest

from sim.dashboard.saved import (
    figures,
    find_saved,
    is_sweep,
    jobs_of,
    jobs_table,
    likelihood_table,
    replicate_count,
    replicate_rows,
)


def test_a_run_directory_is_found_as_one_run(run_dir):
    entries = find_saved(run_dir.parent)
    assert [(e.path, e.kind) for e in entries] == [(run_dir, "run")]
    assert entries[0].label(run_dir.parent) == "run: run"


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_a_sweep_is_one_entry_and_its_jobs_are_read_through_it(strategy_sweep):
    entries = find_saved(strategy_sweep.parent)
    assert [(e.path, e.kind) for e in entries] == [(strategy_sweep, "sweep")]
    assert is_sweep(strategy_sweep)
    jobs = jobs_of(strategy_sweep)
    table = jobs_table(jobs)
    assert len(table) == 4 and set(table["status"]) == {"complete"}
    assert table["overrides"].str.contains("negotiator.canada.strategy=").all()
    assert table["all_tracks"].between(0, 1).all()


def test_a_run_shows_its_likelihoods_replicates_and_figures(run_dir):
    (record,) = jobs_of(run_dir)
    likelihoods = likelihood_table(record)
    assert list(likelihoods["track"])[-1] == "all_tracks"
    assert replicate_count(record) == 300
    rows = replicate_rows(run_dir, 17)
    assert len(rows) == len(likelihoods) - 1  # one row per track
    assert {"track", "agreed", "agreement_week"} <= set(rows.columns)
    names = {p.name for p in figures(run_dir)}
    assert "deal_likelihood.png" in names


def test_nothing_is_found_where_there_is_nothing(tmp_path):
    assert find_saved(tmp_path) == []
    assert find_saved(tmp_path / "missing") == []
