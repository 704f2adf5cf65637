"""Commands of CONTRACT §1: init-db, seed-demo, create-admin, import-places; backup and restore."""
from __future__ import annotations

import functools
import sys

import click
from flask import Flask
from flask_babel import force_locale
from flask_migrate import upgrade

from .errors import DomainError


def _in_english(command):
    """Commands speak English: outside a request there is no reader's language to pick."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale("en"):
            return command(*args, **kwargs)
    return wrapper


def _fail(err: DomainError) -> None:
    click.echo(f"error: {err.message}", err=True)
    for field, message in err.fields.items():
        click.echo(f"  {field}: {message}", err=True)
    sys.exit(1)


def init_app(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Create or upgrade the schema to the newest migration (safe to repeat)."""
        upgrade()
        click.echo("database is at the newest schema")

    @app.cli.command("create-admin")
    @click.argument("login")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", "display_name", default=None, help="Display name (defaults to the login).")
    @_in_english
    def create_admin(login, password, display_name):
        """Create (or promote) a street administrator."""
        from .accounts.services import create_admin as create
        try:
            user = create(login, password, display_name)
        except DomainError as err:
            _fail(err)
        click.echo(f"street administrator '{user.login}' is ready")

    @app.cli.command("seed-demo")
    @_in_english
    def seed_demo():
        """Load the demo street (idempotent); accounts are listed in README.md."""
        from .seeding.demo import seed_demo as seed
        try:
            summary = seed()
        except DomainError as err:
            _fail(err)
        click.echo(summary)

    @app.cli.command("import-places")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @_in_english
    def import_places(path):
        """Import communities, buildings and units from a CSV sheet; all or nothing.

        Columns: community, building, unit, area_m2, property_company (or the Chinese
        headers 社区, 楼栋, 门牌/户号, 建筑面积(㎡), 物业公司); see docs/import-places.md.
        """
        from .places.importer import ImportRejected, import_csv
        try:
            with open(path, "rb") as fh:
                result = import_csv(fh.read())
        except ImportRejected as err:
            click.echo(f"error: {path} was not imported; nothing was written.", err=True)
            for line, reason in err.problems:
                click.echo(f"  {f'line {line}' if line else 'file'}: {reason}", err=True)
            sys.exit(1)
        click.echo(f"{path}: " + result.summary())

    @app.cli.command("seed-scale")
    @click.option("--seed", default=1, show_default=True, help="Same seed, same rows.")
    @click.option("--until", default=None, help="Last day of the year of data (YYYY-MM-DD; default today).")
    @click.option("--residents", default=100_000, show_default=True)
    @click.option("--buildings", default=223, show_default=True)
    @click.option("--communities", default=17, show_default=True)
    @click.option("--days", default=365, show_default=True)
    @_in_english
    def seed_scale(seed, until, residents, buildings, communities, days):
        """Fill an EMPTY database with a street-sized data set (for bench/insight.py)."""
        from datetime import date
        from .seeding.scale import Plan, seed_scale as run
        if not (1 <= communities <= buildings <= 2000 and buildings <= residents <= 500_000 and 1 <= days <= 3 * 366):
            raise click.BadParameter("need 1 ≤ communities ≤ buildings ≤ 2000, buildings ≤ residents ≤ 500,000, "
                                     "1 ≤ days ≤ 1098")
        try:
            day = date.fromisoformat(until) if until else None
        except ValueError:
            raise click.BadParameter("--until must be YYYY-MM-DD")
        run(Plan(seed=seed, until=day, residents=residents, buildings=buildings, communities=communities, days=days),
            echo=click.echo)

    @app.cli.command("search-reindex")
    @_in_english
    def search_reindex():
        """Write the search index anew from every topic and message (safe to repeat)."""
        from .search.index import rebuild
        click.echo(f"search index rebuilt: {rebuild():,} entries")

    @app.cli.command("backup")
    @click.argument("file")
    @_in_english
    def backup_command(file):
        """Write a consistent backup of the database to FILE while the app runs (docs/deployment.md)."""
        from . import backup
        try:
            contents = backup.backup(app.config["SQLALCHEMY_DATABASE_URI"], file)
        except backup.BackupError as err:
            click.echo(f"error: {err.message}; no backup was written.", err=True)
            sys.exit(1)
        click.echo(f"backed up to {file}: {contents.summary()}")

    @app.cli.command("restore")
    @click.argument("file")
    @click.option("--yes", is_flag=True, help="Replace the database without asking.")
    @_in_english
    def restore_command(file, yes):
        """Replace the database with the backup in FILE (checked first; asks unless --yes)."""
        from . import backup
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        try:
            found = backup.inspect(url, file)
            where = backup.target_of(url).describe()
            if not yes:
                try:
                    click.confirm(f"Replace everything in {where} with {file} ({found.summary()})?",
                                  abort=True)
                except click.Abort:
                    click.echo(f"error: nothing was restored; {where} is unchanged "
                               "(answer y, or give --yes to restore without asking).", err=True)
                    sys.exit(1)
            if n := backup.other_sessions(url):
                click.echo(f"warning: {n} other session(s) are connected to {where}; the restore waits for "
                           "their transactions (stop the app's processes if it does not finish)", err=True)
            contents = backup.restore(url, file)
        except backup.BackupError as err:
            click.echo(f"error: {err.message}", err=True)
            sys.exit(1)
        click.echo(f"restored {file} into {where}: {contents.summary()}")
        _revisions, head = backup.known_revisions()
        if contents.revision != head:
            click.echo(f"the restored schema is older than this code's ({head}): run `flask --app wsgi init-db`")
