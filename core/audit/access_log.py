"""No personal data in the access log: query strings are left out.

A search is a GET with ``?q=`` (the API's contract; the web list's form too), and a search term is
personal data: a name, an e-mail address. Every query string may carry one, so the access log
leaves them all out, at the one place each server writes it:

- gunicorn (production, ``make serve``): ``access_log_format`` in ``gunicorn.conf.py`` names the
  path only: ``%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms`` (not ``%(r)s``, the request
  line, ``%(q)s``, the query, nor ``%(f)s``, the referring page and its query).
- Werkzeug's development server (``make run``): :func:`install` adds a filter to its logger that
  cuts the query string off the request line.

The read audit records that a search was made and with which filters, never the text.
"""
from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"(\s/[^\s?\"]*)\?[^\s\"]*")


class DropQueryStrings(logging.Filter):
    """Cut ``?...`` off every path in a log record's message (and arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_QUERY.sub(r"\1", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = _QUERY.sub(r"\1", record.msg)
        return True


def install() -> None:
    """Filter the development server's access log (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
        logger.addFilter(DropQueryStrings())
