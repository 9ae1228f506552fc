# English interface, Vietnamese numbers: every input reads "1.093.410" and "0,85" whatever the
# language (plans.numbers), and charts use Vietnamese separators, so English pages print
# numbers that way too; a page never shows "9.5" beside an input expecting "10,2".
# Dates print in Django's English long form ("July 27, 2012" cannot be misread), but are typed
# day first as in Vietnamese: a deadline typed "05/06/2024" is 5 June in both languages.

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

SHORT_DATE_FORMAT = "d/m/Y"
# The same day-first input formats as Vietnamese.
from ictplan.formats.vi.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: E402, F401
