"""How each status looks, wherever it appears: word, symbol, colour and Excel fill.

One table, so the web table, the home counts, the charts and the workbooks cannot drift apart.
A symbol as well as a colour, so a status reads without colour too (and in print).
"""

from dataclasses import dataclass

from indicators.achievement import Status
from indicators.models import Actual


@dataclass(frozen=True)
class Look:
    symbol: str
    colour: str  # a Bootstrap contextual colour
    fill: str  # an Excel fill, RGB hex


LOOKS = {
    Status.EXCEEDED: Look("★", "success", "A9D08E"),
    Status.ACHIEVED: Look("✔", "success", "C6EFCE"),
    Status.ON_TRACK: Look("↗", "primary", "DDEBF7"),
    Status.AT_RISK: Look("!", "warning", "FFEB9C"),
    Status.BEHIND: Look("↘", "danger", "F8CBAD"),
    Status.NOT_ACHIEVED: Look("✖", "danger", "FFC7CE"),
    Status.INSUFFICIENT_BASIS: Look("?", "info", "E2EFDA"),
    Status.NO_TARGET: Look("–", "secondary", "EDEDED"),
    Status.NO_DATA: Look("○", "secondary", "EDEDED"),
    Actual.Progress.DONE: Look("✔", "success", "C6EFCE"),
    Actual.Progress.IN_PROGRESS: Look("↗", "primary", "DDEBF7"),
    Actual.Progress.NOT_STARTED: Look("✖", "danger", "FFC7CE"),
}
UNKNOWN = Look("○", "secondary", "EDEDED")
LABELS = {**dict(Status.choices), **dict(Actual.Progress.choices)}


def look_of(code: str) -> Look:
    """Return how the status `code` looks; an unknown code looks like no data."""
    return LOOKS.get(code, UNKNOWN)


def label_of(code: str) -> str:
    """Return the status word in the active language."""
    return str(LABELS.get(code, code))
