"""The tamper-evident chain of the audit trail.

Events are written inside their callers' transactions, which commit in any order; sealing them afterwards, in one
place and in commit order, gives one chain without making every write wait on a lock. Each sealed event gets the
next sequence number and hash = SHA-256(previous hash + the event's canonical content). Verification recomputes the
chain and names the first event that no longer fits — changed, deleted (a gap in the numbers) or inserted.

Events older than the retention period move to archive files (`audit.archive`); the chain in the table then starts
from the last archive's anchor, and each file is verified on its own and against its anchor."""

import hashlib
import json

from django.db import models, transaction

from .models import AuditAnchor, AuditEvent, ChainHead

FIELDS = ("at", "actor_id", "actor_label", "action", "target_type", "target_id", "target_label", "person_id",
          "ip_address", "user_agent", "channel", "reason", "changes")


def record_of(event) -> dict:
    """The event's hashed content as a plain dict — what an archive file keeps for each event."""
    values = {field: getattr(event, field) for field in FIELDS}
    values["at"] = event.at.isoformat()
    values["id"] = event.pk
    return values


def canonical(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def content_of(event) -> str:
    return canonical(record_of(event))


def link_content(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def link(prev_hash: str, event) -> str:
    return link_content(prev_hash, content_of(event))


def seal(batch: int = 5000) -> int:
    """Seal the events committed since the last run, oldest first. Safe to run at any time, by any process."""
    sealed = 0
    while True:
        with transaction.atomic():
            head, _created = ChainHead.objects.select_for_update().get_or_create(pk=1)
            events = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            if not events:
                return sealed
            for event in events:
                head.seq += 1
                event.seq, event.prev_hash = head.seq, head.hash
                event.hash = head.hash = link(head.hash, event)
                event.save(update_fields=["seq", "prev_hash", "hash"], sealing=True)
            head.save()
            sealed += len(events)


def anchors_check() -> tuple[bool, str, int, str]:
    """(intact, problem, seq, hash): the archive catalogue joins up from seq 0, and where the table's chain starts."""
    seq, prev_hash = 0, ""
    for anchor in AuditAnchor.objects.order_by("seq"):
        if anchor.first_seq != seq + 1 or anchor.prev_hash != prev_hash or anchor.count != anchor.seq - seq:
            return False, (f"broken at archive {anchor.file_name}: it does not join the archive before it "
                           f"(which ends at seq {seq})"), seq, prev_hash
        seq, prev_hash = anchor.seq, anchor.hash
    return True, "", seq, prev_hash


def verify(batch: int = 5000) -> tuple[bool, str]:
    """(True, summary) or (False, the first broken link). Events moved to archive files are not read here: the
    chain in the table starts from the last archive's anchor (`audit_verify --archive` checks the files)."""
    archived = AuditAnchor.objects.aggregate(seq=models.Max("seq"))["seq"]
    intact, summary = _verify(batch)
    if not intact and AuditAnchor.objects.aggregate(seq=models.Max("seq"))["seq"] != archived:
        intact, summary = _verify(batch)  # an archiving run committed meanwhile: look again, once
    return intact, summary


def _verify(batch: int) -> tuple[bool, str]:
    intact, problem, archived, prev_hash = anchors_check()
    if not intact:
        return False, problem
    expected_seq, checked, after = archived + 1, 0, archived
    while True:
        events = list(AuditEvent.objects.filter(seq__gt=after).order_by("seq")[:batch])
        if not events:
            break
        for event in events:
            if event.seq != expected_seq:
                return False, f"broken at seq {expected_seq}: the event is missing (next is seq {event.seq}, id {event.pk})"
            if event.prev_hash != prev_hash or event.hash != link(prev_hash, event):
                return False, f"broken at seq {event.seq} (audit event id {event.pk}): its content or link was changed"
            prev_hash, expected_seq, checked, after = event.hash, expected_seq + 1, checked + 1, event.seq
    if AuditEvent.objects.filter(seq__isnull=False, seq__lte=archived).exists():
        return False, f"broken before seq {archived + 1}: events up to seq {archived} were archived but rows remain"
    head = ChainHead.objects.filter(pk=1).first()
    last = archived + checked
    if head is not None and (head.seq != last or head.hash != prev_hash):
        return False, f"broken at the end: the chain stops at seq {last}, sealed up to seq {head.seq}"
    if head is None and archived:
        return False, "broken at the end: the chain head is missing"
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    where = f" (seq {archived + 1}–{last}; seq 1–{archived} archived)" if archived else ""
    return True, f"intact: {checked} events sealed{where}, {unsealed} waiting to be sealed"
