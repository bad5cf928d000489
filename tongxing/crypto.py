"""Encryption at rest for identifying fields, and keyed hashes for exact-match search over them.

A decryption failure raises: ciphertext is never handed on as if it were the value. Keys rotate with
`manage.py encryption_rotate` (docs/security.md, "Key management"); the helpers for it are at the end of this file.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A protected field could not be decrypted: wrong or missing FIELD_ENCRYPTION_KEYS.") from exc


def keyed_hash(value: str, key: str | None = None) -> str:
    """Stable HMAC of a normalised value, for equality search without storing the value."""
    key = settings.SEARCH_HASH_KEY if key is None else key
    return hmac.new(key.encode(), value.strip().upper().encode(), hashlib.sha256).hexdigest()


def search_hashes(value: str) -> list[str]:
    """The hashes a stored row may carry for this value: under the current key and, while the search key is being
    rotated, the previous one — so exact search keeps finding rows `encryption_rotate --rehash` has not reached."""
    hashes = [keyed_hash(value)]
    previous = getattr(settings, "SEARCH_HASH_KEY_PREVIOUS", "")
    if previous and previous != settings.SEARCH_HASH_KEY:
        hashes.append(keyed_hash(value, previous))
    return hashes


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code only ever sees the plaintext."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


# --- Key rotation (manage.py encryption_rotate) ---------------------------------------------------------------------

def last_four(value: str) -> str:
    return value[-4:]


# Keyed-hash columns, the encrypted field each is computed from and the part of it hashed (None: all), as
# people.services computes them.
SEARCH_HASH_COLUMNS = [("people.Person", "id_number", "id_number_hash", None),
                       ("people.Person", "id_number", "id_last4_hash", last_four)]


def key_id(key: str) -> str:
    """A short, non-secret name for a key, for reports and the audit trail (never the key itself)."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def is_under_newest_key(token: str) -> bool:
    try:
        Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_token(token: str) -> str:
    """The same plaintext, encrypted with the newest key (MultiFernet.rotate: decrypt with any key, re-encrypt)."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("A protected field could not be decrypted with any of FIELD_ENCRYPTION_KEYS.") from exc


def encrypted_fields() -> dict[type[models.Model], list[str]]:
    """Every concrete model with encrypted columns, and those columns' names."""
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found[model] = names
    return found


class RotationError(Exception):
    """A stored value that no configured key decrypts: rotation stops there rather than skip it."""

    def __init__(self, model: type[models.Model], pk, field: str):
        self.label, self.pk, self.field = model._meta.label_lower, pk, field
        super().__init__(f"{self.label} pk={pk}: field {field!r} cannot be decrypted with any of "
                         f"FIELD_ENCRYPTION_KEYS. Nothing was skipped: restore the missing key (or repair this row) "
                         f"and run the command again — rows already rotated are left as they are.")


def _raw(name: str):
    # The column as stored: an expression typed as plain text, so the field's decrypting converter is not applied.
    return models.ExpressionWrapper(models.F(name), output_field=models.TextField())


def _batch(model, columns: dict, *, after, size: int, lock: bool) -> list[tuple]:
    """The next `size` rows after pk `after`, as (pk, *columns). Keyset pagination by pk keeps memory flat and holds
    no cursor open across the writes (SQLite gives no isolation between a cursor and writes on one connection); the
    rows are locked for the caller's transaction, so a concurrent edit is never overwritten with a stale value."""
    qs = model._base_manager.order_by("pk")
    if lock:
        qs = qs.select_for_update()
    if after is not None:
        qs = qs.filter(pk__gt=after)
    return list(qs.annotate(**columns).values_list("pk", *columns)[:size])


def _write(model, changed: dict, columns: list[str]) -> None:
    objs = []
    for pk, values in changed.items():
        obj = model(pk=pk)
        for name in columns:
            # A Value typed as plain text is written as given: the token, not encrypted a second time.
            setattr(obj, name, models.Value(values[name], output_field=models.TextField()))
        objs.append(obj)
    model._base_manager.bulk_update(objs, columns)


def reencrypt_model(model, fields: list[str], *, dry_run: bool = False, batch: int = 500) -> dict:
    """Re-encrypt every value of `fields` not yet under the newest key, one transaction per batch. Idempotent: values
    already under the newest key are left alone, so a rerun after a stop resumes. Raises RotationError."""
    from django.db import transaction

    counts = {"rows": 0, "values": 0, "rotated": 0, "current": 0, "empty": 0}
    columns = {f"raw_{i}": _raw(name) for i, name in enumerate(fields)}
    last = None
    while True:
        with transaction.atomic():
            rows = _batch(model, columns, after=last, size=batch, lock=not dry_run)
            if not rows:
                return counts
            changed = {}
            for pk, *tokens in rows:
                counts["rows"] += 1
                new, dirty = {}, False
                for name, token in zip(fields, tokens, strict=True):
                    new[name] = token
                    if token in (None, ""):
                        counts["empty"] += 1
                        continue
                    counts["values"] += 1
                    if is_under_newest_key(token):
                        counts["current"] += 1
                        continue
                    try:
                        new[name] = rotate_token(token)
                    except DecryptionError:
                        raise RotationError(model, pk, name) from None
                    counts["rotated"] += 1
                    dirty = True
                if dirty:
                    changed[pk] = new
            if changed and not dry_run:
                _write(model, changed, fields)
            last = rows[-1][0]


def rehash_model(model, source: str, column: str, part=None, *, dry_run: bool = False, batch: int = 500) -> dict:
    """Recompute a keyed-hash column from the decrypted value under the current SEARCH_HASH_KEY, one transaction
    per batch; rows already under it are left alone. Raises RotationError."""
    from django.db import transaction

    previous = getattr(settings, "SEARCH_HASH_KEY_PREVIOUS", "")
    counts = {"rows": 0, "rehashed": 0, "current": 0, "repaired": 0, "empty": 0}
    last = None
    while True:
        with transaction.atomic():
            rows = _batch(model, {"raw_source": _raw(source), "stored_hash": models.F(column)}, after=last, size=batch,
                          lock=not dry_run)
            if not rows:
                return counts
            updates = []
            for pk, token, stored in rows:
                counts["rows"] += 1
                plain = ""
                if token not in (None, ""):
                    try:
                        plain = decrypt(token)
                    except DecryptionError:
                        raise RotationError(model, pk, source) from None
                    plain = part(plain) if part and plain else plain
                wanted = keyed_hash(plain) if plain else ""
                if stored == wanted:
                    counts["current" if wanted else "empty"] += 1
                    continue
                # Under the previous key is the expected case; anything else was stale and is put right too.
                counts["rehashed" if previous and plain and stored == keyed_hash(plain, previous) else "repaired"] += 1
                obj = model(pk=pk)
                setattr(obj, column, wanted)
                updates.append(obj)
            if updates and not dry_run:
                model._base_manager.bulk_update(updates, [column])
            last = rows[-1][0]
