"""Plotly figures of an indicator's figures against its target path, as plain dicts.

Built by hand rather than through plotly.graph_objects: validation costs milliseconds per
figure, and a dashboard draws a hundred. tests/indicators/test_charts.py validates the dicts
with plotly itself.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.achievement import reference_value
from indicators.models import Actual, Comparator, Direction
from indicators.selectors import IndicatorProgress

ACTUAL_COLOUR = "#0d6efd"
TARGET_COLOUR = "#198754"
BAND_COLOUR = "rgba(25, 135, 84, 0.15)"


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def base_layout(title: str = "", y_title: str = "") -> dict:
    """Return the layout every chart shares: Vietnamese separators, years without grouping."""
    return {
        "title": {"text": title, "font": {"size": 14}},
        "separators": ",.",
        "height": 300,
        "margin": {"l": 60, "r": 20, "t": 40 if title else 20, "b": 40},
        "xaxis": {"tickformat": "d", "dtick": 1, "title": {"text": _("Year")}},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
    }


def indicator_figure(progress: IndicatorProgress, *, first_year: int) -> dict:
    """Return the figure of one indicator: actuals by year against milestones and target path."""
    indicator = progress.indicator
    data = []
    # Ranges are drawn as bands from the plan's start to each milestone.
    for target in progress.targets:
        if target.comparator == Comparator.RANGE:
            xs = [first_year, target.year]
            data.append(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": [float(target.value)] * 2,
                    "mode": "lines",
                    "line": {"width": 0},
                    "showlegend": False,
                    "hoverinfo": "skip",
                }
            )
            data.append(
                {
                    "type": "scatter",
                    "x": xs,
                    "y": [float(target.upper_value)] * 2,
                    "mode": "lines",
                    "line": {"width": 0},
                    "fill": "tonexty",
                    "fillcolor": BAND_COLOUR,
                    "name": _("target band %(phrase)s (%(year)s)")
                    % {"phrase": target.phrase, "year": target.year},
                    "hoverinfo": "skip",
                }
            )
    path_x, path_y = [], []
    if indicator.baseline_year is not None and indicator.baseline_value is not None:
        path_x.append(indicator.baseline_year)
        path_y.append(float(indicator.baseline_value))
    for target in progress.targets:
        path_x.append(target.year)
        path_y.append(float(reference_value(target, indicator.direction)))
    if path_x:
        data.append(
            {
                "type": "scatter",
                "x": path_x,
                "y": path_y,
                "mode": "lines+markers",
                "name": _("target path"),
                "line": {"dash": "dash", "color": TARGET_COLOUR},
                "marker": {"symbol": "diamond", "size": 9, "color": TARGET_COLOUR},
                "text": ([_("baseline")] if len(path_x) > len(progress.targets) else [])
                + [target.phrase for target in progress.targets],
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    years = sorted(y for y, a in progress.actuals.items() if a.value is not None)
    if years:
        approved = [progress.actuals[y].status == Actual.Status.APPROVED for y in years]
        data.append(
            {
                "type": "scatter",
                "x": years,
                "y": [_number(progress.actuals[y].value) for y in years],
                "mode": "lines+markers",
                "name": _("actual"),
                "line": {"color": ACTUAL_COLOUR},
                "marker": {
                    "size": 9,
                    "color": ACTUAL_COLOUR,
                    # Figures not yet approved are drawn hollow.
                    "symbol": ["circle" if ok else "circle-open" for ok in approved],
                },
            }
        )
    y_title = indicator.unit
    if indicator.direction == Direction.LOWER_IS_BETTER:
        y_title = f"{indicator.unit} ({_('lower is better')})".strip()
    layout = base_layout(y_title=y_title)
    return {"data": data, "layout": layout}


def indicator_chart_summary(progress: IndicatorProgress) -> str:
    """Return a one-sentence text alternative of the indicator's chart."""
    parts = [
        _("Targets: %s.") % "; ".join(f"{t.year}: {t.phrase}" for t in progress.targets)
        if progress.targets
        else _("No target.")
    ]
    values = [
        f"{year}: {a.value.normalize():f}".replace(".", ",")
        for year, a in sorted(progress.actuals.items())
        if a.value is not None
    ]
    parts.append(_("Actuals: %s.") % "; ".join(values) if values else _("No figure reported."))
    return " ".join(parts)


PROVINCE_COLOURS = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997"]


def comparison_figure(concept, series) -> dict:
    """Return one chart with each plan's actuals (solid) and targets (dashed) for a concept."""
    data = []
    for index, item in enumerate(series):
        colour = PROVINCE_COLOURS[index % len(PROVINCE_COLOURS)]
        label = f"{item.plan.province} — {item.progress.indicator.scope or item.plan.first_year}"
        targets = item.progress.targets
        if targets:
            data.append(
                {
                    "type": "scatter",
                    "x": [t.year for t in targets],
                    "y": [float(t.value) for t in targets],
                    "text": [t.phrase for t in targets],
                    "mode": "lines+markers",
                    "name": f"{label}: {_('target')}",
                    "line": {"dash": "dash", "color": colour},
                    "marker": {"symbol": "diamond", "color": colour},
                    "hovertemplate": "%{text}<extra>%{fullData.name}</extra>",
                }
            )
        years = sorted(y for y, a in item.progress.actuals.items() if a.value is not None)
        if years:
            data.append(
                {
                    "type": "scatter",
                    "x": years,
                    "y": [float(item.progress.actuals[y].value) for y in years],
                    "mode": "lines+markers",
                    "name": f"{label}: {_('actual')}",
                    "line": {"color": colour},
                    "marker": {"color": colour},
                }
            )
    return {"data": data, "layout": base_layout(title=concept.name, y_title=concept.unit)}
