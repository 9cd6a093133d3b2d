"""Digest of the default scenario's outcomes, the reference for "a switch left off changes nothing".

``default_outcomes.sha256`` holds the digest of a fixed run of the default scenario (seed, size and
batching below) as main computed it before the coordinators could link (commit 58c5507). A test
(``tests/agents/test_coordinator.py``) recomputes it with linking off and asks for the same bits.
Regenerate it only when the default outcomes change on purpose, from the code that changes them:

    PYTHONPATH=. python -m tests.data.default_digest
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

#: The file holding the reference digest (one hex line).
DIGEST_FILE = Path(__file__).with_name("default_outcomes.sha256")
#: The run the digest covers: the default scenario, as its overrides.
RUN_OVERRIDES = ["seed=20251010", "n_replicates=400", "batch_size=200", "progress=false"]
#: The outcome columns it covers: each replicate's deals, their terms and the reservation values.
COLUMNS = [
    "replicate",
    "track",
    "agreed",
    "agreement_week",
    "outcome",
    "ratification_attempts",
    "ratification_failures",
    "weeks_suspended",
    "talks_end_week",
    "utility_canada",
    "utility_united_states",
    "reservation_canada",
    "reservation_united_states",
    "delay_cost_canada",
    "delay_cost_united_states",
]


def outcome_digest(outcomes: pd.DataFrame) -> str:
    """SHA-256 of the covered columns, every float written exactly (shortest round-trip repr)."""
    table = outcomes[COLUMNS].sort_values(["track", "replicate"]).astype(str)
    text = table.to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def default_outcomes(overrides: list[str] | None = None) -> pd.DataFrame:
    """The covered run, with extra overrides (e.g. a switch left off)."""
    from sim.runs.experiment import build_experiment, run_replicates
    from tests.conftest import compose_run_config

    cfg = compose_run_config(RUN_OVERRIDES + list(overrides or []))
    return run_replicates(build_experiment(cfg), cfg.n_replicates, cfg.batch_size, 1)


def main() -> int:
    """Write the digest of the current code's default outcomes to :data:`DIGEST_FILE`."""
    DIGEST_FILE.write_text(outcome_digest(default_outcomes()) + "\n")
    print(DIGEST_FILE.read_text().strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
