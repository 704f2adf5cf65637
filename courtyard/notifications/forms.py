"""The channel settings form. It renders the toggles and carries the CSRF token; preferences.py holds the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField

from ..web.forms import Form


class ChannelsForm(Form):
    sms = BooleanField(_l("Text messages"))
    email = BooleanField(_l("E-mail"))
    email_address = EmailField(_l("E-mail address"))
