"""Make sure the benchmark database exists, is migrated and holds a synthetic data set (made once, then reused)."""

import argparse
import os
import sys

import psycopg


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.prepare")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--copy-to", metavar="NAME", help="then make NAME a fresh copy of it (the load test writes)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must name a PostgreSQL database for the benchmarks.")
        return 1
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from people.models import Person

    call_command("migrate", verbosity=0)
    people = Person.objects.count()
    if not people:
        call_command("synthetic_load", people=args.people)
    elif abs(people - args.people) > args.people // 10:
        print(f"{name} holds {people:,} people, not about {args.people:,}: measuring those. To regenerate, drop the "
              f"database (dropdb -h 127.0.0.1 -U postgres {name}) and run again.")
    if args.copy_to:
        from django.db import connections

        connections.close_all()  # a template database must have no other session
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.copy_to}"')
            admin.execute(f'CREATE DATABASE "{args.copy_to}" TEMPLATE "{name}"')
        print(f"copied {name} to {args.copy_to}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
