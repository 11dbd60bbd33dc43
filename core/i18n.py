"""Languages: Danish by default, English second; the user's choice is remembered.

The core's catalogue is the ``messages`` domain in ``translations/``; every plugin and municipality
has a domain of its own (named after it, in its own ``translations/`` folder), so two plugins can
never overwrite each other's strings.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from flask import current_app, g, has_request_context, request, session
from flask.globals import _cv_app
from flask_babel import Domain
from flask_login import current_user


# The locale each language is written in. English is written the British way, day first and on a
# 24-hour clock ("20 Dec 2026", "18:30"), which Danish staff read without doubt where the US way
# ("12/20/26", "6:30 PM") is ambiguous. Babel formats every date and time with this locale; the
# catalogue stays the language's own (gettext finds ``en`` for ``en_GB``), and pages name the
# language alone (``get_locale().language``).
WRITTEN_AS = {"en": "en_GB"}


def select_locale() -> str:
    language = _select_language()
    return WRITTEN_AS.get(language, language)


def _select_language() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI, a service called from a script: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or languages[0]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


class RequestDomain(Domain):
    """flask_babel's :class:`Domain`, with its catalogue looked up once per request.

    flask_babel looks the catalogue up on every ``gettext`` call (the request's Babel context through
    three ``flask.g`` proxies, the locale through three more, ``str(locale)``, the cache): about
    30 µs a call, and a page with labels makes hundreds of calls (every lazy label of a table row
    is translated again). The request's catalogue is kept beside the request's locale; when the
    locale changes (``flask_babel.refresh()``), it is looked up again."""

    def __init__(self, translation_directories=None, domain="messages"):
        super().__init__(translation_directories=translation_directories, domain=domain)
        self._memo_key = f"_mentorkorps_translations_{id(self)}"

    def get_translations(self):
        context = _babel_context()
        if context is not None:
            memo = context.__dict__.get(self._memo_key)
            if memo is not None and memo[0] is context.__dict__.get("babel_locale"):
                return memo[1]
        translations = super().get_translations()
        context = g.get("_flask_babel") if g else None
        locale = getattr(context, "babel_locale", None)
        if locale is not None:
            context.__dict__[self._memo_key] = (locale, translations)
        return translations


def install(app, babel) -> None:
    """Use :class:`RequestDomain` for the core's catalogue, in Python (``_``, ``_l``) and in
    templates (Jinja's ``_``/``ngettext`` call the domain directly, not through ``get_domain()``)."""
    domain = RequestDomain(domain=app.config.get("BABEL_DEFAULT_DOMAIN", "messages"))
    babel.domain_instance = domain  # flask_babel's cached property: the domain of every request
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: domain.get_translations().ugettext(s),
        ngettext=lambda s, p, n: domain.get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: domain.get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: domain.get_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["dateformat"] = dateformat
    app.jinja_env.filters["timeformat"] = timeformat
    app.jinja_env.filters["datetimeformat"] = datetimeformat
    app.jinja_env.filters["decimalformat"] = decimalformat


# What a date or a number looks like in a language, kept across requests: the text is a pure function
# of (value, pattern, locale), so the memo holds no one's data and can never be stale. A list page
# writes a date or two per row, and babel takes ~25 µs for each.
_WRITTEN: dict = {}
_WRITTEN_LIMIT = 20_000


def _written(key, make):
    text = _WRITTEN.get(key)
    if text is None:
        text = make()
        if len(_WRITTEN) >= _WRITTEN_LIMIT:
            _WRITTEN.clear()
        _WRITTEN[key] = text
    return text


def _babel_context():
    """flask_babel's per-request state (``g._flask_babel``), read through Flask's context variable
    rather than the ``g`` proxy (a proxy walk per call adds up over hundreds of strings and dates)."""
    app_context = _cv_app.get(None)
    return None if app_context is None else app_context.g.__dict__.get("_flask_babel")


def _request_locale():
    """``(locale, flask_babel's context)``: the locale if flask_babel has chosen it already in this
    request (without asking again), else ``None``."""
    context = _babel_context()
    return getattr(context, "babel_locale", None), context


def dateformat(value, format=None, rebase=True):
    """flask_babel's ``dateformat`` filter, with the request's locale and the resolved format looked
    up once per request and each (date, pattern, locale) written once per process (:data:`_WRITTEN`).
    A list page formats a date or two per row, and flask_babel looks up the locale (six ``flask.g``
    proxies) and the configured formats on every call. Datetimes (which may need the user's time
    zone) go to flask_babel as before."""
    from datetime import date, datetime

    import flask_babel
    from babel import dates

    if not isinstance(value, date) or isinstance(value, datetime):
        return flask_babel.format_date(value, format, rebase)
    locale, context = _request_locale()
    if locale is None:  # not yet chosen in this request: flask_babel chooses it (and keeps it)
        return flask_babel.format_date(value, format, rebase)
    memo = context.__dict__.get("_mentorkorps_dates")
    if memo is None or memo[0] is not locale:
        memo = context.__dict__["_mentorkorps_dates"] = (locale, str(locale), {})
    formats = memo[2]
    pattern = formats.get(format)
    if pattern is None:  # flask_babel's own resolution of a format name (BABEL_DATE_FORMATS)
        configured = flask_babel.get_babel().instance.date_formats
        pattern = format if format is not None else configured["date"]
        if pattern in ("short", "medium", "full", "long"):
            pattern = configured[f"date.{pattern}"] or pattern
        formats[format] = pattern
    return _written(("date", value, pattern, memo[1]), lambda: dates.format_date(value, pattern, locale=locale))


def timeformat(value, format="short"):
    """A time of day as the reader's language writes it ("18.30" in Danish, "18:30" in English).
    A ``datetime.time`` (a session's start) is local already, so it is not moved to the user's time
    zone, which flask_babel's own filter would try (and fail: a time of day has none); a datetime
    goes to flask_babel as before."""
    from datetime import time

    import flask_babel
    from babel import dates

    if not isinstance(value, time):
        return flask_babel.format_time(value, format)
    locale = _request_locale()[0] or flask_babel.get_locale()
    return _written(("time", value, format, str(locale)), lambda: dates.format_time(value, format, locale=locale))


def datetimeformat(value, format=None, rebase=True):
    """flask_babel's ``datetimeformat`` filter, written from the memoized date and time of day
    (:data:`_WRITTEN`) in the locale's own order, for the formats without a time zone in them
    ("short" and "medium", the only ones pages use). An audit table writes a timestamp per row, and
    babel takes ~60 µs for each; the local date and the minute repeat from row to row. The text is
    babel's own (``format_datetime`` puts the same two parts into the same pattern), which
    ``tests/core/test_translations.py`` checks across the year's time changes. Anything else goes to
    flask_babel as before."""
    from datetime import datetime

    import flask_babel
    from babel import dates

    locale, context = _request_locale()
    if locale is None or not rebase or not isinstance(value, datetime):
        return flask_babel.format_datetime(value, format, rebase)
    configured = flask_babel.get_babel().instance.date_formats
    name = format if format is not None else configured["datetime"]
    if name not in ("short", "medium") or configured.get(f"datetime.{name}"):
        return flask_babel.format_datetime(value, format, rebase)
    local = flask_babel.to_user_timezone(value)
    code = str(locale)
    day, clock_time = local.date(), local.time().replace(microsecond=0)
    pattern = _written(("datetime", name, code), lambda: dates.get_datetime_format(name, locale=locale).replace("'", ""))
    time_text = _written(("time", clock_time, name, code), lambda: dates.format_time(clock_time, name, locale=locale))
    date_text = _written(("date", day, name, code), lambda: dates.format_date(day, name, locale=locale))
    return pattern.replace("{0}", time_text).replace("{1}", date_text)


def local_date(day):
    """A date inside a message, written when the message is shown, in the reader's language (a lazy
    string: a service's message is made before the page knows who reads it)."""
    import flask_babel
    from flask_babel import LazyString

    return LazyString(flask_babel.format_date, day)


def decimalformat(number, format=None):
    """flask_babel's ``decimalformat`` filter (babel's ``format_decimal`` in the request's locale),
    each (number, format, locale) written once per process."""
    import flask_babel
    from babel import numbers

    locale = _request_locale()[0]
    if locale is None or type(number) not in (int, float, Decimal):
        return flask_babel.format_decimal(number, format)
    return _written(("decimal", type(number), number, format, str(locale)),
                    lambda: numbers.format_decimal(number, format=format, locale=locale))


_TRANSLATED: dict = {}
_TRANSLATED_LIMIT = 512


def translated(labels: dict) -> dict:
    """``{code: lazy label}`` translated once, for a page that shows the labels row by row: a lazy
    string is translated again every time it is shown (and marked safe HTML, where a plain string
    is escaped as any other text).

    The same dict (a module's ``STATUS_LABELS``: the memo keeps it and checks that it is the very
    same object) in the same language is translated once per process; a dict made anew (from a
    hook) is translated each time. The caller gets a copy of its own."""
    locale = _request_locale()[0]
    if locale is None:
        return {code: str(label) for code, label in labels.items()}
    key = (id(labels), str(locale))
    entry = _TRANSLATED.get(key)
    if entry is None or entry[0] is not labels:
        if len(_TRANSLATED) >= _TRANSLATED_LIMIT:
            _TRANSLATED.clear()
        entry = _TRANSLATED[key] = (labels, {code: str(label) for code, label in labels.items()})
    return dict(entry[1])


def plugin_domain(package_file: str, name: str) -> Domain:
    """The translation domain of a plugin package: ``<package>/translations/<lang>/LC_MESSAGES/<name>.po``."""
    return RequestDomain(translation_directories=[str(Path(package_file).resolve().parent / "translations")],
                         domain=name)
