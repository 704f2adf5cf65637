"""Voting pages: proposals on the topic page, a ballot's page, proposing, opening and closing
ballots, voting (also for a neighbour), and the printable decision record (协商纪要).

Every form works without JavaScript; static/js/ballot.js adds live tallies, the countdown
and voting without a page load on top of the server-rendered ballot cards.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import clock
from ..accounts.models import User
from ..deliberation import permissions as topic_permissions
from ..deliberation import services as deliberation
from ..deliberation.models import Message, Topic
from ..errors import DomainError, Invalid, RateLimited
from ..extensions import db
from ..places.models import Unit
from ..places.services import find
from ..web import safe_next
from . import permissions, services
from .forms import CHOICE_LABELS, RULE_HINTS, RULE_LABELS, AssistedVoteForm, BallotForm, ProposalForm, ReminderForm
from .models import Proposal, ProposalStatus, RollEntry, Rule

bp = Blueprint("voting", __name__)

STATUS_LABELS = {
    ProposalStatus.draft: _l("Draft"),
    ProposalStatus.voting: _l("Voting"),
    ProposalStatus.adopted: _l("Adopted"),
    ProposalStatus.rejected: _l("Not adopted"),
}


# --- template helpers ----------------------------------------------------------------------

@bp.app_template_filter("rule_label")
def rule_label(rule) -> str:
    return str(RULE_LABELS[Rule(rule)]) if rule else ""


@bp.app_template_filter("rule_hint")
def rule_hint(rule) -> str:
    return str(RULE_HINTS[Rule(rule)]) if rule else ""


@bp.app_template_filter("proposal_status_label")
def proposal_status_label(status) -> str:
    return str(STATUS_LABELS[ProposalStatus(status)])


@bp.app_template_filter("choice_label")
def choice_label(choice) -> str:
    return str(CHOICE_LABELS.get(choice, choice))


@bp.app_template_filter("area")
def area(value) -> str:
    """84.5 → "84.50"."""
    return f"{float(value or 0):.2f}"


@bp.app_template_global()
def can_follow_up_ballot(proposal: Proposal) -> bool:
    """The card's link to the not-yet-voted list: for the building leads and the secretary."""
    return permissions.can_follow_up(current_user, proposal)


def card(proposal: Proposal) -> dict:
    """Everything a ballot card shows to the current user."""
    return services.proposal_for(current_user, proposal)


@bp.app_template_global()
def voting_panel(topic: Topic) -> dict:
    """The proposals block of a topic page (templates/voting/_proposals.html)."""
    proposals = services.topic_proposals(current_user, topic)
    drafts = [p for p in proposals if p.status == ProposalStatus.draft]
    can_open = bool(drafts) and permissions.can_open_ballot(current_user, drafts[0])
    return {"topic": topic, "cards": list(zip(services.proposals_for(current_user, proposals), proposals)),
            "can_propose": permissions.can_propose(current_user, topic), "can_open": can_open,
            "form": ProposalForm(formdata=None, prefix="proposal")}


def _topic_url(topic_id: int, anchor: str = "proposals") -> str:
    return url_for("deliberation.topic", topic_id=topic_id) + f"#{anchor}"


def _back(default: str) -> str:
    return safe_next(request.form.get("next"), default)


# --- proposing -----------------------------------------------------------------------------

@bp.route("/topics/<int:topic_id>/proposals/new", methods=["GET", "POST"])
@login_required
def propose(topic_id):
    """Put a proposal (方案) into the topic."""
    topic = deliberation.get_topic(current_user, topic_id)
    form = ProposalForm(prefix="proposal")
    if request.method == "POST":
        try:
            proposal = services.create_proposal(current_user, topic, title=form.title.data, body=form.body.data)
        except Invalid as err:
            form.show(err)
            return render_template("voting/propose.html", topic=topic, form=form), 422
        flash(_("Your proposal is in. The secretary can now put it to a vote."), "success")
        return redirect(_topic_url(topic.id, f"proposal-{proposal.id}"))
    if not permissions.can_propose(current_user, topic):
        flash(_("Proposals can be made by the courtyard's members while the topic is under discussion."), "error")
        return redirect(_topic_url(topic.id))
    return render_template("voting/propose.html", topic=topic, form=form)


# --- opening and closing -------------------------------------------------------------------

def _default_closing() -> str:
    """Seven days from now at 20:00 Beijing time, as the form's datetime-local value."""
    local = (clock.now() + timedelta(days=7)).astimezone(clock.LOCAL_TZ)
    return local.replace(hour=20, minute=0, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


def _open_page(topic: Topic, form: BallotForm, status: int = 200):
    drafts = [p for p in db.session.scalars(services.proposals_in(current_user, topic))
              if p.status == ProposalStatus.draft]
    form.proposal_ids.choices = [(str(p.id), p.title) for p in drafts]
    return render_template("voting/open_ballot.html", topic=topic, form=form, drafts=drafts,
                           rules=[(r.value, RULE_LABELS[r], RULE_HINTS[r]) for r in Rule],
                           min_closing=(clock.now().astimezone(clock.LOCAL_TZ)
                                        + services.MIN_BALLOT).strftime("%Y-%m-%dT%H:%M")), status


@bp.route("/topics/<int:topic_id>/ballots/new", methods=["GET", "POST"])
@login_required
def open_ballots(topic_id):
    """The secretary puts one or several proposals to the vote: rule, deadline, secrecy, quorum."""
    topic = deliberation.get_topic(current_user, topic_id)
    if not topic_permissions.can_moderate_topic(current_user, topic):
        flash(_("Only the secretary opens ballots."), "error")
        return redirect(_topic_url(topic.id))
    form = BallotForm()
    if request.method == "GET":
        form = BallotForm(formdata=None, closes_at=_default_closing())
        wanted = request.args.get("proposal")
        if wanted:
            form.proposal_ids.data = [wanted]
        else:
            drafts = [p for p in db.session.scalars(services.proposals_in(current_user, topic))
                      if p.status == ProposalStatus.draft]
            if len(drafts) == 1:  # the sole draft: nothing to choose
                form.proposal_ids.data = [str(drafts[0].id)]
        return _open_page(topic, form)
    chosen = []
    for raw in form.proposal_ids.data or []:
        proposal = find(Proposal, raw)
        if proposal is None or proposal.topic_id != topic.id:
            form.add_error("proposal_ids", _("Choose proposals of this topic."))
            return _open_page(topic, form, 422)
        chosen.append(proposal)
    try:
        services.open_ballots(current_user, chosen, rule=form.rule.data, closes_at=form.closes_at.data,
                              secret=bool(form.secret.data), quorum=form.quorum.data, local_time=True,
                              hide_totals=bool(form.hide_totals.data))
    except Invalid as err:
        form.show(err, aliases={"proposals": "proposal_ids"})
        return _open_page(topic, form, 422)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(err.message), "error")
        return redirect(_topic_url(topic.id))
    flash(_("Voting has started. Residents on the roll can vote now."), "success")
    return redirect(_topic_url(topic.id, f"proposal-{chosen[0].id}"))


@bp.post("/proposals/<int:proposal_id>/close")
@login_required
def close(proposal_id):
    """The secretary closes a ballot before its deadline."""
    proposal = services.get_proposal(current_user, proposal_id)
    try:
        services.close_ballot(current_user, proposal)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(err.message), "error")
    else:
        flash(_("The ballot is closed. The decision record is ready to print."), "success")
    return redirect(url_for("voting.proposal", proposal_id=proposal.id))


# --- voting --------------------------------------------------------------------------------

@bp.post("/proposals/<int:proposal_id>/vote")
@login_required
def vote(proposal_id):
    """Vote from the ballot card's buttons (works without JavaScript)."""
    proposal = services.get_proposal(current_user, proposal_id)
    back = _back(url_for("voting.proposal", proposal_id=proposal.id))
    try:
        outcome = services.cast_vote(current_user, proposal, request.form.get("choice"))
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
        return redirect(back)
    if outcome.replaced:
        flash(_("Your vote is changed to “%(choice)s”.", choice=choice_label(outcome.choice)), "success")
    else:
        flash(_("Your vote “%(choice)s” is counted.", choice=choice_label(outcome.choice)), "success")
    return redirect(back)


def _assist_choices(proposal: Proposal) -> list[tuple[str, str]]:
    """The neighbours a building lead may record a vote for: people on the roll, by unit."""
    rows = db.session.execute(
        sa.select(User.id, User.display_name, Unit.label).select_from(RollEntry)
        .join(User, User.id == RollEntry.user_id).outerjoin(Unit, Unit.id == RollEntry.unit_id)
        .where(RollEntry.proposal_id == proposal.id, RollEntry.user_id != current_user.id)
        .order_by(Unit.label, User.display_name)).all()
    return [(str(uid), f"{label} {name}" if label else name) for uid, name, label in rows]


def _proposal_page(proposal: Proposal, assist_form: AssistedVoteForm | None = None, status: int = 200):
    data = card(proposal)
    assist = None
    if data["can_assist"]:
        assist = assist_form or AssistedVoteForm(formdata=None, on_behalf_of=request.args.get("on_behalf_of", ""))
        assist.on_behalf_of.choices = [("", _("Choose…"))] + _assist_choices(proposal)
    turnout = None
    if permissions.can_see_turnout(current_user, proposal):
        turnout = services.turnout(current_user, proposal)
    return render_template("voting/proposal.html", proposal=proposal, topic=proposal.topic, p=data,
                           assist=assist, turnout=turnout, last_message_id=_last_message_id(proposal.topic_id)), status


def _last_message_id(topic_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.max(Message.id)).where(Message.topic_id == topic_id)) or 0


@bp.get("/proposals/<int:proposal_id>/turnout")
@login_required
def turnout(proposal_id):
    """The "who took part" list of a ballot's page alone: static/js/roll.js fetches it again as votes come in."""
    proposal = services.get_proposal(current_user, proposal_id)
    return render_template("voting/_turnout.html", proposal=proposal,
                           turnout=services.turnout(current_user, proposal))


@bp.get("/proposals/<int:proposal_id>")
@login_required
def proposal(proposal_id):
    """A ballot on its own page: the card, the roll's turnout, voting for a neighbour, closing."""
    return _proposal_page(services.get_proposal(current_user, proposal_id))


@bp.post("/proposals/<int:proposal_id>/assisted-vote")
@login_required
def assisted_vote(proposal_id):
    """楼门长代投: the building lead records the vote of a neighbour without a phone, before a witness."""
    proposal = services.get_proposal(current_user, proposal_id)
    form = AssistedVoteForm()
    try:
        outcome = services.cast_vote(current_user, proposal, form.choice.data,
                                     on_behalf_of=form.on_behalf_of.data or None, witness=form.witness.data)
    except Invalid as err:
        form.show(err)
        return _proposal_page(proposal, form, 422)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(err.message), "error")
        return redirect(url_for("voting.proposal", proposal_id=proposal.id))
    flash(_("The vote is recorded as assisted, with its witness. The neighbour can see it and change it."),
          "success")
    return redirect(url_for("voting.proposal", proposal_id=proposal.id) + "#assist")


# --- the not-yet-voted list and reminders -----------------------------------------------------

@bp.get("/proposals/<int:proposal_id>/roll")
@login_required
def roll(proposal_id):
    """未投票名单: the households of the roll that have not voted, with 提醒 and 代投 one tap away
    (building leads, the secretary). `?fragment=1`: the list alone, for static/js/roll.js."""
    proposal = services.get_proposal(current_user, proposal_id)
    households = services.roll_households(current_user, proposal)
    waiting = [h for h in households if not h.voted]
    data = {"proposal": proposal, "topic": proposal.topic, "waiting": waiting, "total": len(households),
            "can_assist": proposal.status == ProposalStatus.voting and permissions.can_assist(current_user, proposal),
            "form": ReminderForm(formdata=None)}
    if request.args.get("fragment"):
        return render_template("voting/_roll_list.html", **data)
    return render_template("voting/roll.html", **data, last_message_id=_last_message_id(proposal.topic_id))


@bp.post("/proposals/<int:proposal_id>/reminders")
@login_required
def remind(proposal_id):
    """提醒: remind one household of the roll that it has not voted yet."""
    proposal = services.get_proposal(current_user, proposal_id)
    form = ReminderForm()
    back = url_for("voting.roll", proposal_id=proposal.id)
    try:
        household = services.remind_household(current_user, proposal, unit_id=form.unit_id.data or None,
                                              user_id=form.user_id.data or None)
    except RateLimited as err:
        flash(str(err.message), "error")
        return redirect(back)
    except DomainError as err:
        if err.status == 404:
            raise
        flash(str(next(iter(err.fields.values()), err.message)), "error")
        return redirect(back)
    names = "、".join(u.display_name for u in household.waiting) or (household.unit.label if household.unit else "")
    flash(_("Reminder sent to %(names)s.", names=names), "success")
    return redirect(back + f"#household-{household.key.replace(':', '-')}")


# --- the decision record -------------------------------------------------------------------

@bp.get("/proposals/<int:proposal_id>/record")
@login_required
def record(proposal_id):
    """协商纪要: the printable record of a closed ballot."""
    proposal = services.get_proposal(current_user, proposal_id)
    data = services.decision_record(current_user, proposal)
    return render_template("voting/record.html", **data, printed_at=clock.now())

