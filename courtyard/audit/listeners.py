"""The audit log listens: each act a domain announces (courtyard/signals.py) becomes one entry.

No domain writes the log itself. A receiver runs inside the sender's transaction, before
the commit, so the entry is stored if and only if the act is; where a signal carries the
`session` the act is written in (voting's group commit, the close of a ballot) the entry
goes into that session. create_app connects these receivers before any other listener, so
an act's entry precedes the entries of what the other receivers do in turn (a ballot
opened, then its topic's new status).

Every act that was logged is logged here, with the same action, subject, courtyard and
data; none was left as a direct call. Actions are `domain.verb`; never put a secret
ballot's choice in `data`. `connect()` is called once by create_app.
"""
from __future__ import annotations

from .. import signals
from ..deliberation.models import TopicStatus
from ..tasks import rules as task_rules
from .models import actor_id_of, record


def _value(enum_member) -> str | None:
    return enum_member.value if enum_member is not None else None


# --- places and accounts ---------------------------------------------------------------------

def _courtyard_role_set(membership, *, actor, old_role, old_status, **_):
    record(actor_id=actor.id, action="role.changed", subject_type="membership", subject_id=membership.id,
           courtyard_id=membership.courtyard_id,
           data={"user_id": membership.user_id, "from": _value(old_role), "to": membership.role.value,
                 "status_before": _value(old_status)})


def _organization_staff_added(row, *, actor, **_):
    record(actor_id=actor.id, action="role.organization_staff", subject_type="organization",
           subject_id=row.organization_id, data={"user_id": row.user_id})


def _community_staff_added(row, *, actor, **_):
    record(actor_id=actor.id, action="role.community_staff", subject_type="community",
           subject_id=row.community_id, data={"user_id": row.user_id})


def _membership_decided(action: str, membership, actor) -> None:
    record(actor_id=actor.id, action=action, subject_type="membership", subject_id=membership.id,
           courtyard_id=membership.courtyard_id, data={"user_id": membership.user_id, "role": membership.role.value})


def _membership_approved(membership, *, actor, **_):
    _membership_decided("membership.approved", membership, actor)


def _membership_rejected(membership, *, actor, **_):
    _membership_decided("membership.rejected", membership, actor)


def _membership_removed(membership, *, actor, old_status, **_):
    record(actor_id=actor.id, action="membership.removed", subject_type="membership",
           subject_id=membership.id, courtyard_id=membership.courtyard_id,
           data={"user_id": membership.user_id, "role": membership.role.value, "status_before": old_status.value})


def _street_admin_appointed(user, *, actor=None, **_):
    record(actor_id=actor_id_of(actor), action="role.street_admin", subject_type="user", subject_id=user.id)


# --- deliberation ----------------------------------------------------------------------------

def _topic_created(topic, *, actor, **_):
    record(actor_id=actor.id, action="topic.created", subject_type="topic", subject_id=topic.id,
           courtyard_id=topic.courtyard_id, data={"status": topic.status.value, "category": topic.category.value})


def _topic_status_changed(topic, *, actor, old_status, **_):
    if topic.status == TopicStatus.merged:  # merge_topic: the duplicate and where it went
        record(actor_id=actor_id_of(actor), action="topic.merged", subject_type="topic", subject_id=topic.id,
               courtyard_id=topic.courtyard_id, data={"from": old_status.value, "into": topic.merged_into_id})
    else:
        record(actor_id=actor_id_of(actor), action="topic.status", subject_type="topic", subject_id=topic.id,
               courtyard_id=topic.courtyard_id, data={"from": old_status.value, "to": topic.status.value})


def _topic_flag_changed(topic, *, actor, flag, value, **_):
    record(actor_id=actor.id, action=f"topic.{flag}" if value else f"topic.un{flag}", subject_type="topic",
           subject_id=topic.id, courtyard_id=topic.courtyard_id)


# --- voting ----------------------------------------------------------------------------------

def _proposal_created(proposal, *, actor, **_):
    record(actor_id=actor.id, action="proposal.created", subject_type="proposal", subject_id=proposal.id,
           courtyard_id=proposal.topic.courtyard_id, data={"topic_id": proposal.topic_id})


def _ballots_opened(topic, *, actor, proposals, rule, secret, quorum, closes_at, **_):
    for p in proposals:
        record(actor_id=actor.id, action="proposal.ballot_opened", subject_type="proposal", subject_id=p.id,
               courtyard_id=topic.courtyard_id,
               data={"rule": rule.value, "secret": bool(secret), "quorum": str(quorum),
                     "closes_at": closes_at.isoformat(), "eligible_people": p.eligible_people})


def _vote_assisted(proposal_id, *, session, actor_id, voter_id, witness, courtyard_id, **_):
    record(session, actor_id=actor_id, action="vote.assisted", subject_type="proposal", subject_id=proposal_id,
           courtyard_id=courtyard_id, data={"voter_id": voter_id, "witness": witness})  # never the choice


def _proposal_closed(proposal, *, session, **_):
    record(session, actor_id=proposal.closed_by_id, action="proposal.closed", subject_type="proposal",
           subject_id=proposal.id, courtyard_id=proposal.topic.courtyard_id,
           data={"status": proposal.status.value, "counts": proposal.final_tally.get("counts")})


# --- tasks -----------------------------------------------------------------------------------

def _task_created(task, *, actor, **_):
    record(actor_id=actor.id, action="task.created", subject_type="task", subject_id=task.id,
           courtyard_id=task.courtyard_id,
           data={"topic_id": task.topic_id, "proposal_id": task.proposal_id, "assignee_org_id": task.assignee_org_id,
                 "due_at": task.due_at.isoformat()})


def _task_status_changed(task, *, actor, old_status, **_):
    record(actor_id=actor.id, action="task.status", subject_type="task", subject_id=task.id,
           courtyard_id=task.courtyard_id, data={"from": old_status.value, "to": task.status.value})


def _task_verified(task, *, actor, accepted, old_status, **_):
    record(actor_id=actor.id, action="task.verified" if accepted else "task.reopened", subject_type="task",
           subject_id=task.id, courtyard_id=task.courtyard_id,
           data={"from": old_status.value, "to": task.status.value})


def _task_escalated(task, *, actor, escalation, **_):
    record(actor_id=actor_id_of(actor), action="task.escalated", subject_type="task", subject_id=task.id,
           courtyard_id=task.courtyard_id,
           data={"escalation_id": escalation.id, "level": escalation.level, "target": escalation.target.value,
                 "community_id": escalation.community_id, "organization_id": escalation.organization_id,
                 "automatic": escalation.automatic})


def _escalation_acknowledged(task, *, actor, escalation, **_):
    hours = task_rules.hours_between(escalation.created_at, escalation.acknowledged_at)
    record(actor_id=actor.id, action="task.escalation_acknowledged", subject_type="task", subject_id=task.id,
           courtyard_id=task.courtyard_id,
           data={"escalation_id": escalation.id, "level": escalation.level, "hours": round(hours, 2)})


def _task_policy_changed(policy, *, actor, community, before, after, service_hours, **_):
    record(actor_id=actor.id, action="task_policy.changed", subject_type="community" if community else "street",
           subject_id=community.id if community else 0,
           data={"before": before, "after": after, "service_hours": service_hours})


# --- emergencies -----------------------------------------------------------------------------

def _notice_logged(action: str, notice, actor, update) -> None:
    record(actor_id=actor_id_of(actor), action=action, subject_type="notice", subject_id=notice.id,
           data={"kind": notice.kind.value, "courtyard_ids": notice.courtyard_ids, "update_id": update.id})


def _notice_posted(notice, *, actor, update, **_):
    _notice_logged("notice.posted", notice, actor, update)


def _notice_updated(notice, *, actor, update, **_):
    _notice_logged("notice.updated", notice, actor, update)


def _notice_resolved(notice, *, actor, update, **_):
    _notice_logged("notice.resolved", notice, actor, update)


def _household_flags_set(unit, *, actor, kinds, before, courtyard_id, **_):
    # The kinds only: the note about a neighbour's health stays on the flag, not in the log.
    record(actor_id=actor.id, action="household.flags_set", subject_type="unit", subject_id=unit.id,
           courtyard_id=courtyard_id, data={"kinds": kinds, "before": before})


def _visit_recorded(visit, *, actor, notice, created, **_):
    record(actor_id=actor.id, action="notice.visit_recorded", subject_type="notice", subject_id=notice.id,
           data={"unit_id": visit.unit_id, "outcome": visit.outcome.value, "again": not created})


# --- the project pool (民生项目池) -------------------------------------------------------------

def _project_created(project, *, actor, links, **_):
    record(actor_id=actor.id, action="project.created", subject_type="project", subject_id=project.id,
           data={"title": project.title, "owner_org_id": project.owner_org_id,
                 "budget_amount": str(project.budget_amount), "budget_source": project.budget_source.value,
                 "topic_ids": [link.topic_id for link in links], "task_ids": [link.task_id for link in links if link.task_id]})


def _project_changed(project, *, actor, what, update, before, **_):
    data = {"what": what}
    if what == "status":
        data.update({"from": before, "to": project.status.value})
    elif what == "edited":
        data["before"] = before
    if update is not None:
        data["update_id"] = update.id
    record(actor_id=actor.id, action=f"project.{what}", subject_type="project", subject_id=project.id, data=data)


def _project_linked(project, *, actor, link, change, **_):
    record(actor_id=actor.id, action=f"project.link_{change}", subject_type="project", subject_id=project.id,
           courtyard_id=link.courtyard_id, data={"topic_id": link.topic_id, "task_id": link.task_id})


# --- districts (片区) ------------------------------------------------------------------------

def _district_saved(district, *, actor, created, before, **_):
    record(actor_id=actor.id, action="district.created" if created else "district.changed", subject_type="district",
           subject_id=district.id, data={"name": district.name, "before": before})


def _community_district_set(community, *, actor, before, **_):
    record(actor_id=actor.id, action="district.community_set", subject_type="community", subject_id=community.id,
           data={"district_id": community.district_id, "before": before})


def _district_staff_changed(district, *, actor, user_id, added, **_):
    record(actor_id=actor.id, action="role.district_staff" if added else "role.district_staff_removed",
           subject_type="district", subject_id=district.id, data={"user_id": user_id})


def _topic_raised_to_district(topic, *, actor, thread, **_):
    record(actor_id=actor.id, action="topic.raised_to_district", subject_type="topic", subject_id=topic.id,
           courtyard_id=topic.courtyard_id, data={"district_id": thread.district_id, "thread_id": thread.id})


def _experience_case_changed(case, *, actor, added, **_):
    record(actor_id=actor.id, action="district.case_marked" if added else "district.case_removed",
           subject_type="district", subject_id=case.district_id,
           data={"case_id": case.id, "topic_id": case.topic_id, "thread_id": case.thread_id})


RECEIVERS = {
    signals.courtyard_role_set: _courtyard_role_set,
    signals.organization_staff_added: _organization_staff_added,
    signals.community_staff_added: _community_staff_added,
    signals.membership_approved: _membership_approved,
    signals.membership_rejected: _membership_rejected,
    signals.membership_removed: _membership_removed,
    signals.street_admin_appointed: _street_admin_appointed,
    signals.topic_created: _topic_created,
    signals.topic_status_changed: _topic_status_changed,
    signals.topic_flag_changed: _topic_flag_changed,
    signals.proposal_created: _proposal_created,
    signals.ballots_opened: _ballots_opened,
    signals.vote_assisted: _vote_assisted,
    signals.proposal_closed: _proposal_closed,
    signals.task_created: _task_created,
    signals.task_status_changed: _task_status_changed,
    signals.task_verified: _task_verified,
    signals.task_escalated: _task_escalated,
    signals.escalation_acknowledged: _escalation_acknowledged,
    signals.task_policy_changed: _task_policy_changed,
    signals.notice_posted: _notice_posted,
    signals.notice_updated: _notice_updated,
    signals.notice_resolved: _notice_resolved,
    signals.household_flags_set: _household_flags_set,
    signals.visit_recorded: _visit_recorded,
    signals.project_created: _project_created,
    signals.project_changed: _project_changed,
    signals.project_linked: _project_linked,
    signals.district_saved: _district_saved,
    signals.community_district_set: _community_district_set,
    signals.district_staff_changed: _district_staff_changed,
    signals.topic_raised_to_district: _topic_raised_to_district,
    signals.experience_case_changed: _experience_case_changed,
}


def connect() -> None:
    """Listen to every signal in RECEIVERS (idempotent: blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS.items():
        signal.connect(receiver)
