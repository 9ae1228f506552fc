"""What the home page shows, read from its HTML as a leader reads it.

A national leader's home is kept as HTML (plans.kept_parts): its tests read the page, not
the objects it was rendered from.
"""

import html
import re

_GROUP = re.compile(r'<h2 class="h4" id="province-[^"]*">\s*([^<]*?)\s*(?:<small|</h2>)')
_ROW = re.compile(r'<tr data-plan="([^"]+)">(.*?)</tr>', re.S)
_STATUS = re.compile(r'data-status="([^"]+)"[^>]*>(\d*)</td>')


def province_names(page: str) -> list[str]:
    """Return the heading of each province group, in the page's order."""
    return [html.unescape(name) for name in _GROUP.findall(page)]


def plan_slugs(page: str) -> set[str]:
    return {slug for slug, _row in _ROW.findall(page)}


def status_counts(page: str, slug: str) -> dict[str, int]:
    """Return the non-zero verdict counts of the plan `slug`'s row."""
    for found, row in _ROW.findall(page):
        if found == slug:
            return {code: int(n) for code, n in _STATUS.findall(row) if n and int(n)}
    raise AssertionError(f"{slug} not on the home page")


def money(page: str, slug: str) -> str:
    """Return the plan's "disbursed / planned (percent)" cell as the page writes it."""
    for found, row in _ROW.findall(page):
        if found == slug:
            # The last of the "a / b" cells: qualitative objectives come before it.
            cells = re.findall(r'data-label="[^"]*"[^>]*>([^<]*/[^<]*)</td>', row)
            return html.unescape(cells[-1])
    raise AssertionError(f"{slug} not on the home page")
