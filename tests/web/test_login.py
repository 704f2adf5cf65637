"""The login page: Chinese by default, the same answer for unknown logins and wrong passwords."""
from tests.factories import PASSWORD


def test_login_page_is_in_chinese_by_default(browser):
    html = browser.text("/login")
    assert 'lang="zh-CN"' in html
    assert "掌上四合院" in html
    assert "登录" in html


def test_the_right_password_opens_my_courtyard(browser, make):
    cy = make.courtyard()
    user = make.resident(cy)
    r = browser.post("/login", {"login": user.login.upper(), "password": PASSWORD})
    assert r.status_code == 302
    assert r.headers["Location"] == f"/courtyards/{cy.id}"  # the only one: straight to it
    html = browser.text(f"/courtyards/{cy.id}")
    assert user.display_name in html
    assert cy.building.name in html


def test_a_wrong_password_is_refused_with_a_message(english, make):
    user = make.user()
    r = english.post("/login", {"login": user.login, "password": "not-the-password"})
    assert r.status_code == 401
    assert "Wrong login or password." in r.text
    assert english.get("/courtyards").status_code == 302  # still logged out


def test_an_unknown_login_gets_the_same_answer(english, make):
    make.user()
    r = english.post("/login", {"login": "nobody-here", "password": "not-the-password"})
    assert r.status_code == 401
    assert "Wrong login or password." in r.text


def test_empty_fields_are_named_next_to_the_fields(english):
    r = english.post("/login", {"login": "", "password": ""})
    assert r.status_code == 422
    assert 'id="login-error"' in r.text
    assert 'id="password-error"' in r.text
    assert r.text.count("This field is required.") == 2


def test_a_login_without_the_csrf_token_is_refused(browser, make):
    user = make.user()
    r = browser.post("/login", {"login": user.login, "password": PASSWORD}, csrf=False)
    assert r.status_code == 302
    assert browser.get("/courtyards").status_code == 302  # not logged in
    assert "表单已过期" in browser.text("/login")


def test_login_returns_to_next_but_never_to_another_site(app, make, new_browser):
    user = make.street_admin()
    b = new_browser()
    r = b.post("/login?next=/admin", {"login": user.login, "password": PASSWORD})
    assert r.headers["Location"] == "/admin"
    b = new_browser()
    r = b.post("/login?next=//evil.example/x", {"login": user.login, "password": PASSWORD})
    assert r.headers["Location"] == "/insight"  # off-site: the administrator's own work instead


def test_pages_ask_for_login_first(browser):
    r = browser.get("/courtyards")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")


def test_logout_ends_the_session(english, make):
    user = make.user()
    english.login_with_form(user)
    assert english.get("/courtyards").status_code == 200
    r = english.logout()
    assert r.status_code == 302
    assert "You have logged out." in english.text("/login")
    assert english.get("/courtyards").status_code == 302


def test_many_failures_are_answered_with_a_wait_but_the_right_password_still_works(english, make, app):
    user = make.user()
    budget = int(app.config["LOGIN_FAILURES_PER_LOGIN"].split("/")[0])
    for _ in range(budget):
        assert english.post("/login", {"login": user.login, "password": "guess-guess"}).status_code == 401
    r = english.post("/login", {"login": user.login, "password": "guess-guess"})
    assert r.status_code == 429
    assert "Too many attempts." in r.text
    assert english.post("/login", {"login": user.login, "password": PASSWORD}).status_code == 302
