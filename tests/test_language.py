"""Nothing English in the Vietnamese interface; one number notation on English pages.

The check knows no list of words: it collects every interface string Django, the installed
apps and the project can show (the msgids of their catalogues) and fails when a Vietnamese
page shows one of them verbatim, i.e. untranslated.
"""

import re
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import translation

from indicators.models import Actual
from plans.admin import permission_label
from plans.models import PlanYear
from tests import factories as f
from tests.plans.conftest import World

pytestmark = pytest.mark.django_db

OUR_CATALOGUE = Path(settings.BASE_DIR) / "ictplan" / "locale" / "vi" / "LC_MESSAGES"
# Shown in English on purpose: the language picker names each language in itself.
LANGUAGE_NAMES = {"English", "Tiếng Việt"}
# Attributes a person reads (tooltips, placeholders, screen readers).
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# Words of English grammar that no Vietnamese sentence uses: they catch English written into a
# template or view without gettext, which no catalogue lists.
ENGLISH_WORDS = frozenset(
    "the of and is are was for with this that your you will be has have not from".split()
)
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdifr]|%[sdif]|\{[^}]*\}")


class VisibleText(HTMLParser):
    """Collect the text a person reads on a page: text nodes and read attributes."""

    HIDDEN = {"script", "style", "template", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        self.pieces += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.pieces.append(data)


def visible_pieces(html: str) -> set[str]:
    """Return the page's read text, one whitespace-normalised piece per node or attribute."""
    parser = VisibleText()
    parser.feed(html)
    pieces = set()
    for text in parser.pieces:
        # The admin joins app, model and permission with " | " in one option.
        for piece in " ".join(text.split()).split(" | "):
            pieces |= {piece, piece.rstrip(":").strip()}
    return {piece for piece in pieces if piece}


def catalogue_files() -> list[Path]:
    """Return one catalogue per source of interface strings: Django, each app, ours."""
    roots = [Path(django.__file__).parent / "conf" / "locale"]
    roots += [Path(config.path) / "locale" for config in apps.get_app_configs()]
    files = [OUR_CATALOGUE / "django.po"]
    for root in roots:
        # Every language lists the same msgids; English when shipped, else any.
        candidates = sorted(root.glob("*/LC_MESSAGES/django.po"))
        english = root / "en" / "LC_MESSAGES" / "django.po"
        if english.exists():
            files.append(english)
        elif candidates:
            files.append(candidates[0])
    return files


def is_wording(msgid: str) -> bool:
    """Return whether `msgid` is English wording, not a code, a unit or a single letter."""
    return len(re.findall(r"[a-z]", PLACEHOLDER.sub("", msgid))) >= 3


def is_english_prose(piece: str) -> bool:
    """Return whether `piece` reads as an English phrase: plain ASCII with English grammar."""
    words = re.findall(r"[A-Za-z]+", piece)
    return piece.isascii() and len(words) >= 3 and bool(ENGLISH_WORDS & {w.lower() for w in words})


@cache
def english_strings() -> tuple[frozenset[str], tuple[re.Pattern, ...]]:
    """Return the interface's English strings, plain and (with placeholders) as patterns."""
    same_in_vietnamese = {
        entry.msgid
        for entry in polib.pofile(str(OUR_CATALOGUE / "django.po"))
        if entry.msgstr == entry.msgid
    }
    plain, patterns = set(), []
    for path in catalogue_files():
        for entry in polib.pofile(str(path)):
            for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
                if not is_wording(msgid) or msgid in same_in_vietnamese:
                    continue
                text = " ".join(msgid.split())
                if PLACEHOLDER.search(text):
                    parts = [re.escape(part) for part in PLACEHOLDER.split(text)]
                    if sum(len(part) for part in parts) >= 8:  # "%s" alone matches anything
                        patterns.append(re.compile(".+".join(parts)))
                else:
                    plain.add(text)
    return frozenset(plain - LANGUAGE_NAMES), tuple(patterns)


def untranslated(html: str) -> list[str]:
    """Return the pieces of a page that are English interface strings shown verbatim."""
    plain, patterns = english_strings()
    found = []
    for piece in visible_pieces(html):
        if (
            piece in plain
            or any(pattern.fullmatch(piece) for pattern in patterns)
            or is_english_prose(piece)
        ):
            found.append(piece)
    return sorted(found)


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_the_check_finds_english_strings():
    page = (
        "<p>Chỉ tiêu</p><button title='Log out'>x</button>"
        "<li>Quy hoạch | kế hoạch | Can add indicator</li><p>Hậu Giang</p>"
        "<p>Figures of the year</p><p>Số liệu của năm 2013 (to và rõ)</p>"
    )
    assert untranslated(page) == ["Can add indicator", "Figures of the year", "Log out"]


# The pages walked in Vietnamese, as the user who sees each one.


@pytest.fixture
def walk(world, client, admin_user):
    PlanYear.objects.get_or_create(plan=world.plan_a, year=2013)
    f.actual(world.count, year=2013, value="9.5", entered_by=world.users["staff_a"])
    f.disbursement(world.line, amount="50", year=2013, source=world.source)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    plan = world.plan_a
    staff_pages = {
        "home": reverse("plans:home"),
        "dashboard": reverse("plans:plan-dashboard", args=[plan.slug]),
        "entry": reverse("indicators:entry", args=[plan.slug, 2013]),
        "budget entry": reverse("budgets:entry", args=[plan.slug, 2013]),
        "year view": reverse("plans:year-view", args=[plan.province.slug, 2013]),
        "compare": reverse("indicators:concept-list"),
        "compare one": reverse("indicators:concept-compare", args=[world.concept.code]),
        "deadlines": reverse("plans:deadlines", args=[plan.slug]),
        "notices": reverse("plans:notices"),
        "indicator history": reverse("indicators:history", args=[world.count.pk]),
        "budget line history": reverse("budgets:line-history", args=[world.line.pk]),
    }
    admin_pages = {"admin index": reverse("admin:index")}
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        admin_pages[f"{model._meta.label} add"] = reverse(f"{prefix}_add")
        first = model.objects.order_by("pk").first()
        if first is not None:
            admin_pages[f"{model._meta.label} change"] = reverse(
                f"{prefix}_change", args=[first.pk]
            )
    national_pages = {
        "national": reverse("indicators:national"),
        "reporting status": reverse("plans:reporting-status"),
    }
    return {
        "staff": (world.users["staff_a"], staff_pages),
        "national": (world.users["national"], national_pages),
        "admin": (admin_user, admin_pages),
    }


@pytest.mark.parametrize("who", ["staff", "national", "admin"])
def test_vietnamese_pages_show_no_english_interface_string(walk, client, who):
    user, pages = walk[who]
    client.force_login(user)
    found = {}
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code == 403:  # figures change only on the entry screens
            continue
        assert response.status_code == 200, name
        shown = untranslated(response.content.decode())
        if shown:
            found[name] = shown
    assert found == {}, "\n".join(f"{name}: {shown}" for name, shown in found.items())


def test_the_check_sees_english_pages(walk, client):
    user, pages = walk["staff"]
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert len(untranslated(client.get(pages["dashboard"]).content.decode())) > 10


def test_group_permissions_are_listed_in_vietnamese(admin_client):
    staff = Group.objects.get(name=f.STAFF)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    content = admin_client.get(reverse("admin:auth_group_change", args=[staff.pk])).content
    content = content.decode()
    assert "Được nhập và gửi duyệt số liệu của tỉnh mình" in content
    assert "Được thêm chỉ tiêu" in content
    assert "Can add" not in content


def test_english_keeps_the_stored_permission_names(admin_client):
    staff = Group.objects.get(name=f.STAFF)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = admin_client.get(reverse("admin:auth_group_change", args=[staff.pk])).content
    assert "Can enter and submit figures of their province" in content.decode()


# English pages print numbers in the notation every input reads (plans.numbers): Vietnamese.


@pytest.fixture
def english_staff(world, as_user):
    PlanYear.objects.get_or_create(plan=world.plan_a, year=2013)
    f.actual(
        world.count,
        year=2013,
        value="9.5",
        entered_by=world.users["staff_a"],
        status=Actual.Status.APPROVED,
    )
    client = as_user(world.users["staff_a"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("page", ["indicators:entry", "plans:plan-dashboard"])
def test_english_pages_show_figures_in_the_notation_inputs_read(world, english_staff, page):
    args = [world.plan_a.slug, 2013] if page == "indicators:entry" else [world.plan_a.slug]
    response = english_staff.get(reverse(page, args=args))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in content
    text = " ".join(visible_pieces(content)) + " ".join(re.findall(r'value="([^"]*)"', content))
    assert "9,5" in text
    assert not re.search(r"(?<![\d.])9\.5(?![\d])", text)


def test_english_entry_accepts_a_vietnamese_decimal(world, english_staff):
    url = reverse("indicators:entry", args=[world.plan_a.slug, 2013])
    current = Actual.objects.get(indicator=world.count, year=2013)
    response = english_staff.post(
        url,
        {
            f"i{world.count.pk}-version": current.version,
            f"i{world.count.pk}-value": "10,2",
            **{f"i{i.pk}-version": 0 for i in (world.percent, world.qualitative)},
        },
    )
    assert response.status_code == 302
    assert Actual.objects.get(indicator=world.count, year=2013).value == Decimal("10.2")


def test_translation_of_default_permission_names_follows_the_model():
    with translation.override("vi"):
        permission = Permission.objects.get(codename="view_plan")
        assert permission_label(permission).endswith("| Được xem quy hoạch, kế hoạch")
