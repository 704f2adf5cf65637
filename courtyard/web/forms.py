"""Glue between Flask-WTF forms and the services.

Forms render fields and carry the CSRF token; the rules live in the services. When a
service raises, its field errors are put on the form's fields so that the page shows
each message next to the field it is about.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_wtf import FlaskForm

from ..errors import DomainError


class Form(FlaskForm):
    """A form whose checks are done by a service; `form_errors` holds messages for no one field."""

    def add_error(self, name: str | None, message) -> None:
        field = self._fields.get(name) if name else None
        if field is None or name == "csrf_token":
            self.form_errors.append(str(message))
            return
        field.errors = [*field.errors, str(message)]

    def show(self, err: DomainError, aliases: Mapping[str, str] | Callable[[str], str | None] = ()) -> None:
        """Spread a service's error over the fields (`aliases` maps service field names to ours).

        Its message ("Some fields need attention.") heads the form, so that it is seen first.
        """
        self.add_error(None, err.message)
        for name, message in err.fields.items():
            target = aliases(name) if callable(aliases) else dict(aliases).get(name, name)
            self.add_error(target, message)

    @property
    def has_errors(self) -> bool:
        return bool(self.form_errors) or any(f.errors for f in self)
