"""Commands of CONTRACT §1: init-db, seed-demo, create-admin, import-places."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask_migrate import upgrade

from .errors import DomainError


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
    def create_admin(login, password, display_name):
        """Create (or promote) a street administrator."""
        from .accounts.services import create_admin as create
        try:
            user = create(login, password, display_name)
        except DomainError as err:
            _fail(err)
        click.echo(f"street administrator '{user.login}' is ready")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Load the demo street (idempotent); accounts are listed in README.md."""
        from .seed import seed_demo as seed
        summary = seed()
        click.echo(summary)

    @app.cli.command("import-places")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def import_places(path):
        """Import communities, buildings and units from a CSV sheet; all or nothing."""
        from .places.importer import ImportRejected, import_csv
        try:
            with open(path, "rb") as fh:
                summary = import_csv(fh.read())
        except ImportRejected as err:
            click.echo(f"error: {path} was not imported; nothing was written.", err=True)
            for line, reason in err.problems:
                click.echo(f"  line {line}: {reason}", err=True)
            sys.exit(1)
        click.echo(summary)
