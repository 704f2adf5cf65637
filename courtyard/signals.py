"""What happened, said once by the domain it happened in; other domains listen.

A service sends a signal while it writes, before it commits: receivers run at once, in the
same transaction, so whatever they add (notifications, audit entries, a topic's new status)
is stored if and only if the act is. A receiver that wants to act only after the commit
(a text message, a socket cut) queues it with `courtyard.aftercommit.on_commit`.

The sender is the thing the act was about (the topic, the task …); the keyword arguments
are listed with each signal. `actor` is the person who acted, or None for the service
clock and the scheduler. Receivers accept `**extra` so a signal can grow an argument.
A signal that carries a `session` was sent from a session of the service's own (voting's
group commit): receivers write in it, not in db.session.

Receivers run in the order they were connected (an ordered set_class, blinker's hook for
it), and create_app connects the audit log first: an act's entry comes before the entries
of what other receivers do in turn (a ballot opened, then the topic's new status).

Who listens (connected by create_app, through each listener module's `connect()`):
- courtyard/audit/listeners.py: one audit-log entry per act (nearly every signal here);
- courtyard/notifications/listeners.py: tells people (the in-app centre, outbound channels);
- courtyard/deliberation/listeners.py: a topic's status follows its ballots and tasks (lifecycle.py);
- courtyard/search/listeners.py: a topic or message raised is added to the search index;
- courtyard/realtime/__init__.py: sockets that rode on a browser session end with it.
(courtyard/emergencies sends the notice-* signals; the audit log and notifications hear them.
courtyard/districts sends district-saved, community-district-set, district-staff-changed,
topic-raised-to-district and experience-case-changed; the audit log hears them, and notifications
topic-raised-to-district: the district's station staff are told.)
Nothing else may import courtyard.notifications (import-linter, .importlinter).
"""
from __future__ import annotations

from blinker import Namespace, NamedSignal
from ordered_set import OrderedSet

_signals = Namespace()


class _Signal(NamedSignal):
    set_class = OrderedSet  # receivers in the order they were connected (blinker's default: any order)


def _signal(name: str, doc: str) -> _Signal:
    signal = _signals[name] = _Signal(name, doc)
    return signal


# --- places ----------------------------------------------------------------------------------

membership_approved = _signal("membership-approved", """A request to join a courtyard was approved.

sender: the Membership (now active); actor: who approved it.""")

membership_rejected = _signal("membership-rejected", """A request to join a courtyard was rejected.

sender: the Membership (now rejected); actor: who rejected it.""")

membership_removed = _signal("membership-removed", """Someone was removed from a courtyard.

sender: the Membership (now removed); actor: who removed them; old_status: the
MembershipStatus it had.""")

courtyard_role_set = _signal("courtyard-role-set", """Someone was made a resident, building lead or secretary of a courtyard (active at once).

sender: the Membership (flushed; its new role set); actor: who appointed them; old_role and
old_status: the Role and MembershipStatus it had, both None when there was no membership.""")

organization_staff_added = _signal("organization-staff-added", """Someone joined an organization's staff.

sender: the OrganizationMember (flushed); actor: who added them.""")

community_staff_added = _signal("community-staff-added", """Someone became staff of a community.

sender: the CommunityStaff row (flushed); actor: who appointed them.""")

# --- accounts --------------------------------------------------------------------------------

logged_out = _signal("logged-out", """A person logged out of a browser: the sockets that rode on browser sessions end.

sender: the User. Nothing is written: receivers act at once.""")

street_admin_appointed = _signal("street-admin-appointed", """Someone became a street administrator (flask create-admin).

sender: the User (flushed); actor: None (the command line).""")

# --- deliberation ----------------------------------------------------------------------------

topic_created = _signal("topic-created", """A topic (议题) was raised in a courtyard.

sender: the Topic (flushed); actor: its author.""")

message_posted = _signal("message-posted", """A message was posted in a topic's discussion.

sender: the Topic; actor: the author; message: the new Message.""")

topic_status_changed = _signal("topic-status-changed", """A topic's status changed (a merge included).

sender: the Topic (its new status set; merged_into_id set on a merge); actor: who changed
it, or None when the system did; old_status: the TopicStatus it had.""")

topic_flag_changed = _signal("topic-flag-changed", """A moderator locked or unlocked, pinned or unpinned a topic.

sender: the Topic; actor: the moderator; flag: "locked" or "pinned"; value: its new value.""")

stakeholder_invited = _signal("stakeholder-invited", """An organization, or the community's staff, was brought into a topic (进院解题).

sender: the TopicInvitation (flushed: it has an id); actor: who invited.""")

# --- voting ----------------------------------------------------------------------------------

proposal_created = _signal("proposal-created", """A proposal (方案) was put into a topic, as a draft.

sender: the Proposal (flushed); actor: its author.""")

ballots_opened = _signal("ballots-opened", """Voting opened on one or more proposals of a topic.

sender: the Topic; actor: who opened the ballot; proposals: the Proposals now open (their
rolls fixed); the terms they share, as the secretary gave them: rule (Rule), secret (bool),
quorum (Decimal, a fraction of the roll), closes_at (aware datetime) and hide_totals (bool:
tallies show turnout only until the close).""")

vote_assisted = _signal("vote-assisted", """A building lead or the secretary recorded the vote of a neighbour on the roll (楼门长代投).

sender: the proposal's id (the group commit writes without loading it); session: the session
the vote is written in; actor_id: who recorded it; voter_id: whose vote it is; witness: the
witness named; courtyard_id. Never the choice.""")

proposal_closed = _signal("proposal-closed", """A ballot closed: by the secretary, or at its deadline (the scheduler).

sender: the Proposal (status adopted or rejected; final_tally set; closed_by_id: who closed
it early, None at the deadline); session: the session the close is written in.""")

ballot_closing_soon = _signal("ballot-closing-soon", """A ballot closes within 24 hours, or within 2 (the scheduler; sent once per ballot and threshold).

sender: the Proposal (still voting); hours: 24 or 2. A ballot opened with less than that to
go gets no such signal for it.""")

ballot_reminder_sent = _signal("ballot-reminder-sent", """A moderator reminded one household on a ballot's roll that it has not voted yet (提醒).

sender: the Proposal (voting); actor: the building lead or secretary; user_ids: the people of
the household on the roll who are reminded (no vote counts for them yet); unit_id: the
household's unit, or None for a person on the roll without one.""")

# --- tasks -----------------------------------------------------------------------------------

task_created = _signal("task-created", """A task was dispatched to an organization.

sender: the Task (flushed); actor: who dispatched it.""")

task_status_changed = _signal("task-status-changed", """A task moved along its lifecycle (accepted, started, done …).

sender: the Task (new status set); actor: who moved it; old_status: the TaskStatus it had.""")

task_verified = _signal("task-verified", """The work of a task was accepted, or rejected and reopened.

sender: the Task (its new status set); actor: who verified it; accepted: bool; old_status:
the TaskStatus it had.""")

task_escalated = _signal("task-escalated", """A task was escalated (吹哨), by a person or by the service clock.

sender: the Task; actor: who raised it or None (automatic); escalation: the new Escalation.""")

escalation_acknowledged = _signal("escalation-acknowledged", """An escalation was acknowledged (报到).

sender: the Task; actor: who acknowledged it; escalation: the Escalation (acknowledged_at set).""")

task_policy_changed = _signal("task-policy-changed", """A community's service clock and service times were set (or, community None, the street's defaults).

sender: the TaskPolicy (flushed); actor: who set it; community: the Community or None;
before and after: the policy's hours and level-2 department (dicts; before None if new);
service_hours: the service times changed, by category (None: back to the street's).""")

task_due_soon = _signal("task-due-soon", """The service clock: a task's due date is near (sent once per task).

sender: the Task.""")

task_overdue = _signal("task-overdue", """The service clock: a task's due date has passed (sent once per task).

sender: the Task.""")


# --- emergencies -----------------------------------------------------------------------------

notice_posted = _signal("notice-posted", """Community staff posted an emergency notice (停水/停暖/停电…) to chosen courtyards.

sender: the Notice (flushed, its courtyards and first timeline entry with it); actor: who posted it;
update: the NoticeUpdate that opens its timeline.""")

notice_updated = _signal("notice-updated", """A progress update was added to an active emergency notice's timeline.

sender: the Notice; actor: who wrote it; update: the new NoticeUpdate (flushed).""")

notice_resolved = _signal("notice-resolved", """An emergency notice was resolved (water, heating, power … back).

sender: the Notice (status resolved, resolved_at set); actor: who resolved it; update: the
NoticeUpdate that closes its timeline.""")


household_flags_set = _signal("household-flags-set", """Which of 独居/空巢/行动不便 hold for a flat was changed (set, changed or cleared).

sender: the Unit; actor: who changed it; kinds and before: the flag codes after and before;
courtyard_id: the flat's courtyard.""")

visit_recorded = _signal("visit-recorded", """A flat of an emergency notice's checklist was visited (敲门), or its visit recorded again.

sender: the Visit (flushed); actor: who visited; notice: the Notice; created: False when an
earlier visit was replaced.""")


# --- districts (片区) ------------------------------------------------------------------------

district_saved = _signal("district-saved", """A street administrator created a district (片区) or changed its name or station.

sender: the District (flushed); actor: who did it; created: True for a new district;
before: its name before (None when created).""")

community_district_set = _signal("community-district-set", """A community was put into a district, moved to another, or taken out of one.

sender: the Community (its district_id already changed); actor: who did it; before: the
district id before (None for none).""")

district_staff_changed = _signal("district-staff-changed", """Someone joined or left the staff of a district's 片区治理服务站.

sender: the District; actor: who appointed or removed them; user_id: the person; added: True
when appointed, False when removed.""")

topic_raised_to_district = _signal("topic-raised-to-district", """A community topic was raised to its district (吹哨 to the 片区): a district thread now carries it.

sender: the Topic; actor: the secretary or community staff who raised it; thread: the new
DistrictThread (flushed); reason: the text they gave.""")

experience_case_changed = _signal("experience-case-changed", """A solved topic or district thread was marked as an experience case (经验案例), or its mark removed.

sender: the ExperienceCase (flushed; when removed, deleted after the receivers ran); actor:
who marked or removed it; added: True when marked.""")


# --- the project pool ------------------------------------------------------------------------

project_created = _signal("project-created", """A street administrator took a problem into the project pool (民生项目池).

sender: the Project (flushed, its milestones and first timeline entry with it); actor: who
created it; links: the ProjectLinks it was created with (an escalated task, a topic), perhaps none.""")

project_changed = _signal("project-changed", """A project moved on: its status changed, progress was posted, a milestone
was added or reached, or its details were edited.

sender: the Project; actor: who did it; what: "status", "progress", "milestone" or "edited";
update: the new ProjectUpdate of its timeline, or None (edited, a milestone added);
before: for "status" the old status code, for "edited" the changed fields' old values (a dict).""")

project_linked = _signal("project-linked", """A topic or task was linked to a project, its link confirmed, or the link removed.

sender: the Project; actor: who did it; link: the ProjectLink; change: "proposed" (by
community staff, waiting for the street), "linked" (confirmed at once), "confirmed" or "removed".""")


def catalogue() -> dict[str, str]:
    """Every signal's name and its docstring, for docs and tests."""
    return {name: s.__doc__ or "" for name, s in sorted(_signals.items())}
