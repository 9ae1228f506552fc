"""Evidence files on disbursements: the same content checks and access rules as on figures;
the entry screens' link with the year's count; the report workbook's "Minh chứng" sheet."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from indicators.models import EvidenceFile
from plans.models import PlanYear, ReviewStatus
from tests import factories as f
from tests.indicators.test_evidence import EXE, PDF, PNG, stored_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def spent(world):
    return f.disbursement(world.line, amount="300", year=2013, source=world.source)


def evidence_url(world, year=2013):
    return reverse("indicators:evidence", args=[world.plan_a.slug, year])


def upload(client, world, disbursement, *files):
    payload = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(
        evidence_url(world), {"disbursement": disbursement.pk, "files": payload}, follow=True
    )


def test_staff_upload_files_to_a_disbursement_with_history(world, as_user, spent, media):
    staff = as_user(world.users["staff_a"])
    response = upload(staff, world, spent, ("Ủy nhiệm chi.pdf", PDF), ("hóa đơn.png", PNG))
    assert response.status_code == 200
    items = list(spent.evidence_files.order_by("pk"))
    assert [(i.original_name, i.content_type, i.actual_id) for i in items] == [
        ("Ủy nhiệm chi.pdf", "application/pdf", None),
        ("hóa đơn.png", "image/png", None),
    ]
    assert all(i.file.name.startswith("evidence/plan-a/2013/") for i in items)
    assert len(stored_files(media)) == 2
    assert [h.history_type for h in EvidenceFile.history.all()] == ["+", "+"]
    # Listed on the page under the disbursement's line.
    row = response.content.decode().split('data-line="L1"')[1].split("</tr>")[0]
    assert "Ủy nhiệm chi.pdf" in row and "hóa đơn.png" in row


@pytest.mark.parametrize("role", ["staff_a", "leader_a", "staff_successor", "admin"])
def test_disbursement_file_downloads_for_those_who_see_it(world, as_user, spent, role):
    upload(as_user(world.users["staff_a"]), world, spent, ("giải ngân.pdf", PDF))
    item = spent.evidence_files.get()
    response = as_user(world.users[role]).get(
        reverse("indicators:evidence-download", args=[item.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role", ["staff_b", "staff_unrelated", "national"])
def test_disbursement_file_is_404_outside_its_reach(world, as_user, spent, role):
    # National leaders see approved figures only: a draft disbursement's file is hidden too.
    upload(as_user(world.users["staff_a"]), world, spent, ("a.pdf", PDF))
    item = spent.evidence_files.get()
    response = as_user(world.users[role]).get(
        reverse("indicators:evidence-download", args=[item.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
@pytest.mark.parametrize("owner", ["figure", "disbursement"])
def test_a_locked_year_refuses_uploads_to_figures_and_disbursements(
    world, as_user, spent, status, owner
):
    PlanYear.objects.create(plan=world.plan_a, year=2013, status=status)
    target = f.actual(world.percent, year=2013) if owner == "figure" else spent
    response = as_user(world.users["staff_a"]).post(
        evidence_url(world),
        {
            owner if owner == "disbursement" else "actual": target.pk,
            "files": [SimpleUploadedFile("a.pdf", PDF)],
        },
        follow=True,
    )
    assert "khóa" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_renamed_executable_is_refused_on_a_disbursement(world, as_user, spent, media):
    response = upload(as_user(world.users["staff_a"]), world, spent, ("uy-nhiem-chi.pdf", EXE))
    assert "“uy-nhiem-chi.pdf” không phải là tệp PDF" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert stored_files(media) == []


def test_leaders_cannot_upload_to_a_disbursement(world, as_user, spent):
    response = as_user(world.users["leader_a"]).post(
        evidence_url(world),
        {"disbursement": spent.pk, "files": [SimpleUploadedFile("a.pdf", PDF)]},
    )
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("which", ["other plan", "other year"])
def test_a_disbursement_outside_the_plan_year_cannot_be_targeted(world, as_user, which):
    if which == "other plan":
        other = f.disbursement(world.b_line, year=2013)
    else:
        other = f.disbursement(world.line, year=2012, source=world.source)
    response = upload(as_user(world.users["staff_a"]), world, other, ("a.pdf", PDF))
    assert response.status_code == 404
    assert not EvidenceFile.objects.exists()


def test_uploader_removes_a_disbursement_file(world, as_user, spent):
    staff = as_user(world.users["staff_a"])
    upload(staff, world, spent, ("a.pdf", PDF))
    item = spent.evidence_files.get()
    response = staff.post(reverse("indicators:evidence-remove", args=[item.pk]))
    assert response.status_code == 302
    assert response["Location"] == evidence_url(world)
    assert not EvidenceFile.objects.exists()
    assert EvidenceFile.history.get(history_type="-").disbursement_id == spent.pk


def test_another_province_cannot_remove_a_disbursement_file(world, as_user, spent):
    upload(as_user(world.users["staff_a"]), world, spent, ("a.pdf", PDF))
    item = spent.evidence_files.get()
    response = as_user(world.users["staff_b"]).post(
        reverse("indicators:evidence-remove", args=[item.pk])
    )
    assert response.status_code == 404
    assert EvidenceFile.objects.filter(pk=item.pk).exists()


def test_page_lists_disbursement_files_in_a_fixed_number_of_queries(
    world, as_user, spent, django_assert_max_num_queries
):
    staff = as_user(world.users["staff_a"])
    url = evidence_url(world)

    def count_queries():
        staff.get(url)  # warm the session and the user's province
        # Session, user, province reach, plan, plan-year, indicators, figures and their files,
        # disbursements with lines and sources, their files: none per row or per file.
        with django_assert_max_num_queries(40) as captured:
            response = staff.get(url)
        assert response.status_code == 200
        return len(captured.captured_queries)

    upload(staff, world, spent, ("a.pdf", PDF))
    few = count_queries()
    line = f.budget_line(world.plan_a, code="L2")
    more = f.disbursement(line, amount="5", year=2013, source=world.source)
    upload(staff, world, more, ("b.pdf", PDF), ("c.png", PNG))
    upload(staff, world, spent, ("d.pdf", PDF))
    assert count_queries() == few


# The entry screens' header: a link to the evidence page with the year's count.


def evidence_count_shown(response) -> str:
    return response.content.decode().split('data-testid="evidence-count">')[1].split("<")[0]


@pytest.mark.parametrize("page", ["indicators:entry", "budgets:entry"])
def test_entry_header_links_to_the_evidence_page_with_the_years_count(world, as_user, spent, page):
    staff = as_user(world.users["staff_a"])
    upload(staff, world, spent, ("a.pdf", PDF))
    figure = f.actual(world.percent, year=2013)
    f.evidence_file(figure)
    f.evidence_file(f.actual(world.count, year=2012))  # another year
    f.evidence_file(f.actual(world.b_indicator, year=2013))  # another plan
    response = staff.get(reverse(page, args=[world.plan_a.slug, 2013]))
    assert evidence_url(world) in response.content.decode()
    assert evidence_count_shown(response) == "2"


def test_entry_header_counts_only_files_of_figures_the_viewer_sees(world, as_user, spent):
    f.evidence_file(spent)  # a draft
    f.evidence_file(f.actual(world.percent, year=2013, status=ReviewStatus.APPROVED))
    response = as_user(world.users["national"]).get(
        reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    )
    assert evidence_count_shown(response) == "1"


def test_entry_header_counts_in_one_query_whatever_the_files(
    world, as_user, spent, django_assert_max_num_queries
):
    staff = as_user(world.users["staff_a"])
    url = reverse("budgets:entry", args=[world.plan_a.slug, 2013])
    f.evidence_file(spent)
    staff.get(url)
    with django_assert_max_num_queries(60) as few:
        staff.get(url)
    few = list(few.captured_queries)  # the next request clears the log they are read from
    for _ in range(5):
        f.evidence_file(spent)
        f.evidence_file(f.actual(f.indicator(world.plan_a), year=2013))
    staff.get(url)  # the navigation bar's count, kept between two writes, kept again
    with django_assert_max_num_queries(len(few)):
        response = staff.get(url)
    assert evidence_count_shown(response) == "11"
    counts = [q["sql"] for q in few if "indicators_evidencefile" in q["sql"]]
    assert len(counts) == 1 and "COUNT(" in counts[0].upper()


def test_budget_entry_links_to_the_disbursements_evidence(world, as_user):
    response = as_user(world.users["staff_a"]).get(
        reverse("budgets:entry", args=[world.plan_a.slug, 2013])
    )
    assert f'href="{evidence_url(world)}#disbursements"' in response.content.decode()


# The plan's report workbook.


def evidence_sheet(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook["Minh chứng"].iter_rows(values_only=True)]


def test_report_workbook_lists_every_evidence_file(world, as_user, spent):
    staff = as_user(world.users["staff_a"])
    figure = f.actual(world.percent, year=2013, value="40")
    staff.post(
        evidence_url(world),
        {"actual": figure.pk, "files": [SimpleUploadedFile("Báo cáo.pdf", PDF)]},
    )
    upload(staff, world, spent, ("=HYPERLINK(1).png", PNG))
    response = staff.get(reverse("plans:plan-report", args=[world.plan_a.slug]), {"figures": "all"})
    assert response.status_code == 200
    header, *rows = evidence_sheet(response)
    assert header[:6] == [
        "Gắn với",
        "Mã",
        "Chỉ tiêu hoặc hạng mục đầu tư",
        "Năm",
        "Tên tệp",
        "Loại",
    ]
    on_figure, on_budget = (EvidenceFile.objects.get(actual=figure), spent.evidence_files.get())
    assert [r[:8] for r in rows] == [
        ["Chỉ tiêu", "VT-1", "Internet", 2013, "Báo cáo.pdf", "PDF", len(PDF), "staff_a"],
        [
            "Giải ngân",
            "L1",
            "Hạ tầng (NSTW)",
            2013,
            "=HYPERLINK(1).png",
            "PNG",
            len(PNG),
            "staff_a",
        ],
    ]
    # The time as read in Việt Nam (UTC+7), as the portal shows it.
    local = timezone.localtime(on_figure.uploaded_at).replace(tzinfo=None)
    assert abs(rows[0][8] - local) < datetime.timedelta(seconds=1)
    assert [r[9] for r in rows] == [
        reverse("indicators:evidence-download", args=[on_figure.pk]),
        reverse("indicators:evidence-download", args=[on_budget.pk]),
    ]


def test_report_workbook_lists_only_files_of_the_figures_it_shows(world, as_user, spent):
    f.evidence_file(spent)  # a draft disbursement: not in the approved-only report
    approved = f.actual(world.percent, year=2013, status=ReviewStatus.APPROVED)
    f.evidence_file(approved, name="đã duyệt.pdf")
    response = as_user(world.users["leader_a"]).get(
        reverse("plans:plan-report", args=[world.plan_a.slug])
    )
    _header, *rows = evidence_sheet(response)
    assert [r[4] for r in rows] == ["đã duyệt.pdf"]


def test_report_workbook_evidence_costs_one_query_whatever_the_files(
    world, as_user, spent, django_assert_max_num_queries
):
    staff = as_user(world.users["staff_a"])
    url = reverse("plans:plan-report", args=[world.plan_a.slug])
    f.evidence_file(spent, uploaded_by=world.users["staff_a"])
    staff.get(url, {"figures": "all"})
    with django_assert_max_num_queries(80) as few:
        staff.get(url, {"figures": "all"})
    for n in range(4):
        f.evidence_file(
            f.actual(f.indicator(world.plan_a), year=2013),
            name=f"{n}.pdf",
            uploaded_by=world.users["staff_successor"],
        )
        line = f.budget_line(world.plan_a)
        f.evidence_file(f.disbursement(line, year=2014, source=world.source))
    # The dashboard's own queries do not grow with indicators or lines either.
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = staff.get(url, {"figures": "all"})
    _header, *rows = evidence_sheet(response)
    assert len(rows) == 9


def test_page_states_the_size_limit_and_labels_each_upload(world, as_user, spent, settings):
    settings.EVIDENCE_MAX_BYTES = 5 * 1024 * 1024 // 2
    response = as_user(world.users["staff_a"]).get(evidence_url(world))
    content = response.content.decode()
    assert "Mỗi tệp tối đa 2,5 MB." in content
    label = f'<label class="visually-hidden" for="files-disbursement-{spent.pk}">'
    assert f"{label}Tệp cho L1 (NSTW)</label>" in content
