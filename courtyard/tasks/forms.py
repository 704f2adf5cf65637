"""Forms of the task pages. tasks.services holds the rules; these only carry fields and CSRF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..deliberation.models import CATEGORY_LABELS
from ..validation import parse_id
from ..web.forms import Form
from .payloads import SCORE_LABELS


class TaskForm(Form):
    assignee_org_id = SelectField(_l("Which organization does the work?"), validate_choice=False)
    title = StringField(_l("What is to be done (leave empty to use the topic's title)"))
    due_at = StringField(_l("Due by (leave empty for the service time)"))


class UpdateForm(Form):
    status = HiddenField()
    note = TextAreaField(_l("Note"))
    photos = MultipleFileField(_l("Photos"))
    # Photos already stored by an earlier try of this form, so fixing the note does not lose them.
    photo_ids = HiddenField()

    def kept_photo_ids(self) -> list[int]:
        ids = (parse_id(p) for p in (self.photo_ids.data or "").split(","))
        return [i for i in ids if i is not None][:20]


class VerifyForm(Form):
    note = TextAreaField(_l("What did you find? (optional)"))


class RatingForm(Form):
    score = RadioField(_l("How satisfied are you with the work?"),
                       choices=[SelectChoice(s.value, label) for s, label in SCORE_LABELS.items()],
                       validate_choice=False)


class EscalateForm(Form):
    reason = TextAreaField(_l("Why (吹哨)?"))
    to_org_id = SelectField(_l("Call in"), validate_choice=False)


class AcknowledgeForm(Form):
    note = TextAreaField(_l("Note (optional)"))


class PolicyForm(Form):
    reminder_hours = StringField(_l("Remind the organization this many hours before the due date (0: never)"))
    level1_after_hours = StringField(_l("Escalate to the community this many hours after the due date"))
    level2_after_hours = StringField(_l("Escalate further this many hours after the due date"))
    level2_org_id = SelectField(_l("Escalate further to"), validate_choice=False)


def category_hours_field_name(code: str) -> str:
    return f"hours_{code}"


for _code in CATEGORY_LABELS:
    setattr(PolicyForm, category_hours_field_name(_code.value), StringField(CATEGORY_LABELS[_code]))
