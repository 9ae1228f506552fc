"""Reading and writing numbers as Vietnamese documents print them, for every app.

One fixed rule, whatever language the user browses in: "." groups thousands, "," marks
decimals. "1.093.410" is 1093410, "0,85" is 0.85, "113,8" is 113.8. What cannot be read
raises `TargetPhraseError` naming the text; nothing is ever guessed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django import forms
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from indicators.models import Indicator

# Figures range from 0,85 to 1.093.410 (triệu đồng); four decimals keep every printed digit.
FIGURE_DIGITS = 20
FIGURE_PLACES = 4

# A Vietnamese number: thousands grouped by dots (each group exactly three digits) or no
# grouping at all, then an optional decimal comma.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUMBER_ONLY = re.compile(rf"^(?:{NUMBER})$")
# "1,234" is 1.234 in Vietnamese but 1234 in English: refuse it rather than guess.
_AMBIGUOUS = re.compile(r"^[1-9]\d{0,2},\d{3}$")
# Dots that do not group three digits ("1.5", "12.34") are English decimals: refuse.
_ENGLISH_DECIMAL = re.compile(r"^\d+\.\d{1,2}$|^\d+\.\d{4,}$|^\d+(?:\.\d{3})*\.\d{1,2}$")
# A hyphen-minus, or the minus sign U+2212 that word processors and some keyboards type.
MINUS_SIGNS = ("-", "\u2212")
# What a page shows where there is no figure.
NO_FIGURE = "—"


class TargetPhraseError(ValueError):
    """A number or target phrase that cannot be read unambiguously."""

    def __init__(self, text: str, reason: str):
        self.text = text
        self.reason = reason
        super().__init__(_("Cannot read “%(text)s”: %(reason)s") % {"text": text, "reason": reason})


def parse_number(text: str, *, allow_ambiguous: bool = False) -> Decimal:
    """Return the Decimal written in Vietnamese notation; raise TargetPhraseError otherwise.

    A leading minus ("-3,5", "−3") gives a negative number: callers that accept no negative
    figure refuse it themselves.
    """
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    negative = cleaned[:1] in MINUS_SIGNS
    if negative:
        cleaned = cleaned[1:]
    if not cleaned:
        raise TargetPhraseError(text, _("no number was given"))
    if _AMBIGUOUS.match(cleaned) and not allow_ambiguous:
        raise TargetPhraseError(
            text,
            _(
                "ambiguous: in English notation it is %(thousands)s, in Vietnamese %(decimal)s; "
                "write thousands with dots (1.234) and decimals with a comma (1,5)"
            )
            % {"thousands": cleaned.replace(",", "."), "decimal": cleaned},
        )
    if _ENGLISH_DECIMAL.match(cleaned):
        raise TargetPhraseError(
            text, _("a dot only groups thousands; write decimals with a comma, e.g. 1,5")
        )
    if not _NUMBER_ONLY.match(cleaned):
        raise TargetPhraseError(text, _("this is not a number in Vietnamese notation"))
    try:
        number = Decimal(cleaned.replace(".", "").replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise TargetPhraseError(text, _("this is not a number")) from exc
    return -number if negative and number else number  # "-0" is plain 0


def format_figure(value: Decimal | None) -> str:
    """Return `value` for display in the active language's notation, without trailing zeros.

    Stored figures carry four decimal places; 100.0000 shows as "100", 0.8500 as "0,85".
    """
    if value is None:
        return ""
    plain = Decimal(format(value.normalize(), "f"))
    places = max(0, -plain.as_tuple().exponent)
    return number_format(plain, decimal_pos=places, use_l10n=True, force_grouping=True)


def figure_formatter() -> Callable[[Decimal | None], str]:
    """Return format_figure for the active language, about ten times faster.

    A table formats hundreds of figures; format_figure looks the language's separators up three
    times per figure and groups digits in Python. This looks them up once and lets format()
    group. tests/plans/test_lean_pages.py checks the two agree; any grouping but by three goes
    through format_figure itself.
    """
    language = get_language()
    if get_format("NUMBER_GROUPING", language, use_l10n=True) != 3:
        return format_figure
    separators = str.maketrans(
        {
            ",": get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
            ".": get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        }
    )

    def figure(value: Decimal | None) -> str:
        if value is None:
            return ""
        # -0 shows as 0, as numberformat does.
        return format(value.normalize() if value else Decimal(0), ",f").translate(separators)

    return figure


def figure_shown(value: Decimal | None, label: str = "") -> str:
    """Return a figure as a conflict shows it: the number, else `label`, else a dash."""
    if value is not None:
        return format_figure(value)
    return label or NO_FIGURE


def figure_text(value: Decimal | None) -> str:
    """Return `value` as a person types it in Vietnamese notation: 1.234,5."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    whole, _sep, fraction = f"{abs(value).normalize():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def is_percent_unit(unit: str) -> bool:
    """Return whether figures in `unit` are percentages ("%", "%/năm", "% tổng thu ngân sách")."""
    return (unit or "").strip().startswith("%")


@dataclass(frozen=True)
class FigureRule:
    """What a figure typed or read from a file may be: its unit, sign, range and precision."""

    unit: str = ""
    negative: bool = False  # growth and change rates fall below zero
    capped: bool = False  # a share in % lies between 0 and 100
    money: bool = False
    places: int | None = FIGURE_PLACES  # None when the caller converts the figure first

    @classmethod
    def for_indicator(cls, indicator: "Indicator") -> "FigureRule":
        """Return the rule for figures of `indicator`: rates may be negative or above 100%."""
        rate = (
            indicator.allows_negative or indicator.aggregation == indicator.Aggregation.YEARLY_RATE
        )
        return cls(
            unit=indicator.unit.strip(),
            negative=indicator.allows_negative,
            capped=is_percent_unit(indicator.unit) and not rate,
        )

    @classmethod
    def for_money(cls, unit: str = "triệu đồng", *, places: int | None = FIGURE_PLACES):
        """Return the rule for an amount in `unit`: never negative, never a percentage."""
        return cls(unit=unit, money=True, places=places)

    @property
    def percent(self) -> bool:
        return is_percent_unit(self.unit)

    def percent_format_refused(self) -> str:
        """Return why a cell formatted as percent cannot hold this figure."""
        if self.money:
            return _(
                "the cell is formatted as a percentage, but amounts are in %(unit)s; "
                "remove the percent format and type the amount."
            ) % {"unit": self.unit}
        return _(
            "the cell is formatted as a percentage, but the indicator's unit is “%(unit)s”; "
            "remove the percent format and type the figure in %(unit)s."
        ) % {"unit": self.unit or "—"}

    def percent_sign_refused(self) -> str:
        """Return why a figure typed with "%" cannot be this figure."""
        if self.money:
            return _("this is a percentage, but amounts are in %(unit)s.") % {"unit": self.unit}
        return _("this is a percentage, but the indicator's unit is “%(unit)s”.") % {
            "unit": self.unit or "—"
        }


def check_figure(value: Decimal, rule: FigureRule) -> Decimal:
    """Return `value` if `rule` allows it; raise forms.ValidationError in Vietnamese otherwise."""
    if not value.is_finite():  # a cell beyond what a float holds reads as infinity
        raise forms.ValidationError(
            _("A figure has at most %(digits)s digits before the decimal comma.")
            % {"digits": FIGURE_DIGITS - FIGURE_PLACES}
        )
    if value < 0 and not rule.negative:
        raise forms.ValidationError(_("A figure cannot be negative."))
    if rule.capped and value > 100:
        raise forms.ValidationError(_("A percentage must lie between 0 and 100."))
    if rule.places is not None and value.normalize().as_tuple().exponent < -rule.places:
        raise forms.ValidationError(
            _("A figure has at most %(places)s decimal places; round it.") % {"places": rule.places}
        )
    # The database keeps FIGURE_DIGITS digits, FIGURE_PLACES of them after the comma.
    if abs(value) >= 10 ** (FIGURE_DIGITS - FIGURE_PLACES):
        raise forms.ValidationError(
            _("A figure has at most %(digits)s digits before the decimal comma.")
            % {"digits": FIGURE_DIGITS - FIGURE_PLACES}
        )
    return value


def read_figure(text: str, rule: FigureRule = FigureRule()) -> Decimal | None:
    """Return the number typed as `text` ("1.234,5", "85", "85%", "-3"), None when blank.

    Raise forms.ValidationError with a Vietnamese message for anything else, or for a figure
    `rule` does not allow.
    """
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if cleaned.endswith("%"):
        if not rule.percent:
            raise forms.ValidationError(rule.percent_sign_refused())
        cleaned = cleaned[:-1].strip()
    try:
        value = parse_number(cleaned)
    except TargetPhraseError as exc:
        raise forms.ValidationError(exc.reason) from exc
    return check_figure(value, rule)
