"""The demo's 主动治理 projects (issue 12 part 3): last month's, done, with its outcome on the 公示栏;
this month's, under way, with a department invited to answer. Idempotent: a month that has its
project is left alone."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..insight import monthly
from ..insight.models import MonthlyProject
from ..places.models import Building, Community, Courtyard, Organization

PROJECTS = (
    # (months back, building, category, title, body, department, outcome)
    (1, "1号楼", "parking", "主动治理：小区北门消防通道乱停车",
     "近三个月北门消防通道被占用的议题反复出现。本月书记办公日定为主动治理项目：划线、装隔离桩、夜间巡查。",
     "方庄街道城市管理办公室",
     "北门消防通道已划黄线并装了 6 根隔离桩，物业夜间巡查两周，再没有车辆占道。"),
    (0, "2号楼", "sanitation", "主动治理：2单元门口厨余垃圾满溢",
     "傍晚厨余垃圾桶经常满溢，居民多次反映。本月请环卫和城管部门一起研究加收时段和桶位。",
     "丰台区城市管理委员会", None),
)


def seed_monthly(demo) -> None:
    staff = demo.users["staff"]
    community = db.session.scalar(sa.select(Community).where(Community.name == "芳古园一区社区"))
    if community is None:
        return
    this = monthly.this_month()
    for back, building, category, title, body, dept, outcome in PROJECTS:
        month = monthly.rules.shift_month(this, -back)
        if db.session.scalar(sa.select(sa.exists().where(MonthlyProject.community_id == community.id,
                                                         MonthlyProject.month == month))):
            continue
        courtyard = db.session.scalar(sa.select(Courtyard).join(Building).where(
            Building.community_id == community.id, Building.name == building))
        org = db.session.scalar(sa.select(Organization).where(Organization.name == dept))
        if courtyard is None:
            continue
        project = monthly.choose(staff, courtyard, category=category, title=title, body=body, month=month,
                                 department_ids=[org.id] if org else [])
        if outcome:
            monthly.record_outcome(staff, project, outcome=outcome)
