"""Admin behaviour shared by every app."""

from plans.text import fold


class FoldedSearchMixin:
    """Search accent-blind: "hau giang" and "HẬU" both find "Hậu Giang" on SQLite and PostgreSQL.

    `search_fields` name FoldedField columns (or plain ASCII codes); the term is folded the
    same way the columns are.
    """

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
