"""The Vietnamese catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "ictplan" / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_has_a_vietnamese_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    untranslated = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    assert untranslated == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert {e.msgid: e.msgstr for e in mo if e.msgid} == {
        e.msgid: e.msgstr for e in po if e.translated()
    }
