"""Parts of pages kept between two changes of the country's data.

A national leader's home, comparison, agency list and the national matrix show every province.
Checking each plan's version to learn whether a kept part is still current reads every plan
of the country on each request, so these pages grew with the country (docs/benchmark.md).
They are kept instead under the country's version (plans.models.CountryVersion), which every
write bumps in its own transaction: one read of one row says whether the kept part is current.

The country's parts are kept for viewers who reach every province (national leaders,
administrators), for the figures they see; what depends on the viewer (their items, notices,
links to act) is not in them. A part may also be one person's (the number of items in the
navigation bar: plans.inbox.item_count), named after them. A part is valid for one day only
(what is due or late moves with the date), and for the code that rendered it. Parts live in
the database, beside the version: a transaction rolled back takes its parts with it, and a
database restored from a backup comes back with the parts of its own version.
"""

import hashlib
from collections.abc import Callable

from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import get_language

from plans import access
from plans.dashboards import RULES_FINGERPRINT
from plans.models import CountryVersion, KeptPart


def reaches_country(user) -> bool:
    """Return whether `user` reaches every province: the one viewer of the country's parts."""
    return access.reach(user) is access.ALL


def kept(name: str, *, code: str, render: Callable[[], str], rests_on: str) -> str:
    """Return the part `name` as rendered for the country's current version, rendering it
    with `render()` only when what is kept is older, of another day or of other `code`.

    `rests_on` names the counter of CountryVersion the part depends on (APPROVED for a part
    showing approved figures only: drafts and submissions keep it). Queries: one when kept;
    otherwise those of `render` and one write.
    """
    language = get_language()
    fingerprint = f"{rests_on}:{_fingerprint(code)}"
    part = KeptPart.objects.filter(name=name, language=language)
    # One query: the version with the part kept for this view, if any.
    row = (
        CountryVersion.objects.filter(pk=CountryVersion.ROW)
        .annotate(
            kept_fingerprint=Subquery(part.values("fingerprint")[:1]),
            kept_body=Subquery(part.values("body")[:1]),
        )
        .values_list(rests_on, "kept_fingerprint", "kept_body")
        .first()
    )
    version, kept_fingerprint, body = row or (0, None, None)  # no row: never written to
    if kept_fingerprint == f"{fingerprint}:{version}":
        return body
    # The version was read before the data: a write landing in between leaves a part newer
    # than its version says, which the next reader renders again; never one older.
    body = str(render())
    KeptPart.objects.bulk_create(
        [KeptPart(name=name, language=language, fingerprint=f"{fingerprint}:{version}", body=body)],
        update_conflicts=True,
        unique_fields=["name", "language"],
        update_fields=["fingerprint", "body", "computed_at"],
    )
    return body


def _fingerprint(code: str) -> str:
    day = timezone.localdate().isoformat()
    return hashlib.sha256(f"{RULES_FINGERPRINT}|{code}|{day}".encode()).hexdigest()[:32]
