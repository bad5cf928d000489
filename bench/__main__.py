"""`python -m bench` (what `make bench` runs): every key operation through Tongxing and as raw SQL, with ratios.

Needs a database filled by `manage.py synthetic_load` (DATABASE_URL). Prints one table, and writes it as JSON to
var/bench/results.json so docs/performance.md can be brought up to date from a run.
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import operations as ops  # noqa: E402
from bench.throughput import requests_per_second  # noqa: E402
from orgs.models import Area  # noqa: E402
from people.models import Person  # noqa: E402
from reports.returns import Period  # noqa: E402

ALL = ["day_list", "person_page", "case_list", "search", "district_return", "national_return", "import", "throughput"]


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "?")
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {"cores": os.cpu_count(), "cpu": cpu, "memory_gb": round(int(memory) / 1024 / 1024),
            "python": platform.python_version(), "postgresql": pg, "database_size": size,
            "people": Person.objects.count()}


def show(rows: list[dict]) -> None:
    header = f"{'operation':<34}{'n':>5}{'Tongxing p50':>14}{'p95':>9}{'page p50':>10}{'p95':>9}{'raw p50':>9}" \
             f"{'p95':>9}{'ratio':>7}{'page/raw':>9}  target"
    print(header)
    print("-" * len(header))

    def f(value):
        return "" if value is None else f"{value:.1f}"

    for r in rows:
        print(f"{r['operation']:<34}{r['n']:>5}{f(r['tongxing_p50']):>14}{f(r['tongxing_p95']):>9}"
              f"{f(r['page_p50']):>10}{f(r['page_p95']):>9}{f(r['raw_p50']):>9}{f(r['raw_p95']):>9}"
              f"{f(r['ratio']):>7}{f(r['page_ratio']):>9}  {r['target']}")
        if r.get("note"):
            print(f"{'':<34}  ({r['note']})")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", action="append", choices=ALL, help="run only these (repeatable)")
    parser.add_argument("--samples", type=int, default=20, help="users (and people) sampled per operation")
    parser.add_argument("--rounds", type=int, default=3, help="times each sample is measured")
    # The whole 100 k rows the target names (about a minute on two cores): a short list is mostly start-up, and its
    # builders are not forked before the second thousand.
    parser.add_argument("--import-rows", type=int, default=int(os.environ.get("BENCH_IMPORT_ROWS", "100000")))
    parser.add_argument("--seconds", type=int, default=10, help="length of each throughput run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chosen = args.only or ALL
    rng = random.Random(args.seed)
    info = machine()
    if not info["people"]:
        print("No people in this database: run `manage.py synthetic_load` first (make bench does).")
        return 1
    print(f"{info['people']:,} people · {info['cores']} cores · {info['cpu']} · {info['memory_gb']} GB · "
          f"PostgreSQL {info['postgresql']} · database {info['database_size']}\n")
    rows, extra = [], {}
    today = timezone.localdate()
    workers = ops.sample_users("social_worker", args.samples, rng, owned_people__isnull=False)
    workers = list({u.pk: u for u in workers}.values())
    started = time.monotonic()
    if "day_list" in chosen:
        rows.append(ops.summary(ops.bench_day_list(workers, args.rounds)))
    if "person_page" in chosen:
        rows.append(ops.summary(ops.bench_person_page(workers, args.rounds, rng)))
    if "case_list" in chosen:
        # Its own generator, so that the operations measured before it was added sample the same users as before.
        supervisors = ops.sample_users("supervisor", max(3, args.samples // 4), random.Random(args.seed + 1),
                                       team__isnull=False)
        rows.append(ops.summary(ops.bench_case_list(supervisors, args.rounds)))
    if "search" in chosen:
        leaders = ops.sample_users("bureau_leader", max(3, args.samples // 4), rng,
                                   organisation__area__level="district")
        officers = ops.sample_users("judicial_officer", max(3, args.samples // 4), rng,
                                    organisation__kind="judicial_office")
        for kind in ("name", "initials", "pseudonym"):
            rows.append(ops.summary(ops.bench_search(kind, leaders, args.rounds * 2, rng)))
        rows.append(ops.summary(ops.bench_search("id_suffix", officers, args.rounds * 2, rng)))
        provincial = ops.sample_users("bureau_leader", 2, rng, organisation__area__level="province")
        if provincial:
            row = ops.summary(ops.bench_search("name", provincial, args.rounds * 2, rng))
            row["operation"] = "search: name, a whole province"
            rows.append(row)
    if "district_return" in chosen:
        district = rng.choice(list(Area.objects.filter(level="district")))
        rows.append(ops.summary(ops.bench_return("district monthly return", district, ops.last_month(today),
                                                 args.rounds * 3, "≤ 1 s")))
    if "national_return" in chosen:
        rows.append(ops.summary(ops.bench_return("national annual return", None, Period("year", today.year),
                                                 1, "≤ 10 s")))
    if rows:
        show(rows)
    if "throughput" in chosen:
        extra["throughput"] = requests_per_second(workers[0], seconds=args.seconds)
        t = extra["throughput"]
        print(f"\nday list under gunicorn ({t['workers']} workers, wrk {t['connections']} connections, "
              f"{t['seconds']} s): {t['tongxing_rps']:.0f} req/s (p99 {t['tongxing_p99']}); bare Django view of "
              f"the same size ({t['page_bytes']:,} bytes): {t['bare_rps']:.0f} req/s; ratio {t['ratio']:.2f} "
              f"(target ≥ 300 req/s and ≥ 0.5); the bare view for the same signed-in worker (session and user "
              f"read): {t['bare_signed_in_rps']:.0f} req/s, ratio {t['ratio_signed_in']:.2f}")
    if "import" in chosen:
        run = subprocess.run([sys.executable, "-m", "bench.import_run", str(args.import_rows)], capture_output=True,
                             text=True, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"})
        if run.returncode:
            print(run.stderr[-3000:])
            return 1
        result = json.loads(run.stdout.strip().splitlines()[-1])
        # It runs last: its rolled-back rows stay dead in the tables, and swell their indexes, until vacuumed.
        with connection.cursor() as cursor:
            for table in ("people_person", "people_enrolment", "supervision_levelchange", "duties_duty",
                          "audit_auditevent", "duties_notification"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        per_100k = result["total_s"] / result["rows"] * 100_000
        result["extrapolated_100k_s"] = round(per_100k)
        extra["import"] = result
        print(f"\nimport of {result['rows']:,} court-notice rows: check {result['check_s']} s, commit "
              f"{result['commit_s']} s, peak memory {result['peak_mb']} MB (process at start {result['before_mb']} "
              f"MB; the reader process {result.get('reader_peak_mb', '?')} MB; all the import's processes together "
              f"{result.get('all_processes_peak_mb', '?')} MB); "
              f"{result['rows'] / result['total_s']:.0f} rows/s → 100 k rows ≈ {per_100k:.0f} s (target ≤ 60 s at "
              f"≤ 500 MB)")
    print(f"\n({time.monotonic() - started:.0f} s)")
    out = Path("var/bench/results.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": info, "operations": rows, **extra}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
