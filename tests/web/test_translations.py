"""A fresh checkout speaks Chinese: the catalogues (.po in git, .mo built) are compiled at start-up."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask_babel import get_domain

import courtyard
from courtyard import create_app, i18n
from courtyard.config import TestConfig as AppConfig

SOURCE = Path(courtyard.__file__).parent / "translations"


@pytest.fixture
def checkout(tmp_path) -> Path:
    """courtyard/translations as `git clone` leaves it: the .po files, no .mo."""
    folder = tmp_path / "translations"
    shutil.copytree(SOURCE, folder, symlinks=True, ignore=shutil.ignore_patterns("*.mo"))
    assert list(folder.rglob("*.po")) and not list(folder.rglob("*.mo"))
    return folder


def fresh_app(tmp_path, translations: Path):
    return create_app(AppConfig(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", INSTANCE_DIR=str(tmp_path / "instance"),
                                 BABEL_TRANSLATION_DIRECTORIES=str(translations)))


def login_page(app) -> str:
    with app.test_request_context():
        get_domain().cache.clear()  # Flask-Babel caches catalogues per process, not per app
    try:
        r = app.test_client().get("/login")
        assert r.status_code == 200
        return r.get_data(as_text=True)
    finally:
        with app.test_request_context():
            get_domain().cache.clear()


def test_without_compiled_catalogues_the_login_page_is_chinese(tmp_path, checkout):
    app = fresh_app(tmp_path, checkout)
    assert (checkout / "zh_CN" / "LC_MESSAGES" / "messages.mo").is_file()
    assert app.extensions["babel"].translation_directories == [str(checkout)]
    page = login_page(app)
    assert 'lang="zh-CN"' in page and "登录" in page and "Log in" not in page


def test_a_catalogue_older_than_its_po_is_compiled_again_and_a_current_one_is_left(tmp_path, checkout):
    mo = checkout / "zh_CN" / "LC_MESSAGES" / "messages.mo"
    po = mo.with_suffix(".po")
    mo.write_bytes(b"stale")
    os.utime(mo, (po.stat().st_mtime - 60, po.stat().st_mtime - 60))
    assert "登录" in login_page(fresh_app(tmp_path, checkout))
    compiled = mo.read_bytes()
    assert compiled != b"stale"
    assert i18n.compile_catalogues(checkout, checkout) == []  # up to date: nothing written
    assert mo.read_bytes() == compiled


def test_a_folder_that_cannot_be_written_is_compiled_into_the_instance_folder(tmp_path, checkout, monkeypatch):
    real = i18n.compile_catalogues

    def read_only(source, target):
        if target == source:
            raise PermissionError(13, "Read-only file system", str(target))
        return real(source, target)

    monkeypatch.setattr(i18n, "compile_catalogues", read_only)
    app = fresh_app(tmp_path, checkout)
    moved = tmp_path / "instance" / "translations" / "0"
    assert app.extensions["babel"].translation_directories == [str(moved)]
    assert (moved / "zh_CN" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not list(checkout.rglob("*.mo"))
    assert "登录" in login_page(app)


def test_the_compiled_catalogue_translates_as_pybabel_would(tmp_path, checkout):
    from babel import Locale
    from babel.support import Translations
    out = tmp_path / "out"
    written = i18n.compile_catalogues(checkout, out)
    # zh_Hans_CN (how Babel names zh_CN) is a link to zh_CN in git; elsewhere it gets its own copy
    assert set(written) == {out / name / "LC_MESSAGES" / "messages.mo" for name in ("zh_CN", "zh_Hans_CN")}
    assert Translations.load(str(out), [Locale.parse("zh_CN")]).gettext("Log in") == "登录"
