"""Backup and restore round trips through the real commands, on a scratch SQLite file and, when PostgreSQL is
reachable, a scratch PostgreSQL database: what the backup held comes back after a loss."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TABLE = "duties_legaltimelimit"  # seeded by the migrations: a table that is never empty


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_sqlite_backup_and_restore_round_trip(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    manage(env, "migrate", "--noinput")
    rows = sqlite3.connect(database).execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
    assert rows > 10
    backup = tmp_path / "copy.backup"
    assert "backup written" in manage(env, "backup", str(backup))
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    with sqlite3.connect(database) as db:  # the loss
        db.execute(f"DELETE FROM {TABLE}")
    result = subprocess.run([sys.executable, "manage.py", "restore", str(backup)], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, **env})
    assert result.returncode != 0  # not without --yes
    manage(env, "restore", str(backup), "--yes")
    assert sqlite3.connect(database).execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == rows


def test_postgresql_backup_and_restore_round_trip(tmp_path):
    psycopg = pytest.importorskip("psycopg")
    server = os.environ.get("BACKUP_TEST_PG", "postgres://postgres@127.0.0.1:5432")
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable here")
    name = f"tongxing_backup_check_{os.getpid()}"
    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.execute(f"CREATE DATABASE {name}")
    try:
        env = {"DEBUG": "1", "DATABASE_URL": f"{server}/{name}"}
        manage(env, "migrate", "--noinput")
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            rows = db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
        backup = tmp_path / "copy.backup"
        manage(env, "backup", str(backup))
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            db.execute(f"DELETE FROM {TABLE}")
        manage(env, "restore", str(backup), "--yes")
        with psycopg.connect(f"{server}/{name}", autocommit=True) as db:
            assert db.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0] == rows
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
