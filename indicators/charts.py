"""Plotly figures of an indicator's figures against its target path, as plain dicts.

Built by hand rather than through plotly.graph_objects: validation costs milliseconds per
figure, and a dashboard draws a hundred. tests/indicators/test_charts.py validates the dicts
with plotly itself.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.achievement import reference_value
from indicators.models import Actual, Comparator, Direction, Indicator
from indicators.selectors import IndicatorProgress
from indicators.status_look import label_of

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


def _band(xs: list[int], low: Decimal, high: Decimal, name: str) -> list[dict]:
    """Return the two traces that shade a target band between `low` and `high` over `xs`."""
    edge = {"type": "scatter", "x": xs, "mode": "lines", "line": {"width": 0}, "hoverinfo": "skip"}
    return [
        {**edge, "y": [float(low)] * 2, "showlegend": False},
        {**edge, "y": [float(high)] * 2, "fill": "tonexty", "fillcolor": BAND_COLOUR, "name": name},
    ]


def _period(target, first_year: int) -> list[int]:
    return [target.period_start or first_year, target.year]


def indicator_figure(progress: IndicatorProgress, *, first_year: int) -> dict:
    """Return the figure of one indicator: its figures against the same target path as its status.

    The path and the figures come from the achievement rules (IndicatorProgress.path and
    .figures), so the chart, the status and the workbook tell one story: increments are drawn
    cumulative, a yearly rate as its target over the target's period.
    """
    indicator = progress.indicator
    rate = indicator.aggregation == Indicator.Aggregation.YEARLY_RATE
    data = []
    for target in progress.targets:
        label = _("target %(phrase)s (%(period)s)") % {
            "phrase": target.phrase,
            "period": "–".join(str(y) for y in dict.fromkeys(_period(target, first_year))),
        }
        if target.comparator == Comparator.RANGE:
            data.extend(_band(_period(target, first_year), target.value, target.upper_value, label))
        elif rate:
            value = float(reference_value(target, indicator.direction))
            data.append(
                {
                    "type": "scatter",
                    "x": _period(target, first_year),
                    "y": [value, value],
                    "mode": "lines+markers",
                    "name": label,
                    "line": {"dash": "dash", "color": TARGET_COLOUR},
                    "marker": {"symbol": "diamond", "size": 9, "color": TARGET_COLOUR},
                }
            )
    path = progress.path
    if path:
        start_label = _("baseline") if indicator.baseline_year is not None else _("first figure")
        phrases = {t.year: t.phrase for t in progress.targets}
        data.append(
            {
                "type": "scatter",
                "x": [p.year for p in path],
                "y": [float(p.value) for p in path],
                "mode": "lines+markers",
                "name": _("target path"),
                "line": {"dash": "dash", "color": TARGET_COLOUR},
                "marker": {"symbol": "diamond", "size": 9, "color": TARGET_COLOUR},
                "text": [phrases[p.year] if p.is_target else start_label for p in path],
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    figures = progress.figures
    if figures:
        years = list(figures)
        approved = [progress.actuals[y].status == Actual.Status.APPROVED for y in years]
        name = _("actual")
        if indicator.aggregation == Indicator.Aggregation.INCREMENT:
            name = _("actual (cumulative)")
        data.append(
            {
                "type": "scatter",
                "x": years,
                "y": [float(figures[y]) for y in years],
                # Each point names its verdict, the same word as the table's status column.
                "text": [label_of(progress.status_in(y).status) for y in years],
                "hovertemplate": "%{y}: %{text}<extra>%{fullData.name}</extra>",
                "mode": "lines+markers",
                "name": name,
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
    """Return one chart with each plan's actuals (solid) and targets (dashed) for a concept.

    Every series is drawn in the concept's unit (plans.dashboards.ConceptSeries converts it); a
    series whose unit does not convert is left out and named in a note above the chart.
    """
    data = []
    left_out = []
    for index, item in enumerate(series):
        indicator = item.progress.indicator
        if not item.convertible:
            left_out.append(f"{item.plan.province.label} — {indicator.code} (“{indicator.unit}”)")
            continue
        colour = PROVINCE_COLOURS[index % len(PROVINCE_COLOURS)]
        label = f"{item.plan.province.label} — {indicator.scope or item.plan.first_year}"
        targets = item.targets_in_concept_unit
        if targets:
            data.append(
                {
                    "type": "scatter",
                    "x": [year for year, _value, _phrase in targets],
                    "y": [float(value) for _year, value, _phrase in targets],
                    # The phrase as printed, in its own unit ("từ 1 Gbps trở lên").
                    "text": [phrase for _year, _value, phrase in targets],
                    "mode": "lines+markers",
                    "name": f"{label}: {_('target')}",
                    "line": {"dash": "dash", "color": colour},
                    "marker": {"symbol": "diamond", "color": colour},
                    "hovertemplate": "%{text}<extra>%{fullData.name}</extra>",
                }
            )
        actuals = item.actuals_in_concept_unit
        if actuals:
            data.append(
                {
                    "type": "scatter",
                    "x": [year for year, _value in actuals],
                    "y": [float(value) for _year, value in actuals],
                    "mode": "lines+markers",
                    "name": f"{label}: {_('actual')}",
                    "line": {"color": colour},
                    "marker": {"color": colour},
                }
            )
    layout = base_layout(title=concept.name, y_title=concept.unit)
    if left_out:
        layout["margin"]["t"] = 70
        layout["annotations"] = [
            {
                "text": _("Not drawn, their unit does not convert to “%(unit)s”: %(series)s.")
                % {"unit": concept.unit, "series": "; ".join(left_out)},
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": 4,
                "showarrow": False,
                "font": {"size": 11, "color": "#dc3545"},
            }
        ]
    return {"data": data, "layout": layout}


def ranking_figure(concept, bars) -> dict:
    """Return one concept's ranking: a horizontal bar per province row, best at the top.

    `bars` come from indicators.national.NationalMatrix.ranking(): figures already in the
    concept's unit, best first; each target is a diamond on its bar, drawn in the same unit.
    """
    labels = [bar.label for bar in bars]
    words = [label_of(bar.status_code) for bar in bars]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": [float(bar.figure) for bar in bars],
            "y": labels,
            "name": _("actual"),
            "marker": {"color": ACTUAL_COLOUR},
            "text": words,
            "textposition": "none",  # the status word in the hover only: bars stay legible
            "hovertemplate": "%{y}: %{x} (%{text})<extra></extra>",
        }
    ]
    targets = [bar for bar in bars if bar.target_value is not None]
    if targets:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [float(bar.target_value) for bar in targets],
                "y": [bar.label for bar in targets],
                # The phrase as printed, in its own unit ("trên 90%").
                "text": [bar.target_phrase for bar in targets],
                "name": _("target"),
                "marker": {"symbol": "diamond", "size": 11, "color": TARGET_COLOUR},
                "hovertemplate": "%{y}: %{text}<extra>%{fullData.name}</extra>",
            }
        )
    x_title = concept.unit
    if concept.direction == Direction.LOWER_IS_BETTER:
        x_title = f"{concept.unit} ({_('lower is better')})".strip()
    layout = base_layout(title=concept.name)
    layout.update(
        {
            "height": 120 + 32 * len(bars),
            "margin": {"l": 20, "r": 20, "t": 60, "b": 50},
            "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom"},
            "xaxis": {"title": {"text": x_title}, "rangemode": "tozero"},
            # The first bar (the best) at the top; long province labels get the room they need.
            "yaxis": {"autorange": "reversed", "automargin": True},
            "hovermode": "closest",
        }
    )
    return {"data": data, "layout": layout}
