"""``python -m sim replay RUN_DIR --replicate I``: replay one replicate and check it.

See :mod:`sim.runs.replay` for what is rebuilt, written and compared.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.config.structure import MAX_REPLICATES
from sim.runs.faults import describe
from sim.runs.files import read_json
from sim.runs.jobs import config_hash
from sim.runs.replay import ReplayError, describe_outcome, load_run_config, replay, write_replay
from sim.runs.schema import OUTCOMES_FILE, SUMMARY_FILE


def _refuse(message: str) -> int:
    print(f"replay error: {message}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    """Command line: replay a replicate, write its trace, check it against the stored outcome."""
    parser = argparse.ArgumentParser(
        prog="python -m sim replay", description=__doc__.split("\n")[0]
    )
    parser.add_argument("run_dir", type=Path, help="a run directory (or a sweep's job directory)")
    parser.add_argument("--replicate", type=int, required=True, help="replicate index")
    parser.add_argument("--out", type=Path, help="output folder (default RUN_DIR/replay_<I>)")
    args = parser.parse_args(argv)
    if not 0 <= args.replicate <= MAX_REPLICATES:
        return _refuse(f"--replicate {args.replicate}: must be in [0, {MAX_REPLICATES:,}]")
    if not args.run_dir.is_dir():
        return _refuse(f"{args.run_dir}: not a directory (give a run directory)")
    out_dir = args.out or args.run_dir / f"replay_{args.replicate}"
    if out_dir.exists() and not out_dir.is_dir():
        return _refuse(f"--out {out_dir}: exists and is not a directory")
    try:
        result = replay(args.run_dir, args.replicate)
    except ReplayError as exc:
        print(f"replay error: {exc}", file=sys.stderr)
        return 2
    try:
        write_replay(result, out_dir)
    except OSError as exc:  # a read-only, full or vanished folder, or a file in its place
        print(f"error: {describe(exc)}", file=sys.stderr)
        return 1
    n_offers = int((result.trace["event"] == "offer").sum()) if len(result.trace) else 0
    print(f"replicate {args.replicate}: {n_offers} offers, {len(result.trace)} events -> {out_dir}")
    print("\n".join(describe_outcome(result.outcome)))
    summary = read_json(args.run_dir / SUMMARY_FILE) or {}
    stored_hash = summary.get("config_hash")
    if stored_hash is not None and stored_hash != config_hash(load_run_config(args.run_dir)):
        print("warning: the rebuilt config hashes differently from the run's summary.json")
    if result.mismatches:
        print(
            f"replay MISMATCH: replicate {args.replicate} does not reproduce the stored outcome "
            f"in {args.run_dir / OUTCOMES_FILE}:",
            file=sys.stderr,
        )
        for line in result.mismatches:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"replay OK: replicate {args.replicate} reproduces the stored outcome exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
