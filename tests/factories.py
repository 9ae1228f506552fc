"""Small builders for test data: plain functions with sensible defaults."""

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from budgets.models import Allocation, BudgetLine, Disbursement, FundingSource, StatedTotal
from indicators.models import (
    Actual,
    Comparator,
    EvidenceFile,
    Indicator,
    IndicatorConcept,
    Target,
)
from plans import roles
from plans.models import (
    Agency,
    Membership,
    Plan,
    PlanYear,
    Project,
    Province,
    Responsibility,
    Section,
    Sector,
    WorkProgress,
)

_counter = itertools.count(1)


def province(name="Hậu Giang", code=None, **fields) -> Province:
    number = next(_counter)
    return Province.objects.create(
        name=name,
        code=code or f"T{number}",
        slug=fields.pop("slug", f"province-{number}"),
        **fields,
    )


def agency(province=None, name="Sở Thông tin và Truyền thông", **fields) -> Agency:
    return Agency.objects.create(
        code=fields.pop("code", f"agency-{next(_counter)}"), name=name, province=province, **fields
    )


def sector(code=None, name="Viễn thông") -> Sector:
    return Sector.objects.create(code=code or f"sector-{next(_counter)}", name=name)


def plan(province_=None, **fields) -> Plan:
    number = next(_counter)
    defaults = {
        "slug": f"plan-{number}",
        "kind": Plan.Kind.MASTER_PLAN,
        "title": f"Quy hoạch phát triển viễn thông số {number}",
        "first_year": 2011,
        "last_year": 2015,
    }
    defaults.update(fields)
    return Plan.objects.create(province=province_ or province(), **defaults)


def section(plan_, code=None, **fields) -> Section:
    return Section.objects.create(
        plan=plan_,
        code=code or f"S{next(_counter)}",
        title=fields.pop("title", "Mục tiêu"),
        **fields,
    )


def concept(code=None, name="Tỷ lệ người sử dụng Internet", unit="%") -> IndicatorConcept:
    return IndicatorConcept.objects.create(
        code=code or f"concept-{next(_counter)}", name=name, unit=unit
    )


def indicator(plan_, code=None, **fields) -> Indicator:
    defaults = {"name": "Tỷ lệ xã có điểm phục vụ", "unit": "%"}
    defaults.update(fields)
    return Indicator.objects.create(plan=plan_, code=code or f"I{next(_counter)}", **defaults)


def target(indicator_, year=2015, phrase="trên 90%", comparator=Comparator.GT, value="90", **kw):
    return Target.objects.create(
        indicator=indicator_,
        year=year,
        phrase=phrase,
        comparator=comparator,
        value=Decimal(value),
        **kw,
    )


def actual(indicator_, year=2013, value="50", **fields) -> Actual:
    return Actual.objects.create(
        indicator=indicator_,
        year=year,
        value=Decimal(value) if value is not None else None,
        **fields,
    )


def evidence_file(figure, name="minh chứng.pdf", size=1234, **fields) -> EvidenceFile:
    """Return an evidence file row on a figure or a disbursement; no bytes are stored."""
    owner = {"actual": figure} if isinstance(figure, Actual) else {"disbursement": figure}
    return EvidenceFile.objects.create(
        **owner,
        file=f"evidence/factory/{figure.year}/{next(_counter)}.pdf",
        original_name=name,
        extension="pdf",
        content_type="application/pdf",
        size=size,
        **fields,
    )


SOURCE_POSITIONS = {"nstw": 10, "nsdp": 20, "khac": 50}


def funding_source(code="nstw", short_name="NSTW") -> FundingSource:
    source, _ = FundingSource.objects.get_or_create(
        code=code,
        defaults={
            "name": short_name,
            "short_name": short_name,
            "position": SOURCE_POSITIONS.get(code, 90),
        },
    )
    return source


def budget_line(plan_, code=None, **fields) -> BudgetLine:
    return BudgetLine.objects.create(
        plan=plan_, code=code or f"B{next(_counter)}", name=fields.pop("name", "Hạ tầng"), **fields
    )


def allocation(line, amount="100", year_from=2011, year_to=2011, source=None) -> Allocation:
    return Allocation.objects.create(
        line=line,
        amount=Decimal(amount),
        amount_printed=amount,
        year_from=year_from,
        year_to=year_to,
        source=source or funding_source(),
    )


def disbursement(line, amount="50", year=2012, source=None, **fields) -> Disbursement:
    return Disbursement.objects.create(
        line=line, amount=Decimal(amount), year=year, source=source or funding_source(), **fields
    )


def project(plan_, code=None, **fields) -> Project:
    return Project.objects.create(
        plan=plan_, code=code or f"P{next(_counter)}", name=fields.pop("name", "Dự án"), **fields
    )


def responsibility(plan_, agency_, code=None, **fields) -> Responsibility:
    return Responsibility.objects.create(
        plan=plan_,
        agency=agency_,
        code=code or f"R{next(_counter)}",
        duties=fields.pop("duties", "Chủ trì triển khai"),
        **fields,
    )


def grow_plan(plan_: Plan, indicators=2, lines=2, *, actual_status=None) -> Plan:
    """Add a section with indicators (targets, actuals), budget lines and a duty to `plan_`."""
    sec = section(plan_, sector=sector())
    lead = agency(plan_.province)
    status = {"status": actual_status} if actual_status else {}
    for _ in range(indicators):
        ind = indicator(plan_, section=sec, concept=concept())
        target(ind, year=2015)
        target(ind, year=2020, phrase="100%", comparator=Comparator.EQ, value="100")
        actual(ind, year=2013, **status)
    for _ in range(lines):
        proj = project(plan_, lead_agency=lead)
        line = budget_line(plan_, section=sec, project=proj)
        allocation(line)
        allocation(line, source=funding_source("nsdp", "NSĐP"))
        disbursement(line)
    responsibility(plan_, lead, section=sec)
    return plan_


def work_progress(item, year=2013, state=WorkProgress.State.IN_PROGRESS, **fields) -> WorkProgress:
    """Return the progress of a project or a duty (a Responsibility) in `year`, a draft."""
    kind = "project" if isinstance(item, Project) else "duty"
    return WorkProgress.objects.create(
        plan=item.plan, year=year, state=state, **{kind: item}, **fields
    )


def small_plan(indicators=2, lines=2) -> Plan:
    """Return a plan with sections, indicators (targets, actuals), budget lines, duties and
    the progress of a project and a duty."""
    plan_ = grow_plan(plan(), indicators, lines)
    PlanYear.objects.create(plan=plan_, year=2013)
    work_progress(plan_.projects.first(), account="Đã khảo sát", disbursed=Decimal(10))
    work_progress(plan_.responsibilities.first(), state=WorkProgress.State.DONE)
    staff = user(STAFF, plan_.province)
    for figures in (
        Actual.objects.filter(indicator__plan=plan_),
        Disbursement.objects.filter(line__plan=plan_),
    ):
        if figure := figures.first():
            evidence_file(figure, uploaded_by=staff)
    StatedTotal.objects.create(
        plan=plan_, code="T1", label="Tổng vốn", amount=Decimal(1000), phrase="khoảng 1 tỷ đồng"
    )
    return plan_


def rich_plan() -> Plan:
    """Return a plan with every kind of row its document holds, and no yearly figures."""
    successor = province("Cần Thơ", code="92", slug="can-tho")
    home = province("Hậu Giang", code="93", slug="hau-giang", successor=successor)
    issuer = agency(home, "UBND tỉnh Hậu Giang", code="hg-ubnd", kind="peoples_committee")
    lead = agency(home, "Sở TT&TT Hậu Giang", code="hg-stttt", kind="department")
    plan_ = plan(
        home,
        slug="hg-qh",
        document_number="",
        title="Quy hoạch BCVT và CNTT",
        issued_year=2011,
        issuing_body=issuer,
        first_year=2011,
        last_year=2020,
        based_on="Tờ trình 240",
    )
    sector_ = sector("cntt", "Công nghệ thông tin")
    part = section(plan_, code="P1", number="Phần 1", title="Quy hoạch", position=1)
    goals = section(
        plan_,
        code="P1.III.2",
        parent=part,
        number="2.",
        title="Mục tiêu",
        sector=sector_,
        position=2,
    )
    computers = indicator(
        plan_,
        code="IT-1",
        section=goals,
        name="Tỷ lệ máy tính/cán bộ",
        scope="cấp xã",
        unit="máy/cán bộ",
        baseline_value=Decimal("0.3"),
        baseline_year=2010,
        baseline_source="Niên giám thống kê 2010",
        position=1,
    )
    target(computers, year=2015, phrase="0,85", comparator=Comparator.EQ, value="0.85")
    target(
        computers,
        year=2020,
        phrase="1 - 2 máy/cán bộ",
        comparator=Comparator.RANGE,
        value="1",
        upper_value=Decimal(2),
        unit="máy/cán bộ",
        period_start=2016,
    )
    indicator(
        plan_,
        code="IT-G",
        section=goals,
        name="Tăng trưởng doanh thu CNTT",
        unit="%",
        aggregation="yearly_rate",
        allows_negative=True,
        baseline_value=Decimal("-2.5"),
        baseline_year=2010,
        position=3,
    )
    indicator(
        plan_,
        code="IT-Q",
        section=goals,
        name="Mạng lõi NGN",
        kind="qualitative",
        unit="",
        due_year=2015,
        position=2,
    )
    task = project(plan_, code="NV1", number="1", name="Hạ tầng", position=1)
    project_ = project(
        plan_,
        code="DA1",
        number="1.1",
        name="Trung tâm dữ liệu",
        parent=task,
        lead_agency=lead,
        lead_agency_printed="Sở TT&TT",
        first_year=2012,
        last_year=2015,
        period_printed="2012-2015",
        content="Xây dựng",
        position=2,
    )
    line = budget_line(
        plan_,
        code="IT",
        name="Đầu tư CNTT",
        section=goals,
        sector=sector_,
        project=project_,
        printed_unit="tỷ đồng",
    )
    for year, source, printed in (
        (2011, "nstw", "62"),
        (2011, "nsdp", "1,5"),
        (2012, "nstw", "130"),
    ):
        planned = allocation(line, year_from=year, year_to=year, source=funding_source(source))
        planned.amount_printed = printed
        planned.amount = Decimal(printed.replace(",", ".")) * 1000
        planned.save()
    telecom = budget_line(plan_, code="VT", name="Viễn thông", printed_unit="triệu đồng")
    big = allocation(telecom, year_from=2011, year_to=2015, source=funding_source("chung"))
    big.amount_printed, big.amount = "1.093.410", Decimal(1093410)
    big.save()
    StatedTotal.objects.create(
        plan=plan_,
        code="TT1",
        label="Vốn CNTT 2011-2015",
        year_from=2011,
        year_to=2015,
        amount=Decimal(200000),
        phrase="khoảng 200 tỷ đồng",
    )
    responsibility(plan_, lead, code="R1", role="lead", section=part, duties="Chủ trì, hướng dẫn")
    responsibility(plan_, issuer, code="R2", role="support", duties="Phối hợp")
    return plan_


STAFF, LEADER, NATIONAL, ADMIN = roles.STAFF, roles.LEADER, roles.NATIONAL, roles.ADMIN


def user(role: str | None = None, province_=None, username=None):
    """Return a user in the role (a group made by the roles migration) and the province."""
    account = get_user_model().objects.create_user(
        username=username or f"user{next(_counter)}", password="pw"
    )
    if role:
        account.groups.add(Group.objects.get(name=role))
        account.is_staff = role == ADMIN
        account.save()
    Membership.objects.create(user=account, province=province_)
    return account
