"""Parts kept under the country's version (plans.kept_parts, plans.models.CountryVersion).

Every write to the data bumps the version in the writer's transaction, so a kept part is
never shown after a write; drafts leave the approved version, so parts of approved figures
outlive them; a day, a deploy or a rolled-back transaction each give another part.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Actual
from plans import kept_parts, services, signals
from plans.models import CountryVersion, KeptPart, Plan, PlanYear
from plans.workflow import FigureEdit, figures_save_versioned
from tests import factories as f
from tests import home_page

pytestmark = pytest.mark.django_db


class Renders:
    """A part's render function that counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"rendered {self.calls}"


def part(render, *, code="code", rests_on=CountryVersion.APPROVED) -> str:
    return kept_parts.kept(f"test-{rests_on}", code=code, render=render, rests_on=rests_on)


def test_a_part_is_rendered_once_then_read_in_one_query():
    render = Renders()
    assert part(render) == "rendered 1"
    with CaptureQueriesContext(connection) as queries:
        assert part(render) == "rendered 1"
    assert render.calls == 1 and len(queries) == 1


def test_each_write_renders_it_again_and_drafts_keep_the_approved_one(world):
    parts = {name: Renders() for name in ("approved", "reports", "data")}

    def calls_after(write) -> dict[str, int]:
        write()
        for name, render in parts.items():
            part(render, rests_on=name)
        return {name: render.calls for name, render in parts.items()}

    f.actual(world.percent, year=2013)  # a draft to submit
    assert calls_after(lambda: None) == {"approved": 1, "reports": 1, "data": 1}
    # Figures written as drafts (the entry screen's bulk write).
    drafts = lambda: Plan.data_changed(plan_ids=[world.plan_a.pk], approved=False)  # noqa: E731
    assert calls_after(drafts) == {"approved": 1, "reports": 1, "data": 2}
    # A year submitted: its plan-year saved, its figures' status moved without approval.
    submitted = lambda: services.plan_year_submit(  # noqa: E731
        plan=world.plan_a, year=2013, user=world.users["staff_a"]
    )
    assert calls_after(submitted) == {"approved": 1, "reports": 2, "data": 3}
    # Any other single save.
    assert calls_after(lambda: f.province("Tỉnh mới")) == {"approved": 2, "reports": 3, "data": 4}


def test_another_day_or_other_code_renders_it_again(monkeypatch):
    render = Renders()
    part(render)
    part(render, code="after a deploy")
    assert render.calls == 2
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert part(render, code="after a deploy") == "rendered 3"


def test_a_rolled_back_transaction_takes_its_part_and_its_version_with_it():
    before = CountryVersion.current().data
    with pytest.raises(RuntimeError), transaction.atomic():
        f.province("Tỉnh bỏ")
        part(Renders())
        raise RuntimeError
    assert CountryVersion.current().data == before
    assert not KeptPart.objects.filter(name="test-approved").exists()


@pytest.mark.parametrize(
    "write",
    [
        lambda world: f.province("Tỉnh đổi tên"),
        lambda world: f.agency(),
        lambda world: f.sector(),
        lambda world: f.concept(),
        lambda world: f.plan(),
        lambda world: f.funding_source(code="odA-moi", short_name="ODA mới"),
        lambda world: f.user(f.STAFF, world.province_a),  # a membership
        lambda world: PlanYear.objects.create(plan=world.plan_a, year=2019),
    ],
    ids=["province", "agency", "sector", "concept", "plan", "source", "membership", "plan-year"],
)
def test_single_saves_of_shared_rows_bump_the_version(world, write, request):
    before = CountryVersion.current()
    write(world)
    after = CountryVersion.current()
    assert after.data > before.data and after.reports > before.reports
    # Who works where, and a year's step of review, change no page of approved figures.
    beside = request.node.callspec.id in ("membership", "plan-year")
    assert (after.approved == before.approved) if beside else (after.approved > before.approved)


def test_only_caches_and_notices_are_left_out():
    left_out = {apps.get_model(label) for label in signals.NOT_DATA}  # each name is a model
    ours = {
        model
        for label in signals.DATA_APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    }
    assert set(signals.data_models()) == ours - left_out
    assert {model.__name__ for model in left_out} == {
        "PlanStatusSnapshot",
        "ConceptVerdictSnapshot",
        "YearRowsSnapshot",
        "DashboardPage",
        "NationalMatrixPage",
        "ComparePage",
        "CountryVersion",
        "KeptPart",
        "Notice",
    }


def test_a_migration_bumps_the_version():
    before = CountryVersion.current().data
    call_command("migrate", verbosity=0)
    assert CountryVersion.current().data > before


def test_the_national_home_shows_each_change_at_once(world, as_user):
    national = as_user(world.users["national"])
    page = national.get(reverse("plans:home")).content.decode()
    assert world.plan_a.slug in home_page.plan_slugs(page)
    kept = KeptPart.objects.get(name="home")
    # A plan renamed in the admin (a single save, no figure touched).
    world.plan_a.title = "Kế hoạch đổi tên"
    world.plan_a.save()
    page = national.get(reverse("plans:home")).content.decode()
    assert "Kế hoạch đổi tên" in page
    # A draft, as the entry screen writes it: the kept page of approved figures stays.
    stamp = KeptPart.objects.get(name="home").computed_at
    edit = FigureEdit(
        world.percent.pk, None, Actual(indicator=world.percent, year=2013, value=Decimal(40)), 0
    )
    figures_save_versioned([edit], fields=("value",), user=None)
    national.get(reverse("plans:home"))
    assert KeptPart.objects.get(name="home").computed_at == stamp != kept.computed_at
