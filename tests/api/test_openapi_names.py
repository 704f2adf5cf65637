"""Schema names in the OpenAPI document are the models' class names: two different models with
one name (a HouseholdOut in two domains) would silently share one entry, and one of them would
be documented wrong. Every model a route names, and every model inside those, has its own name."""
from __future__ import annotations

import inspect
import typing

from pydantic import BaseModel

from courtyard.api.core import DOCS


def _models(tp, found: dict[str, set]) -> None:
    if inspect.isclass(tp) and issubclass(tp, BaseModel):
        known = found.setdefault(tp.__name__, set())
        if tp in known:
            return
        known.add(tp)
        for field in tp.model_fields.values():
            _models(field.annotation, found)
        return
    for arg in typing.get_args(tp):
        _models(arg, found)


def test_no_two_documented_models_share_a_name(app):
    found: dict[str, set] = {}
    for info in DOCS.values():
        for model in (info.body, info.query, info.response):
            _models(model, found)
    assert len(found) > 50
    clashes = {name: sorted(f"{m.__module__}.{m.__qualname__}" for m in models)
               for name, models in found.items() if len(models) > 1}
    assert clashes == {}
