"""Retention and archiving of the audit trail.

The trail stays in the database for AUDIT_RETENTION_DAYS (never fewer than 183: PRC Cybersecurity Law art. 21(3),
network logs kept no less than six months). Older sealed events move, a calendar month at a time, to gzip-compressed
JSON Lines files in AUDIT_ARCHIVE_DIR (mode 0600), each with a manifest, and only then leave the table.

All or nothing, per file: the file is written, fsynced and read back to verify it first; then, in one transaction,
its anchor (`AuditAnchor`) is added and exactly its events are deleted. A crash in between leaves the events in the
table and at most an uncatalogued file, which the next run overwrites. The archived part of the chain is verified
before anything leaves the table: a broken chain is never archived away.
"""

import datetime as dt
import gzip
import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from .chain import anchors_check, canonical, link_content, record_of
from .models import AuditAnchor, AuditEvent, ChainHead

RETENTION_FLOOR_DAYS = 183
LAW = "PRC Cybersecurity Law art. 21(3): network logs are kept no less than six months"
FORMAT = "tongxing-audit-archive/1"


class ArchiveError(Exception):
    """Archiving stopped; nothing left the table."""


def retention_days() -> int:
    days = int(settings.AUDIT_RETENTION_DAYS)
    if days < RETENTION_FLOOR_DAYS:
        raise ImproperlyConfigured(f"AUDIT_RETENTION_DAYS={days} is below the legal minimum of "
                                   f"{RETENTION_FLOOR_DAYS} days ({LAW}).")
    return days


def check_retention(app_configs=None, **kwargs) -> list:
    """A system check: the configured retention is refused at start-up, not only when archiving runs."""
    from django.core.checks import Error

    try:
        retention_days()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="audit.E001")]
    return []


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Events before this moment may be archived: the start (local time) of the month that holds now − retention.
    Whole months leave together, and nothing younger than the retention period ever does."""
    moment = timezone.localtime(now or timezone.now()) - dt.timedelta(days=retention_days())
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".jsonl.gz") + ".manifest.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@dataclass
class Segment:
    """One archive file being written: consecutive events of one month, streamed into gzip."""

    directory: Path
    month: str
    first_seq: int
    prev_hash: str
    count: int = 0
    last_seq: int = 0
    last_hash: str = ""
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None

    def __post_init__(self):
        self.tmp = self.directory / f".audit-{self.month}-{self.first_seq:010d}.{os.getpid()}.tmp"
        fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.raw = os.fdopen(fd, "wb")
        self.gz = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0)

    def add(self, event, record: dict) -> None:
        line = {"seq": event.seq, "prev_hash": event.prev_hash, "hash": event.hash, "event": record}
        self.gz.write((json.dumps(line, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode())
        self.count, self.last_seq, self.last_hash = self.count + 1, event.seq, event.hash
        self.first_at, self.last_at = self.first_at or event.at, event.at

    def finish(self) -> tuple[Path, str]:
        """Close, fsync and put the file in place with its manifest; (path, SHA-256 of the file)."""
        self.gz.close()
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()
        path = self.directory / f"audit-{self.month}-{self.first_seq:010d}-{self.last_seq:010d}.jsonl.gz"
        if AuditAnchor.objects.filter(file_name=path.name).exists():
            raise ArchiveError(f"{path.name} is already in the archive catalogue")
        os.replace(self.tmp, path)
        sha256 = _sha256(path)
        manifest = {"format": FORMAT, "file": path.name, "sha256": sha256, "month": self.month, "count": self.count,
                    "first_seq": self.first_seq, "last_seq": self.last_seq, "prev_hash": self.prev_hash,
                    "last_hash": self.last_hash, "first_at": self.first_at.isoformat(),
                    "last_at": self.last_at.isoformat(), "retention_days": retention_days(),
                    "written_at": timezone.now().isoformat()}
        _write_durably(manifest_path(path), (json.dumps(manifest, indent=2) + "\n").encode())
        _fsync_dir(self.directory)
        return path, sha256

    def discard(self) -> None:
        for closing in (self.gz.close, self.raw.close):
            try:
                closing()
            except OSError:
                pass
        self.tmp.unlink(missing_ok=True)


def _delete_archived(first_seq: int, last_seq: int) -> int:
    """The only way an audit event leaves the table. It bypasses the append-only guard of `AuditEvent` on purpose,
    and is called from one place: `_commit`, inside its transaction, once the file holding exactly these events has
    been written, fsynced and verified from disk, and together with the anchor that points to that file."""
    assert connection.in_atomic_block, "archived events are deleted only together with their anchor"
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE seq >= %s AND seq <= %s", [first_seq, last_seq])  # noqa: S608
        return cursor.rowcount


def _commit(segment: Segment, path: Path, sha256: str) -> AuditAnchor:
    from .services import audit_record

    with transaction.atomic():
        ChainHead.objects.select_for_update().get(pk=1)  # one archiver (and no sealer) at a time
        _intact, _problem, archived, archived_hash = anchors_check()
        if archived != segment.first_seq - 1 or archived_hash != segment.prev_hash:
            raise ArchiveError("another run archived these events meanwhile; nothing was deleted")
        in_table = AuditEvent.objects.filter(seq__gte=segment.first_seq, seq__lte=segment.last_seq)
        last = in_table.filter(seq=segment.last_seq).values_list("hash", flat=True).first()
        if in_table.count() != segment.count or last != segment.last_hash:
            raise ArchiveError(f"the events seq {segment.first_seq}–{segment.last_seq} changed while being "
                               "archived; nothing was deleted")
        anchor = AuditAnchor.objects.create(
            first_seq=segment.first_seq, seq=segment.last_seq, prev_hash=segment.prev_hash, hash=segment.last_hash,
            count=segment.count, first_at=segment.first_at, last_at=segment.last_at, file_name=path.name,
            file_sha256=sha256)
        if _delete_archived(segment.first_seq, segment.last_seq) != segment.count:
            raise ArchiveError("the number of events deleted differs from the number archived; nothing was deleted")
        audit_record(actor=None, action="audit.archived", target=anchor, changes={
            "file": path.name, "sha256": sha256, "first_seq": segment.first_seq, "last_seq": segment.last_seq,
            "count": segment.count, "retention_days": retention_days()})
    return anchor


def pending(now: dt.datetime | None = None) -> tuple[int, int]:
    """(first, last) seq of the sealed events to archive now: the longest run after the last anchor whose events
    are all older than the cutoff. (0, 0) if none. The chain is cut only at a seq, so an event that committed late
    with an older time waits for the next month's file."""
    cut = cutoff(now)
    intact, problem, archived, _hash = anchors_check()
    if not intact:
        raise ArchiveError(problem)
    after = AuditEvent.objects.filter(seq__gt=archived)
    first_young = after.filter(at__gte=cut).aggregate(seq=Min("seq"))["seq"]
    last = first_young - 1 if first_young is not None else (after.aggregate(seq=Max("seq"))["seq"] or 0)
    return (archived + 1, last) if last > archived else (0, 0)


def archive(*, now: dt.datetime | None = None, batch: int = 5000) -> list[AuditAnchor]:
    """Move the sealed events older than the retention period to archive files, one file per month. Returns the
    new anchors. Safe to run at any time and any number of times; raises ArchiveError if the chain is broken."""
    first, last = pending(now)
    if not first:
        return []
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    _intact, _problem, after, prev_hash = anchors_check()
    anchors, segment = [], None
    try:
        while after < last:
            events = list(AuditEvent.objects.filter(seq__gt=after, seq__lte=last).order_by("seq")[:batch])
            if not events:
                raise ArchiveError(f"broken at seq {after + 1}: the event is missing; nothing was archived from here")
            for event in events:
                if event.seq != after + 1:
                    raise ArchiveError(f"broken at seq {after + 1}: the event is missing; nothing was archived "
                                       "from here")
                record = record_of(event)
                if event.prev_hash != prev_hash or event.hash != link_content(prev_hash, canonical(record)):
                    raise ArchiveError(f"broken at seq {event.seq} (audit event id {event.pk}): its content or link "
                                       "was changed; nothing was archived from here")
                month = f"{timezone.localtime(event.at):%Y-%m}"
                if segment is not None and month > segment.month:
                    anchors.append(_finish(segment))
                    segment = None
                if segment is None:
                    segment = Segment(directory, month, event.seq, prev_hash)
                segment.add(event, record)
                prev_hash, after = event.hash, event.seq
        if segment is not None:
            anchors.append(_finish(segment))
            segment = None
    finally:
        if segment is not None:
            segment.discard()
    return anchors


def _finish(segment: Segment) -> AuditAnchor:
    path, sha256 = segment.finish()
    intact, problem, _info = read_chain(path)  # from disk, as a later check will read it
    if not intact:
        raise ArchiveError(f"{path.name} did not read back intact ({problem}); nothing was deleted")
    return _commit(segment, path, sha256)


@dataclass
class FileChain:
    first_seq: int
    last_seq: int
    prev_hash: str
    last_hash: str
    count: int


def read_chain(path: Path) -> tuple[bool, str, FileChain | None]:
    """Recompute the chain inside one archive file."""
    chain = None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, text in enumerate(lines, start=1):
                line = json.loads(text)
                seq, prev_hash, hash_ = line["seq"], line["prev_hash"], line["hash"]
                if chain is None:
                    chain = FileChain(seq, seq - 1, prev_hash, prev_hash, 0)
                if seq != chain.last_seq + 1:
                    return False, f"broken at seq {chain.last_seq + 1}: the event is missing (line {number})", chain
                if prev_hash != chain.last_hash or hash_ != link_content(chain.last_hash, canonical(line["event"])):
                    return False, (f"broken at seq {seq} (audit event id {line['event'].get('id')}, line {number}): "
                                   "its content or link was changed"), chain
                chain.last_seq, chain.last_hash, chain.count = seq, hash_, chain.count + 1
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError, AttributeError) as error:
        return False, f"unreadable ({error.__class__.__name__}: {error})", chain
    if chain is None:
        return False, "empty", None
    return True, f"{chain.count} events, seq {chain.first_seq}–{chain.last_seq}", chain


def verify_archive(path: Path) -> tuple[bool, str]:
    """(intact, summary) for one archive file: its own chain, its SHA-256 against its anchor and manifest, and that
    it joins the anchors — the previous archive's last hash, and this anchor's."""
    path = Path(path)
    if not path.is_file():
        return False, f"{path}: no such file"
    intact, summary, chain = read_chain(path)
    problems = [] if intact else [summary]
    sha256 = _sha256(path)
    anchor = AuditAnchor.objects.filter(file_name=path.name).first()
    if anchor is None:
        problems.append("it is not in this database's archive catalogue")
    else:
        if anchor.file_sha256 != sha256:
            problems.append("its SHA-256 differs from the one recorded when it was archived")
        if chain is not None and intact and (chain.first_seq, chain.last_seq, chain.prev_hash, chain.last_hash) != (
                anchor.first_seq, anchor.seq, anchor.prev_hash, anchor.hash):
            problems.append(f"it does not join its anchor (seq {anchor.first_seq}–{anchor.seq})")
        anchors_intact, problem, _seq, _hash = anchors_check()
        if not anchors_intact:
            problems.append(problem)
    manifest = manifest_path(path)
    if manifest.is_file():
        try:
            if json.loads(manifest.read_text()).get("sha256") != sha256:
                problems.append("its SHA-256 differs from its manifest's")
        except ValueError:
            problems.append("its manifest is unreadable")
    if problems:
        return False, f"{path.name}: " + "; ".join(problems)
    return True, f"{path.name}: intact, {summary}, joins anchor seq {anchor.seq}"


def archive_files() -> list[Path]:
    """Every catalogued archive, where AUDIT_ARCHIVE_DIR says the files are."""
    directory = Path(settings.AUDIT_ARCHIVE_DIR)
    return [directory / name for name in AuditAnchor.objects.order_by("seq").values_list("file_name", flat=True)]
