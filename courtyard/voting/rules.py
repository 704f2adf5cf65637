"""The arithmetic of ballots: pure functions over plain values, no database.

Four rules (CONTRACT §4 "Proposals and ballots"):

* ``majority`` — one vote per person on the roll; adopted if yes > no among the votes
  cast and turnout ≥ the quorum (a fraction of the roll, default 0).
* ``household`` — one vote per unit on the roll; the same, counted by households.
* ``civil_code`` — Civil Code art. 278: owners of ≥ 2/3 of the exclusive area AND ≥ 2/3
  of the owners (counted one per unit, as 法释〔2009〕7号 art. 9 counts them) must take
  part; adopted by > 1/2 of the participating area AND > 1/2 of the participating owners.
* ``civil_code_major`` — the same participation; adopted by ≥ 3/4 of both.

Abstentions take part (they count towards participation, and in the participating area
and owners that the approval thresholds are fractions of) but are never "yes": under the
Civil Code rules an abstention therefore weighs like a "no"; under ``majority`` and
``household`` it only helps reach the quorum. A quorum set by the secretary raises the
participation threshold of the Civil Code rules above 2/3, never below.

All comparisons are exact: counts are integers, areas Decimals, thresholds Fractions.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MAJORITY, HOUSEHOLD, CIVIL_CODE, CIVIL_CODE_MAJOR = "majority", "household", "civil_code", "civil_code_major"
RULES = (MAJORITY, HOUSEHOLD, CIVIL_CODE, CIVIL_CODE_MAJOR)
CIVIL_RULES = (CIVIL_CODE, CIVIL_CODE_MAJOR)
BY_UNIT = (HOUSEHOLD, CIVIL_CODE, CIVIL_CODE_MAJOR)  # one vote per unit
CHOICES = ("yes", "no", "abstain")

TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS = Fraction(3, 4)
ZERO_AREA = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class RollLine:
    """One line of the electoral roll: a person (None: a unit whose owner is not on the
    platform, counted in the Civil Code denominators only), their unit and its area."""

    person: int | None
    unit: int | None
    area: Decimal = ZERO_AREA


@dataclass(frozen=True)
class Ballot:
    """One counted vote: the choice, and the unit and area it carries (area 0 without a unit)."""

    choice: str
    unit: int | None = None
    area: Decimal = ZERO_AREA


@dataclass(frozen=True)
class Measure:
    people: int
    households: int
    area: Decimal


@dataclass(frozen=True)
class Threshold:
    """One condition: `have` out of `of` must reach `need` (strictly when `strict`).

    kind: "participation" (quorum) or "approval"; measure: "people", "households" or "area".
    For participation (the quorum meter): `target`, the least `have` that meets it, and
    `short`, how much more `have` needs (0 when met).
    """

    kind: str
    measure: str
    need: Fraction
    strict: bool
    have: int | Decimal
    of: int | Decimal
    met: bool
    short: int | Decimal | None = None
    target: int | Decimal | None = None


@dataclass(frozen=True)
class Tally:
    rule: str
    counts: dict[str, int]
    area: dict[str, Decimal]
    eligible: Measure
    participation: Measure
    quorum: Fraction
    thresholds: tuple[Threshold, ...]
    quorum_met: bool
    passing: bool


@dataclass(frozen=True)
class Member:
    """An active member of the courtyard when the ballot opens."""

    person: int
    unit: int | None
    is_owner: bool


def roll_for(rule: str, members: Iterable[Member], units: dict[int, Decimal]) -> list[RollLine]:
    """The electoral roll of a ballot under `rule`, from the courtyard's active members and
    its building's units (unit id → exclusive area).

    majority: every member. household: every member bound to a unit (the unit votes once).
    civil_code(_major): every owner bound to a unit, plus every other unit of the building
    with no one to vote for it: the Civil Code counts the building's whole exclusive area
    and all its owners, not only those who use this platform.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    members = sorted(members, key=lambda m: m.person)
    if rule == MAJORITY:
        return [RollLine(m.person, m.unit, units.get(m.unit, ZERO_AREA) if m.unit else ZERO_AREA)
                for m in members]
    if rule == HOUSEHOLD:
        return [RollLine(m.person, m.unit, units[m.unit]) for m in members if m.unit in units]
    lines = [RollLine(m.person, m.unit, units[m.unit]) for m in members if m.is_owner and m.unit in units]
    voiced = {line.unit for line in lines}
    lines += [RollLine(None, unit, area) for unit, area in sorted(units.items()) if unit not in voiced]
    return lines


def voter_key(rule: str, person: int, unit: int | None) -> str:
    """Whose vote a ballot is: the person's ("u:7"), or their unit's under the unit rules ("h:12")."""
    if rule in BY_UNIT:
        if unit is None:
            raise ValueError("the unit rules need a unit")
        return f"h:{unit}"
    return f"u:{person}"


def electorate(roll: Iterable[RollLine]) -> Measure:
    """Who may vote, counted three ways: distinct people, distinct units, and the area of those units."""
    people: set[int] = set()
    areas: dict[int, Decimal] = {}
    for line in roll:
        if line.person is not None:
            people.add(line.person)
        if line.unit is not None:
            areas[line.unit] = line.area
    return Measure(people=len(people), households=len(areas), area=sum(areas.values(), ZERO_AREA))


def _reaches(have, of, need: Fraction, strict: bool) -> bool:
    """have ≥ need × of (have > need × of when strict), exactly. Nothing reaches a share of nothing."""
    if of <= 0:
        return False
    lhs = Fraction(have) * need.denominator
    rhs = Fraction(of) * need.numerator
    return lhs > rhs if strict else lhs >= rhs


def _target(of, need: Fraction, *, area: bool):
    """The least amount that reaches need × of: whole heads, or m² rounded up to the cent."""
    exact = Fraction(of) * need
    if area:
        return Decimal(math.ceil(exact * 100)).scaleb(-2)
    return math.ceil(exact)


def _participation(measure: str, have, of, need: Fraction) -> Threshold:
    target = _target(of, need, area=measure == "area")
    short = max(target - have, ZERO_AREA if measure == "area" else 0)
    return Threshold("participation", measure, need, False, have, of, _reaches(have, of, need, False),
                     short, target)


def _approval(measure: str, have, of, need: Fraction, strict: bool) -> Threshold:
    return Threshold("approval", measure, need, strict, have, of, _reaches(have, of, need, strict))


def tally(rule: str, eligible: Measure, ballots: Iterable[Ballot], quorum: Fraction | Decimal | int = 0) -> Tally:
    """Count `ballots` (one per person, or per unit for the unit rules) against the roll's `eligible` measure."""
    ballots = list(ballots)
    counts = {c: 0 for c in CHOICES}
    area = {c: ZERO_AREA for c in CHOICES}
    for b in ballots:
        counts[b.choice] += 1
        area[b.choice] += b.area
    units = {b.unit: b.area for b in ballots if b.unit is not None}
    participation = Measure(people=len(ballots), households=len(units), area=sum(units.values(), ZERO_AREA))
    return decide(rule, eligible, counts, area, participation, quorum)


def decide(rule: str, eligible: Measure, counts: dict[str, int], area: dict[str, Decimal], participation: Measure,
           quorum: Fraction | Decimal | int = 0) -> Tally:
    """The same from totals already summed (by the database): votes and area per choice, and who took part."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    quorum = Fraction(quorum)
    if not 0 <= quorum <= 1:
        raise ValueError("quorum must be a fraction between 0 and 1")
    counts = {c: counts.get(c, 0) for c in CHOICES}
    area = {c: area.get(c, ZERO_AREA) for c in CHOICES}

    if rule in CIVIL_RULES:
        need = max(TWO_THIRDS, quorum)
        yes_share, strict = (HALF, True) if rule == CIVIL_CODE else (THREE_QUARTERS, False)
        thresholds = (
            _participation("area", participation.area, eligible.area, need),
            _participation("households", participation.households, eligible.households, need),
            _approval("area", area["yes"], participation.area, yes_share, strict),
            _approval("households", counts["yes"], participation.households, yes_share, strict),
        )
    else:
        measure = "people" if rule == MAJORITY else "households"
        voted = participation.people if rule == MAJORITY else participation.households
        decided = counts["yes"] + counts["no"]
        thresholds = (
            _participation(measure, voted, getattr(eligible, measure), quorum),
            # yes > no  ⟺  yes > 1/2 of (yes + no)
            _approval(measure, counts["yes"], decided, HALF, True),
        )
    quorum_met = all(t.met for t in thresholds if t.kind == "participation")
    passing = quorum_met and all(t.met for t in thresholds if t.kind == "approval")
    return Tally(rule=rule, counts=counts, area=area, eligible=eligible, participation=participation,
                 quorum=quorum, thresholds=thresholds, quorum_met=quorum_met, passing=passing)


def fraction_text(f: Fraction) -> str:
    """2/3, 1/2, 0.6 → "2/3", "1/2", "3/5": for labels and JSON."""
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
