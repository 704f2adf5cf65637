"""Password hashes: production makes scrypt, the test config a cheap one; either kind verifies."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from courtyard.accounts import services
from courtyard.config import Config
from courtyard.extensions import db

from ..factories import PASSWORD


def test_production_hashes_with_scrypt_and_tests_with_the_cheap_method(app, monkeypatch):
    assert Config(env={}).as_dict()["PASSWORD_HASH_METHOD"] == "scrypt"
    assert services.hash_password(PASSWORD).startswith("pbkdf2:sha256:1$")
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    assert services.hash_password(PASSWORD).startswith("scrypt:")


@pytest.mark.parametrize("made_by", ["scrypt", "pbkdf2:sha256:1"])
@pytest.mark.parametrize("checked_under", ["scrypt", "pbkdf2:sha256:1"])
def test_a_hash_made_either_way_verifies_under_either_setting(app, make, monkeypatch, made_by, checked_under):
    user = make.user("zhangli")
    user.password_hash = generate_password_hash(PASSWORD, method=made_by)
    db.session.commit()
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", checked_under)
    assert services.authenticate("zhangli", PASSWORD, "10.0.0.1") == user
    with pytest.raises(services.Unauthenticated):
        services.authenticate("zhangli", "not-the-password", "10.0.0.1")
    with pytest.raises(services.Unauthenticated):
        services.authenticate("nobody-here", PASSWORD, "10.0.0.1")
    services.change_password(user, PASSWORD, "a-new-password")  # checks the old hash, makes a new one
    assert user.password_hash.startswith(checked_under.split(":")[0])
    assert services.authenticate("zhangli", "a-new-password", "10.0.0.1") == user
