"""Constant-memory runs: the streamed ``outcomes.parquet`` and its summary (:mod:`sim.runs.stream`).

The streamed table must read back as the in-memory one, the summary must not depend on how the
run was split into batches or workers, and a failed run must leave no file that looks complete.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.analysis.summary import summarise
from sim.runs.execute import simulate_run
from sim.runs.experiment import build_experiment, run_replicates
from sim.runs.stream import (
    ParquetStream,
    simulate_streaming,
    streamed_parquet,
    summary_header,
)
from tests.conftest import compose_run_config

N = 240


@pytest.fixture(scope="module")
def small_cfg():
    return compose_run_config([f"n_replicates={N}", "batch_size=50", "progress=false", "seed=3"])


def _text(summary: dict) -> str:
    """A summary as the bytes of its ``summary.json`` (NaN equals NaN there)."""
    return json.dumps(summary, sort_keys=True, default=str)


def _stream(path: Path, cfg, row_group_rows: int = 100) -> tuple[dict, pd.DataFrame]:
    """Stream a run's outcomes to ``path``: its summary (as ``stream_run`` writes it), its table."""
    experiment = build_experiment(cfg)
    with streamed_parquet(path) as stream:
        stream.row_group_rows = row_group_rows
        streamed = simulate_streaming(experiment, cfg, stream.write)
    return {**summary_header(cfg, streamed), **streamed.totals.summary()}, pd.read_parquet(path)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_streamed_table_reads_back_as_the_in_memory_table(small_cfg, tmp_path: Path) -> None:
    in_memory = run_replicates(build_experiment(small_cfg), N, small_cfg.batch_size)
    _, streamed = _stream(tmp_path / "outcomes.parquet", small_cfg)
    assert pq.ParquetFile(tmp_path / "outcomes.parquet").num_row_groups > 1  # really streamed
    pd.testing.assert_frame_equal(streamed, in_memory)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_results_do_not_depend_on_batches_or_workers(small_cfg, tmp_path: Path) -> None:
    runs = {}
    for batch, workers in ((N, 1), (37, 1), (60, 2)):
        cfg = dataclasses.replace(small_cfg, batch_size=batch, n_workers=workers)
        runs[batch, workers] = _stream(tmp_path / f"{batch}-{workers}.parquet", cfg)
    (summary, table), *others = runs.values()
    for other_summary, other_table in others:
        # exactly: counts and exact sums, whatever the split
        assert _text(other_summary) == _text(summary)
        pd.testing.assert_frame_equal(other_table, table)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_streamed_summary_equals_the_in_memory_summary(small_cfg, tmp_path: Path) -> None:
    streamed, table = _stream(tmp_path / "outcomes.parquet", small_cfg)
    in_memory = simulate_run(small_cfg)
    assert _text(streamed) == _text(in_memory.summary)
    recomputed = summarise(table, in_memory.experiment.compiled)  # the file alone, all at once
    assert _text({k: streamed[k] for k in recomputed}) == _text(recomputed)


@pytest.mark.slow  # >= 1.5 s in the suite; `make test-slow`
def test_adaptive_rounds_stream_into_one_file(tmp_path: Path) -> None:
    cfg = compose_run_config(
        ["n_replicates=100", "batch_size=100", "precision=0.04", "max_replicates=400"]
    )
    summary, table = _stream(tmp_path / "outcomes.parquet", cfg)
    assert summary["adaptive"]["rounds"] > 1
    assert table["replicate"].nunique() == summary["n_replicates"]
    assert _text(summary) == _text(simulate_run(cfg).summary)


def test_a_run_that_fails_half_way_leaves_no_outcome_file(small_cfg, tmp_path: Path) -> None:
    experiment = build_experiment(small_cfg)
    seen = []

    def failing_sink(frame: pd.DataFrame) -> None:
        seen.append(len(frame))
        if len(seen) == 3:
            raise OSError(28, "No space left on device")

    path = tmp_path / "outcomes.parquet"
    with pytest.raises(OSError), streamed_parquet(path) as stream:
        stream.row_group_rows = 10  # row groups already on disk when it fails
        simulate_streaming(experiment, small_cfg, lambda f: (stream.write(f), failing_sink(f)))
    assert not path.exists()
    assert not list(tmp_path.iterdir())  # the temporary file is gone too


def test_an_unfinished_stream_is_not_a_parquet_file(small_cfg, tmp_path: Path) -> None:
    """What a killed run leaves (a temp file without its footer) is not readable as a table."""
    table = run_replicates(build_experiment(small_cfg), 20, 20)
    stream = ParquetStream(tmp_path / ".outcomes.parquet.x.tmp", row_group_rows=1)
    stream.write(table)
    with pytest.raises(Exception, match=r"(?i)parquet|footer|magic"):
        pq.read_table(tmp_path / ".outcomes.parquet.x.tmp")
    stream.close()
    assert len(pq.read_table(tmp_path / ".outcomes.parquet.x.tmp")) == len(table)
