"""Middleware of the whole site."""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)

# Seconds a browser or monitor is told to wait: a PostgreSQL restart takes a few.
RETRY_AFTER_SECONDS = 30


def _remember_database_error(sender, request=None, **kwargs):
    """Mark `request` when the exception Django is turning into a 500 is a database error.

    Django converts an exception raised inside any middleware into a 500 response right there,
    so an outer middleware never sees it; this signal, sent while the exception is being
    handled, is the only place it can still be read.
    """
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        request.database_error = error


got_request_exception.connect(_remember_database_error, dispatch_uid="ictplan-database-error")


class DatabaseUnavailableMiddleware:
    """Answer 503 "try again in a moment" while the database is unreachable.

    A view (or template) that hits a dropped connection gets the page through
    `process_exception`; a middleware further in (sessions, authentication, messages) gets it
    through `__call__`, which swaps the 500 Django produced for it. Either way the broken
    connection is closed so the next request opens a fresh one. The page is a standalone
    template that reads nothing from the database. With DEBUG on, Django's debug page shows
    instead, so a developer sees the real cause (say, a missing migration on SQLite).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, "database_error", None)
        if response.status_code == 500 and error is not None and not settings.DEBUG:
            return self.unavailable(request, error)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS) and not settings.DEBUG:
            return self.unavailable(request, exception)
        return None

    def unavailable(self, request, error):
        """Return the 503 page after closing the connections the error left broken."""
        logger.warning("Database unavailable, answered 503 for %s", request.path, exc_info=error)
        for connection in connections.all(initialized_only=True):
            # Only the connection that raised carries errors_occurred; a healthy one (a
            # deadlock victim, say) passes Django's own usability check and stays open.
            if connection.errors_occurred:
                connection.close_if_unusable_or_obsolete()
        # LocaleMiddleware may not have run yet; its choice (cookie, browser) needs no database.
        language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(
            request
        )
        with translation.override(language):
            # No request in the context: context processors (user, messages) stay out of it.
            content = loader.render_to_string("503.html", {"LANGUAGE_CODE": language})
        response = HttpResponse(content, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        return response
