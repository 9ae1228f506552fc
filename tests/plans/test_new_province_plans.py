"""Plans of the provinces of today, created from the new-plan workbook after the 2025 merger.

A Cần Thơ plan of 2026-2030 names the plans it succeeds (Hậu Giang's and Sóc Trăng's, provinces
merged into Cần Thơ on 1/7/2025): no code per province, the workbook and plans.access decide.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import IndicatorConcept
from plans.models import Plan, Province
from plans.services import seed_plans_load
from plans.spreadsheets.plan_workbook import PLAN, plan_workbook
from tests import factories as f

pytestmark = pytest.mark.django_db

HAU_GIANG = "hau-giang-kh-ha-tang-so-2023-2025"
SOC_TRANG = "soc-trang-kh-22-2012"
NEW = "can-tho-kh-chuyen-doi-so-2026-2030"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed plans and the whole country's provinces, loaded once for this module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            seed_plans_load()
            yield
            transaction.set_rollback(True)


def uploader(code: str, username: str):
    """Return a staff user of province `code` who may also add plans (an administrator's right
    the staff role lacks: the roles give it to no provincial role)."""
    account = f.user(f.STAFF, Province.objects.get(code=code), username)
    account.user_permissions.add(
        Permission.objects.get(content_type__app_label="plans", codename="add_plan")
    )
    return account


@pytest.fixture
def can_tho(seeded, client):
    client.force_login(uploader("92", "ct.canbo"))
    return client


def new_plan_book(**fields) -> bytes:
    """Return the empty new-plan template with the plan sheet filled by field name."""
    defaults = {
        "slug": NEW,
        "province": "92",
        "kind": "action_plan",
        "title": "Kế hoạch chuyển đổi số thành phố Cần Thơ giai đoạn 2026-2030",
        "issued_year": 2026,
        "first_year": 2026,
        "last_year": 2030,
        "supersedes": f"{HAU_GIANG};\n{SOC_TRANG}",
    }
    book = load_workbook(io.BytesIO(plan_workbook(None).content))
    sheet = book[PLAN.title]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for name, value in (defaults | fields).items():
        sheet.cell(row=rows[PLAN.header_of(name)], column=2).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes):
    return client.post(reverse("plans:new-plan"), {"file": SimpleUploadedFile("p.xlsx", content)})


def confirm(client, preview):
    return client.post(reverse("plans:new-plan"), {"payload": preview.payload})


def successor_of(slug):
    return Plan.objects.get(slug=slug).superseded_by


def test_a_can_tho_plan_after_the_merger_supersedes_the_plans_of_provinces_merged_into_it(
    can_tho,
):
    response = upload(can_tho, new_plan_book())
    preview = response.context["preview"]
    assert (response.status_code, preview.errors) == (200, [])
    assert [p.slug for p in preview.supersedes] == [HAU_GIANG, SOC_TRANG]
    assert "sẽ thay thế" in response.content.decode()
    assert successor_of(HAU_GIANG) is None  # the preview wrote nothing

    response = confirm(can_tho, preview)
    assert response.status_code == 302
    plan = Plan.objects.get(slug=NEW)
    assert plan.province.code == "92"
    assert set(plan.supersedes.values_list("slug", flat=True)) == {HAU_GIANG, SOC_TRANG}
    for slug in (HAU_GIANG, SOC_TRANG):
        old = Plan.objects.get(slug=slug)
        assert old.superseded_by == plan
        assert old.status_on(datetime.date(2026, 1, 1)) == Plan.Status.SUPERSEDED
        record = old.history.latest("history_id")
        assert (record.superseded_by_id, record.history_user.username) == (plan.pk, "ct.canbo")
        assert record.history_change_reason == (
            f"được thay thế bởi văn bản “{NEW}”, nhập từ tệp Excel"
        )


def test_the_exported_workbook_names_the_plans_it_supersedes(can_tho):
    confirm(can_tho, upload(can_tho, new_plan_book()).context["preview"])
    response = can_tho.get(reverse("plans:plan-workbook", args=[NEW]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    fields = {row[0]: row[1] for row in book[PLAN.title].iter_rows(min_row=2, values_only=True)}
    # By first year: Sóc Trăng's 2011-2015, then Hậu Giang's 2023-2025.
    assert fields["Thay thế các văn bản"] == f"{SOC_TRANG}; {HAU_GIANG}"
    assert "Trạng thái" not in fields


def refused(response) -> list[str]:
    assert response.status_code == 400
    return response.context["preview"].errors


def test_a_plan_of_a_province_that_does_not_reach_the_named_plan_is_refused(seeded, client):
    client.force_login(uploader("24", "bn.canbo"))  # Bắc Ninh: Hậu Giang is not its own
    errors = refused(
        upload(client, new_plan_book(slug="bac-ninh-2026", province="24", supersedes=HAU_GIANG))
    )
    place = "Trang “Văn bản”, dòng 15, cột “Thay thế các văn bản”"
    assert errors == [
        f"{place}: không có văn bản “{HAU_GIANG}” trong các văn bản bạn được cập nhật."
    ]
    assert not Plan.objects.filter(slug="bac-ninh-2026").exists()
    assert successor_of(HAU_GIANG) is None


def test_a_plan_of_a_province_the_uploader_does_not_reach_is_refused(seeded, client):
    client.force_login(uploader("24", "bn.canbo"))
    errors = refused(upload(client, new_plan_book(supersedes=None)))
    assert errors == [
        "Trang “Văn bản”, dòng 3, cột “Mã tỉnh”: bạn không được thêm văn bản của Cần Thơ."
    ]
    assert not Plan.objects.filter(slug=NEW).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"first_year": 2026, "issued_year": 2026},
        # Starting in the year of the merger, but issued after it: Hậu Giang no longer issued.
        {"first_year": 2025, "issued_year": 2025, "issued_month": 8, "issued_day": 15},
        {"first_year": 2025, "issued_year": 2025, "issued_month": 7},
    ],
)
def test_the_code_of_a_merged_province_is_refused_for_a_plan_after_the_merger(can_tho, fields):
    errors = refused(upload(can_tho, new_plan_book(province="93", supersedes=None, **fields)))
    assert errors == [
        "Trang “Văn bản”, dòng 3, cột “Mã tỉnh”: Hậu Giang đã hợp nhất vào Cần Thơ từ ngày "
        "1/7/2025: văn bản ban hành hoặc bắt đầu sau ngày đó thuộc Cần Thơ, hãy dùng mã tỉnh “92”."
    ]
    assert not Plan.objects.filter(slug=NEW).exists()


def test_the_code_of_a_merged_province_still_takes_its_plans_from_before_the_merger(can_tho):
    book = new_plan_book(
        province="93",
        first_year=2025,
        last_year=2030,
        issued_year=2025,
        issued_month=6,
        issued_day=30,
        supersedes=None,
    )
    preview = upload(can_tho, book).context["preview"]
    assert preview.errors == []
    assert confirm(can_tho, preview).status_code == 302
    assert Plan.objects.get(slug=NEW).province.code == "93"


def test_the_old_cities_code_names_the_unit_it_became(can_tho):
    errors = refused(upload(can_tho, new_plan_book(province="92-2004", supersedes=None)))
    assert "Cần Thơ (trước 1/7/2025) đã hợp nhất vào Cần Thơ" in errors[0], errors
    assert "hãy dùng mã tỉnh “92”" in errors[0]


def test_a_plan_already_superseded_or_unknown_is_refused(can_tho):
    first = confirm(
        can_tho, upload(can_tho, new_plan_book(supersedes=SOC_TRANG)).context["preview"]
    )
    assert first.status_code == 302
    errors = refused(
        upload(can_tho, new_plan_book(slug="ct-again", supersedes=f"{SOC_TRANG}, no-such-plan"))
    )
    place = "Trang “Văn bản”, dòng 15, cột “Thay thế các văn bản”"
    assert errors == [
        f"{place}: văn bản “{SOC_TRANG}” đã được thay thế bởi văn bản “{NEW}”.",
        f"{place}: không có văn bản “no-such-plan” trong các văn bản bạn được cập nhật.",
    ]
    assert not Plan.objects.filter(slug="ct-again").exists()


def test_a_refusal_at_confirmation_writes_nothing_not_even_the_succession(can_tho):
    """The plan and the succession links are written before the rows of the other sheets: a
    row refused at confirmation takes them back too."""
    concept = IndicatorConcept.objects.create(code="tmp-concept", name="Tạm", unit="%")
    book = load_workbook(io.BytesIO(new_plan_book()))
    book["Chỉ tiêu"].append(
        ["CT-1", None, "Tỷ lệ", "", "%", "quantitative", "higher", "level"]
        + [None, None, None, concept.code, 1]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    preview = upload(can_tho, buffer.getvalue()).context["preview"]
    assert preview.errors == []
    history = Plan.history.count()
    concept.delete()  # meanwhile: the indicator's concept is gone
    response = confirm(can_tho, preview)
    assert response.status_code == 302
    assert not Plan.objects.filter(slug=NEW).exists()
    assert (successor_of(HAU_GIANG), successor_of(SOC_TRANG)) == (None, None)
    assert Plan.history.count() == history


# ---------------------------------------------------------------------------------------------
# The dashboard links a plan to its successor and to the plans it supersedes


def dashboard(client, slug):
    response = client.get(reverse("plans:plan-dashboard", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboards_link_successor_and_superseded_plans_both_ways(can_tho):
    confirm(can_tho, upload(can_tho, new_plan_book()).context["preview"])
    page = dashboard(can_tho, NEW)
    assert "Thay thế" in page
    for slug in (HAU_GIANG, SOC_TRANG):
        assert reverse("plans:plan-dashboard", args=[slug]) in page
    assert "Hậu Giang (nay thuộc Cần Thơ)" in page
    page = dashboard(can_tho, HAU_GIANG)
    assert "Được thay thế bởi" in page
    assert f'href="{reverse("plans:plan-dashboard", args=[NEW])}"' in page


def test_the_dashboard_links_only_plans_the_viewer_reaches(seeded, client):
    can_tho = Province.objects.get(code="92")
    new = f.plan(can_tho, slug=NEW, first_year=2026, last_year=2030)
    for slug in (HAU_GIANG, SOC_TRANG):
        Plan.objects.filter(slug=slug).update(superseded_by=new)
    client.force_login(f.user(f.LEADER, Province.objects.get(code="94"), "st.lanhdao"))
    page = dashboard(client, SOC_TRANG)  # Sóc Trăng's leader does not reach Cần Thơ's plans
    assert "Đã được thay thế" in page  # its status still says so
    assert "Được thay thế bởi" not in page
    assert reverse("plans:plan-dashboard", args=[NEW]) not in page
    client.force_login(f.user(f.LEADER, can_tho, "ct.lanhdao"))
    bac_ninh_plan = f.plan(Province.objects.get(code="24"), slug="bn-old", superseded_by=new)
    page = dashboard(client, NEW)
    assert reverse("plans:plan-dashboard", args=[HAU_GIANG]) in page
    assert reverse("plans:plan-dashboard", args=[bac_ninh_plan.slug]) not in page


def test_the_dashboard_queries_do_not_grow_with_the_superseded_plans(seeded, client):
    can_tho = Province.objects.get(code="92")
    new = f.plan(can_tho, slug=NEW, first_year=2026, last_year=2030)
    client.force_login(f.user(f.LEADER, can_tho, "ct.lanhdao"))
    url = reverse("plans:plan-dashboard", args=[NEW])
    Plan.objects.filter(slug=HAU_GIANG).update(superseded_by=new)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    Plan.objects.filter(slug=SOC_TRANG).update(superseded_by=new)
    for _ in range(3):
        f.plan(Province.objects.get(code="93"), superseded_by=new)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert len(response.context["supersedes"]) == 5
    assert len(five) <= len(one)
