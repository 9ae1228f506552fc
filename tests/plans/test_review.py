"""The leader's review screen: every row with its verdict, and a return with a comment per row.

World (tests/plans/conftest.py): plan A of Hậu Giang (2011-2015) with VT-1 Internet (%, target
"trên 90%" in 2015), VT-2 Trạm BTS and VT-3 Mạng lõi NGN (qualitative); plan B of Sóc Trăng.
"""

import html
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from indicators.achievement import Status, TargetFacts, year_status
from indicators.models import Actual, Comparator, ReviewComment
from plans import services
from plans.models import Notice, PlanYear
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2013
LONG_NOTE = "Số liệu từ báo cáo của Sở TT&TT. " * 12 + "Hết ghi chú."  # far past any cut


def review_url(world, year=YEAR, name="plans:review"):
    return reverse(name, args=[world.plan_a.slug, year])


def seed_and_submit(world):
    """Give plan A a 2013 figure for each indicator (VT-1 with last year's too), and submit."""
    staff = world.users["staff_a"]
    f.actual(world.percent, year=YEAR - 1, value="30", entered_by=staff)
    internet = f.actual(
        world.percent,
        year=YEAR,
        value="40",
        note=LONG_NOTE,
        evidence="Công văn 123/STTTT",
        entered_by=staff,
    )
    f.evidence_file(internet, name="bao-cao-2013.pdf", uploaded_by=staff)
    f.target(world.count, year=YEAR, phrase="từ 100 trạm", comparator=Comparator.GTE, value="100")
    f.actual(world.count, year=YEAR, value="120", entered_by=staff)
    f.actual(world.qualitative, year=YEAR, value=None, progress=Actual.Progress.IN_PROGRESS)
    services.plan_year_submit(plan=world.plan_a, year=YEAR, user=staff)
    return internet


def row_html(page: str, code: str) -> str:
    """Return the HTML of the review table's row of indicator `code`."""
    found = re.search(rf'<tr data-indicator="{re.escape(code)}".*?</tr>', page, re.S)
    assert found, code
    return found.group(0)


def cell(row: str, testid: str) -> str:
    """Return the text of the row's cell `testid`, tags dropped, blanks folded."""
    found = re.search(rf'<td[^>]*data-testid="{testid}"[^>]*>(.*?)</td>', row, re.S)
    assert found, testid
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()))


def test_the_page_shows_each_column_of_a_figure(world, as_user):
    internet = seed_and_submit(world)
    file = internet.evidence_files.get()
    response = as_user(world.users["leader_a"]).get(review_url(world))
    assert response.status_code == 200
    row = row_html(response.content.decode(), "VT-1")
    assert "Internet" in row
    assert cell(row, "unit") == "%"
    assert "trên 90%" in cell(row, "target") and "mốc 2015" in cell(row, "target")
    assert cell(row, "figure").startswith("40 ")
    assert cell(row, "previous") == "30"
    assert cell(row, "note") == LONG_NOTE.strip()
    assert "Công văn 123/STTTT" in cell(row, "evidence")
    assert "bao-cao-2013.pdf" in cell(row, "evidence")
    assert reverse("indicators:evidence-download", args=[file.pk]) in row
    assert cell(row, "entered-by").startswith("staff_a ")


def test_verdict_and_percent_are_those_of_the_achievement_rules(world, as_user):
    seed_and_submit(world)
    page = as_user(world.users["leader_a"]).get(review_url(world)).content.decode()
    cases = [
        # Between milestones: judged against the path to 2015 from the first figure (2012).
        ("VT-1", world.percent, {2012: Decimal(30), 2013: Decimal(40)}),
        # The milestone's own year: measured against the target itself.
        ("VT-2", world.count, {2013: Decimal(120)}),
    ]
    for code, indicator, values in cases:
        expected = year_status(
            direction=indicator.direction,
            aggregation=indicator.aggregation,
            targets=[TargetFacts.of(t) for t in indicator.targets.all()],
            values_by_year=values,
            year=YEAR,
        )
        row = row_html(page, code)
        assert f'data-status="{expected.status}"' in row, code
        percent = f"{expected.assessment.percent:.2f}".replace(".", ",").rstrip("0").rstrip(",")
        assert cell(row, "percent") == f"{percent}%", code
    assert f'data-status="{Status.ACHIEVED}"' in row_html(page, "VT-2")
    assert cell(row_html(page, "VT-2"), "percent") == "120%"


def test_users_of_other_provinces_get_404(world, as_user):
    seed_and_submit(world)
    leader_b = f.user(f.LEADER, world.province_b, "leader_b")
    for user in (world.users["staff_b"], leader_b, world.users["staff_unrelated"]):
        assert as_user(user).get(review_url(world)).status_code == 404, user
        returned = as_user(user).post(review_url(world, name="plans:review-return"), {})
        assert returned.status_code == 404


def test_staff_see_the_review_but_cannot_return(world, as_user):
    seed_and_submit(world)
    client = as_user(world.users["staff_a"])
    page = client.get(review_url(world))
    assert page.status_code == 200
    assert 'data-testid="return"' not in page.content.decode()
    response = client.post(
        review_url(world, name="plans:review-return"),
        {"comment": "Sai", f"row-{world.percent.pk}": "Sửa"},
    )
    assert response.status_code == 403
    assert PlanYear.objects.get(plan=world.plan_a, year=YEAR).status == PlanYear.Status.SUBMITTED
    assert not ReviewComment.objects.exists()


def test_return_stores_row_comments_and_the_notice_carries_them(
    world, as_user, django_capture_on_commit_callbacks
):
    seed_and_submit(world)
    staff = world.users["staff_a"]
    staff.email = "staff_a@example.vn"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.users["leader_a"]).post(
            review_url(world, name="plans:review-return"),
            {
                "comment": "Cần bổ sung minh chứng",
                f"row-{world.percent.pk}": "Kiểm tra lại tỷ lệ",
                f"row-{world.count.pk}": "  ",  # blank: no comment on this row
            },
        )
    assert response.status_code == 302
    plan_year = PlanYear.objects.get(plan=world.plan_a, year=YEAR)
    assert (plan_year.status, plan_year.comment) == ("returned", "Cần bổ sung minh chứng")
    (comment,) = ReviewComment.objects.all()
    assert (comment.indicator, comment.year, comment.text, comment.written_by) == (
        world.percent,
        YEAR,
        "Kiểm tra lại tỷ lệ",
        world.users["leader_a"],
    )
    assert comment.history.get().history_user == world.users["leader_a"]
    notice = Notice.objects.get(recipient=staff, kind=Notice.Kind.RETURNED)
    assert "Cần bổ sung minh chứng" in notice.message
    assert "VT-1. Internet: Kiểm tra lại tỷ lệ" in notice.message
    (sent,) = [m for m in mail.outbox if m.to == ["staff_a@example.vn"]]
    assert "Ý kiến theo từng chỉ tiêu" in sent.body
    assert "VT-1. Internet: Kiểm tra lại tỷ lệ" in sent.body


def comments_and_status(world):
    plan_year = PlanYear.objects.get(plan=world.plan_a, year=YEAR)
    return list(ReviewComment.objects.values_list("text", flat=True)), plan_year.status


BAD_RETURNS = [
    pytest.param(
        lambda w: {"comment": "   ", f"row-{w.percent.pk}": "Sửa"},
        "Hãy ghi lý do trả lại số liệu.",
        id="empty-overall-comment",
    ),
    pytest.param(
        lambda w: {"comment": "Sai", f"row-{w.percent.pk}": "Sửa", f"row-{w.b_indicator.pk}": "X"},
        "không thuộc kế hoạch này",
        id="row-of-another-plan",
    ),
    pytest.param(
        lambda w: {"comment": "Sai", "row-abc": "X"},
        "không thuộc kế hoạch này",
        id="malformed-row",
    ),
    pytest.param(
        lambda w: {"comment": "Sai", f"row-{w.percent.pk}": "x" * 2001},
        "tối đa 2000 ký tự",
        id="row-comment-too-long",
    ),
]


@pytest.mark.parametrize(("data", "message"), BAD_RETURNS)
def test_a_refused_return_says_why_in_vietnamese_and_changes_nothing(world, as_user, data, message):
    seed_and_submit(world)
    before = comments_and_status(world)
    response = as_user(world.users["leader_a"]).post(
        review_url(world, name="plans:review-return"), data(world)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert comments_and_status(world) == before == ([], "submitted")
    assert not Notice.objects.filter(kind=Notice.Kind.RETURNED).exists()


def test_a_refused_return_keeps_what_the_leader_typed(world, as_user):
    seed_and_submit(world)
    response = as_user(world.users["leader_a"]).post(
        review_url(world, name="plans:review-return"),
        {"comment": "", f"row-{world.percent.pk}": "Thiếu nguồn số liệu"},
    )
    assert ">Thiếu nguồn số liệu</textarea>" in response.content.decode()


def test_a_year_not_submitted_cannot_be_returned(world, as_user):
    f.actual(world.percent, year=YEAR, value="40")
    response = as_user(world.users["leader_a"]).post(
        review_url(world, name="plans:review-return"),
        {"comment": "Sai", f"row-{world.percent.pk}": "Sửa"},
    )
    assert response.status_code == 400
    assert "Chỉ trả lại được số liệu đã gửi duyệt" in response.content.decode()
    assert not ReviewComment.objects.exists()
    assert not PlanYear.objects.filter(plan=world.plan_a, year=YEAR).exists()


def return_with(world, client, rows: dict, comment="Cần sửa"):
    data = {"comment": comment} | {f"row-{ind.pk}": text for ind, text in rows.items()}
    response = client.post(review_url(world, name="plans:review-return"), data)
    assert response.status_code == 302


def entry_comments(client, world) -> dict[str, str]:
    page = client.get(reverse("indicators:entry", args=[world.plan_a.slug, YEAR])).content
    found = re.findall(
        r'<tr data-indicator="([^"]+)"(?:(?!</tr>).)*?'
        r'data-testid="row-comment"><strong>[^<]*</strong> ([^<]*)<',
        page.decode(),
        re.S,
    )
    return dict(found)


def test_staff_see_row_comments_on_the_entry_screen_until_they_submit_again(world, as_user):
    seed_and_submit(world)
    leader, staff = world.users["leader_a"], world.users["staff_a"]
    return_with(world, as_user(leader), {world.count: "Số trạm BTS chưa khớp"})
    assert entry_comments(as_user(staff), world) == {"VT-2": "Số trạm BTS chưa khớp"}

    services.plan_year_submit(plan=world.plan_a, year=YEAR, user=staff)
    assert entry_comments(as_user(staff), world) == {}
    # The leader still sees what they asked for at the last return, next to the answer.
    page = as_user(leader).get(review_url(world)).content.decode()
    assert "Số trạm BTS chưa khớp" in row_html(page, "VT-2")


def test_the_next_return_replaces_the_row_comments(world, as_user):
    seed_and_submit(world)
    leader, staff = as_user(world.users["leader_a"]), world.users["staff_a"]
    return_with(world, leader, {world.count: "Lần 1"})
    services.plan_year_submit(plan=world.plan_a, year=YEAR, user=staff)
    return_with(world, as_user(world.users["leader_a"]), {world.percent: "Lần 2"})
    assert list(ReviewComment.objects.values_list("indicator__code", "text")) == [("VT-1", "Lần 2")]
    removed = ReviewComment.history.filter(history_type="-").get()
    assert (removed.text, removed.history_user) == ("Lần 1", world.users["leader_a"])


def test_a_reopened_year_does_not_show_old_row_comments(world, as_user):
    seed_and_submit(world)
    leader, staff = world.users["leader_a"], world.users["staff_a"]
    return_with(world, as_user(leader), {world.count: "Lần 1"})
    services.plan_year_submit(plan=world.plan_a, year=YEAR, user=staff)
    services.plan_year_approve(plan=world.plan_a, year=YEAR, user=leader)
    services.plan_year_reopen(plan=world.plan_a, year=YEAR, user=leader, reason="Sửa BTS")
    assert entry_comments(as_user(staff), world) == {}


def test_a_leader_approves_from_the_review_screen(world, as_user):
    seed_and_submit(world)
    client = as_user(world.users["leader_a"])
    response = client.post(review_url(world, name="plans:review-approve"))
    assert response.url == review_url(world)
    assert PlanYear.objects.get(plan=world.plan_a, year=YEAR).status == "approved"
    assert 'data-testid="approve"' not in client.get(review_url(world)).content.decode()


def test_staff_cannot_approve_from_the_review_screen(world, as_user):
    seed_and_submit(world)
    response = as_user(world.users["staff_a"]).post(review_url(world, name="plans:review-approve"))
    assert response.status_code == 403
    assert PlanYear.objects.get(plan=world.plan_a, year=YEAR).status == "submitted"


def test_the_leaders_entry_screen_links_to_the_review(world, as_user):
    seed_and_submit(world)
    entry = reverse("indicators:entry", args=[world.plan_a.slug, YEAR])
    leader_page = as_user(world.users["leader_a"]).get(entry).content.decode()
    assert f'href="{review_url(world)}" data-testid="review-link"' in leader_page
    staff_page = as_user(world.users["staff_a"]).get(entry).content.decode()
    assert 'data-testid="review-link"' not in staff_page


def test_the_leaders_inbox_item_opens_the_review(world, as_user):
    seed_and_submit(world)
    page = as_user(world.users["leader_a"]).get(reverse("plans:home")).content.decode()
    assert f'href="{review_url(world)}" data-testid="inbox-open"' in page


def test_review_queries_do_not_grow_with_the_rows(world, as_user, django_assert_max_num_queries):
    seed_and_submit(world)
    client = as_user(world.users["leader_a"])
    url = review_url(world)
    client.get(url)  # session warm

    def grow(count):
        staff = world.users["staff_a"]
        for _ in range(count):
            indicator = f.indicator(world.plan_a, section=f.section(world.plan_a))
            f.target(indicator, year=2015)
            for year in (YEAR - 1, YEAR):
                figure = f.actual(indicator, year=year, status="submitted", entered_by=staff)
                f.evidence_file(figure, uploaded_by=staff)
                f.evidence_file(figure, uploaded_by=f.user(f.STAFF, world.province_a))
            ReviewComment.objects.create(indicator=indicator, year=YEAR, text="x")

    grow(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(6)
    # Session, user, plan, permissions (user's, groups'), membership, plan-year; indicators
    # with sections, targets, figures up to the year, the two years' figures with who entered
    # them, their evidence files, the review comments; the header's evidence count and the
    # inbox badge's. None of them per row.
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="review-row"') == 3 + 7
