"""The yearly progress of projects and duties (issue #16): entered with the year's figures,
submitted and approved with them, refused when the year is locked, with history."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans import services
from plans.models import PlanYear, Project, ReviewStatus, WorkProgress
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2013
State = WorkProgress.State


def url(world, year=YEAR):
    return reverse("plans:work-entry", args=[world.plan_a.slug, year])


def items(world):
    return world.plan_a.projects.get(code="DA1"), world.plan_a.responsibilities.get(code="R1")


def typed(world, *, project=None, duty=None, versions=(0, 0)) -> dict:
    """Return the page's POST: each row's fields as typed (empty when not given)."""
    first, second = items(world)
    data = {f"wp{first.pk}-version": versions[0], f"wd{second.pk}-version": versions[1]}
    for prefix, values in ((f"wp{first.pk}", project or {}), (f"wd{second.pk}", duty or {})):
        for name, value in values.items():
            data[f"{prefix}-{name}"] = value
    return data


def stored(world):
    """Return the project's progress and the duty's."""
    return (
        WorkProgress.objects.get(project__isnull=False),
        WorkProgress.objects.get(duty__isnull=False),
    )


def test_staff_enter_the_progress_of_a_project_and_a_duty(world, as_user):
    staff = as_user(world.users["staff_a"])
    page = staff.get(url(world)).content.decode()
    assert "Trung tâm dữ liệu" in page and "Chủ trì triển khai" in page
    response = staff.post(
        url(world),
        typed(
            world,
            project={
                "state": State.IN_PROGRESS,
                "account": "Đã lắp máy chủ",
                "disbursed": "1.234,5",
            },
            duty={"state": State.DONE, "account": "Đã ban hành quy chế"},
        ),
    )
    assert response.status_code == 302
    project, duty = stored(world)
    assert (project.state, project.disbursed, project.status) == (
        State.IN_PROGRESS,
        Decimal("1234.5"),
        ReviewStatus.DRAFT,
    )
    assert project.entered_by == world.users["staff_a"] and project.version == 1
    assert (duty.state, duty.account, duty.disbursed) == (State.DONE, "Đã ban hành quy chế", None)
    assert WorkProgress.history.count() == 2
    shown = staff.get(url(world)).content.decode()
    assert "1.234,5" in shown and "Đã lắp máy chủ" in shown


@pytest.mark.parametrize(
    ("project", "field"),
    [
        ({"state": State.STOPPED}, "reason"),  # stopped without a reason
        ({"account": "Đã làm"}, "state"),  # what was done, but no state
        ({"state": State.DONE, "disbursed": "-5"}, "disbursed"),
        ({"state": State.DONE, "disbursed": "12abc"}, "disbursed"),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_is_written(world, as_user, project, field):
    staff = as_user(world.users["staff_a"])
    response = staff.post(url(world), typed(world, project=project, duty={"state": State.DONE}))
    assert response.status_code == 400
    form = next(row.form for row in response.context["projects"])
    assert form.errors[field]
    assert "Chưa lưu gì" in response.content.decode()
    assert not WorkProgress.objects.exists()


def test_a_recorded_progress_cannot_be_emptied(world, as_user):
    staff = as_user(world.users["staff_a"])
    staff.post(url(world), typed(world, duty={"state": State.DONE}))
    response = staff.post(url(world), typed(world, duty={"state": ""}, versions=(0, 1)))
    assert response.status_code == 400
    assert WorkProgress.objects.get().state == State.DONE


def test_a_submitted_year_is_locked_and_moves_with_the_figures(world, as_user):
    staff = as_user(world.users["staff_a"])
    f.actual(world.percent, year=YEAR)  # the year has a figure to submit
    staff.post(url(world), typed(world, duty={"state": State.IN_PROGRESS}))
    services.plan_year_submit(plan=world.plan_a, year=YEAR, user=world.users["staff_a"])
    assert WorkProgress.objects.get().status == ReviewStatus.SUBMITTED
    response = staff.post(url(world), typed(world, duty={"state": State.DONE}, versions=(0, 1)))
    assert response.status_code == 400
    assert "khóa" in response.content.decode()
    assert WorkProgress.objects.get().state == State.IN_PROGRESS
    services.plan_year_approve(plan=world.plan_a, year=YEAR, user=world.users["leader_a"])
    assert WorkProgress.objects.get().status == ReviewStatus.APPROVED
    assert PlanYear.objects.get(plan=world.plan_a, year=YEAR).status == ReviewStatus.APPROVED


def test_drafts_are_shown_only_to_who_may_see_them(world, as_user):
    as_user(world.users["staff_a"]).post(
        url(world), typed(world, duty={"state": State.DONE, "account": "Bản nháp"})
    )
    assert "Bản nháp" in as_user(world.users["leader_a"]).get(url(world)).content.decode()
    assert "Bản nháp" not in as_user(world.users["national"]).get(url(world)).content.decode()


def test_a_second_editor_from_an_old_page_is_told_and_nothing_is_saved(world, as_user):
    staff = as_user(world.users["staff_a"])
    staff.post(url(world), typed(world, duty={"state": State.IN_PROGRESS}))
    # Another page loaded before that save still says version 0.
    response = staff.post(url(world), typed(world, duty={"state": State.DONE}))
    assert response.status_code == 400
    assert WorkProgress.objects.get().state == State.IN_PROGRESS


def test_the_page_costs_the_same_queries_whatever_the_number_of_items(world, as_user):
    staff = as_user(world.users["staff_a"])
    staff.get(url(world))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff.get(url(world)).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        project = f.project(world.plan_a, code=f"DA{n + 2}", name=f"Dự án {n}")
        duty = f.responsibility(world.plan_a, world.agency, code=f"R{n + 2}", duties="Phối hợp")
        for item, kind in ((project, "project"), (duty, "duty")):
            WorkProgress.objects.create(
                plan=world.plan_a, year=YEAR, state=State.DONE, **{kind: item}
            )
    staff.get(url(world))  # the navigation bar's count, kept between two writes, kept again
    assert queries() == few


def test_the_database_holds_the_rules_too(world):
    from django.db import IntegrityError, transaction

    project, duty = items(world)
    rows = [
        dict(project=project, duty=duty, state=State.DONE),  # two items
        dict(duty=duty, state=State.STOPPED),  # stopped, no reason
        dict(duty=duty, state=State.DONE, disbursed=Decimal(5)),  # money of a duty
    ]
    for fields in rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            WorkProgress.objects.create(plan=world.plan_a, year=YEAR, **fields)
    assert isinstance(project, Project)


def approve_year(world, year=YEAR):
    f.actual(world.percent, year=year)
    services.plan_year_submit(plan=world.plan_a, year=year, user=world.users["staff_a"])
    services.plan_year_approve(plan=world.plan_a, year=year, user=world.users["leader_a"])


def test_the_dashboard_shows_each_items_latest_approved_progress(world, as_user):
    dashboard = reverse("plans:plan-dashboard", args=[world.plan_a.slug])

    def leader_sees(**query) -> str:
        return as_user(world.users["leader_a"]).get(dashboard, query).content.decode()

    assert "chưa có báo cáo tiến độ" in leader_sees()
    as_user(world.users["staff_a"]).post(
        url(world), typed(world, duty={"state": State.IN_PROGRESS})
    )
    approve_year(world)
    as_user(world.users["staff_a"]).post(
        url(world, 2014),
        typed(world, duty={"state": State.STOPPED, "reason": "Thiếu kinh phí"}),
    )
    page = leader_sees()  # the kept page follows the approval
    assert "Đang triển khai (2013)" in page and "Thiếu kinh phí" not in page
    # The draft of 2014 shows to who may see drafts, marked.
    drafts = leader_sees(figures="all")
    assert "Dừng (2014)" in drafts and "Thiếu kinh phí" in drafts
    assert "2013: đang triển khai · 2014: dừng*" in drafts


def test_the_agency_page_answers_what_an_agency_did_this_year(
    world, as_user, django_assert_max_num_queries
):
    as_user(world.users["staff_a"]).post(
        url(world),
        typed(
            world,
            project={"state": State.DONE, "account": "Đã vận hành"},
            duty={"state": State.IN_PROGRESS},
        ),
    )
    approve_year(world)
    leader = as_user(world.users["leader_a"])
    page_url = reverse("plans:agency-detail", args=[world.agency.code])
    page = leader.get(page_url).content.decode()
    assert "Hoàn thành (2013)" in page and "Đang triển khai (2013)" in page

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert leader.get(page_url).status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        plan = f.plan(world.province_a, slug=f"ke-hoach-{n}")
        project = f.project(plan, code="DA1", name="Dự án", lead_agency=world.agency)
        duty = f.responsibility(plan, world.agency, code="R1", duties="Chủ trì")
        for item in (project, duty):
            f.work_progress(item, status=ReviewStatus.APPROVED)
    leader.get(page_url)  # the navigation bar's count, kept between two writes, kept again
    with django_assert_max_num_queries(few):
        page = leader.get(page_url).content.decode()
    assert page.count("Đang triển khai (2013)") == 9


# The progress template's sheet of projects and duties.


def fill_work(book, kind, code, **values):
    sheet = book["Dự án, nhiệm vụ"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if (row[0].value, row[1].value) == (kind, code):
            for column, value in values.items():
                row[header.index(column)].value = value
            return
    raise AssertionError((kind, code))


def test_the_template_carries_every_project_and_duty_and_reads_them_back(world, as_user):
    from tests.plans.test_progress_upload import as_upload, confirm, template, upload

    staff = as_user(world.users["staff_a"])
    book = template(staff, world)
    rows = list(book["Dự án, nhiệm vụ"].iter_rows(values_only=True))
    assert [row[:2] for row in rows[1:]] == [("Dự án", "DA1"), ("Nhiệm vụ", "R1")]
    fill_work(
        book, "Dự án", "DA1", **{"Mức độ thực hiện": "Đang triển khai",
        "Nội dung đã thực hiện": "Đã lắp máy chủ", "Giải ngân (triệu đồng)": "1.234,5"},
    )  # fmt: skip
    fill_work(book, "Nhiệm vụ", "R1", **{"Mức độ thực hiện": "hoàn thành"})
    preview = upload(staff, world, as_upload(book))
    assert preview.status_code == 200, preview.context["preview"].errors
    shown = {row.label: (row.old, row.new) for row in preview.context["preview"].rows}
    assert shown["DA1. Trung tâm dữ liệu"] == ("—", "Đang triển khai, 1.234,5")
    assert not WorkProgress.objects.exists()  # a preview writes nothing
    confirm(staff, world, preview)
    project, duty = stored(world)
    assert (project.state, project.account, project.disbursed) == (
        State.IN_PROGRESS,
        "Đã lắp máy chủ",
        Decimal("1234.5"),
    )
    assert duty.state == State.DONE and WorkProgress.history.count() == 2
    # The next template holds what was recorded, and a file that changes nothing writes nothing.
    again = template(staff, world)
    row = next(r for r in again["Dự án, nhiệm vụ"].iter_rows(values_only=True) if r[1] == "DA1")
    assert row[4:8] == ("Đang triển khai", "Đã lắp máy chủ", None, 1234.5)
    assert confirm(staff, world, upload(staff, world, as_upload(again))).status_code == 302
    assert WorkProgress.history.count() == 2


@pytest.mark.parametrize(
    ("kind", "code", "values", "column"),
    [
        ("Dự án", "DA1", {"Mức độ thực hiện": "xong rồi"}, "Mức độ thực hiện"),
        ("Dự án", "DA1", {"Mức độ thực hiện": "dừng"}, "Lý do dừng"),
        (
            "Nhiệm vụ",
            "R1",
            {"Mức độ thực hiện": "hoàn thành", "Giải ngân (triệu đồng)": 5},
            "Giải ngân",
        ),
        ("Dự án", "DA1", {"Nội dung đã thực hiện": "Đã làm"}, "Mức độ thực hiện"),
    ],
    ids=["unknown-state", "stopped-without-reason", "money-of-a-duty", "no-state"],
)
def test_the_sheet_refuses_bad_rows_by_place_and_writes_nothing(
    world, as_user, kind, code, values, column
):
    from tests.plans.test_progress_upload import as_upload, template, upload

    staff = as_user(world.users["staff_a"])
    book = template(staff, world)
    fill_work(book, kind, code, **values)
    preview = upload(staff, world, as_upload(book)).context["preview"]
    assert not preview.payload
    (error,) = preview.errors
    assert "Dự án, nhiệm vụ" in error and column in error
    assert not WorkProgress.objects.exists()


def test_a_template_made_before_the_sheet_still_uploads(world, as_user):
    from tests.plans.test_progress_upload import as_upload, confirm, fill, template, upload

    staff = as_user(world.users["staff_a"])
    book = template(staff, world)
    del book["Dự án, nhiệm vụ"]
    fill(book, world.percent.code, "Thực hiện", 55)
    preview = upload(staff, world, as_upload(book))
    assert not preview.context["preview"].errors
    assert confirm(staff, world, preview).status_code == 302


def test_a_successor_agency_carries_on_its_predecessors_work(world, as_user):
    import datetime
    from html import unescape

    khcn = f.agency(world.successor, name="Sở Khoa học và Công nghệ thành phố Cần Thơ")
    world.agency.successor, world.agency.succeeded_on = khcn, datetime.date(2025, 7, 1)
    world.agency.save()
    page = as_user(world.users["leader_successor"]).get(
        reverse("plans:agency-detail", args=[khcn.code])
    )
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert "Trung tâm dữ liệu" in html and "Chủ trì triển khai" in html
    assert f"do {world.agency.name} chủ trì, đã hợp nhất vào cơ quan này" in html
    assert f"giao cho {world.agency.name}, đã hợp nhất vào cơ quan này" in html


@pytest.mark.parametrize(
    ("sheet", "column"),
    [
        ("Chỉ tiêu", "Ghi chú"),
        ("Chỉ tiêu", "Minh chứng"),
        ("Dự án, nhiệm vụ", "Nội dung đã thực hiện"),
    ],
)
def test_a_text_longer_than_its_field_is_refused_in_the_preview_not_a_500(
    world, as_user, sheet, column
):
    # Found while building the sheet: a 3.000-character note passed the preview, then the
    # confirmation failed with a 500.
    from indicators.models import Actual
    from tests.plans.test_progress_upload import as_upload, fill, template, upload

    staff = as_user(world.users["staff_a"])
    book = template(staff, world)
    fill(book, world.percent.code, "Thực hiện", 50)
    fill_work(book, "Dự án", "DA1", **{"Mức độ thực hiện": "Hoàn thành"})
    if sheet == "Chỉ tiêu":
        fill(book, world.percent.code, column, "x" * 3000)
    else:
        fill_work(book, "Dự án", "DA1", **{column: "x" * 3000})
    response = upload(staff, world, as_upload(book))
    preview = response.context["preview"]
    assert response.status_code == 400 and not preview.payload
    (error,) = preview.errors
    assert sheet in error and column in error and "tối đa 2.000 ký tự (ô này có 3.000)" in error
    assert not Actual.objects.filter(indicator=world.percent, value=50).exists()
    assert not WorkProgress.objects.exists()


def test_the_leader_reviews_the_years_progress_before_approving_it(world, as_user):
    f.actual(world.percent, year=YEAR)
    as_user(world.users["staff_a"]).post(
        url(world),
        typed(world, project={"state": State.DONE, "account": "Đã nghiệm thu", "disbursed": "250"}),
    )
    services.plan_year_submit(plan=world.plan_a, year=YEAR, user=world.users["staff_a"])
    page = as_user(world.users["leader_a"]).get(
        reverse("plans:review", args=[world.plan_a.slug, YEAR])
    )
    html = page.content.decode()
    assert 'data-testid="review-work"' in html
    assert "Đã nghiệm thu" in html and "Hoàn thành" in html and ">250<" in html.replace(" ", "")
