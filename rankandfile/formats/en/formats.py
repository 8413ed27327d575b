"""English dates as the whole site writes them: "6 Dec 2026", "6 Dec 2026, 14:30" (no "Dec. 6" here and
"2026-12-06" there). Templates use these through `|date:"DATE_FORMAT"` or Django's default rendering."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
