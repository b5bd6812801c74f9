"""How dates read on English pages (Django's format module for "en", FORMAT_MODULE_PATH).

The *_FORMAT names below that Django does not define are the project's date styles, read by
`core.formatting.date_text` (the `when` template filter); the others are Django's own. Court
filings and letters to agencies stay English and do not use these (documents/)."""

DAY_FORMAT = "j M Y"  # 6 Dec 2026
WEEKDAY_FORMAT = "D j M Y"  # Sun 6 Dec 2026
DAY_TIME_FORMAT = "j M Y H:i"  # 6 Dec 2026 14:30
WEEKDAY_TIME_FORMAT = "D j M Y H:i"  # Sun 6 Dec 2026 14:30
DAY_TIME_ZONE_FORMAT = "j M Y H:i T"  # 6 Dec 2026 14:30 EST
SHORT_WEEKDAY_FORMAT = "D j M"  # Sun 6 Dec
SHORT_WEEKDAY_TIME_FORMAT = "D j M H:i"  # Sun 6 Dec 14:30
DAY_MONTH_TIME_FORMAT = "j M H:i"  # 6 Dec 14:30
LONG_DAY_FORMAT = "F j, Y"  # December 6, 2026
LONG_WEEKDAY_FORMAT = "l j F Y"  # Sunday 6 December 2026
LONG_WEEKDAY_DAY_FORMAT = "l j F"  # Sunday 6 December
CLOCK_FORMAT = "g:i A"  # 4:00 PM (a time of day on its own: court dates, the clerk's closing hour)
