"""Pages of a list, by Flask-SQLAlchemy's db.paginate: one helper for the API, one for the pages.

The API checks `?page=&per_page=` and answers CONTRACT §2's `invalid` for a number out of
range (api.core.page_args); a page of the HTML is forgiving instead — anything that is not a
page number shows the first page, a number past MAX_PAGE the last one we serve. Either way
the query is db.paginate's: COUNT of the select without its ORDER BY, then LIMIT/OFFSET.
Templates draw the links with the `pager` macro of templates/_macros/ui.html.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_sqlalchemy.pagination import Pagination

from .extensions import db
from .validation import parse_whole

MAX_PAGE = 100_000  # an offset beyond this is no one's real page, and overflows SQLite's integers


def paginate(select: sa.Select, *, page: int, per_page: int) -> Pagination:
    """Page `page` (from 1) of `select`, `per_page` rows each; past the last page, no rows."""
    return db.paginate(select, page=page, per_page=per_page, max_per_page=per_page, error_out=False)


def page_number(raw) -> int:
    """A page's ?page= as a person's browser sent it: 1 unless it reads as a number from 1 up."""
    number = parse_whole(raw) if raw is not None else None
    if number is None or number < 1:
        return 1
    return min(number, MAX_PAGE)


def page_of(select: sa.Select, per_page: int) -> Pagination:
    """The page of `select` that the request's ?page= names, for an HTML page."""
    return paginate(select, page=page_number(request.args.get("page")), per_page=per_page)
