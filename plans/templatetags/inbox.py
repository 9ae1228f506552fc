"""The inbox on the home page and its count in the navigation bar.

The home page reads the user's whole Inbox (plans.inbox): items, unread notices and, for a
leader, the reporting status. The navigation bar shows on every page only the number of
items, kept between two writes (plans.inbox.item_count), and costs nothing for a user who
enters and approves nothing in a province.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from plans.inbox import Inbox, acts_in_province, inbox_for, item_count, unread_notices

register = template.Library()

INBOX = "_ictplan_inbox"  # the request's inbox, read once


@register.simple_tag(takes_context=True)
def inbox_of_request(context) -> Inbox | None:
    """Return the whole inbox of the page's user, for the home page."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    inbox = getattr(request, INBOX, None)
    if inbox is None:
        inbox = unread_notices(inbox_for(request.user), request.user)
        setattr(request, INBOX, inbox)
    return inbox


@register.simple_tag(takes_context=True)
def inbox_badge(context) -> str:
    """Return the navigation bar's link to the inbox with the number of items, if any."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    user = request.user
    count = item_count(user) if acts_in_province(user) else 0
    if not count:
        return ""
    return format_html(
        '<a class="nav-link" href="{}#inbox" data-testid="inbox-count">{} '
        '<span class="badge rounded-pill text-bg-warning">{}</span></a>',
        reverse("plans:home"),
        _("To do"),
        count,
    )
