"""Forms of the topic pages. deliberation.services holds the rules; these only carry fields and CSRF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..validation import parse_id
from ..web.forms import Form
from .models import CATEGORY_LABELS, PLACE_LABELS


class TopicForm(Form):
    title = StringField(_l("In one sentence, what is the matter?"))
    category = RadioField(_l("Kind of matter"), choices=[SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()],
                          validate_choice=False)
    body = TextAreaField(_l("Describe it"))
    place = SelectField(_l("Place"), choices=[SelectChoice("", _l("Not said"))] + [
        SelectChoice(p.value, label) for p, label in PLACE_LABELS.items()], validate_choice=False)
    place_note = StringField(_l("More precisely (optional)"))
    # Filled by static/js/where.js from the phone's location, only when the person asks.
    latitude = HiddenField()
    longitude = HiddenField()
    photos = MultipleFileField(_l("Photos"))
    # Photos already uploaded by an earlier try of this form, so a fix to the text does not lose them.
    photo_ids = HiddenField()

    def where(self) -> dict:
        """The where fields, as services.create_topic takes them."""
        return {"place": self.place.data, "place_note": self.place_note.data,
                "latitude": self.latitude.data, "longitude": self.longitude.data}

    def kept_photo_ids(self) -> list[int]:
        ids = (parse_id(p) for p in (self.photo_ids.data or "").split(","))
        return [i for i in ids if i is not None][:20]


class MessageForm(Form):
    body = TextAreaField(_l("Your message"))
    # Made by the server for each rendering: submitting the same form twice stores one message.
    client_id = HiddenField()
