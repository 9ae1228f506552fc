"""Text helpers shared by every app: accent folding for search."""

import unicodedata


def fold(text: str | None) -> str:
    """Return `text` without Vietnamese diacritics, lowercased, for accent-blind search.

    "Đắk Lắk" -> "dak lak", "HẬU Giang" -> "hau giang". SQLite's case-insensitive matching is
    ASCII-only and PostgreSQL's unaccent does not exist on SQLite, so both databases search a
    column folded by this one function.
    """
    if not text:
        return ""
    # đ/Đ is a separate letter, not d with a combining mark, so NFD leaves it alone.
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


# Invisible characters that Word, browsers and PDF copies slip into text: zero-width space,
# non-joiner, joiner, word joiner and the byte-order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(text: str | None) -> str:
    """Return typed text as the portal stores it: composed (NFC), no invisible characters,
    no surrounding white space. A reason of only a zero-width space is blank.

    Text pasted from Word or macOS arrives decomposed ("ệ" as e + two combining marks): it
    would look the same and compare different.
    """
    return unicodedata.normalize("NFC", text or "").translate(_INVISIBLE).strip()


def normalise_space(text: str) -> str:
    """Return `text` in composed Unicode (NFC) with every run of white space folded to one space.

    Source documents mix composed and decomposed accents ("đồng" as one code point per letter
    or as letter plus combining mark); NFC makes the two compare equal.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())
