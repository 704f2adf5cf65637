"""Response models of Insight (figures, the ranking, the boards, 未诉先办) and the documented
types of its query parameters. The definitions of the figures are in docs/insight.md."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from ..api.core import File, Required
from ..api.schemas import Out
from ..deliberation.models import Category, CategoryClass
from ..deliberation.schemas import PhotoOut, TopicOut
from ..places.models import OrgKind
from ..tasks.models import TaskStatus
from ..tasks.schemas import RatingCounts, TaskDetailOut

Rate = Annotated[float | None, Field(description="A fraction 0–1; null when there is nothing to divide by")]
Hours = Annotated[float | None, Field(description="Hours; null when there is nothing to average")]
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
RankKey = Literal["on_time_rate", "satisfaction_rate", "reopen_rate", "avg_hours_to_resolve"]

# Query parameters the query models read as text for the services to check (doc(params=...)).
WINDOW_PARAMS = {"from": Annotated[date, Field(description="YYYY-MM-DD, Beijing time, included")],
                 "to": Annotated[date, Field(description="YYYY-MM-DD, Beijing time, included")]}
SCOPE_PARAMS = {**WINDOW_PARAMS,
                "scope": Required(Annotated[str, Field(pattern=r"^(street|community:\d+|courtyard:\d+)$")])}
RANKING_PARAMS = {**WINDOW_PARAMS, "sort": RankKey}
FORESIGHT_PARAMS = {**SCOPE_PARAMS, "k": Annotated[int, Field(ge=2, le=100)],
                    "days": Annotated[int, Field(ge=1, le=366)],
                    "threshold": Annotated[float, Field(ge=0, le=1)]}
EXPORT_PARAMS = {**SCOPE_PARAMS, "what": Literal["topics", "tasks", "figures"], "format": Literal["csv", "xlsx"]}
EXPORT_FILE = File(("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                   "A CSV file (UTF-8 with BOM), or with format=xlsx one workbook of the three sheets")


class ScopeOut(Out):
    kind: Literal["street", "community", "courtyard"]
    id: int | None = Field(description="Null for the street")
    name: str
    key: str = Field(description="street, community:<id> or courtyard:<id>")


class WindowOut(Out):
    from_: date = Field(alias="from")
    to: date
    days: int = Field(ge=1)


class CommunityRef(Out):
    id: int
    name: str


class ChangeOut(Out):
    previous: int
    delta: int
    ratio: float | None = Field(description="delta / previous; null when previous is 0")


class PeriodChangeOut(ChangeOut):
    from_: date = Field(alias="from")
    to: date
    days: int


class VolumeOut(Out):
    current: int
    previous_period: PeriodChangeOut
    last_year: PeriodChangeOut


class FigureOut(Out):
    value: float | None
    numerator: float
    denominator: int
    formula: str


class Figures(Out):
    resolution_rate: FigureOut
    satisfaction_rate: FigureOut
    response_rate: FigureOut
    avg_hours_to_first_response: FigureOut
    avg_hours_to_resolve: FigureOut
    on_time_rate: FigureOut
    reopen_rate: FigureOut


class RatingTotals(RatingCounts):
    total: int


class Volumes(Out):
    topics: VolumeOut
    tasks: VolumeOut


class TaskFigures(Out):
    tasks: int
    resolved: int
    overdue: int
    escalated: int
    resolution_rate: Rate
    satisfaction_rate: Rate
    avg_hours_to_resolve: Hours
    on_time_rate: Rate
    reopen_rate: Rate
    ratings: RatingTotals


class TopicFigures(TaskFigures):
    topics: int
    appeals: int
    responded: int
    response_rate: Rate


class MonthFigures(TopicFigures):
    month: Month
    topics_previous_month: int | None
    change_previous_month: ChangeOut | None
    topics_last_year: int | None
    change_last_year: ChangeOut | None


class CategoryFigures(TopicFigures):
    category: Category
    label: str


class ClassFigures(TopicFigures):
    """One of the five classes of 判: its categories' figures added up (all five, even when empty)."""
    class_: CategoryClass = Field(alias="class")
    label: str
    categories: list[Category]


class Counts(Out):
    numerator: int
    denominator: int


class ResolveHours(Out):
    hours: float
    tasks: int


class RankedFigures(TaskFigures):
    on_time: Counts
    satisfaction: Counts
    reopen: Counts
    resolve: ResolveHours
    rank: int = Field(ge=1)


class PropertyLine(RankedFigures):
    id: int
    organization_id: int
    name: str


class BuildingLine(RankedFigures):
    id: int
    courtyard_id: int
    name: str
    community: str


class StatsOut(Out):
    """CONTRACT §4 Figures, and more (docs/insight.md)."""

    scope: ScopeOut
    window: WindowOut
    generated_at: datetime
    topics: int
    appeals: int
    responded: int
    response_rate: Rate
    avg_hours_to_first_response: Hours
    tasks: int
    resolved: int
    resolution_rate: Rate
    satisfaction_rate: Rate
    avg_hours_to_resolve: Hours
    overdue: int
    escalated: int
    on_time_rate: Rate
    reopen_rate: Rate
    ratings: RatingTotals
    figures: Figures
    volume: Volumes
    by_category: list[CategoryFigures]
    by_class: list[ClassFigures]
    by_month: list[MonthFigures]
    property_ranking: list[PropertyLine]


class RankingOut(Out):
    community: CommunityRef
    window: WindowOut
    sort: RankKey
    property_companies: list[PropertyLine]
    buildings: list[BuildingLine]


class DecidedItem(Out):
    topic_id: int
    title: str
    category: Category
    courtyard: str
    decided_at: datetime
    support_count: int
    photos: list[PhotoOut]


class ResolvedItem(Out):
    task_id: int
    topic_id: int
    title: str
    category: Category
    courtyard: str
    organization: str
    created_at: datetime
    verified_at: datetime
    hours_to_resolve: Hours
    before_photos: list[PhotoOut]
    after_photos: list[PhotoOut]
    ratings: RatingTotals
    satisfaction_rate: Rate


class BoardOut(Out):
    community: CommunityRef
    decided: list[DecidedItem]
    resolved: list[ResolvedItem]


class Reply(Out):
    note: str
    at: datetime


class ExposedTask(Out):
    task_id: int
    topic_id: int
    title: str
    category: Category
    courtyard: str
    status: TaskStatus
    due_at: datetime
    overdue_hours: float
    escalation_level: Literal[0, 1, 2]
    reply: Reply | None = Field(description="The organization's latest note on the task")


class ExposedOrganization(Out):
    organization_id: int
    organization: str
    kind: OrgKind
    tasks: list[ExposedTask]


class ExposureOut(Out):
    community: CommunityRef
    generated_at: datetime
    total: int
    organizations: list[ExposedOrganization]


class HotSpot(Out):
    courtyard_id: int
    courtyard: str
    category: Category
    label: str
    total: int
    by_month: list[int] = Field(description="One count per month of `hot_spots.months`")
    change: ChangeOut
    rising: bool


class HotSpots(Out):
    months: list[Month]
    cells: list[HotSpot]


class RecurringProblem(Out):
    courtyard_id: int
    courtyard: str
    category: Category
    label: str
    ids: list[int]
    count: int
    peak: int
    peak_ids: list[int]
    first_at: datetime
    last_at: datetime
    title: str
    keywords: list[str]
    acted_topic_id: int | None


class Recurring(Out):
    k: int
    days: int
    threshold: float
    problems: list[RecurringProblem]


class SeasonalProfile(Out):
    label: str
    by_month: list[int] = Field(min_length=12, max_length=12, description="January … December")
    total: int
    share: list[float | None] = Field(min_length=12, max_length=12)
    peak_months: list[Annotated[int, Field(ge=1, le=12)]]


class SeasonalCategory(SeasonalProfile):
    category: Category


class SeasonalTheme(SeasonalProfile):
    theme: Literal["heating", "rain_leak"]


class Seasonal(Out):
    categories: list[SeasonalCategory]
    themes: list[SeasonalTheme]


class ClassArea(Out):
    courtyard_id: int
    courtyard: str
    topics: int


class ClassCycle(Out):
    class_: CategoryClass = Field(alias="class")
    label: str
    total: int
    by_month: list[int] = Field(description="Topics of the class in each month of `months`")
    areas: list[ClassArea] = Field(description="Its busiest courtyards, at most 3")


class ClassesByCycle(Out):
    months: list[str]
    classes: list[ClassCycle]


class ForesightOut(Out):
    scope: ScopeOut
    window: WindowOut
    hot_spots: HotSpots
    by_class: ClassesByCycle = Field(description="The five classes of 判 by month (cycle) and courtyard (area)")
    recurring: Recurring
    seasonal: Seasonal


class RecurringActionOut(Out):
    id: int
    source_topic_ids: list[int]
    topic: TopicOut
    task: TaskDetailOut | None = Field(description="With make_task")
