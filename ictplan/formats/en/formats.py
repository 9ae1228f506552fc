# English interface, Vietnamese numbers: every input reads "1.093.410" and "0,85" whatever the
# language (plans.numbers), and charts use Vietnamese separators, so English pages print
# numbers that way too; a page never shows "9.5" beside an input expecting "10,2".
# Dates keep Django's English formats ("July 27, 2012" cannot be misread).

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
