"""Constant-memory runs: outcomes stream to ``outcomes.parquet`` batch by batch.

A run of any size holds only a few batches and its running totals
(:class:`sim.analysis.running.RunningSummary`): each simulated batch is labelled, folded into the
totals and appended to a Parquet row-group buffer; full buffers become row groups of a temporary
file in the run directory, renamed onto ``outcomes.parquet`` only once the last row group and the
file's footer are written. A killed run leaves a ``.outcomes.parquet.*.tmp`` file (removed on
any Python-level failure), never a file that looks complete.

The streamed file holds the same rows as the in-memory table (replicates in order, tracks in
order within a replicate) and reads back with ``pandas.read_parquet`` into the same frame, so
replay and the sweep aggregator read it unchanged.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.analysis.running import RunningSummary
from sim.config.schema import RunConfig
from sim.runs.adaptive import AdaptiveReport, adaptive_rounds
from sim.runs.experiment import Experiment, iter_batch_columns
from sim.runs.faults import naming
from sim.runs.schema import outcomes_frame

#: Rows per Parquet row group: large enough that a 10^7-replicate file has a few hundred row
#: groups (the writer keeps every row group's metadata until it closes), small enough that the
#: buffer stays near 100 MB.
ROW_GROUP_ROWS = 1 << 17

Sink = Callable[[pd.DataFrame], None]


class ParquetStream:
    """Appends frames of one schema to a Parquet file in row groups of ``row_group_rows``."""

    def __init__(self, path: Path, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self.path = path
        self.row_group_rows = row_group_rows
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._buffer: list[pa.Table] = []
        self._buffered = 0

    def write(self, frame: pd.DataFrame) -> None:
        """Buffer ``frame``; write a row group when the buffer is full."""
        table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
        if self._schema is None:
            self._schema = table.schema
        self._buffer.append(table)
        self._buffered += table.num_rows
        if self._buffered >= self.row_group_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        assert self._schema is not None
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, self._schema)
        table = pa.concat_tables(self._buffer)
        self._buffer, self._buffered = [], 0
        self._writer.write_table(table, row_group_size=table.num_rows)

    @property
    def is_empty(self) -> bool:
        """Whether no frame was written."""
        return self._schema is None

    def close(self) -> None:
        """Write what is buffered and the file's footer."""
        self._flush()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def discard(self) -> None:
        """Close without caring whether the file is whole (it is about to be deleted)."""
        self._buffer, self._buffered = [], 0
        if self._writer is not None:
            with contextlib.suppress(OSError, pa.ArrowException):
                self._writer.close()
            self._writer = None


@contextlib.contextmanager
def streamed_parquet(path: Path) -> Iterator[ParquetStream]:
    """A :class:`ParquetStream` into a temporary file renamed onto ``path`` if the block succeeds.

    On any failure the temporary file is removed and ``path`` is left as it was.
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    tmp = Path(tmp_name)
    stream = ParquetStream(tmp)
    try:
        with naming(path, tmp):
            yield stream
            stream.close()
            if stream.is_empty:  # nothing written: not a table
                raise ValueError("no outcomes to write")
            os.replace(tmp, path)
    except BaseException:
        stream.discard()
        raise
    finally:
        with contextlib.suppress(OSError):  # a vanished folder took it already
            tmp.unlink(missing_ok=True)


@dataclass
class StreamedOutcomes:
    """What a streamed simulation leaves in memory: the totals and the adaptive report."""

    totals: RunningSummary
    adaptive: AdaptiveReport | None

    @property
    def n_replicates(self) -> int:
        """Replicates simulated."""
        return self.totals.n_replicates


def simulate_streaming(experiment: Experiment, cfg: RunConfig, sink: Sink) -> StreamedOutcomes:
    """Simulate the run batch by batch, passing every labelled batch to ``sink``.

    Args:
        experiment: What to simulate.
        cfg: The run config (``precision`` set: adaptive rounds, each appended to the same sink).
        sink: Receives each batch's outcome rows, in replicate order.

    Returns:
        The running totals of every batch, and the adaptive report (``None`` when off).
    """
    totals = RunningSummary(experiment.compiled)

    def simulate_round(first: int, n: int) -> pd.DataFrame:
        batches = iter_batch_columns(
            experiment, n, cfg.batch_size, cfg.n_workers, progress=cfg.progress, first=first
        )
        for cols in batches:
            frame = outcomes_frame(experiment.compiled, experiment.seed, cols)
            totals.add(frame)
            sink(frame)
        return totals.deal_likelihoods()

    if cfg.precision is None:
        simulate_round(0, cfg.n_replicates)
        return StreamedOutcomes(totals, None)
    return StreamedOutcomes(totals, adaptive_rounds(cfg, simulate_round))


def summary_header(cfg: RunConfig, streamed: StreamedOutcomes) -> dict[str, Any]:
    """The first keys of ``summary.json``: scenario, seed, replicates (and the adaptive report)."""
    header: dict[str, Any] = {
        "scenario": cfg.scenario.name,
        "seed": cfg.seed,
        "n_replicates": streamed.n_replicates,
    }
    if streamed.adaptive is not None:
        header["adaptive"] = streamed.adaptive.to_dict()
    return header
