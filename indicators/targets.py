"""Reading targets as Vietnamese documents print them ("trên 90%", "từ 1,5-2 lần").

Numbers inside a phrase are read by plans.numbers, in Vietnamese notation whatever the user's
language. What cannot be read raises `TargetPhraseError` naming the text; nothing is guessed.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.models import Comparator
from indicators.units import split_unit, target_value_in_indicator_unit
from plans.numbers import (
    TargetPhraseError,
    parse_number,
)
from plans.text import normalise_space


@dataclass(frozen=True)
class TargetReading:
    comparator: str
    value: Decimal
    upper_value: Decimal | None
    unit: str
    # Words after a known unit that say what is counted ("% hộ gia đình có nhu cầu"): they
    # belong in the target's note or the indicator's scope, never in the unit.
    qualifier: str = ""


# Words before the number, longest first so "không dưới" wins over "dưới".
_PREFIXES: list[tuple[str, str]] = [
    ("không thấp hơn", Comparator.GTE),
    ("không nhỏ hơn", Comparator.GTE),
    ("không ít hơn", Comparator.GTE),
    ("không dưới", Comparator.GTE),
    ("không vượt quá", Comparator.LTE),
    ("không cao hơn", Comparator.LTE),
    ("không lớn hơn", Comparator.LTE),
    ("không quá", Comparator.LTE),
    ("không trên", Comparator.LTE),
    ("ít nhất là", Comparator.GTE),
    ("ít nhất", Comparator.GTE),
    ("tối thiểu", Comparator.GTE),
    ("tối đa", Comparator.LTE),
    ("cao hơn", Comparator.GT),
    ("lớn hơn", Comparator.GT),
    ("nhiều hơn", Comparator.GT),
    ("trên", Comparator.GT),
    ("hơn", Comparator.GT),
    ("thấp hơn", Comparator.LT),
    ("nhỏ hơn", Comparator.LT),
    ("ít hơn", Comparator.LT),
    ("dưới", Comparator.LT),
    ("xấp xỉ", Comparator.APPROX),
    ("khoảng", Comparator.APPROX),
    ("gần", Comparator.APPROX),
]
# Words that say nothing about the comparison ("đạt 90%", "bằng 100%", "là 2 chuyến/ngày").
_NEUTRAL = ("đạt", "bằng", "là", "mức")
_SUFFIXES: list[tuple[str, str]] = [
    ("trở lên", Comparator.GTE),
    ("trở xuống", Comparator.LTE),
]
_UNIT = re.compile(r"^[^\d]*(?:/\s*\d+\s*[^\d]*)?$")
_MAX_UNIT_LENGTH = 40
# A longer tail is a clause of the sentence, not a qualifier: the phrase should stop earlier.
_MAX_QUALIFIER_LENGTH = 40
_RANGE_JOINER = re.compile(r"^(?:-|đến|tới)\s*", re.IGNORECASE)


def _strip_word(text: str, word: str) -> str | None:
    """Return `text` without the leading `word` (case-insensitive), or None if absent."""
    if text.lower().startswith(word) and (len(text) == len(word) or not text[len(word)].isalnum()):
        return text[len(word) :].lstrip()
    return None


def _take_number(text: str, phrase: str) -> tuple[Decimal, str]:
    match = re.match(r"^([\d.,]+)\s*", text)
    if not match:
        raise TargetPhraseError(phrase, _("no number where one was expected"))
    raw = match.group(1).rstrip(".,")
    rest = text[len(raw) :].lstrip()
    try:
        return parse_number(raw), rest
    except TargetPhraseError as exc:
        raise TargetPhraseError(phrase, exc.reason) from exc


def _check_unit(unit: str, phrase: str) -> tuple[str, str]:
    """Return the unit and the qualifier of the text after a number."""
    tail = unit.strip()
    if len(tail) > _MAX_UNIT_LENGTH + _MAX_QUALIFIER_LENGTH or not _UNIT.match(tail):
        raise TargetPhraseError(phrase, _("the text after the number is not a unit: “%s”") % tail)
    unit, qualifier = split_unit(tail)
    if len(unit) > _MAX_UNIT_LENGTH or len(qualifier) > _MAX_QUALIFIER_LENGTH:
        raise TargetPhraseError(phrase, _("the text after the number is not a unit: “%s”") % tail)
    return unit, qualifier


def _split_closing_bound(text: str) -> tuple[str, str | None]:
    """Return `text` without a closing "trở lên"/"trở xuống", and the comparator it gives."""
    lowered = text.lower().rstrip()
    for word, found in _SUFFIXES:
        if lowered.endswith(word) and (
            len(lowered) == len(word) or not lowered[-len(word) - 1].isalnum()
        ):
            return text.rstrip()[: -len(word)].rstrip(), found
    return text, None


def _strip_comparison_words(text: str) -> tuple[str, str | None, bool]:
    """Return `text` without its leading words, the comparator they give, and "khoảng"."""
    comparator = None
    approximate = False
    lowered = text.lower()
    for word in _NEUTRAL:
        rest = _strip_word(lowered, word)
        if rest is not None:
            text = text[len(text) - len(rest) :]
            lowered = text.lower()
            break
    for word, found in _PREFIXES:
        rest = _strip_word(lowered, word)
        if rest is None:
            continue
        text = text[len(text) - len(rest) :]
        lowered = text.lower()
        if found == Comparator.APPROX:
            approximate = True
            # "khoảng trên 13 tỷ" is read like "khoảng 13 tỷ": "khoảng" makes the bound
            # approximate, so the figure is judged within 5% of it (docs/achievement.md §2).
            for word2, found2 in _PREFIXES:
                rest2 = _strip_word(lowered, word2)
                if rest2 is not None and found2 in (Comparator.GT, Comparator.LT):
                    text = text[len(text) - len(rest2) :]
                    lowered = text.lower()
                    break
        else:
            comparator = found
        # "tối thiểu có 30%": a filler "có" (has) may follow the comparison word.
        rest = _strip_word(lowered, "có")
        if rest is not None:
            text = text[len(text) - len(rest) :]
        break
    return text, comparator, approximate


def _read_second_part(
    phrase: str, value: Decimal, comparator: str | None, unit_then_rest: re.Match
) -> TargetReading:
    """Return the reading of "<value> [unit] trở lên|trở xuống" or of a range "<value> - …"."""
    first_unit, first_qualifier = _check_unit(unit_then_rest.group(1), phrase)
    joiner = unit_then_rest.group(2)
    after = unit_then_rest.group(3)
    if joiner in ("trở lên", "trở xuống"):
        if after:
            raise TargetPhraseError(phrase, _("unexpected text after “%s”") % joiner)
        if comparator is not None:
            raise TargetPhraseError(phrase, _("two comparisons in one phrase"))
        found = Comparator.GTE if joiner == "trở lên" else Comparator.LTE
        return TargetReading(found, value, None, first_unit, first_qualifier)
    if comparator is not None:
        raise TargetPhraseError(phrase, _("a range cannot also be “above” or “below”"))
    upper_value, rest = _take_number(after, phrase)
    # "từ 1,5-2 lần … trở lên" is at least 1,5; "5 - 10% trở xuống" at most 10.
    rest, closing = _split_closing_bound(rest)
    unit, qualifier = _check_unit(rest, phrase)
    if first_unit and unit and first_unit != unit.split("/")[0].strip() and first_unit != unit:
        raise TargetPhraseError(phrase, _("the two ends of the range have different units"))
    if upper_value < value:
        raise TargetPhraseError(phrase, _("the range's upper end is below its lower end"))
    unit, qualifier = unit or first_unit, qualifier or first_qualifier
    if closing == Comparator.GTE:
        return TargetReading(Comparator.GTE, value, None, unit, qualifier)
    if closing == Comparator.LTE:
        return TargetReading(Comparator.LTE, upper_value, None, unit, qualifier)
    return TargetReading(Comparator.RANGE, value, upper_value, unit, qualifier)


def read_target(phrase: str) -> TargetReading:
    """Return the comparator, value, upper value and unit of a target printed as `phrase`."""
    # Composed accents, so a unit read from a decomposed source still equals the typed one.
    text = normalise_space((phrase or "").replace("\u00a0", " "))
    # Documents use en and em dashes for ranges; read them as hyphens.
    text = text.replace("–", "-").replace("—", "-")
    if not text:
        raise TargetPhraseError(phrase, _("the phrase is empty"))
    text, comparator, approximate = _strip_comparison_words(text)
    range_from = _strip_word(text.lower(), "từ")
    if range_from is not None:
        text = text[len(text) - len(range_from) :]

    value, rest = _take_number(text, phrase)
    for word, found in _SUFFIXES:
        stripped = _strip_word(rest.lower(), word)
        if stripped is not None and stripped == "":
            if comparator is not None:
                raise TargetPhraseError(phrase, _("two comparisons in one phrase"))
            return TargetReading(found, value, None, "")
    # A unit may sit between the number and a suffix or the second number of a range.
    unit_then_rest = re.match(r"^([^\d]*?)\s*(-|đến|tới|trở lên|trở xuống)\s*(.*)$", rest)
    if unit_then_rest:
        return _read_second_part(phrase, value, comparator, unit_then_rest)

    if range_from is not None and comparator is None:
        raise TargetPhraseError(phrase, _("“từ” needs “trở lên” or a second number"))
    unit, qualifier = _check_unit(rest, phrase)
    if comparator is None:
        comparator = Comparator.APPROX if approximate else Comparator.EQ
    return TargetReading(comparator, value, None, unit, qualifier)


def read_target_in_unit(phrase: str, indicator_unit: str) -> TargetReading:
    """Return the reading of `phrase` with its figures in `indicator_unit`.

    The printed unit stays in `unit` ("từ 1 Gbps trở lên" on an indicator in Mbps reads as
    ≥ 1000, unit "Gbps"). Raise TargetPhraseError if unreadable, UnitMismatch if the printed
    unit does not convert into the indicator's.
    """
    reading = read_target(phrase)
    return replace(
        reading,
        value=target_value_in_indicator_unit(reading.value, reading.unit, indicator_unit),
        upper_value=target_value_in_indicator_unit(
            reading.upper_value, reading.unit, indicator_unit
        ),
    )
