"""One import of N court-notice rows by a 司法所's judicial officer, in its own process so its peak memory is its own.

The check and the commit run exactly as the task worker runs them; the whole import is rolled back at the end, so
the data set is the same for the next run. Prints one JSON line.
"""

import json
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path


def workbook(path: Path, rows: int, street_code: str, seed: int = 7) -> None:
    from openpyxl import Workbook

    from imports.schema import KINDS
    from people import idnumbers

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    sheet.append([c.header for c in KINDS["court_notices"]["columns"]])
    seen = set()
    for n in range(rows):
        while True:  # 9xxxxx is no real region: these numbers cannot collide with the generated people's
            first17 = f"9{rng.randint(0, 99999):05d}{rng.randint(1960, 2004)}{rng.randint(1, 12):02d}" \
                      f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
            if first17 not in seen:
                seen.add(first17)
                break
        number = first17 + idnumbers.check_char(first17)
        sex = "男" if int(number[16]) % 2 else "女"
        sheet.append([f"导入{n:06d}", number, sex, f"13{rng.randint(0, 999999999):09d}", "某小区1号楼", street_code,
                      "缓刑", "盗窃罪", "有期徒刑1年，缓刑2年", "某区人民法院", "2026-11-01", "2028-10-31"])
    book.save(path)


def main(rows: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import translation

    from accounts.models import User
    from imports.services import check_file, commit_file, import_dir

    officer = (User.objects.filter(role="judicial_officer", is_active=True, organisation__kind="judicial_office")
               .select_related("organisation__area").order_by("pk").first())
    street = officer.organisation.area.code
    cache = Path("var/bench") / f"import-{rows}-{street}.xlsx"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        workbook(cache, rows, street)
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    name = f"bench-{os.getpid()}.xlsx"
    import_dir().mkdir(parents=True, exist_ok=True)
    shutil.copy(cache, import_dir() / name)
    # As `jobs.services.run_job` runs it: in the language of the page that started it.
    translation.activate(settings.LANGUAGE_CODE)
    memory = _PeakMemory()
    started = time.perf_counter()
    checked = check_file(user=officer, kind="court_notices", filename=name)
    check_s = time.perf_counter() - started
    assert checked["error_count"] == 0, checked["errors"][:5]
    try:
        with transaction.atomic():
            started = time.perf_counter()
            done = commit_file(user=officer, kind="court_notices", filename=name)
            # The foreign keys are checked when a transaction commits; this one is rolled back, so check them now,
            # on the clock, as a real import's commit would.
            checks_started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            commit_s = time.perf_counter() - started
            checks_s = time.perf_counter() - checks_started
            assert done["imported"] == rows, done.get("message")
            raise _RollBack
    except _RollBack:
        pass
    return {"rows": rows, "check_s": round(check_s, 2), "commit_s": round(commit_s, 2),
            "of_which_foreign_keys_at_commit_s": round(checks_s, 2),
            "total_s": round(check_s + commit_s, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            # the workbook is read in a child process (imports.services._Reader): its peak, the largest child's
            "reader_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            "before_mb": round(baseline_kb / 1024),
            "all_processes_peak_mb": memory.done()}


class _RollBack(Exception):
    pass


class _PeakMemory:
    """The peak of the memory the import's processes hold together — the job's, the reader's, the builders' —
    sampled twice a second. Each process's proportional share (PSS) is summed: the pages forked processes still
    share with the job's are counted once, not once per process."""

    def __init__(self):
        import threading

        self.peak, self.stop = 0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self):
        import psutil

        me = psutil.Process()
        while not self.stop.wait(0.5):
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_full_info().pss
                except psutil.Error:  # a process that ended meanwhile
                    pass
            self.peak = max(self.peak, total)

    def done(self) -> int:
        self.stop.set()
        self.thread.join()
        return round(self.peak / 2**20)


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)))
