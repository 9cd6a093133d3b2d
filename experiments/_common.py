"""Shared by the scripts in ``experiments/``: ``RESULTS_DIR [--out DIR]`` parsing, loading, exits.

Each script builds its parser with :func:`results_parser`, makes its ``main`` with
:func:`command`, and loads records with :func:`load_records`, so every script reports a bad
directory the same way (``error: ...`` on stderr, exit status 2). The scripts import this module
by name: run as ``python experiments/<script>.py`` their folder is first on ``sys.path``; loaded
from a file location (as the tests do) they put it there themselves.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, Protocol

import pandas as pd

from sim.runs.aggregate import COMPLETE, JobRecord, swept_parameters
from sim.runs.faults import describe

#: Exit statuses: done; done, but some jobs failed or are missing; nothing usable to work on.
EXIT_OK, EXIT_INCOMPLETE, EXIT_ERROR = 0, 1, 2

DEFAULT_OUT_HELP = "output folder (default: the directory)"
SWEEP_OUT_HELP = "output folder (default: the sweep directory)"
#: ``results_parser`` keywords of the scripts that read a sweep or a single run.
RUN_OR_SWEEP = {"directory": "directory", "help": "a sweep directory or a run directory"}


class Failure(Exception):
    """A problem with the input that ends the script: ``error: <message>``, exit status 2."""


def fail(message: str) -> NoReturn:
    """End the script with ``error: <message>`` and exit status 2 (see :func:`command`)."""
    raise Failure(message)


class Main(Protocol):
    """A script's ``main``: parse ``argv`` (default: ``sys.argv[1:]``), return the exit status."""

    def __call__(self, argv: list[str] | None = None) -> int: ...


def command(
    parser: argparse.ArgumentParser,
) -> Callable[[Callable[[argparse.Namespace], int]], Main]:
    """Make a script's ``main(argv=None) -> int`` from ``body(args) -> int``.

    ``main`` parses ``argv`` with ``parser`` and runs ``body``; a :class:`Failure` or an
    ``OSError`` raised in it becomes ``error: ...`` (one line) on stderr and exit status 2.
    """

    def decorate(body: Callable[[argparse.Namespace], int]) -> Main:
        @functools.wraps(body)
        def main(argv: list[str] | None = None) -> int:
            args = parser.parse_args(argv)
            try:
                check_paths(args)
                return body(args)
            except Failure as exc:
                print(f"error: {exc}", file=sys.stderr)
                return EXIT_ERROR
            except OSError as exc:  # unreadable input, a read-only or full output folder
                print(f"error: {describe(exc)}", file=sys.stderr)
                return EXIT_ERROR
            except (ValueError, KeyError, TypeError) as exc:  # a truncated or foreign file
                why = " ".join(str(exc).split())[:300] or type(exc).__name__
                print(
                    f"error: {args.results_dir}: cannot read the results ({why})", file=sys.stderr
                )
                return EXIT_ERROR

        return main

    return decorate


@dataclass(frozen=True)
class Option:
    """An ``add_argument`` call: flags and keyword arguments."""

    flags: tuple[str, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


def option(*flags: str, **kwargs: Any) -> Option:
    """A script's own option, added between the directory and ``--out``."""
    return Option(flags, kwargs)


#: ``--tracks T ...``, shared by the figure scripts.
TRACKS = option("--tracks", nargs="+", help="tracks to draw (default: all)")


def results_parser(
    doc: str | None,
    *options: Option,
    directory: str = "sweep_dir",
    help: str | None = None,
    out_help: str = DEFAULT_OUT_HELP,
) -> argparse.ArgumentParser:
    """The parser of ``RESULTS_DIR [options] [--out DIR]``.

    The directory is parsed into ``args.results_dir`` (see :func:`out_dir`).

    Args:
        doc: The script's docstring; its first line is the description.
        options: The script's own options, in the order ``--help`` lists them.
        directory: How ``--help`` names the directory (``sweep_dir``, ``directory``).
        help: Help text of the directory.
        out_help: Help text of ``--out``.
    """
    parser = argparse.ArgumentParser(description=(doc or "").split("\n")[0])
    parser.add_argument("results_dir", metavar=directory, type=Path, help=help)
    for opt in options:
        parser.add_argument(*opt.flags, **opt.kwargs)
    parser.add_argument("--out", type=Path, help=out_help)
    return parser


def check_paths(args: argparse.Namespace) -> None:
    """Fail early on a results directory that is not one, or an ``--out`` that is a file."""
    results = args.results_dir
    if not results.exists():
        fail(f"{results}: not found")
    if not results.is_dir():
        fail(f"{results}: not a directory (give a run or sweep directory)")
    out = getattr(args, "out", None)
    if out is not None and out.exists() and not out.is_dir():
        fail(f"--out {out}: exists and is not a directory")


def out_dir(args: argparse.Namespace) -> Path:
    """``--out``, defaulting to the results directory."""
    return args.out or args.results_dir


def load_records(
    load: Callable[[Path], list[JobRecord]], directory: Path, empty: str | None = None
) -> list[JobRecord]:
    """``load(directory)``; a missing directory (and, with ``empty``, no records) fails.

    Args:
        load: How the script reads the directory (a sweep, or a run or a sweep).
        directory: The results directory.
        empty: If given, fail with ``<directory>: <empty>`` when ``load`` finds nothing.
    """
    try:
        records = load(directory)
    except FileNotFoundError as exc:
        fail(str(exc))
    if empty is not None and not records:
        fail(f"{directory}: {empty}")
    return records


def complete(records: Sequence[JobRecord]) -> list[JobRecord]:
    """The complete jobs (with a finished ``summary.json``)."""
    return [r for r in records if r.status == COMPLETE]


def load_complete(load: Callable[[Path], list[JobRecord]], directory: Path) -> list[JobRecord]:
    """The complete jobs ``load(directory)`` finds; fails if the directory has none."""
    records = complete(load_records(load, directory))
    if not records:
        fail(f"{directory}: no complete run")
    return records


def swept_axes(table: pd.DataFrame, chosen: Sequence[str | None], flags: str) -> list[str]:
    """The parameters a figure plots: each one chosen, else the sweep's swept parameters.

    The swept parameters stand in for the unchosen ones only when there are exactly as many of
    them as there are axes (``chosen[i]`` defaults to the ``i``-th swept parameter).

    Args:
        table: The aggregate table.
        chosen: Per axis, the parameter given on the command line (``None``: not given).
        flags: The options that choose them, for the error message (``--x and --y``).
    """
    swept = swept_parameters(table)
    defaults: Sequence[str | None] = swept if len(swept) == len(chosen) else [None] * len(chosen)
    picked = [c or d for c, d in zip(chosen, defaults, strict=True)]
    axes = [p for p in picked if p is not None and p in table.columns]
    if len(axes) < len(chosen):
        fail(f"choose {flags} among the swept parameters {swept}")
    return axes


def point_names(table: pd.DataFrame) -> list[str]:
    """Each sweep point in words, one per row of the aggregate table (``run`` for a lone run).

    ``Canada strategy = boulware, United States strategy = conceder``: the parameters as
    :func:`sim.plots.style.parameter_labels` names them, the values as a reader writes them.
    """
    if len(table) <= 1:
        return ["run"] * len(table)
    from sim.plots.style import parameter_labels, value_label  # matplotlib only when drawing

    params = swept_parameters(table)
    if not params:
        return [f"job {j}" for j in table["job"]]
    labels = parameter_labels(params)
    return [
        ", ".join(f"{labels[p]} = {value_label(row[p])}" for p in params)
        for row in table[params].to_dict("records")
    ]


def point_values(table: pd.DataFrame) -> tuple[list[str], str]:
    """Each sweep point as its values only (``0.02, 0.05``), and what they are (the axis label).

    Short enough for tick labels however long the parameter names are.
    """
    if len(table) <= 1:
        return ["run"] * len(table), ""
    from sim.plots.style import parameter_labels, value_label

    params = swept_parameters(table)
    if not params:
        return [f"job {j}" for j in table["job"]], "job"
    labels = parameter_labels(params)
    values = [
        ", ".join(value_label(row[p]) for p in params) for row in table[params].to_dict("records")
    ]
    return values, ", ".join(labels[p] for p in params)


def wrote(path: Path) -> int:
    """Print the path of a written figure; exit status 0."""
    print(path)
    return EXIT_OK
