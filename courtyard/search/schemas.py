"""Response models of GET /api/v1/search and GET /api/v1/courtyards/<id>/topics/similar."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from ..api.schemas import Out
from ..deliberation.models import TopicStatus
from ..deliberation.schemas import AuthorOut, MyTopicOut

SEARCH_PARAMS = {"q": Annotated[str, Field(min_length=1, max_length=100, description="What to look for")],
                 "courtyard_id": int, "kind": Literal["topic", "message"]}
SIMILAR_PARAMS = {"title": Annotated[str, Field(min_length=1, max_length=100,
                                                description="The title being typed")]}


class Piece(Out):
    text: str
    hit: bool = Field(description="A word of the query")


class SearchTopicOut(Out):
    id: int
    title: str
    status: TopicStatus = Field(description="Merged and withdrawn topics are found too, and say so")
    merged_into_id: int | None
    courtyard_id: int
    courtyard_name: str
    community_name: str


class SearchMessageOut(Out):
    id: int
    author: AuthorOut
    created_at: datetime
    hidden: bool = Field(description="Found only by moderators while hidden")


class SearchHitOut(Out):
    kind: Literal["topic", "message"]
    topic: SearchTopicOut
    message: SearchMessageOut | None = Field(description="The message found; null for a topic")
    title: list[Piece] = Field(description="The topic's title in pieces, the query's words marked")
    snippet: list[Piece] = Field(description="Around the first hit in the body or the message")


class SearchPageOut(Out):
    """A page of results, best first (CONTRACT §4's envelope, with the query's words)."""

    items: list[SearchHitOut]
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: int = Field(ge=0)
    terms: list[str] = Field(description="The phrases looked for (jieba's words of q, as characters)")


class SimilarTopicOut(MyTopicOut):
    can_support: bool = Field(description="Whether the caller may say 我也遇到 to it")


class SimilarTopicsOut(Out):
    """Up to 5 topics of the courtyard still being worked on, best first."""

    items: list[SimilarTopicOut]
