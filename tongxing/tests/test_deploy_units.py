"""The systemd units name management commands that exist: a renamed command would otherwise fail only on a server."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands


def test_every_command_a_unit_runs_exists():
    named = set()
    for unit in (Path(settings.BASE_DIR) / "deploy" / "systemd").glob("*.service"):
        named |= set(re.findall(r"manage\.py (\w+)", unit.read_text()))
    assert {"duties_tick", "clearsessions", "prune_db_task_results", "axes_reset_logs"} <= named
    named.discard("rqworker")  # django-rq's, installed only with TASKS_BACKEND=rq (tongxing/tests/test_scale_out.py)
    assert named <= set(get_commands()), named - set(get_commands())
