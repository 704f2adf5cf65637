"""Forms of the courtyard and administration pages. places.services holds the rules."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..web.forms import Form

ROLE_CHOICES = [SelectChoice("secretary", _l("Secretary")), SelectChoice("building_lead", _l("Building lead")),
                SelectChoice("resident", _l("Resident"))]
KIND_CHOICES = [SelectChoice("property", _l("Property company")),
                SelectChoice("department", _l("City department"))]

# "101, 85.5" — a label, then the floor area; commas (also Chinese ones), tabs or spaces between.
_UNIT_LINE = re.compile(r"^(?P<label>.+?)\s*(?:[,，、\t]|\s)\s*(?P<area>[^,，、\t\s]+?)\s*(?:m2|m²|㎡|平方米|平米)?$")


def parse_unit_lines(text: str | None) -> tuple[list[dict], list[int]]:
    """Lines of "label, area" → the units the service checks, and each unit's line number.

    A line without an area still becomes a unit, so that the service names what is missing.
    """
    units, lines = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = _UNIT_LINE.match(line)
        if match:
            units.append({"label": match["label"], "area_m2": match["area"]})
        else:
            units.append({"label": line, "area_m2": None})
        lines.append(number)
    return units, lines


class CommunityForm(Form):
    name = StringField(_l("Community name"))


class BuildingForm(Form):
    name = StringField(_l("Building name"))
    property_org_id = SelectField(_l("Property company"), choices=[], validate_choice=False)
    units = TextAreaField(_l("Flats"))


class UnitsForm(Form):
    units = TextAreaField(_l("Flats, one per line"))


class PropertyForm(Form):
    property_org_id = SelectField(_l("Property company"), choices=[], validate_choice=False)


class OrganizationForm(Form):
    name = StringField(_l("Name"))
    kind = RadioField(_l("Kind"), choices=KIND_CHOICES, validate_choice=False, default="property")


class PickUserForm(Form):
    """Names a person by their login (staff of an organization or a community)."""

    login = StringField(_l("Login name of the person"))


class MemberRoleForm(Form):
    login = StringField(_l("Login name of the person"))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validate_choice=False)
    unit_id = SelectField(_l("Flat"), choices=[], validate_choice=False)
    is_owner = BooleanField(_l("Owner of the flat"))

    def set_units(self, units) -> None:
        self.unit_id.choices = [SelectChoice("", _l("— no flat —"))] + [
            SelectChoice(str(u.id), u.label) for u in units]


def property_choices(orgs) -> list[tuple[str, str]]:
    return [SelectChoice("", _l("— none —"))] + [SelectChoice(str(o.id), o.name) for o in orgs]
