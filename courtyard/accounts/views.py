"""Login, logout, signing up with an invite code, and the accounts administration page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import signals
from ..errors import DomainError, Invalid
from ..pagination import page_of
from ..places import permissions
from ..places import services as places
from ..web import safe_next
from ..web.landing import landing_url
from . import services
from .forms import InviteCodeForm, JoinForm, LoginForm, RegisterForm, UserForm, UserSearchForm

bp = Blueprint("accounts", __name__)

USERS_PER_PAGE = 50


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.login.data, form.password.data, request.remote_addr or "")
        except DomainError as err:
            form.show(err)
            return render_template("accounts/login.html", form=form), err.status
        login_user(user, remember=form.remember.data)
        return redirect(safe_next(request.args.get("next"), landing_url(user)))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next"), landing_url(current_user)))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log out of this browser."""
    signals.logged_out.send(current_user._get_current_object())
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


# --- joining a courtyard -------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
def register():
    """Step 1 of joining: type the invite code the building lead or secretary handed out."""
    form = InviteCodeForm()
    if form.validate_on_submit():
        try:
            building = places.building_for_invite(form.invite_code.data)
        except DomainError as err:
            form.show(err)
            return render_template("accounts/register_code.html", form=form), err.status
        return redirect(url_for("accounts.join", code=building.invite_code))
    return render_template("accounts/register_code.html", form=form)


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code):
    """Step 2 of joining: pick the flat; newcomers also make their account."""
    try:
        building = places.building_for_invite(code)
    except Invalid as err:
        form = InviteCodeForm(formdata=None, invite_code=code[:16])
        form.show(err)
        return render_template("accounts/register_code.html", form=form), 404
    form = JoinForm() if current_user.is_authenticated else RegisterForm()
    form.set_units(building.units)
    if not form.validate_on_submit():
        return render_template("accounts/register_join.html", form=form, building=building)
    try:
        if current_user.is_authenticated:
            places.request_membership(current_user, invite_code=code, unit_id=form.unit_id.data,
                                      is_owner=form.is_owner)
        else:
            # Retyping the password is this page's own check. When the two differ the service is
            # still asked, without a password so that it cannot store anything, to name every
            # other problem at once.
            differ = form.passwords_differ
            user = services.register(invite_code=code, unit_id=form.unit_id.data, login=form.login.data,
                                     password="" if differ else form.password.data,
                                     display_name=form.display_name.data, phone=form.phone.data,
                                     is_owner=form.is_owner)
            login_user(user)
    except DomainError as err:
        if getattr(form, "passwords_differ", False):
            err.fields.pop("password", None)
            err.fields["password_again"] = _("The two passwords differ.")
        form.show(err, {"invite_code": None, "is_owner": "tenure"})
        return render_template("accounts/register_join.html", form=form, building=building), err.status
    return redirect(url_for("places.waiting"))


# --- administration: accounts --------------------------------------------------------------

def _users_page(create_form: UserForm, status: int = 200):
    search = UserSearchForm(request.args)
    users = page_of(services.search_users(current_user, search.q.data), USERS_PER_PAGE)
    rows = [(u, u.phone if permissions.can_see_phone(current_user, u) else services.mask_phone(u.phone))
            for u in users.items]
    return render_template("admin/users.html", search=search, rows=rows, total=users.total, paging=users,
                           form=create_form), status


@bp.get("/admin/users")
@login_required
def admin_users():
    """Accounts: search, and create one for a neighbour who cannot sign up alone."""
    return _users_page(UserForm(formdata=None))


@bp.post("/admin/users")
@login_required
def admin_create_user():
    """Create an account."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(current_user, login=form.login.data, password=form.password.data,
                                        display_name=form.display_name.data, phone=form.phone.data)
        except Invalid as err:
            form.show(err)
            return _users_page(form, err.status)
        flash(_("Account %(login)s created for %(name)s.", login=user.login, name=user.display_name),
              "success")
        return redirect(url_for("accounts.admin_users", q=user.login))
    return _users_page(form, 422)
