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


def parameter_label(key: str) -> str:
    """A config key as a reader names the parameter.

    ``scenario.parties.united_states.track_reservation_values.steel_aluminum`` ->
    ``United States · track reservation values · Steel & aluminum``;
    ``scenario.parties.canada.weights.dairy_access`` -> ``Canada · weight of dairy access``;
    ``...canada.values.keystone_xl.revive`` -> ``Canada · value of keystone XL = revive``. The
    leading ``scenario`` and collection names (``parties``, ``leaders``, ...) are dropped.
    """
    parts = [p for p in key.split(".") if p not in _COLLECTIONS]
    for marker, phrase in (("weights", "weight of"), ("values", "value of"), ("rates", "rate of")):
        if marker in parts[:-1]:
            i = parts.index(marker)
            owner, rest = parts[:i][-1:], parts[i + 1 :]
            what = f"{phrase} {_lower_first(human(rest[0]))}"
            if len(rest) > 1:
                what += f" = {option_label(rest[1])}"
            return " · ".join([*(human(o) for o in owner), what])
    words = [human(p) for p in parts[-3:]]
    return " · ".join(w if i == 0 else _lower_first(w) for i, w in enumerate(words))


def output_label(output: str) -> str:
    """A design output as words: ``deal.autos`` -> ``Autos deal``, ``tariff.autos`` -> ..."""
    kind, _, track = output.partition(".")
    if kind == "deal":
        return "Any deal" if track == "any" else f"{human(track)} deal"
    if kind == "tariff":
        return f"{human(track)}: mean final tariff"
    return human(output)


#: Path parts of a config key that name a collection, not the parameter.
_COLLECTIONS = frozenset(
    {"scenario", "parties", "leaders", "stakeholders", "coordinators", "negotiators", "issues",
     "conditions", "tracks"}
)  # fmt: skip


def _lower_first(words: str) -> str:
    """``Reservation value`` -> ``reservation value``; a name written in capitals keeps them."""
    first = words.split(" ")[0]
    if first in _NAMES.values() or first.isupper() or first.endswith("."):
        return words
    return words[0].lower() + words[1:]
