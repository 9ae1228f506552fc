"""Units of measure: which units convert into which, exactly, and how a target's unit is checked.

A small registry: percent, money (đồng … tỷ đồng), bandwidth (kbps … Tbps), length (m, km) and
"lần" (times). Any other unit ("trạm BTS", "máy/100 dân", "km/điểm", "chuyến/ngày") is a count
or a compound that equals only itself, after spelling normalisation. Pure functions, no queries.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, Inexact, localcontext

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Unit:
    symbol: str
    dimension: str
    factor: Decimal  # how many of the dimension's base unit one of this unit is


def _unit(symbol: str, dimension: str, factor: int = 1) -> Unit:
    return Unit(symbol, dimension, Decimal(factor))


_REGISTERED = [
    _unit("%", "percent"),
    # A yearly rate is a percent: "5 - 10%" and "5 - 10%/năm" print the same growth rate.
    _unit("%/năm", "percent"),
    _unit("đồng", "money"),
    _unit("nghìn đồng", "money", 10**3),
    _unit("triệu đồng", "money", 10**6),
    _unit("tỷ đồng", "money", 10**9),
    _unit("kbps", "bandwidth", 10**3),
    _unit("Mbps", "bandwidth", 10**6),
    _unit("Gbps", "bandwidth", 10**9),
    _unit("Tbps", "bandwidth", 10**12),
    _unit("m", "length"),
    _unit("km", "length", 10**3),
    _unit("lần", "times"),
]

# Other spellings of one unit, as normalised keys.
_SPELLINGS = {
    "kb/s": "kbps",
    "mb/s": "mbps",
    "gb/s": "gbps",
    "tb/s": "tbps",
    "ngàn đồng": "nghìn đồng",
    "tỉ đồng": "tỷ đồng",
    "vnđ": "đồng",
    # Telephone density: Bắc Giang prints "máy/100 dân", Bình Thuận "thuê bao/100 dân"; a
    # telephone line (máy) is counted as one subscription (thuê bao) in both.
    "thuê bao/100 dân": "máy/100 dân",
}
# Abbreviations inside a compound unit: "km/điểm phục vụ" is "km/điểm", "máy/CBCC" is
# "máy/cán bộ" (CBCC: cán bộ, công chức).
_PART_SPELLINGS = {
    "điểm phục vụ": "điểm",
    "cbcc": "cán bộ",
    "cán bộ, công chức": "cán bộ",
    "cán bộ công chức": "cán bộ",
}


def _fold(text: str) -> str:
    """Return `text` composed, lower-cased, with single spaces and none around "/"."""
    folded = unicodedata.normalize("NFC", text or "").replace("\u00a0", " ")
    return re.sub(r"\s*/\s*", "/", " ".join(folded.split())).casefold()


def normalise_unit(text: str) -> str:
    """Return the key two spellings of one unit share ("Mb/s" and "Mbps" → "mbps")."""
    key = _fold(text)
    key = _SPELLINGS.get(key, key)
    if "/" in key:
        key = "/".join(_PART_SPELLINGS.get(part, part) for part in key.split("/"))
        key = _SPELLINGS.get(key, key)
    return key


_REGISTRY = {normalise_unit(unit.symbol): unit for unit in _REGISTERED}
# Every spelling a phrase may start with, longest first, to split "% hộ gia đình" after "%".
_KNOWN_STARTS = sorted(
    {*_REGISTRY, *(key for key, canonical in _SPELLINGS.items() if canonical in _REGISTRY)},
    key=len,
    reverse=True,
)


class UnitMismatch(ValueError):
    """Two units that cannot be converted into each other."""

    def __init__(self, from_unit: str, to_unit: str):
        self.from_unit = from_unit
        self.to_unit = to_unit
        super().__init__(
            _("A figure in “%(from)s” cannot be converted to “%(to)s”.")
            % {"from": from_unit, "to": to_unit}
        )


def registered(text: str) -> Unit | None:
    """Return the registered unit `text` spells, or None for a count or compound unit."""
    return _REGISTRY.get(normalise_unit(text))


def factor(from_unit: str, to_unit: str) -> Decimal:
    """Return what a figure in `from_unit` is multiplied by to be in `to_unit`."""
    source, target = normalise_unit(from_unit), normalise_unit(to_unit)
    if source == target:
        return Decimal(1)
    a, b = _REGISTRY.get(source), _REGISTRY.get(target)
    if a is None or b is None or a.dimension != b.dimension:
        raise UnitMismatch(from_unit, to_unit)
    return _exact(lambda: a.factor / b.factor)


def convertible(a: str, b: str) -> bool:
    """Return whether figures in `a` and in `b` can be compared after a conversion."""
    try:
        factor(a, b)
    except UnitMismatch:
        return False
    return True


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Return `value` in `from_unit` expressed exactly in `to_unit`; raise UnitMismatch."""
    return scale(value, factor(from_unit, to_unit))


def scale(value: Decimal, ratio: Decimal) -> Decimal:
    """Return `value` × `ratio` exactly (a ratio from `factor`)."""
    return value if ratio == 1 else _exact(lambda: value * ratio)


def _exact(compute):
    # Factors are powers of ten, so products and quotients are exact; trap anything else
    # rather than round a figure silently.
    with localcontext() as context:
        context.prec = 60
        context.traps[Inexact] = True
        return compute()


def split_unit(text: str) -> tuple[str, str]:
    """Return the unit a phrase's tail starts with and the words after it.

    "% hộ gia đình có nhu cầu" → ("%", "hộ gia đình có nhu cầu"); only a registered unit can
    be told apart from the words that follow it. Other tails are taken whole as the unit.
    """
    text = " ".join((text or "").split())
    if not text or "/" in text or registered(text):
        return text, ""
    folded = text.casefold()
    for start in _KNOWN_STARTS:
        if folded.startswith(start) and folded[len(start) : len(start) + 1] == " ":
            return text[: len(start)], text[len(start) :].strip()
    return text, ""


def target_factor(target_unit: str, indicator_unit: str) -> Decimal:
    """Return what a target's printed figure is multiplied by to be in its indicator's unit.

    A target without a printed unit is in the indicator's unit. A target printing only the
    numerator of the indicator's rate ("Số thuê bao/100 dân đạt 85 thuê bao") is in the
    indicator's unit too: the document printed the denominator in the name.
    """
    if not normalise_unit(target_unit):
        return Decimal(1)
    numerator, per, _denominator = _fold(indicator_unit).partition("/")
    if per and normalise_unit(target_unit) == normalise_unit(numerator):
        return Decimal(1)
    return factor(target_unit, indicator_unit)


def target_value_in_indicator_unit(
    value: Decimal | None, target_unit: str, indicator_unit: str
) -> Decimal | None:
    """Return a target's printed figure in its indicator's unit; raise UnitMismatch if it won't."""
    ratio = target_factor(target_unit, indicator_unit)
    return None if value is None else scale(value, ratio)
