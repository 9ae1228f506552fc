"""The comparison page is kept per concept, language and reach (indicators.compare_page),
and for a viewer who reaches the whole country, under the country's version.

A new figure, target or indicator of any compared plan, a province's new name, the concept's
unit, the figures asked for and the plans the viewer reaches each give another page; nothing
else does, and then no indicator or figure is read.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Actual, Comparator, ComparePage
from plans.models import KeptPart
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED


@pytest.fixture
def concept(db):
    concept = f.concept("internet-users-pct", unit="%")
    for name, code, value in (("Bình Thuận", "60", "41"), ("Hậu Giang", "93", "52")):
        plan = f.plan(f.province(name, code=code), first_year=2011, last_year=2015)
        indicator = f.indicator(plan, code="A", concept=concept, unit="%")
        f.target(indicator, year=2015, phrase="trên 70%", comparator=Comparator.GT, value="70")
        f.actual(indicator, year=2013, value=value, status=APPROVED)
    return concept


def page(client, concept, **query) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("indicators:concept-compare", args=[concept.code]), query)
    assert response.status_code == 200
    table = response.content.decode().split('data-testid="compare-table"')[1].split("</table>")[0]
    return re.sub(r"\s+", " ", table), len(queries)


@pytest.fixture
def national(client):
    client.force_login(f.user(f.NATIONAL, None))
    return client


def test_the_page_is_kept_and_read_back_without_judging_again(national, concept):
    first, first_queries = page(national, concept)
    again, queries = page(national, concept)
    assert again == first and "41" in first and "52" in first
    assert queries <= first_queries - 3  # no indicators, targets or figures; no write
    # A national leader's page is the country's: kept under its version (plans.kept_parts).
    assert KeptPart.objects.filter(name=f"compare-{concept.pk}").count() == 1


def test_a_new_figure_a_renamed_province_and_a_new_unit_show_at_once(national, concept):
    page(national, concept)
    f.actual(concept.indicators.get(plan__province__code="60"), year=2014, value="47.5",
             status=APPROVED)  # fmt: skip
    assert "47,5" in page(national, concept)[0]
    province = concept.indicators.get(plan__province__code="93").plan.province
    province.name = "Hậu Giang mới"
    province.save()
    assert "Hậu Giang mới" in page(national, concept)[0]
    concept.unit = "người"
    concept.save()
    assert "không quy đổi" in page(national, concept)[0]  # "%" no longer converts


def test_each_reach_has_its_own_page(client, national, concept):
    assert "Hậu Giang" in page(national, concept)[0]
    province = concept.indicators.get(plan__province__code="60").plan.province
    client.force_login(f.user(f.LEADER, province))
    own = page(client, concept)[0]
    assert "Bình Thuận" in own and "Hậu Giang" not in own
    assert KeptPart.objects.filter(name=f"compare-{concept.pk}").count() == 1
    assert ComparePage.objects.count() == 1


def test_draft_figures_only_for_who_may_see_them(client, concept):
    indicator = concept.indicators.get(plan__province__code="60")
    f.actual(indicator, year=2014, value="33", status=Actual.Status.DRAFT)
    client.force_login(f.user(f.LEADER, indicator.plan.province))
    assert ">33<" not in page(client, concept)[0].replace(" ", "")
    assert ">33<" in page(client, concept, figures="all")[0].replace(" ", "")
    client.force_login(f.user(f.NATIONAL, None))
    assert ">33<" not in page(client, concept, figures="all")[0].replace(" ", "")


def test_the_comparison_downloads_as_a_workbook_with_the_same_series(national, concept):
    import io

    from openpyxl import load_workbook

    response = national.get(reverse("indicators:concept-compare-xlsx", args=[concept.code]))
    assert response.status_code == 200
    assert "filename*=utf-8''So%20s%C3%A1nh" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["So sánh"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Tỉnh", "Văn bản", "Phạm vi"] and "2013" in header
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    figure = header.index("2013")
    assert (rows["Bình Thuận"][figure], rows["Hậu Giang"][figure]) == (41, 52)
    assert sheet.page_setup.paperSize == 9 and concept.name in sheet.oddHeader.left.text
    page = national.get(reverse("indicators:concept-compare", args=[concept.code]))
    assert reverse("indicators:concept-compare-xlsx", args=[concept.code]) in page.content.decode()
