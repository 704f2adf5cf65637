"""Error pages: calm words in the reader's language, the right status, never a stack trace."""


def test_an_unknown_address_is_a_friendly_404(browser):
    r = browser.get("/no-such-page")
    assert r.status_code == 404
    assert "没有找到这个页面" in r.text
    assert 'href="/"' in r.text


def test_a_forbidden_page_says_so_in_english_too(english, make):
    english.login(make.resident(make.courtyard()))
    r = english.get("/admin")
    assert r.status_code == 403
    assert "This page is not for you" in r.text


def test_the_wrong_method_gets_a_page_rather_than_a_crash(english, make):
    english.login(make.user())
    r = english.get("/logout")
    assert r.status_code == 405
    assert "Back to the start" in r.text
