"""The one way a time is written on a page: 刚刚, 5分钟前 in the last hour, 今天 15:05 for the rest of
the day, 12月1日 15:05 this year and 2025年12月1日 15:05 before it (English: just now, 5 minutes ago,
today 15:05, 1 Dec 15:05, 1 Dec 2025 15:05), always in the street's time zone.

`when_text` is pure (the moment, "now", the language and the two words that are not CLDR data are
passed in), so it is tested with a table of cases; the `when` template filter gives it the clock,
the reader's language and the catalogue's words. static/js/when.js writes the same for times
rendered live.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo

from babel.dates import format_date, format_timedelta

from .clock import LOCAL_TZ

# Day and month patterns per language (CLDR month names); the time is always 24-hour HH:mm.
DAY = {"zh": "M月d日", "en": "d MMM"}
DAY_WITH_YEAR = {"zh": "y年M月d日", "en": "d MMM y"}
JUST_NOW = timedelta(minutes=1)
RECENT = timedelta(hours=1)


def _language(locale) -> str:
    return "zh" if str(locale or "zh").lower().startswith("zh") else "en"


def when_text(moment: datetime | None, now: datetime, *, locale="zh_CN", tz: tzinfo = LOCAL_TZ,
              today: str = "今天 %(time)s", just_now: str = "刚刚") -> str:
    """`moment` as people read it at `now`; naive datetimes are taken as UTC (as the database
    stores them). `today` is a pattern with %(time)s, `just_now` a word, both in `locale`."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    lang = _language(locale)
    babel_locale = "zh_CN" if lang == "zh" else "en"
    ago = now - moment
    if -JUST_NOW < ago < JUST_NOW:
        return just_now
    if JUST_NOW <= ago < RECENT:
        minutes = int(ago.total_seconds() // 60)
        return format_timedelta(timedelta(minutes=-minutes), add_direction=True, threshold=1,
                                locale=babel_locale)
    local, local_now = moment.astimezone(tz), now.astimezone(tz)
    time = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == local_now.date():
        return today % {"time": time}
    pattern = DAY[lang] if local.year == local_now.year else DAY_WITH_YEAR[lang]
    return f"{format_date(local.date(), pattern, locale=babel_locale)} {time}"


def day_text(day: date, *, locale="zh_CN", year: bool = True) -> str:
    """A calendar day as people write it: 2026年5月2日 / 2 May 2026 (without the year: 5月2日)."""
    lang = _language(locale)
    pattern = (DAY_WITH_YEAR if year else DAY)[lang]
    return format_date(day, pattern, locale="zh_CN" if lang == "zh" else "en")


def when(moment: datetime | None) -> str:
    """The `when` template filter: `when_text` at the clock's now, in the reader's language."""
    from flask_babel import get_locale
    from flask_babel import gettext as _

    from . import clock
    return when_text(moment, clock.now(), locale=get_locale(), today=_("today %(time)s"),
                     just_now=_("just now"))


def when_stored(value) -> str:
    """`when` for a time kept as ISO text (a notification's or an audit entry's data); text that
    is not a time is given back as it is, nothing as ""."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return when(value)


def day(value: date | None) -> str:
    """The `day` template filter: day_text in the reader's language."""
    from flask_babel import get_locale
    return day_text(value, locale=get_locale()) if value is not None else ""
