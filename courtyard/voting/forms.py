"""Forms of the voting pages. voting.services holds the rules; these only carry fields and CSRF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.forms import Form
from .models import Rule

RULE_LABELS = {
    Rule.majority: _l("Majority of members"),
    Rule.household: _l("One vote per household"),
    Rule.civil_code: _l("Civil Code art. 278 (more than half)"),
    Rule.civil_code_major: _l("Civil Code art. 278 (three quarters)"),
}
RULE_HINTS = {
    Rule.majority: _l("Every member votes once. Adopted if there are more yes than no votes and turnout reaches "
                      "the quorum."),
    Rule.household: _l("Each household votes once; a later vote from the same household replaces the earlier one."),
    Rule.civil_code: _l("For the owners' common affairs. Owners of at least 2/3 of the floor area and at least 2/3 "
                        "of the owners must take part; adopted by more than half of the participating area and "
                        "owners."),
    Rule.civil_code_major: _l("For major works (e.g. using the maintenance fund, rebuilding). The same participation; "
                              "adopted by at least 3/4 of the participating area and owners."),
}
CHOICE_LABELS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
QUORUM_CHOICES = [SelectChoice("0", _l("No minimum turnout")), SelectChoice("0.25", _l("A quarter")),
                  SelectChoice("0.3333", _l("A third")), SelectChoice("0.5", _l("Half")),
                  SelectChoice("0.6667", _l("Two thirds")), SelectChoice("0.75", _l("Three quarters"))]


class ProposalForm(Form):
    title = StringField(_l("The proposal in one sentence"))
    body = TextAreaField(_l("What exactly is proposed (cost, place, who does what)"))


class BallotForm(Form):
    proposal_ids = SelectMultipleField(_l("Proposals to vote on"), coerce=str, validate_choice=False,
                                       widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    rule = RadioField(_l("Voting rule"), choices=[SelectChoice(r.value, label) for r, label in RULE_LABELS.items()],
                      validate_choice=False, default=Rule.majority.value)
    closes_at = StringField(_l("Voting closes at (Beijing time)"))
    secret = BooleanField(_l("Secret ballot: no one sees how anyone voted"))
    hide_totals = BooleanField(_l("Hide the totals until voting closes (secret ballots only)"))
    quorum = SelectField(_l("Minimum turnout"), choices=QUORUM_CHOICES, validate_choice=False, default="0")


class AssistedVoteForm(Form):
    on_behalf_of = SelectField(_l("Neighbour"), choices=[], validate_choice=False)
    choice = RadioField(_l("Their choice"), choices=[SelectChoice(k, v) for k, v in CHOICE_LABELS.items()],
                        validate_choice=False)
    witness = StringField(_l("Witness (name)"))


class ReminderForm(Form):
    """The 提醒 button of the not-yet-voted list: one household, by its flat or its person."""

    unit_id = StringField()
    user_id = StringField()
