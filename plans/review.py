"""The leader's review of a plan-year: its rows as the review screen shows them, and the
return of the year with a comment per row.

Verdicts and percents come from indicators.selectors.progress_of, as on the dashboards and
the year view; nothing here judges a figure.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from indicators.models import Actual, EvidenceFile, Indicator, ReviewComment, Target
from indicators.selectors import IndicatorProgress, progress_of, with_progress_data
from plans import services
from plans.fields import NOTE_LIMIT
from plans.models import Plan, PlanYear, Section
from plans.text import clean_text
from plans.workflow import EntryRefused, plan_year_locked

FOREIGN_ROW_MESSAGE = gettext_lazy(
    "A row comment names an indicator that is not in this plan; nothing was returned."
)


@dataclass
class ReviewRow:
    """One indicator of the plan-year under review, with all a leader judges it by."""

    indicator: Indicator
    progress: IndicatorProgress  # judged in the year reviewed, from the figures shown
    target: Target | None  # the target that applies in the year (achievement.applicable_target)
    current: Actual | None  # the figure of the year, with who entered it and its files
    previous: Actual | None  # last year's figure
    comment: ReviewComment | None  # the leader's comment at the year's last return
    typed: str = ""  # set by the view: what the leader typed in a refused return

    @property
    def target_is_own(self) -> bool:
        return self.target is not None and self.target.year == self.progress.as_of

    @property
    def percent(self):
        """Return the percent of the target reached, as the dashboards show it; None if none."""
        status = self.progress.status
        return status.assessment.percent if status and status.assessment else None


@dataclass
class ReviewSection:
    section: Section | None
    rows: list[ReviewRow]


def review_rows(plan: Plan, year: int, *, statuses) -> list[ReviewSection]:
    """Return the plan's indicators grouped by section, each judged in `year`.

    Only figures with one of `statuses` (the viewer's drafts rule) are shown and judged. Six
    queries whatever the plan's size: indicators with sections, their targets, the figures up
    to `year` (for the verdict), the figures of `year` and the year before with who entered
    them, their evidence files, and the review comments of `year`.
    """
    files = EvidenceFile.objects.select_related("uploaded_by").order_by("pk")
    shown = (
        Actual.objects.filter(year__in=[year - 1, year], status__in=statuses)
        .select_related("entered_by")
        .prefetch_related(Prefetch("evidence_files", queryset=files))
    )
    indicators = with_progress_data(
        Indicator.objects.filter(plan=plan), statuses=statuses, up_to_year=year
    ).prefetch_related(
        Prefetch("actuals", queryset=shown, to_attr="reviewed_actuals"),
        Prefetch(
            "review_comments",
            queryset=ReviewComment.objects.filter(year=year).select_related("written_by"),
            to_attr="year_comments",
        ),
    )
    groups: list[ReviewSection] = []
    for indicator in indicators.order_by("section__position", "section__code", "position", "code"):
        indicator.plan = plan  # the page's plan, with its texts: none is read again
        by_year = {actual.year: actual for actual in indicator.reviewed_actuals}
        progress = progress_of(indicator, as_of=year, statuses=statuses)
        row = ReviewRow(
            indicator=indicator,
            progress=progress,
            target=progress.target,
            current=by_year.get(year),
            previous=by_year.get(year - 1),
            comment=indicator.year_comments[0] if indicator.year_comments else None,
        )
        if not groups or groups[-1].section != indicator.section:
            groups.append(ReviewSection(indicator.section, []))
        groups[-1].rows.append(row)
    return groups


def open_review_comments(plan_year: PlanYear) -> dict[int, ReviewComment]:
    """Return the comments staff still have to act on in `plan_year`, by indicator id.

    One query, none for a year that is not returned (ReviewComment.is_open).
    """
    if plan_year.pk is None or plan_year.status != PlanYear.Status.RETURNED:
        return {}
    comments = ReviewComment.objects.filter(
        indicator__plan_id=plan_year.plan_id, year=plan_year.year
    ).select_related("written_by")
    return {c.indicator_id: c for c in comments if c.is_open(plan_year)}


def _row_comments_checked(plan: Plan, row_comments: Mapping[int, str]) -> dict[int, str]:
    """Return the non-blank row comments, cleaned; refuse one on another plan or too long."""
    texts = {pk: clean_text(text) for pk, text in row_comments.items()}
    texts = {pk: text for pk, text in texts.items() if text}
    if any(len(text) > NOTE_LIMIT for text in texts.values()):
        raise EntryRefused(
            _("A comment or reason has at most %(limit)s characters.") % {"limit": NOTE_LIMIT}
        )
    known = set(Indicator.objects.filter(plan=plan, pk__in=texts).values_list("pk", flat=True))
    if set(texts) - known:
        raise EntryRefused(FOREIGN_ROW_MESSAGE)
    return texts


@transaction.atomic
def plan_year_return_with_comments(
    *, plan: Plan, year: int, user, comment: str, row_comments: Mapping[int, str]
) -> PlanYear:
    """Return the plan-year to staff with an overall comment and a comment per row.

    `row_comments` maps indicator ids of `plan` to text; blank ones are dropped. The comments
    replace those of the year's previous return, before the return itself, so that its notice
    carries them. All or nothing: a refused return (no overall comment, year not submitted)
    keeps the previous comments and writes none.
    """
    texts = _row_comments_checked(plan, row_comments)
    plan_year_locked(plan, year)  # one leader's return at a time: the next waits for this one
    reason = clean_text(comment) or _("Returned")
    for old in ReviewComment.objects.filter(indicator__plan=plan, year=year):
        # One by one, so that each removal's history names the leader and the return.
        old._history_user, old._change_reason = user, reason
        old.delete()
    now = timezone.now()
    bulk_create_with_history(
        [
            ReviewComment(indicator_id=pk, year=year, text=text, written_by=user, written_at=now)
            for pk, text in sorted(texts.items())
        ],
        ReviewComment,
        default_user=user,
        default_change_reason=reason,
        default_date=now,
    )
    return services.plan_year_return(plan=plan, year=year, user=user, comment=comment)
