"""Every number goes through here: exact decimals, explicit half-up rounding.

Amounts are held exactly as entered (Decimal), in 万元. Rounding happens only when a figure
is displayed, in the unit a profile prints it in (万元 or 元, two decimals unless the profile
says otherwise); shares and rates to 0.01 %; always ROUND_HALF_UP.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
WAN = Decimal(10000)


def D(value: object) -> Decimal:
    """A Decimal from an int, str or Decimal; floats are refused (they are not exact)."""
    if isinstance(value, float):
        raise TypeError("binary floats are not accepted as amounts")
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def round_cent(value: Decimal) -> Decimal:
    """Half-up to two decimals: the display precision of 万元 amounts and of percentages."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_wan(amount: Decimal, unit: str) -> Decimal:
    """Convert an entered amount to 万元, exactly (no rounding)."""
    from .resources import data_file

    return amount / WAN if unit == data_file("labels.yaml")["yuan"] else amount


def from_wan(amount: Decimal, unit: str) -> Decimal:
    """A 万元 amount in the display unit `unit` (万元 or 元), exactly."""
    from .resources import data_file

    return amount * WAN if unit == data_file("labels.yaml")["yuan"] else amount


def round_to(value: Decimal, decimals: int) -> Decimal:
    """Half-up to `decimals` places (2 for cents; 0 for whole 元)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def fmt_amount(value: Decimal, *, separators: bool = True, decimals: int = 2) -> str:
    """`2326.664` → `2,326.66` (half-up). Negative values keep their sign."""
    rounded = round_to(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never print -0.00
    return f"{rounded:,.{decimals}f}" if separators else f"{rounded:.{decimals}f}"


def in_unit(value: Decimal, unit: str) -> Decimal:
    """An amount held in 万元, in the file's unit again (the inverse of to_wan)."""
    from .resources import data_file

    return value * WAN if unit == data_file("labels.yaml")["yuan"] else value


def fmt_money(value: Decimal, unit: str) -> str:
    """An amount held in 万元 as a message quotes it: in the unit the file uses, with its
    unit word (`1,234.56 万元`, `12,345,600.00 元`)."""
    from .resources import data_file

    labels = data_file("labels.yaml")
    word = labels["yuan"] if unit == labels["yuan"] else labels["wan"]
    return f"{fmt_amount(in_unit(value, unit))} {word}"


def share(part: Decimal, whole: Decimal) -> Decimal:
    """`占 x%`: part / whole × 100, rounded half-up; 0 when the whole is 0."""
    if whole == 0:
        return round_cent(ZERO)
    return round_cent(part / whole * HUNDRED)


def change_rate(current: Decimal, prior: Decimal) -> Decimal:
    """Year-on-year rate in %, absolute value, as the seeds print it.

    prior = 0 and current ≠ 0 → 100.00; both 0 → 0.00; otherwise |current − prior| / prior.
    """
    if prior == 0:
        return round_cent(HUNDRED if current != 0 else ZERO)
    return round_cent(abs(current - prior) / abs(prior) * HUNDRED)


def read_written(text: str, unit: str) -> tuple[Decimal, list[str]] | None:
    """An amount as a clerk writes it — `１２３.４５`, `1,234.00`, `￥80`, `80元`, `80 万元` —
    as a number in the file's `unit`, with what had to be taken away (keys of labels.yaml
    `written_number`); None when the text is no amount at all."""
    import unicodedata

    from .resources import data_file

    labels = data_file("labels.yaml")
    words, yuan = labels["written_number"], labels["yuan"]
    problems: list[str] = []
    value = unicodedata.normalize("NFKC", text).strip()
    if any(0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000" for ch in text):
        problems.append("fullwidth")
    for mark in words["currency_marks"]:
        if value.startswith(mark):
            value, problems = value[len(mark):].strip(), [*problems, "currency"]
    factor = Decimal(1)
    for suffix, wan in ((labels["wan"], True), (yuan, False)):
        if value.endswith(suffix):
            value = value[: -len(suffix)].strip()
            problems.append("unit")
            factor = _unit_factor(wan, unit == yuan)
            break
    if "," in value:
        value, problems = value.replace(",", ""), [*problems, "separator"]
    if " " in value:
        value, problems = value.replace(" ", ""), [*problems, "space"]
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return None
    number = Decimal(value)
    return (number * factor if factor != 1 else number), problems or ["quotes"]


def _unit_factor(written_wan: bool, file_in_yuan: bool) -> Decimal:
    """From the unit written after a number to the file's unit."""
    if written_wan and file_in_yuan:
        return WAN
    if not written_wan and not file_in_yuan:
        return 1 / WAN
    return Decimal(1)
