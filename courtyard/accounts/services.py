"""Accounts: creating people, checking passwords, sessions and API tokens."""
from __future__ import annotations

import hashlib
import re
import secrets

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock, signals
from ..errors import Forbidden, Invalid, RateLimited, Unauthenticated
from ..extensions import db
from ..places import permissions
from ..places import services as places
from ..validation import Fields
from . import throttle
from .models import ApiToken, User

LOGIN_RE = re.compile(r"^[A-Za-z0-9_.\-@]{3,64}$")
# A mainland mobile number: 11 digits starting with 1 (spaces, dashes and a +86 prefix are dropped).
MOBILE_RE = re.compile(r"^1[0-9]{10}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 128
# Hashes made by one method verify under any other setting: Werkzeug reads the method
# from the stored hash. Only new hashes follow PASSWORD_HASH_METHOD.
_dummy_hashes: dict[str, str] = {}


def hash_password(password: str) -> str:
    """A new hash by the app's PASSWORD_HASH_METHOD (scrypt; TestConfig chooses a cheap one)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    """A constant hash to compare against when the login is unknown, made by the same method
    as real ones, so that both answers take the same time and say the same thing."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not-a-real-password", method=method)
    return _dummy_hashes[method]


def mask_phone(phone: str | None) -> str | None:
    """138****1234: keep the first three and last four digits."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def check_user_fields(f: Fields, *, login, password, display_name, phone, new_login: bool = True,
                      phone_required: bool = False):
    """Check an account's fields into `f`; returns them cleaned (the phone as its 11 digits)."""
    login_v = f.text("login", login, max_len=64)
    if login_v is not None and not LOGIN_RE.match(login_v):
        f.add("login", _l("Use 3–64 letters, digits or . _ - @"))
    if login_v and new_login and "login" not in f.errors and db.session.scalar(
            sa.select(sa.exists().where(sa.func.lower(User.login) == login_v.lower()))):
        f.add("login", _l("This login is taken."))
    pw = f.text("password", password, max_len=MAX_PASSWORD, strip=False)
    if pw is not None and len(pw) < MIN_PASSWORD:
        f.add("password", _l("Must be at least %(n)s characters.", n=MIN_PASSWORD))
    name = f.text("display_name", display_name, max_len=64)
    phone_v = f.text("phone", phone, max_len=32, required=phone_required)
    if phone_v:
        phone_v = mobile_number(phone_v)
        if phone_v is None:
            f.add("phone", _l("Enter an 11-digit mobile number starting with 1."))
    return login_v, pw, name, phone_v


def mobile_number(text: str) -> str | None:
    """A mainland mobile number as its 11 digits (138 0013 8000, 138-0013-8000, +86 13800138000 →
    13800138000), or None when it is not one."""
    digits = re.sub(r"[\s\-]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits if MOBILE_RE.match(digits) else None


def new_user(*, login, password, display_name, phone=None, is_street_admin=False) -> User:
    """Validate and add a user to the session (no commit): the building block of create/register."""
    f = Fields()
    login, password, display_name, phone = check_user_fields(
        f, login=login, password=password, display_name=display_name, phone=phone)
    f.check()
    user = User(login=login, password_hash=hash_password(password), display_name=display_name,
                phone=phone or None, is_street_admin=is_street_admin)
    db.session.add(user)
    return user


def create_user(actor, *, login, password, display_name, phone=None) -> User:
    """An administrator creates an account. Raises Forbidden, Invalid."""
    if not permissions.can_create_user(actor):
        raise Forbidden()
    user = new_user(login=login, password=password, display_name=display_name, phone=phone)
    db.session.commit()
    return user


def create_admin(login: str, password: str, display_name: str | None = None) -> User:
    """The first street administrator (CLI). An existing login is promoted and its password reset."""
    user = db.session.scalar(sa.select(User).where(User.login == login))
    was_admin = user is not None and user.is_street_admin
    if user is None:
        user = new_user(login=login, password=password, display_name=display_name or login,
                        is_street_admin=True)
    else:
        f = Fields()
        check_user_fields(f, login=login, password=password, display_name=user.display_name,
                          phone=None, new_login=False)
        f.check()
        user.password_hash = hash_password(password)
        user.is_street_admin = True
    db.session.flush()
    if not was_admin:
        signals.street_admin_appointed.send(user, actor=None)
    db.session.commit()
    return user


def authenticate(login, password, address: str) -> User:
    """Check a login and password. Raises Invalid (missing fields), Unauthenticated, RateLimited.

    An unknown login and a wrong password get the same answer. Failures are counted per
    login and per address; once a budget is spent, failures answer RateLimited, but a
    correct password still logs in.
    """
    f = Fields()
    login = f.text("login", login, max_len=64)
    password = f.text("password", password, max_len=128, strip=False)
    f.check()
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.login) == login.lower()))
    ok = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if ok and user is not None and user.is_active:
        return user
    wait = throttle.exhausted(login, address)
    throttle.record_failure(login, address)
    if wait is not None:
        raise RateLimited(retry_after=wait)
    raise Unauthenticated(_l("Wrong login or password."))


def change_password(user: User, old: str, new: str) -> None:
    f = Fields()
    if not check_password_hash(user.password_hash, old or ""):
        f.add("old_password", _l("Wrong password."))
    pw = f.text("password", new, max_len=128, strip=False)
    if pw is not None and len(pw) < MIN_PASSWORD:
        f.add("password", _l("Must be at least %(n)s characters.", n=MIN_PASSWORD))
    f.check()
    user.password_hash = hash_password(pw)
    user.session_epoch += 1
    db.session.commit()


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> str:
    """A new bearer token for `user`; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, digest=_digest(raw)))
    db.session.commit()
    return raw


# One query for token and user, built once: sockets re-check the token on every command, and
# building the statement anew (and its cache key) cost as much as running it (docs/performance.md).
_USER_BY_TOKEN = sa.select(User).join(ApiToken, ApiToken.user_id == User.id).where(
    ApiToken.digest == sa.bindparam("digest"), ApiToken.revoked_at.is_(None))


def user_for_token(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    user = db.session.scalar(_USER_BY_TOKEN, {"digest": _digest(raw)})
    if user is None or not user.is_active:
        return None
    return user


def revoke_token(raw: str) -> None:
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == _digest(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.commit()


def user_by_session_id(session_id: str) -> User | None:
    """Flask-Login's user loader: '<id>:<epoch>'; an old epoch means logged out everywhere."""
    try:
        uid, epoch = (int(x) for x in session_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_epoch != epoch or not user.is_active:
        return None
    return user


def require_user(user) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated()
    return user


def register(*, invite_code, unit_id, login, password, display_name, phone=None, is_owner=False) -> User:
    """A resident signs up with the building's invite code and picks their flat.

    Creates the account and a pending membership in one transaction; the courtyard stays
    invisible to them until the building lead or secretary approves. Raises Invalid.
    """
    f = Fields()
    try:
        building = places.building_for_invite(invite_code)
    except Invalid as err:
        f.errors.update(err.fields)
        building = None
    # The phone is optional (not everyone wants to give it; a neighbour may register for an
    # elder), but when given it must be a mainland mobile: text messages go to it.
    _, _, _, phone = check_user_fields(f, login=login, password=password, display_name=display_name, phone=phone)
    if building is not None:
        places.unit_of(f, building.courtyard, unit_id, required=True)
    places.check_tenure(f, is_owner)
    f.check()
    user = new_user(login=login, password=password, display_name=display_name, phone=phone)
    db.session.flush()
    places.request_membership(user, invite_code=invite_code, unit_id=unit_id, is_owner=is_owner, commit=False)
    db.session.commit()
    return user


# --- reading (administration pages) --------------------------------------------------------

def user_by_login(login) -> User | None:
    if not isinstance(login, str) or not login.strip():
        return None
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.login) == login.strip().lower()))


def search_users(actor, query: str | None = None) -> sa.Select:
    """Accounts whose login, name or phone contains `query`, newest first, for staff (the caller
    pages it: courtyard.pagination). Raises Forbidden."""
    if not permissions.can_create_user(actor):
        raise Forbidden()
    select = sa.select(User)
    query = (query or "").strip()[:64]
    if query:
        like = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        select = select.where(sa.or_(sa.func.lower(User.login).like(like, escape="\\"),
                                     sa.func.lower(User.display_name).like(like, escape="\\"),
                                     User.phone.like(like, escape="\\")))
    return select.order_by(User.id.desc())
