"""The audit log in the reader's words: what each action code means, what kind of thing it was
done to, and its details as short phrases ("状态：进行中 → 已完成，待验收") instead of the stored
codes and JSON. The log itself keeps the codes (the API returns them unchanged)."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..deliberation.models import CATEGORY_LABELS, STATUS_LABELS as TOPIC_STATUS, Category, TopicStatus
from ..places.models import Role
from ..projects.models import STATUS_LABELS as PROJECT_STATUS
from ..tasks.models import TaskStatus
from ..tasks.payloads import LEVEL_LABELS, STATUS_LABELS as TASK_STATUS
from ..voting.forms import CHOICE_LABELS, RULE_LABELS
from ..voting.models import ProposalStatus, Rule

ACTIONS = {
    "role.changed": _l("Role changed"),
    "role.organization_staff": _l("Added to an organization's staff"),
    "role.community_staff": _l("Added to a community's staff"),
    "role.street_admin": _l("Appointed street administrator"),
    "membership.approved": _l("Membership approved"),
    "membership.rejected": _l("Membership rejected"),
    "membership.removed": _l("Membership removed"),
    "topic.created": _l("Topic raised"),
    "topic.status": _l("Topic status changed"),
    "topic.merged": _l("Topic merged into another"),
    "topic.locked": _l("Topic locked"),
    "topic.unlocked": _l("Topic unlocked"),
    "topic.pinned": _l("Topic pinned"),
    "topic.unpinned": _l("Topic unpinned"),
    "proposal.created": _l("Proposal drafted"),
    "proposal.ballot_opened": _l("Ballot opened"),
    "proposal.closed": _l("Ballot closed"),
    "vote.assisted": _l("Assisted vote recorded"),
    "task.created": _l("Task dispatched"),
    "task.status": _l("Task status changed"),
    "task.verified": _l("Task accepted by residents"),
    "task.reopened": _l("Task reopened"),
    "task.escalated": _l("Task escalated"),
    "task.escalation_acknowledged": _l("Escalation acknowledged"),
    "task_policy.changed": _l("Service times changed"),
    "notice.posted": _l("Emergency notice posted"),
    "notice.updated": _l("Emergency notice updated"),
    "notice.resolved": _l("Emergency notice resolved"),
    "notice.visit_recorded": _l("Household visited (敲门)"),
    "household.flags_set": _l("Household flags changed"),
    "project.created": _l("Project taken into the pool"),
    "project.status": _l("Project status changed"),
    "project.progress": _l("Project progress posted"),
    "project.milestone": _l("Project milestone"),
    "project.edited": _l("Project details changed"),
    "project.link_linked": _l("Linked to a project"),
    "project.link_proposed": _l("Link to a project proposed"),
    "project.link_confirmed": _l("Link to a project confirmed"),
    "project.link_removed": _l("Link to a project removed"),
    "district.created": _l("District created"),
    "district.changed": _l("District changed"),
    "district.community_set": _l("Community put into a district"),
    "role.district_staff": _l("Added to a district's staff"),
    "role.district_staff_removed": _l("Removed from a district's staff"),
    "topic.raised_to_district": _l("Topic raised to its district"),
    "district.case_marked": _l("Experience case marked"),
    "district.case_removed": _l("Experience case removed"),
}
SUBJECTS = {
    "task": _l("Task"), "topic": _l("Topic"), "proposal": _l("Proposal"), "membership": _l("Membership"),
    "organization": _l("Organization"), "community": _l("Community"), "user": _l("Account"),
    "street": _l("The street"), "notice": _l("Emergency notice"), "unit": _l("Flat"),
    "project": _l("Project"),
    "district": _l("District"),
}
ROLES = {Role.resident.value: _l("Resident"), Role.building_lead.value: _l("Building lead"),
         Role.secretary.value: _l("Secretary")}
PROPOSAL_STATUS = {ProposalStatus.draft.value: _l("Draft"), ProposalStatus.voting.value: _l("Voting"),
                   ProposalStatus.adopted.value: _l("Adopted"), ProposalStatus.rejected.value: _l("Not adopted")}
MEMBERSHIP_STATUS = {"pending": _l("Waiting for approval"), "active": _l("Member"),
                     "rejected": _l("Rejected"), "removed": _l("Removed")}
TARGETS = {"community": _l("the community"), "organization": _l("a department"), "street": _l("the street")}
POLICY_FIELDS = {"reminder_hours": _l("Reminder before the deadline (hours)"),
                 "level1_after_hours": _l("Call the community after (hours overdue)"),
                 "level2_after_hours": _l("Call the street after (hours overdue)"),
                 "level2_org_id": _l("Department called by the street")}


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else _("Other change")


def subject_label(kind: str) -> str:
    label = SUBJECTS.get(kind)
    return str(label) if label is not None else _("Record")


def _label(table: dict, value) -> str:
    if value is None:
        return "—"
    found = table.get(value)
    return str(found) if found is not None else str(value)


def _statuses(subject_type: str) -> dict:
    if subject_type == "task":
        return {s.value: label for s, label in TASK_STATUS.items() if isinstance(s, TaskStatus)}
    if subject_type == "topic":
        return {s.value: label for s, label in TOPIC_STATUS.items() if isinstance(s, TopicStatus)}
    if subject_type == "membership":
        return MEMBERSHIP_STATUS
    if subject_type == "project":
        return {s.value: label for s, label in PROJECT_STATUS.items()}
    return PROPOSAL_STATUS


def _yes(flag) -> str:
    return _("Yes") if flag else _("No")


def details(entry, *, person: Callable[[int], str], organization: Callable[[int], str], when: Callable) -> list[str]:
    """An entry's data as phrases in the reader's language. `person`, `organization` name an id;
    `when` writes a time (the `when` filter). Keys this does not know are left out, never shown raw."""
    data = entry.data or {}
    out: list[str] = []
    statuses = _statuses(entry.subject_type)
    action = entry.action
    if "user_id" in data:
        out.append(_("Person: %(name)s", name=person(data["user_id"])))
    if action == "role.changed":
        out.append(_("Role: %(old)s → %(new)s", old=_label(ROLES, data.get("from")), new=_label(ROLES, data.get("to"))))
        if data.get("status_before"):
            out.append(_("Before: %(status)s", status=_label(MEMBERSHIP_STATUS, data["status_before"])))
    elif "role" in data:
        out.append(_("Role: %(role)s", role=_label(ROLES, data["role"])))
        if data.get("status_before"):
            out.append(_("Before: %(status)s", status=_label(MEMBERSHIP_STATUS, data["status_before"])))
    if "from" in data and "to" in data and action != "role.changed":
        out.append(_("Status: %(old)s → %(new)s", old=_label(statuses, data["from"]), new=_label(statuses, data["to"])))
    if action == "topic.merged":
        out.append(_("Was: %(status)s", status=_label(statuses, data.get("from"))))
        out.append(_("Merged into topic #%(id)s", id=data.get("into")))
    if action == "topic.created":
        out.append(_("Category: %(category)s", category=_label({c.value: lbl for c, lbl in CATEGORY_LABELS.items()
                                                              if isinstance(c, Category)}, data.get("category"))))
    if data.get("topic_id") and entry.subject_type != "topic":
        out.append(_("Topic #%(id)s", id=data["topic_id"]))
    if data.get("proposal_id"):
        out.append(_("Proposal #%(id)s", id=data["proposal_id"]))
    if data.get("assignee_org_id"):
        out.append(_("Assigned to %(org)s", org=organization(data["assignee_org_id"])))
    if data.get("due_at"):
        out.append(_("Due %(when)s", when=when(data["due_at"])))
    if action == "proposal.ballot_opened":
        rules = {r.value: lbl for r, lbl in RULE_LABELS.items() if isinstance(r, Rule)}
        out.append(_("Rule: %(rule)s", rule=_label(rules, data.get("rule"))))
        out.append(_("Secret ballot: %(yes)s", yes=_yes(data.get("secret"))))
        if data.get("closes_at"):
            out.append(_("Closes %(when)s", when=when(data["closes_at"])))
        if data.get("eligible_people") is not None:
            out.append(_("%(n)s people on the roll", n=data["eligible_people"]))
    if action == "proposal.closed":
        out.append(_("Result: %(status)s", status=_label(PROPOSAL_STATUS, data.get("status"))))
        counts = data.get("counts") or {}
        if counts:
            out.append(" · ".join(f"{CHOICE_LABELS.get(c, c)} {counts.get(c, 0)}" for c in ("yes", "no", "abstain")))
    if action == "vote.assisted":
        if data.get("voter_id"):
            out.append(_("Voter: %(name)s", name=person(data["voter_id"])))
        if data.get("witness"):
            out.append(_("Witness: %(name)s", name=data["witness"]))
    if action in ("task.escalated", "task.escalation_acknowledged"):
        if data.get("level") is not None:
            out.append(_label({k: v for k, v in LEVEL_LABELS.items()}, data["level"]))
        if data.get("target"):
            out.append(_("Called: %(who)s", who=_label(TARGETS, data["target"])))
        if data.get("organization_id"):
            out.append(organization(data["organization_id"]))
        if "automatic" in data:
            out.append(_("By itself") if data["automatic"] else _("By a person"))
        if data.get("hours") is not None:
            out.append(_("after %(hours)s hours", hours=data["hours"]))
    if action == "task_policy.changed":
        before, after = data.get("before") or {}, data.get("after") or {}
        for key, label in POLICY_FIELDS.items():
            if before.get(key) != after.get(key):
                out.append(f"{label}: {before.get(key, '—')} → {after.get(key, '—')}")
        hours = data.get("service_hours") or {}
        for code, value in hours.items():
            try:
                name = str(CATEGORY_LABELS[Category(code)])
            except (ValueError, KeyError):
                continue
            out.append(_("%(category)s: %(hours)s hours", category=name, hours=value))
    return out
