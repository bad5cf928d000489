"""Backup and restore of the whole database, for SQLite (the online backup API: a consistent copy while the
service runs) and PostgreSQL (pg_dump's custom format and pg_restore). The backup holds encrypted ID numbers and
phones as ciphertext; the keys are kept apart from it (docs/security.md)."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


def _pg_env(settings_dict) -> tuple[list[str], dict]:
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    args = ["--host", settings_dict.get("HOST") or "127.0.0.1", "--port", str(settings_dict.get("PORT") or 5432),
            "--username", settings_dict.get("USER") or "postgres"]
    return args, env


def backup(path: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    settings_dict = connection.settings_dict
    path = Path(path)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(settings_dict)
        subprocess.run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(path),
                        settings_dict["NAME"]], check=True, env=env)
    else:
        raise RuntimeError(f"No backup for {connection.vendor}.")
    os.chmod(path, 0o600)
    return path


def restore(path: Path, alias: str = "default") -> None:
    """Replace the database's content with the backup's. The caller confirms first: this overwrites everything."""
    connection = connections[alias]
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_env(settings_dict)
        subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        "--dbname", settings_dict["NAME"], str(path)], check=True, env=env)
    else:
        raise RuntimeError(f"No restore for {connection.vendor}.")
