"""Plotly figure of planned against disbursed money, stacked by funding source (plain dicts)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.charts import base_layout

SOURCE_COLOURS = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"]


def _period_key(label: str) -> tuple[int, int]:
    first, _sep, last = label.partition("-")
    return int(first), int(last or first)


def budget_figure(cells: dict) -> dict:
    """Return bars per period: planned and disbursed side by side, each stacked by source.

    `cells` maps (period label, "planned" | "disbursed", source) to an amount in triệu đồng.
    Spans ("2011-2015") are their own periods: the documents do not split them by year.
    """
    periods = sorted({period for period, _kind, _source in cells}, key=_period_key)
    sources = sorted({source for _p, _k, source in cells}, key=lambda s: (s.position, s.code))
    kinds = [("planned", _("Planned")), ("disbursed", _("Disbursed"))]
    data = []
    for index, source in enumerate(sources):
        colour = SOURCE_COLOURS[index % len(SOURCE_COLOURS)]
        for kind, kind_label in kinds:
            x_period, x_kind, y = [], [], []
            for period in periods:
                amount = cells.get((period, kind, source))
                if amount is None:
                    continue
                x_period.append(period)
                x_kind.append(kind_label)
                y.append(float(amount))
            if not y:
                continue
            data.append(
                {
                    "type": "bar",
                    "x": [x_period, x_kind],
                    "y": y,
                    "name": f"{source.short_name} — {kind_label}",
                    "legendgroup": source.code,
                    "marker": {
                        "color": colour,
                        "pattern": {"shape": "/" if kind == "disbursed" else ""},
                    },
                    "hovertemplate": "%{y:,.0f} "
                    + _("million VND")
                    + "<extra>%{fullData.name}</extra>",
                }
            )
    layout = base_layout(y_title=_("million VND"))
    layout["barmode"] = "stack"
    layout["xaxis"] = {"type": "multicategory", "title": {"text": _("Period")}}
    layout["height"] = 380
    return {"data": data, "layout": layout}


def total(cells: dict, kind: str) -> Decimal:
    return sum((amount for (_p, k, _s), amount in cells.items() if k == kind), Decimal(0))
