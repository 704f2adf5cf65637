"""Language choice: Chinese first, English by a switch; the catalogues compiled at start-up."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from . import timefmt

NAMES = {"zh_CN": "中文", "en": "English"}


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, background tasks, service tests
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in langs:
        return current_user.locale
    if request.path.startswith("/api/"):
        best = request.accept_languages.best_match(["zh", "zh_CN", "en"])
        if best == "en":
            return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale_name() -> str:
    return str(get_locale())


def init_app(app: Flask) -> None:
    app.jinja_env.globals["LANGUAGE_NAMES"] = NAMES
    app.jinja_env.filters["when"] = timefmt.when  # the one way a time is written (timefmt.py)
    app.jinja_env.filters["day"] = timefmt.day  # and a calendar day


# --- the catalogues ------------------------------------------------------------------------
# The .po files are in git, the .mo files are not (they are built). A fresh checkout served with
# `python wsgi.py` — no `make translations` — must still speak Chinese, so start-up compiles
# what is missing or older than its .po, with Babel's own reader and writer (as pybabel does).

def _catalogues(source: Path) -> list[Path]:
    return sorted(source.glob("*/LC_MESSAGES/*.po"))


def _stale(po: Path, mo: Path) -> bool:
    return not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Compile each `source/<locale>/LC_MESSAGES/<domain>.po` whose .mo under `target` is missing
    or older; fuzzy entries included (as `pybabel compile -f`). Returns the .mo files written.
    Each is written beside its place and renamed into it, so processes starting together never
    read half a file. Raises OSError when `target` cannot be written."""
    written = []
    for po in _catalogues(source):
        mo = target / po.relative_to(source).with_suffix(".mo")
        if not _stale(po, mo):
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        mo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=f".{mo.name}.")
        try:
            with os.fdopen(fd, "wb") as fh:
                write_mo(fh, catalog, use_fuzzy=True)
            os.replace(tmp, mo)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(mo)
    return written


def prepare_translations(app: Flask) -> None:
    """Make every catalogue of BABEL_TRANSLATION_DIRECTORIES ready before Flask-Babel reads that
    setting: compiled in place when the folder is writable, otherwise into the instance
    folder (or, failing that, a temporary one), which then takes the folder's place."""
    folders = []
    for i, name in enumerate(app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")):
        source = Path(app.root_path, name)
        if not any(_stale(po, po.with_suffix(".mo")) for po in _catalogues(source)):
            folders.append(str(source))
            continue
        try:
            written = compile_catalogues(source, source)
            folders.append(str(source))
        except OSError:
            target = Path(app.instance_path, "translations", str(i))
            try:
                written = compile_catalogues(source, target)
            except OSError:
                target = Path(tempfile.mkdtemp(prefix="courtyard-translations-"))
                written = compile_catalogues(source, target)
            folders.append(str(target))
        app.logger.info("compiled translations: %s", ", ".join(str(mo) for mo in written) or "none")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(folders)
