"""Chinese by default, English by a switch that every page offers."""


def test_the_switch_changes_the_language_and_returns_to_the_page(browser):
    assert "加入" in browser.text("/register")
    r = browser.post("/lang", {"lang": "en", "next": "/register"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/register"
    html = browser.text("/register")
    assert 'lang="en"' in html
    assert "Join your building" in html
    assert ">中文<" in html  # the way back
    browser.post("/lang", {"lang": "zh_CN", "next": "/register"})
    assert 'lang="zh-CN"' in browser.text("/register")


def test_the_language_stays_after_logging_in(english, make):
    cy = make.courtyard()
    english.login(make.resident(cy))
    assert "My courtyards" in english.text("/courtyards")


def test_unknown_languages_and_foreign_addresses_are_ignored(browser):
    r = browser.post("/lang", {"lang": "fr", "next": "https://evil.example/"})
    assert r.headers["Location"] == "/"
    assert 'lang="zh-CN"' in browser.text("/login")


def test_every_page_offers_the_switch(browser, make):
    cy = make.courtyard()
    browser.login(make.secretary(cy))
    for path in ("/courtyards", f"/courtyards/{cy.id}", f"/courtyards/{cy.id}/pending"):
        assert 'action="/lang"' in browser.text(path)


def test_switching_on_a_form_answer_returns_to_the_form(english, make):
    english.login(make.street_admin())
    r = english.post("/admin/communities", {"name": ""}, headers={"Referer": "http://localhost/admin/communities"})
    assert r.status_code == 422
    assert 'name="next" value="/admin/communities"' in r.text
