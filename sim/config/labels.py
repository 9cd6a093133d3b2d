"""Names as a reader writes them: tracks, issues, options, parties and shares.

Pure string functions (no matplotlib), shared by the figures (:mod:`sim.plots`), the HTML reports
(:mod:`sim.runs.report`) and replay's printout, so a table and a figure say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

#: Words written differently from their identifier.
_WORDS = {
    "us": "U.S.",
    "ca": "Canadian",
    "adcvd": "AD/CVD",
    "ks": "KS",
    "xl": "XL",
    "trq": "TRQ",
}


#: Whole names written differently from their words.
_NAMES = {"united_states": "United States", "steel_aluminum": "Steel & aluminum"}


def human(name: object) -> str:
    """An identifier as words: ``steel_aluminum`` -> ``Steel & aluminum``, ``all_tracks`` -> ..."""
    if str(name) in _NAMES:
        return _NAMES[str(name)]
    words = [_WORDS.get(w, w) for w in str(name).split("_") if w]
    if not words:
        return str(name)
    text = " ".join(words)
    return text[0].upper() + text[1:]


def option_label(option: str, rate: float | None = None) -> str:
    """An option as words, with its effective tariff if any (``quota 0 then 50, 7.5 %``)."""
    words = " ".join(_WORDS.get(w, w) for w in option.split("_"))
    if rate is None or rate != rate:  # None or NaN: no tariff attached
        return words
    return f"{words}, {100 * rate:.3g} %"


def percent(value: float) -> str:
    """A share as a percentage that never rounds a small non-zero value to ``0 %``."""
    if value != value:
        return "–"
    if 0 < value < 0.01:
        return f"{100 * value:.2g} %"
    return f"{100 * value:.0f} %" if value in (0.0, 1.0) else f"{100 * value:.1f} %"


def week_dates(start: dt.date, weeks: Sequence[int] | range) -> list[dt.date]:
    """The date of each week of talks (week 0 is ``start``)."""
    return [start + dt.timedelta(weeks=int(w)) for w in weeks]
