"""Search of topics and messages (issue 12): Chinese by characters, queries by jieba words.

- tokens.py: the index form of a text and the terms of a query (pure; why characters);
- models.py: search_entries, one per topic and per message; schema.py: the FTS objects the
  models do not describe (SQLite FTS5, PostgreSQL tsvector) and Alembic's filter for them;
- index.py: writing entries (one per act, or all at once: flask search-reindex);
- listeners.py: topic-created and message-posted add their entries;
- permissions.py: who finds what, asked of deliberation's rules at query time;
- services.py: `search` and `similar_topics`;
- views.py: the /search page; api.py: GET /api/v1/search and …/topics/similar.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The index's listeners, the page and the JSON routes; called by create_app before the API
    blueprint is registered."""
    from . import api as _api  # noqa: F401  (adds its routes to the API blueprint)
    from . import listeners, views

    listeners.connect()
    app.register_blueprint(views.bp)
