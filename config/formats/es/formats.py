"""How dates read on Spanish pages (Django's format module for "es", FORMAT_MODULE_PATH): the
same styles as config/formats/en/formats.py, in Spanish order ("6 de diciembre de 2026"), with
Django's Spanish month and day names."""

DAY_FORMAT = "j b Y"  # 6 dic 2026
WEEKDAY_FORMAT = "D j b Y"  # dom 6 dic 2026
DAY_TIME_FORMAT = "j b Y H:i"  # 6 dic 2026 14:30
WEEKDAY_TIME_FORMAT = "D j b Y H:i"  # dom 6 dic 2026 14:30
DAY_TIME_ZONE_FORMAT = "j b Y H:i T"  # 6 dic 2026 14:30 EST
SHORT_WEEKDAY_FORMAT = "D j b"  # dom 6 dic
SHORT_WEEKDAY_TIME_FORMAT = "D j b H:i"  # dom 6 dic 14:30
DAY_MONTH_TIME_FORMAT = "j b H:i"  # 6 dic 14:30
LONG_DAY_FORMAT = r"j \d\e F \d\e Y"  # 6 de diciembre de 2026
LONG_WEEKDAY_FORMAT = r"l, j \d\e F \d\e Y"  # domingo, 6 de diciembre de 2026
LONG_WEEKDAY_DAY_FORMAT = r"l j \d\e F"  # domingo 6 de diciembre
CLOCK_FORMAT = "G:i"  # 16:00, 9:30 (a time of day on its own, as Spanish writes it)
