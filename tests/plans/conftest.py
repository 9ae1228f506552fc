import datetime

import pytest

from indicators.models import Indicator
from tests import factories as f


class World:
    """Two provinces, a plan each, and one user per role.

    Province A (Hậu Giang) was merged into Cần Thơ on 1/7/2025: Cần Thơ's staff and leaders
    reach plan A as A's own do; a Bắc Ninh user reaches neither plan.
    """

    def __init__(self):
        self.successor = f.province("Cần Thơ", code="92", formed_on=datetime.date(2025, 7, 1))
        self.unrelated = f.province("Bắc Ninh", code="24", formed_on=datetime.date(2025, 7, 1))
        self.province_a = f.province(
            "Hậu Giang", code="93", successor=self.successor, merged_on=datetime.date(2025, 7, 1)
        )
        self.province_b = f.province("Sóc Trăng", code="94")
        self.plan_a = f.plan(self.province_a, slug="plan-a", first_year=2011, last_year=2015)
        self.plan_b = f.plan(self.province_b, slug="plan-b", first_year=2011, last_year=2015)
        section = f.section(self.plan_a, code="S1", title="Viễn thông")
        self.percent = f.indicator(
            self.plan_a, code="VT-1", section=section, name="Internet", unit="%", position=1
        )
        f.target(self.percent, year=2015, phrase="trên 90%", value="90")
        self.count = f.indicator(
            self.plan_a, code="VT-2", section=section, name="Trạm BTS", unit="trạm", position=2
        )
        self.qualitative = f.indicator(
            self.plan_a,
            code="VT-3",
            section=section,
            name="Mạng lõi NGN",
            unit="",
            kind=Indicator.Kind.QUALITATIVE,
            position=3,
        )
        self.line = f.budget_line(self.plan_a, code="L1", name="Hạ tầng")
        f.allocation(self.line, amount="1000", year_from=2011, year_to=2015)
        self.source = self.line.allocations.get().source
        self.concept = f.concept("internet-users-pct")
        self.percent.concept = self.concept
        self.percent.save()
        self.agency = f.agency(self.province_a, "Sở TT&TT Hậu Giang", code="hg-stttt")
        f.project(self.plan_a, code="DA1", name="Trung tâm dữ liệu", lead_agency=self.agency)
        f.responsibility(self.plan_a, self.agency, code="R1", duties="Chủ trì triển khai")
        self.b_indicator = f.indicator(self.plan_b, code="B-1")
        self.b_line = f.budget_line(self.plan_b, code="BL1")
        self.users = {
            "anonymous": None,
            "staff_a": f.user(f.STAFF, self.province_a, "staff_a"),
            "staff_b": f.user(f.STAFF, self.province_b, "staff_b"),
            "leader_a": f.user(f.LEADER, self.province_a, "leader_a"),
            "national": f.user(f.NATIONAL, None, "national"),
            "admin": f.user(f.ADMIN, None, "admin_user"),
            "staff_successor": f.user(f.STAFF, self.successor, "staff_can_tho"),
            "leader_successor": f.user(f.LEADER, self.successor, "leader_can_tho"),
            "staff_unrelated": f.user(f.STAFF, self.unrelated, "staff_bac_ninh"),
        }


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def as_user(client):
    """Return a function that logs the test client in as one of the world's users."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login
