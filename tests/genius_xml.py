"""Small GENIUS files written by the tests themselves (no GENIUS or ANAC file is copied).

A domain "Fruit" with one issue of each type, and profiles in each variant the reader accepts:
reservation and discount before or after the objective, none at all, a profile that carries the
issues (no domain file, as some ANAC 2010 scenarios), and a ``type="uncertain"`` one.

The two parties' preferences, for hand computation:

=========  =====================================  =====================================
issue      party A (``profile_a``)                party B (``profile_b``)
=========  =====================================  =====================================
kind       apple 2, pear 4, plum 1 -> 0.5, 1, .25  apple 5, pear 1, plum 3 -> 1, .2, .6
count      2..6, slope 0.2, offset 0.1             slope -0.25, offset 1
price      [10, 20], p0 -1, p1 0.1 (0 below 10)    p0 2, p1 -0.1
weights    kind 2, count 1, price 1 -> .5 .25 .25  1, 1, 2 -> .25 .25 .5
=========  =====================================  =====================================
"""

from __future__ import annotations

from pathlib import Path

KIND = (
    '<issue index="1" name="Fruit Kind" type="discrete" etype="discrete" vtype="discrete">'
    '<item index="1" value="apple"/><item index="2" value="pear"/><item index="3" value="plum"/>'
    "</issue>"
)
COUNT = '<issue index="2" name="count" type="integer" lowerbound="2" upperbound="6"/>'
PRICE = (
    '<issue index="3" name="price" vtype="real"><range lowerbound="10" upperbound="20"/></issue>'
)


def domain(issues: str = KIND + COUNT + PRICE) -> str:
    """A domain file (root ``<negotiation_template>``; number_of_issues is 0, as in ANAC files)."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<negotiation_template number_of_sessions="1">'
        '<agent name="A"/><utility_space number_of_issues="0">'
        f'<objective index="0" name="Fruit" type="objective">{issues}</objective>'
        "</utility_space></negotiation_template>"
    )


def kind_issue(apple: str, pear: str, plum: str) -> str:
    return (
        '<issue index="1" name="Fruit Kind" type="discrete">'
        f'<item index="1" value="apple" evaluation="{apple}"/>'
        f'<item index="2" value="pear" evaluation="{pear}"/>'
        f'<item index="3" value="plum" evaluation="{plum}"/></issue>'
    )


def count_issue(slope: float, offset: float) -> str:
    return (
        '<issue index="2" name="count" type="integer" lowerbound="2" upperbound="6">'
        f'<evaluator ftype="linear" slope="{slope}" offset="{offset}"/></issue>'
    )


def price_issue(p0: float, p1: float) -> str:
    return (
        '<issue index="3" name="price" etype="real"><range lowerbound="10" upperbound="20"/>'
        f'<evaluator ftype="linear" parameter0="{p0}" parameter1="{p1}"/></issue>'
    )


def weights(*values: float) -> str:
    return "".join(f'<weight index="{i}" value="{v}"/>' for i, v in enumerate(values, start=1))


def profile(body: str, before: str = "", after: str = "", root_attrs: str = "") -> str:
    """A profile (root ``<utility_space>``): ``before`` and ``after`` the objective."""
    return (
        f"<utility_space{root_attrs}>{before}"
        f'<objective index="0" name="Fruit" type="objective">{body}</objective>'
        f"{after}</utility_space>"
    )


A_ISSUES = kind_issue("2", "4", "1") + count_issue(0.2, 0.1) + price_issue(-1, 0.1)
B_ISSUES = kind_issue("5", "1", "3") + count_issue(-0.25, 1) + price_issue(2, -0.1)


def profile_a() -> str:
    """Reservation and discount before the objective."""
    return profile(
        A_ISSUES + weights(2, 1, 1),
        before='<reservation value="0.3"/><discount_factor value="0.5"/>',
    )


def profile_b() -> str:
    """Reservation after the objective, no discount factor."""
    return profile(B_ISSUES + weights(1, 1, 2), after='<reservation value="0.2"/>')


def write(folder: Path, **files: str) -> dict[str, Path]:
    """Write ``name=text`` files as ``folder/<name>.xml``; the paths by name."""
    paths = {}
    for name, text in files.items():
        path = folder / f"{name}.xml"
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def fruit_files(folder: Path) -> dict[str, Path]:
    """``domain``, ``a`` and ``b`` in ``folder``."""
    return write(folder, domain=domain(), a=profile_a(), b=profile_b())


def overrides(files: dict[str, Path], *extra: str) -> list[str]:
    """``scenario=genius`` with the fruit files, and small-run settings."""
    return [
        "scenario=genius",
        f"scenario.domain={files['domain']}",
        f"scenario.profiles=[{files['a']},{files['b']}]",
        "progress=false",
        *extra,
    ]
