"""Account forms. They render fields and carry the CSRF token; accounts.services holds the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, RadioField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ..web.forms import Form

TENURE_CHOICES = [SelectChoice("owner", _l("Owner")), SelectChoice("tenant", _l("Tenant"))]


class LoginForm(Form):
    login = StringField(_l("Login name"))
    password = PasswordField(_l("Password"))
    remember = BooleanField(_l("Keep me logged in on this phone"))


class InviteCodeForm(Form):
    """Step 1 of joining: the building's invite code."""

    invite_code = StringField(_l("Invite code"))


class TenureMixin:
    unit_id = SelectField(_l("Your flat"), choices=[], validate_choice=False)
    # Nothing is chosen at first: owning the flat matters for Civil Code votes (services say so).
    tenure = RadioField(_l("You are the flat's"), choices=TENURE_CHOICES, validate_choice=False)

    def set_units(self, units) -> None:
        self.unit_id.choices = [SelectChoice("", _l("— choose your flat —"))] + [
            SelectChoice(str(u.id), u.label) for u in units]

    @property
    def is_owner(self) -> bool | None:
        """True, False, or None when neither was chosen (the service asks for it)."""
        return {"owner": True, "tenant": False}.get(self.tenure.data)


class JoinForm(TenureMixin, Form):
    """Step 2 for someone who already has an account."""


class RegisterForm(TenureMixin, Form):
    """Step 2 for a newcomer: the flat and a new account."""

    display_name = StringField(_l("Your name"))
    phone = StringField(_l("Mobile phone"))
    login = StringField(_l("Login name"))
    password = PasswordField(_l("Password"))
    password_again = PasswordField(_l("Password again"))

    @property
    def passwords_differ(self) -> bool:
        return (self.password.data or "") != (self.password_again.data or "")


class UserForm(Form):
    """An administrator creates an account."""

    display_name = StringField(_l("Full name"))
    phone = StringField(_l("Mobile phone"))
    login = StringField(_l("Login name"))
    password = PasswordField(_l("Password"))


class UserSearchForm(Form):
    class Meta:
        csrf = False

    q = SearchField(_l("Search by name, login or phone"))
