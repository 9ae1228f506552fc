import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from plans.numbers import format_figure

register = template.Library()


@register.filter
def figure(value):
    """Show a stored Decimal figure in the active language's notation: 1.093.410 or 0,85."""
    return format_figure(value)


@register.filter
def year(value):
    """Show a year without a thousands separator: 2013, never 2.013."""
    return "" if value is None else str(value)


@register.filter
def shown(value):
    """Show any recorded value: Decimals as figures, None as a dash, the rest as text."""
    from decimal import Decimal

    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return format_figure(value)
    return value


@register.filter
def status_badge(code):
    """Show a status as a coloured badge with a symbol and its name (readable without colour)."""
    from plans.tables import status_badge as badge

    return badge(code)


@register.simple_tag
def status_columns():
    """Return (code, symbol, word) for every indicator status, best first: the home columns."""
    from indicators.achievement import Status
    from indicators.status_look import label_of, look_of

    return [(code, look_of(code).symbol, label_of(code)) for code in Status.values]


@register.filter
def get_item(mapping, key):
    """Return mapping[key], or None: lets a template read a dict by a variable key."""
    return mapping.get(key) if mapping else None


# json_script's escapes, done with three replaces: its str.translate walks a dashboard's
# 100 kB of chart JSON character by character in Python (about 18 ms), replace in C (0.4 ms).
_JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"))


@register.filter(is_safe=True)
def json_blob(value, element_id):
    """Return exactly what json_script returns: the JSON in a <script type="application/json">."""
    text = json.dumps(value, cls=DjangoJSONEncoder)
    for character, escaped in _JSON_ESCAPES:
        text = text.replace(character, escaped)
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )


@register.simple_tag
def work_progress(progress) -> str:
    """Return a project's or duty's latest progress and its years, from its progress by year.

    Written here rather than by an included template: the dashboard shows it on every row.
    """
    from django.utils.translation import gettext as _

    if not progress:
        return format_html('<small class="text-muted">{}</small>', _("no progress reported"))
    latest = progress[-1]
    html = format_html(
        '<span class="badge text-bg-{}" data-testid="work-state" title="{}">{} ({})</span>',
        latest.tone,
        latest.account,
        latest.state_title,
        latest.year,
    )
    if latest.state == latest.State.STOPPED and latest.reason:
        html += format_html(' <small class="text-danger">{}</small>', latest.reason)
    if len(progress) > 1:
        years = " · ".join(
            f"{item.year}: {item.get_state_display()}{'' if item.status == 'approved' else '*'}"
            for item in progress
        )
        html += format_html(
            '<br><small class="text-muted" data-testid="work-timeline">{}</small>', years
        )
    return html
