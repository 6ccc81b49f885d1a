"""Simplified Chinese: Django's defaults, except that numbers are grouped by thousands with a
comma (55,333; 730,000), as Chinese official and business documents print them. Django's zh_Hans
locale has no separator at all, so intcomma and floatformat "g" printed 55333.
The rest (dates and so on) falls through to Django's zh_Hans formats."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
