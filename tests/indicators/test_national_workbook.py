"""The national workbook (indicators.national_workbook): each shared indicator across today's
provinces and the years, with the reporting status, for national leaders only."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.models import IndicatorConcept
from indicators.national import national_matrix
from indicators.status_look import label_of
from tests import factories as f
from tests.indicators.test_national import (  # noqa: F401 (fixtures)
    BT,
    EDOCS,
    HG,
    YEAR,
    figures,
    national,
    report,
    row_of,
    seeded,
)

pytestmark = pytest.mark.django_db


def workbook(client, user):
    client.force_login(user)
    response = client.get(reverse("indicators:national-workbook"))
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_a_sheet_per_concept_with_every_unit_of_today_and_each_year(client, figures, national):  # noqa: F811
    report(BT, "UD-02", 2014, "90")
    response, book = workbook(client, national)
    assert "filename*=utf-8''To%C3%A0n%20qu%E1%BB%91c" in response["Content-Disposition"]
    concept = IndicatorConcept.objects.get(code=EDOCS)
    sheet = book[concept.name[:31]]
    header = [cell.value for cell in sheet[1]]
    assert header[0] == "Tỉnh, thành phố"
    years = [int(h) for h in header[1::2]]
    assert years == sorted(years) and {2014, YEAR} <= set(years)
    rows = {row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=2)}
    matrix = national_matrix(YEAR)
    # Every unit of today's map, each merged province's plans on their own row under it.
    units = {row.province.name for row in matrix.rows}
    assert len(units) == 34 and {label.split(" — ")[0] for label in rows} == units
    assert {row.label for row in matrix.rows if row.origin} <= set(rows)
    in_order = list(dict.fromkeys(label.split(" — ")[0] for label in rows))
    assert in_order == list(dict.fromkeys(row.province.name for row in matrix.rows))
    column = 1 + 2 * years.index(YEAR)
    for row in matrix.rows:
        cell = next(c for c in row.cells if c.concept.code == EDOCS) if matrix.columns else None
        figures_shown = [e.figure for e in cell.entries if e.figure is not None] if cell else []
        if figures_shown:
            assert rows[row.label][column] == pytest.approx(float(figures_shown[0]))
    lam_dong = next(label for label in rows if label.startswith("Lâm Đồng — "))
    entry = next(c for c in row_of(matrix, "60").cells if c.concept.code == EDOCS).entries[0]
    assert rows[lam_dong][column] == 95
    assert rows[lam_dong][column + 1] == label_of(entry.status_code)
    assert rows[lam_dong][column - 2] == 90  # 2014
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows
    assert concept.name in sheet.oddHeader.left.text
    assert book.worksheets[-1].title == "Tỷ lệ báo cáo"  # every plan-year


def test_the_draft_figure_is_not_in_it(client, figures, national):  # noqa: F811
    _response, book = workbook(client, national)
    values = [c.value for s in book.worksheets[:-1] for row in s.iter_rows() for c in row]
    assert 99 not in values  # VT-08 of Hậu Giang was only submitted


def test_only_national_leaders_may_download_it(client, seeded):  # noqa: F811
    from plans.models import Province

    client.force_login(f.user(f.LEADER, Province.objects.get(code="96")))
    assert client.get(reverse("indicators:national-workbook")).status_code == 403
    assert HG  # the seeded plans are there
