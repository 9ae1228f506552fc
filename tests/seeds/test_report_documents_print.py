"""The báo cáo of each seed plan, printed to PDF by LibreOffice as a clerk would print it.

Page 1 carries the national title; the draft says DỰ THẢO on every page; the seed plans'
reports stay within 12 pages.
"""

import pytest

from indicators.selectors import ALL_STATUSES, APPROVED_ONLY
from plans.models import Plan
from plans.report_document import DRAFT_MARK, plan_year_report
from tests.spreadsheets import libreoffice_pdf, pdf_first_page_png, pdf_pages

pytestmark = pytest.mark.django_db

# Pages of each seed plan's report: the heading, the targets table, the projects and the
# duties of agencies with their progress (issue #16), the money, the closing sections.
# Measured 9 to 11 A4 pages (27/11/2026, LibreOffice 7.4; 5 to 7 before the duties): a change
# that makes a report run longer than 12 pages is a layout regression.
MAX_PAGES = 12


def test_every_seed_plans_report_prints_with_the_national_title_on_page_one(seeded):
    pages_by_plan = {}
    for plan in Plan.objects.with_province().order_by("slug"):
        report = plan_year_report(plan, plan.last_year, APPROVED_ONLY, draft=False)
        pdf = libreoffice_pdf(report.content, "docx")
        pages = pdf_pages(pdf)
        pages_by_plan[plan.slug] = len(pages)
        first = " ".join(pages[0].split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first, plan.slug
        assert "Độc lập - Tự do - Hạnh phúc" in first and "BÁO CÁO" in first
        assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in first
        assert DRAFT_MARK not in " ".join(pages)
        png = pdf_first_page_png(pdf)
        assert png.startswith(b"\x89PNG") and len(png) > 5000  # drawn, not a blank frame
    assert len(pages_by_plan) == 5
    assert max(pages_by_plan.values()) <= MAX_PAGES, pages_by_plan


def test_a_draft_says_so_on_every_printed_page(seeded):
    plan = max(Plan.objects.with_province(), key=lambda plan: plan.indicators.count())
    report = plan_year_report(plan, plan.last_year, ALL_STATUSES, draft=True)
    pages = pdf_pages(libreoffice_pdf(report.content, "docx"))
    assert len(pages) > 1
    assert all(DRAFT_MARK in page for page in pages)


# The report workbook of each seed plan printed by LibreOffice: one page wide, so labels and
# their values print on the same page; measured 6 to 11 pages (the first round printed 31).
MAX_WORKBOOK_PAGES = 13


def test_every_seed_plans_report_workbook_prints_one_page_wide(seeded):
    from plans.dashboards import plan_dashboard
    from plans.spreadsheets.report import plan_report

    pages_by_plan = {}
    for plan in Plan.objects.with_province().order_by("slug"):
        workbook = plan_report(plan_dashboard(plan, statuses=APPROVED_ONLY))
        pages = pdf_pages(libreoffice_pdf(workbook.content, "xlsx"))
        pages_by_plan[plan.slug] = len(pages)
        # The first page of the indicators sheet holds its header row and its first rows.
        indicators = next(page for page in pages if "Mục tiêu" in page and "Trạng thái" in page)
        first_code = plan.indicators.order_by("section__position", "position", "code")[0].code
        assert first_code in indicators or "Trang" in indicators, plan.slug
        assert all("Số liệu đến ngày" in page for page in pages), plan.slug
    assert max(pages_by_plan.values()) <= MAX_WORKBOOK_PAGES, pages_by_plan
