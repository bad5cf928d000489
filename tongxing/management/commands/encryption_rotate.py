from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tongxing import crypto


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field with the newest of FIELD_ENCRYPTION_KEYS, in batches; with --rehash also "
            "recompute the keyed search hashes under SEARCH_HASH_KEY. Idempotent: rerun after a stop to resume. "
            "Procedure: docs/security.md, 'Key management'.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
        parser.add_argument("--rehash", action="store_true",
                            help="also recompute the keyed-hash columns (after changing SEARCH_HASH_KEY; give the "
                                 "old one as SEARCH_HASH_KEY_PREVIOUS meanwhile)")
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, dry_run=False, rehash=False, batch=500, **options):
        from audit.services import audit_record

        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        report: dict[str, dict] = {}
        try:
            for model, fields in sorted(crypto.encrypted_fields().items(), key=lambda item: item[0]._meta.label):
                counts = crypto.reencrypt_model(model, fields, dry_run=dry_run, batch=batch)
                report[model._meta.label_lower] = counts
                self.stdout.write(f"{model._meta.label_lower} ({', '.join(fields)}): "
                                  + " ".join(f"{key}: {value}" for key, value in counts.items()))
            if rehash:
                for label, source, column, part in crypto.SEARCH_HASH_COLUMNS:
                    counts = crypto.rehash_model(apps.get_model(label), source, column, part, dry_run=dry_run,
                                                 batch=batch)
                    report[f"{label.lower()}.{column}"] = counts
                    self.stdout.write(f"{label.lower()}.{column}: "
                                      + " ".join(f"{key}: {value}" for key, value in counts.items()))
                    if counts["repaired"]:
                        self.stderr.write(f"{counts['repaired']} {label.lower()}.{column} values matched neither "
                                          "SEARCH_HASH_KEY nor SEARCH_HASH_KEY_PREVIOUS and were recomputed.")
        except crypto.RotationError as error:
            if not dry_run:
                # Batches before the stop are committed; the trail says how far it got and where it stopped.
                with transaction.atomic():
                    audit_record(actor=None, action="encryption.rotation_stopped",
                                 changes={**self._summary(report, rehash), "stopped_at": {
                                     "model": error.label, "pk": str(error.pk), "field": error.field}})
            raise CommandError(str(error)) from error
        if dry_run:
            self.stdout.write("dry run: nothing was written")
            return
        with transaction.atomic():
            audit_record(actor=None, action="encryption.rotated", changes=self._summary(report, rehash))
        self.stdout.write(f"done: every encrypted value is under key {crypto.key_id(settings.FIELD_ENCRYPTION_KEYS[0])}"
                          f"; older keys may now be removed from FIELD_ENCRYPTION_KEYS"
                          + (" and SEARCH_HASH_KEY_PREVIOUS unset" if rehash else ""))

    @staticmethod
    def _summary(report: dict, rehash: bool) -> dict:
        # Key ids and counts only: never a key, never a value.
        summary = {"newest_key": crypto.key_id(settings.FIELD_ENCRYPTION_KEYS[0]),
                   "keys_configured": len(settings.FIELD_ENCRYPTION_KEYS), "counts": report}
        if rehash:
            summary["search_key"] = crypto.key_id(settings.SEARCH_HASH_KEY)
        return summary
