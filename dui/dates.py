"""Calendar arithmetic shared by the apps (support-plan due dates, EIGS deadlines, recurring
events)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Same day `months` later (or earlier), or the last day of that month: 31 January + 1 is
    28 or 29 February, 30 November + 3 is 28 or 29 February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
