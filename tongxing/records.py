"""Records an office keeps are ended, withdrawn or disabled (`is_active`, a status, an end date) — never deleted by
the application. The only deletions are the documented retention paths (docs/security.md, "Records are kept")."""

from django.core.exceptions import PermissionDenied
from django.db import models


class KeptRecord(models.Model):
    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise PermissionDenied(f"{self._meta.label} records are disabled or ended, not deleted.")
