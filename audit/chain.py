"""The tamper-evident chain of the audit trail.

Events are written inside their callers' transactions, which commit in any order; sealing them afterwards, in one
place and in commit order, gives one chain without making every write wait on a lock. Each sealed event gets the
next sequence number and hash = SHA-256(previous hash + the event's canonical content). Verification recomputes the
chain and names the first event that no longer fits — changed, deleted (a gap in the numbers) or inserted."""

import hashlib
import json

from django.db import transaction

from .models import AuditEvent, ChainHead

FIELDS = ("at", "actor_id", "actor_label", "action", "target_type", "target_id", "target_label", "person_id",
          "ip_address", "user_agent", "channel", "reason", "changes")


def content_of(event) -> str:
    values = {field: getattr(event, field) for field in FIELDS}
    values["at"] = event.at.isoformat()
    values["id"] = event.pk
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def link(prev_hash: str, event) -> str:
    return hashlib.sha256((prev_hash + content_of(event)).encode()).hexdigest()


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


def verify(batch: int = 5000) -> tuple[bool, str]:
    """(True, summary) or (False, the first broken link)."""
    expected_seq, prev_hash, checked, after = 1, "", 0, 0
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
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != checked or head.hash != prev_hash):
        return False, f"broken at the end: the chain stops at seq {checked}, sealed up to seq {head.seq}"
    unsealed = AuditEvent.objects.filter(seq__isnull=True).count()
    return True, f"intact: {checked} events sealed, {unsealed} waiting to be sealed"
