"""The database URL and engine options the app is given: driver, pool, sslmode."""
from __future__ import annotations

import ssl

import pytest

from courtyard.config import Config, engine_settings, normalise_database_url


@pytest.mark.parametrize("url", ["postgresql://u@db/street", "postgres://u@db/street"])
def test_a_plain_postgresql_url_gets_the_chosen_driver(url):
    assert normalise_database_url(url, "pg8000") == "postgresql+pg8000://u@db/street"
    assert normalise_database_url(url, "psycopg2") == "postgresql+psycopg2://u@db/street"


def test_database_driver_is_one_setting():
    env = {"DATABASE_URL": "postgresql://u@db/street"}
    assert Config(env).SQLALCHEMY_DATABASE_URI == "postgresql+psycopg2://u@db/street"
    assert Config(dict(env, DATABASE_DRIVER="pg8000")).SQLALCHEMY_DATABASE_URI == "postgresql+pg8000://u@db/street"
    with pytest.raises(RuntimeError, match="DATABASE_DRIVER"):
        Config(dict(env, DATABASE_DRIVER="psycopg"))


def test_a_url_naming_its_driver_and_sqlite_are_kept():
    assert normalise_database_url("postgresql+psycopg2://u@db/x", "pg8000") == "postgresql+psycopg2://u@db/x"
    assert normalise_database_url("sqlite:////tmp/x.sqlite3", "psycopg2") == "sqlite:////tmp/x.sqlite3"


def test_the_postgresql_pool_keeps_every_connection_it_opens():
    url, options = engine_settings("postgresql+psycopg2://u@db/street", pool_size=40)
    assert url == "postgresql+psycopg2://u@db/street"
    assert options["pool_size"] == 40 and options["max_overflow"] == 0
    assert "pool_pre_ping" not in options  # courtyard/dbping.py pings only idle connections
    assert Config({}).DATABASE_PING_AFTER == 10 and Config({"DATABASE_PING_AFTER": "2.5"}).DATABASE_PING_AFTER == 2.5
    assert Config({"DATABASE_POOL_SIZE": "12"}).DATABASE_POOL_SIZE == 12


def test_pg8000_tries_tls_by_default_as_libpq_does():
    url, options = engine_settings("postgresql+pg8000://u@db/street", pool_size=40)
    assert url == "postgresql+pg8000://u@db/street"
    assert "connect_args" not in options  # pg8000's own default: TLS if the server offers it


def test_pg8000_sslmode_becomes_one_ssl_context():
    url, options = engine_settings("postgresql+pg8000://u:pw@db/street?sslmode=disable", pool_size=40)
    assert url == "postgresql+pg8000://u:pw@db/street"
    assert options["connect_args"] == {"ssl_context": False}

    url, options = engine_settings("postgresql+pg8000://u@db/street?sslmode=require", pool_size=40)
    context = options["connect_args"]["ssl_context"]
    assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_NONE
    assert url == "postgresql+pg8000://u@db/street"

    _, options = engine_settings("postgresql+pg8000://u@db/street?sslmode=verify-full", pool_size=40)
    context = options["connect_args"]["ssl_context"]
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname

    with pytest.raises(RuntimeError, match="sslmode"):
        engine_settings("postgresql+pg8000://u@db/street?sslmode=sometimes", pool_size=40)


def test_psycopg2_reads_sslmode_itself():
    url, options = engine_settings("postgresql+psycopg2://u@db/street?sslmode=disable", pool_size=40)
    assert url == "postgresql+psycopg2://u@db/street?sslmode=disable"
    assert "connect_args" not in options
