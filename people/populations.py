"""The four populations the platform serves. Kept apart from the models so organisations and rules can name them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Population(models.TextChoices):
    CORRECTION = "correction", _("community correction")
    RESETTLEMENT = "resettlement", _("resettlement assistance")
    YOUTH = "youth", _("at-risk youth")
    DRUG = "drug", _("community drug rehabilitation")
