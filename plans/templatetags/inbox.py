"""The inbox on the home page and its count in the navigation bar.

Both read one Inbox per request (plans.inbox). The navigation bar costs the plans and
plan-years of the user's provinces (two queries) on every page, and nothing for a user who
enters and approves nothing in a province. The home page adds the unread notices and, for a
national leader, the reporting status of every province.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from plans import access
from plans.inbox import Inbox, acts_in_province, inbox_for, unread_notices

register = template.Library()

_CACHE = "_ictplan_inbox"  # (whole, Inbox) on the request


def _inbox(request, *, whole: bool) -> Inbox | None:
    """Return the request's inbox, computed once; None for the badge of a user without items."""
    cached = getattr(request, _CACHE, None)
    user = request.user
    if not whole:
        if cached is None:
            if not acts_in_province(user):
                return None
            cached = (False, inbox_for(user, everywhere=False))
            setattr(request, _CACHE, cached)
        return cached[1]
    if cached is not None and cached[0]:
        return cached[1]
    # The badge's inbox already holds all but a national leader's provinces and the notices.
    if cached is not None and not user.has_perm(access.VIEW_ALL):
        inbox = cached[1]
    else:
        inbox = inbox_for(user)
    unread_notices(inbox, user)
    setattr(request, _CACHE, (True, inbox))
    return inbox


@register.simple_tag(takes_context=True)
def inbox_of_request(context) -> Inbox | None:
    """Return the whole inbox of the page's user, for the home page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return _inbox(request, whole=True)


@register.simple_tag(takes_context=True)
def inbox_badge(context) -> str:
    """Return the navigation bar's link to the inbox with the number of items, if any."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    inbox = _inbox(request, whole=False)
    if inbox is None or not inbox.count:
        return ""
    return format_html(
        '<a class="nav-link" href="{}#inbox" data-testid="inbox-count">{} '
        '<span class="badge rounded-pill text-bg-warning">{}</span></a>',
        reverse("plans:home"),
        _("To do"),
        inbox.count,
    )
