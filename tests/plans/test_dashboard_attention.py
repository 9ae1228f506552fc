"""The plan dashboard leads with what is behind: a phone sees it before anything else."""

import re

import pytest
from django.urls import reverse

from indicators.models import Actual, Comparator
from tests import factories as f

pytestmark = pytest.mark.django_db

APPROVED = Actual.Status.APPROVED


@pytest.fixture
def judged(world):
    """VT-1 behind its path to 2015, VT-2 short of its 2013 milestone, B-1 on track."""
    for year, value in ((2012, "50"), (2013, "40")):
        f.actual(world.percent, year=year, value=value, status=APPROVED)
    f.target(
        world.count, year=2013, phrase="ít nhất 100 trạm", comparator=Comparator.GTE, value="100"
    )
    f.actual(world.count, year=2013, value="9.5", status=APPROVED)
    on_track = f.indicator(world.plan_a, code="VT-4", name="Hộ có Internet", unit="%", position=4)
    f.target(on_track, year=2015, value="90")
    for year, value in ((2012, "50"), (2013, "70")):
        f.actual(on_track, year=year, value=value, status=APPROVED)
    return world


def attention_block(content: str) -> str:
    match = re.search(r'<section[^>]*data-testid="needs-attention".*?</section>', content, re.S)
    assert match, "no needs-attention block"
    return match.group(0)


def test_dashboard_lists_behind_indicators_missed_milestones_first(judged, as_user):
    client = as_user(judged.users["leader_a"])
    content = client.get(reverse("plans:plan-dashboard", args=["plan-a"])).content.decode()
    block = attention_block(content)
    listed = re.findall(r'data-testid="behind-([^"]+)"', block)
    assert listed == ["VT-2", "VT-1"]


def test_attention_block_comes_before_the_indicator_table_and_only_on_phones(judged, as_user):
    client = as_user(judged.users["leader_a"])
    content = client.get(reverse("plans:plan-dashboard", args=["plan-a"])).content.decode()
    block = attention_block(content)
    assert "d-md-none" in block.split(">", 1)[0]
    assert content.index(block) < content.index('id="indicators-heading"')
    assert content.index(block) > content.index("</header>")


def test_attention_block_names_the_figure_and_the_path(judged, as_user):
    client = as_user(judged.users["leader_a"])
    client.cookies["django_language"] = "vi"
    block = attention_block(
        client.get(reverse("plans:plan-dashboard", args=["plan-a"])).content.decode()
    )
    assert "Chậm tiến độ" in block and "Không đạt" in block
    assert "2013: 9,5 trạm, mục tiêu “ít nhất 100 trạm”" in block
    assert "2013: 40 %, lộ trình cần đạt 63,33 %" in block


def test_no_behind_indicator_says_so(world, as_user):
    client = as_user(world.users["leader_a"])
    block = attention_block(
        client.get(reverse("plans:plan-dashboard", args=["plan-a"])).content.decode()
    )
    assert "behind-" not in block
    assert "Không có chỉ tiêu nào chậm tiến độ." in block
