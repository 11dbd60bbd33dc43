"""One way to cut a list into pages, for the web pages and the API alike.

A service builds its ``select`` and the matching count and calls :func:`paginate`, which runs the
count and (when the page is not past the end) the page itself: two statements at most, whatever the
list's length. A web view reads the page number with :func:`page_number`; an API endpoint gets it
from the ``page`` and ``page_size`` query arguments that flask-smorest's ``@blp.paginate`` parses
(core.api_base) and puts :attr:`Page.total` into ``pagination_parameters.item_count`` for the
``X-Pagination`` header. The ``pager`` macro of ``_forms.html`` renders a :class:`Page`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

PAGE_SIZE = 50  # rows a page, web and API, unless the caller asks for another size (API, config)
MAX_PAGE_SIZE = 200  # the largest page an API caller may ask for
MAX_PAGE = 10**9  # a page number beyond this is no page of any list


@dataclass
class Page:
    """One page of a list: its ``items`` and where it stands (``page`` of ``pages``)."""

    items: list
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(stmt, count_stmt, *, page: int, per_page: int, rows: bool = False) -> Page:
    """Page ``page`` (from 1) of ``stmt``, with ``per_page`` rows; ``count_stmt`` counts them all.

    ``stmt`` must be ordered. ``rows=True`` keeps whole result rows (a select of an entity and
    computed columns); otherwise the first column of each (the entity). A page past the end is
    empty, and is never sent to the database (so no page number can overflow its ``OFFSET``)."""
    from core.extensions import db

    page = min(max(int(page), 1), MAX_PAGE)
    total = db.session.scalar(count_stmt) or 0
    offset = (page - 1) * per_page
    if offset >= total:
        return Page([], page, per_page, total)
    result = db.session.execute(stmt.limit(per_page).offset(offset))
    return Page(result.all() if rows else result.scalars().all(), page, per_page, total)


_DIGITS = re.compile(r"[0-9]{1,10}")


def page_number(args, name: str = "page") -> int:
    """The page a web page's query string asks for (``?page=``): 1 unless it is a page number."""
    text = (args.get(name) or "").strip()
    return min(max(int(text), 1), MAX_PAGE) if _DIGITS.fullmatch(text) else 1
