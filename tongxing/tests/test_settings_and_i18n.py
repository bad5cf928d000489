"""Set-up guarantees: safe production defaults, Chinese first, every asset served locally."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _manage(*args, env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("TONGXING_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_extra)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_extra={})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_the_deployment_checks_pass_with_production_settings():
    from cryptography.fernet import Fernet

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra={
        "SECRET_KEY": "x" * 20 + "-production-secret-key-with-enough-entropy-1234567890",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "SEARCH_HASH_KEY": "k", "ALLOWED_HOSTS": "tx.example"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_asked_for():
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env_extra={
        "SECRET_KEY": "s" * 50, "FIELD_ENCRYPTION_KEYS": "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcmVhbC1kYXQ=",
        "SEARCH_HASH_KEY": "k"})
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_the_mail_relay_is_configured_from_the_environment():
    """An office's SMTP relay usually wants a port, an account and TLS: all from the environment, as the rest."""
    result = _manage("shell", "-c", "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, "
                     "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_TIMEOUT)",
                     env_extra={"DEBUG": "1", "EMAIL_HOST": "smtp.sfj.example", "EMAIL_PORT": "587",
                                "EMAIL_HOST_USER": "tongxing", "EMAIL_HOST_PASSWORD": "pw", "EMAIL_USE_TLS": "1",
                                "EMAIL_TIMEOUT": "5"})
    assert result.stdout.strip().splitlines()[-1] == "smtp.sfj.example 587 tongxing pw True False 5", result.stderr


def test_a_mail_relay_set_up_to_fail_or_to_leak_its_password_is_refused_at_start():
    both = _manage("check", env_extra={"DEBUG": "1", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})
    assert both.returncode != 0 and "exclude each other" in both.stderr
    plain = _manage("check", env_extra={"DEBUG": "1", "EMAIL_HOST": "smtp.sfj.example", "EMAIL_HOST_PASSWORD": "pw"})
    assert plain.returncode != 0 and "over TLS only" in plain.stderr


def test_the_interface_is_chinese_even_for_an_english_browser(login):
    page = login("sh_social").get("/people/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "服务对象" in page.text and '<html lang="zh-hans">' in page.text


def test_the_language_switch_gives_english(login):
    client = login("sh_social")
    client.post("/i18n/setlang/", {"language": "en", "next": "/people/"})
    page = client.get("/people/")
    assert '<html lang="en">' in page.text and "People" in page.text


def _po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file's singular, current entries (enough to compare with the compiled file)."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n")[1:]:
        if "#~" in block or "msgid_plural" in block:
            continue
        match = re.search(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if match:
            join = lambda quoted: "".join(re.findall(r'"(.*)"', quoted)).replace('\\"', '"').replace("\\n", "\n")
            entries[join(match.group(1))] = join(match.group(2))
    return entries


def test_every_chinese_translation_is_filled_and_compiled():
    import gettext

    folder = ROOT / "locale/zh_Hans/LC_MESSAGES"
    entries = _po_entries(folder / "django.po")
    assert len(entries) > 200
    assert not [msgid for msgid, msgstr in entries.items() if not msgstr]
    with open(folder / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    stale = [msgid for msgid, msgstr in entries.items() if compiled.get(msgid) != msgstr]
    assert not stale, f"run `make messages` (or msgfmt) to recompile: {stale[:3]}"


def test_no_page_or_asset_loads_anything_from_outside():
    outside = re.compile(r"""(src|href)=["']https?://""")
    offenders = [str(path) for path in ROOT.glob("*/templates/**/*.html") if outside.search(path.read_text())]
    assert not offenders


def test_htmx_is_vendored_and_served(client):
    response = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200


def test_the_health_check_answers(client, db):
    assert client.get("/healthz").content == b"ok"
