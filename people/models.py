import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxing.addresses import address
from tongxing.crypto import EncryptedTextField
from tongxing.records import KeptRecord

from .populations import Population

_POPULATION_LABELS = dict(Population.choices)  # translated when shown

# Minors are those under 18 (未成年人保护法 art. 2); juvenile rules in correction follow from it (LAW.md L18).
ADULT_AGE = 18


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Education(models.TextChoices):
    NONE = "none", _("no schooling")
    PRIMARY = "primary", _("primary school")
    JUNIOR = "junior", _("junior middle school")
    SENIOR = "senior", _("senior middle school / vocational")
    COLLEGE = "college", _("college")
    UNIVERSITY = "university", _("university or above")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("employed")
    FLEXIBLE = "flexible", _("flexible / casual work")
    UNEMPLOYED = "unemployed", _("unemployed")
    STUDENT = "student", _("in school")
    RETIRED = "retired", _("retired")
    UNABLE = "unable", _("unable to work")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("single")
    MARRIED = "married", _("married")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class Person(KeptRecord):
    """服务对象: one person served, across every population they belong to over time."""

    full_name = models.CharField(_("full name"), max_length=50)
    pseudonym = models.CharField(_("pseudonym"), max_length=50, blank=True,
                                 help_text=_("Used instead of the name in every shared material, e.g. 小宇(化名)."))
    # Search keys, derived from the name and pseudonym on save. The full pinyin orders the lists and is searched by
    # its start; the others are only searched by their start (indexes in Meta).
    name_pinyin = models.CharField(max_length=200, db_index=True, editable=False)
    name_initials = models.CharField(max_length=50, editable=False)
    pseudonym_pinyin = models.CharField(max_length=200, editable=False, blank=True)
    pseudonym_initials = models.CharField(max_length=50, editable=False, blank=True)
    # Any part of the name or pseudonym, for a trigram index (PostgreSQL; see people.names.name_fragments).
    name_fragments = models.TextField(blank=True, editable=False)

    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    # Protected identity number: ciphertext at rest, a keyed hash for exact search, the last four for suffix search.
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The last four characters as a keyed hash, not in clear: with the district and the birth date they would give
    # the whole number back to anyone holding a copy of the database.
    id_last4_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    household_address = models.CharField(_("household registration address"), max_length=200, blank=True)
    residence_address = models.CharField(_("residence address"), max_length=200, blank=True)
    # area, organisation and owner: no index of their own; the (…, is_active) indexes in Meta start with them.
    area = models.ForeignKey("orgs.Area", verbose_name=_("street / town of residence"), on_delete=models.PROTECT,
                             related_name="people", db_index=False)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    employment = models.CharField(_("employment"), max_length=16, choices=Employment.choices, blank=True)
    employer = models.CharField(_("employer or school"), max_length=120, blank=True)
    marital_status = models.CharField(_("marital status"), max_length=16, choices=MaritalStatus.choices, blank=True)
    support_notes = models.TextField(_("social support system"), blank=True,
                                     help_text=_("Who and what the person can rely on, beyond the people listed."))
    note = models.TextField(_("notes"), blank=True)

    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("responsible organisation"),
                                     on_delete=models.PROTECT, related_name="people", db_index=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible worker"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="owned_people", db_index=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Optimistic locking: an edit based on an older version is refused, not silently overwritten.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_pinyin", "id"]
        indexes = [
            models.Index(fields=["organisation", "is_active"], name="person_org_active"),
            models.Index(fields=["owner", "is_active"], name="person_owner_active"),
            models.Index(fields=["area", "is_active"], name="person_area_active"),
            # One index each, as the searches use them. `db_index` would give every text field two on PostgreSQL —
            # one for equality and order, one for `LIKE 'x%'` — and each index is written again for every new file.
            models.Index(fields=["name_initials"], name="person_initials_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["pseudonym_pinyin"], name="person_pseudonym_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["pseudonym_initials"], name="person_pseudonym_init_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["id_number_hash"], name="person_id_number_hash"),  # equality only: keyed hashes
            models.Index(fields=["id_last4_hash"], name="person_id_last4_hash"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return address("people:detail", self.pk)  # an imported list names its files in a hundred thousand duties

    @property
    def shared_name(self) -> str:
        """The name to use in anything shared beyond the case team."""
        return f"{self.pseudonym}(化名)" if self.pseudonym else f"{self.full_name[:1]}某"

    def age_on(self, day: dt.date) -> int | None:
        if not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def is_juvenile(self) -> bool:
        age = self.age
        return age is not None and age < ADULT_AGE


class SupportKind(models.TextChoices):
    FAMILY = "family", _("family")
    RELATIVE = "relative", _("relative")
    FRIEND = "friend", _("friend")
    TEACHER = "teacher", _("teacher / school")
    EMPLOYER = "employer", _("employer / colleague")
    COMMUNITY = "community", _("neighbour / community")
    OTHER = "other", _("other")


class Attitude(models.TextChoices):
    SUPPORTIVE = "supportive", _("supportive")
    NEUTRAL = "neutral", _("neutral")
    INDIFFERENT = "indifferent", _("indifferent")
    OPPOSED = "opposed", _("opposed")
    UNKNOWN = "unknown", _("unknown")


class SupportMember(KeptRecord):
    """A family member or other person in the person's social support system."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="supporters")
    kind = models.CharField(_("circle"), max_length=16, choices=SupportKind.choices, default=SupportKind.FAMILY)
    name = models.CharField(_("full name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=30, help_text=_("e.g. father, mother, class teacher"))
    phone = EncryptedTextField(_("phone"), blank=True)
    attitude = models.CharField(_("attitude to the work"), max_length=16, choices=Attitude.choices,
                                default=Attitude.UNKNOWN)
    lives_with = models.BooleanField(_("lives with the person"), default=False)
    is_guardian = models.BooleanField(_("guardian"), default=False)
    note = models.TextField(_("contact notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("support-system member")
        verbose_name_plural = _("family and support system")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"


class CorrectionCategory(models.TextChoices):
    """CCL art. 2: the four kinds of community correction."""

    CONTROL = "control", _("public surveillance (管制)")
    PROBATION = "probation", _("suspended sentence (缓刑)")
    PAROLE = "parole", _("parole (假释)")
    MEDICAL = "medical", _("temporary execution outside prison (暂予监外执行)")


class ReleaseSource(models.TextChoices):
    PRISON = "prison", _("released from prison")
    CORRECTION = "correction", _("completed community correction")


class DrugOrderKind(models.TextChoices):
    DETOX = "detox", _("community drug treatment (社区戒毒)")
    REHAB = "rehab", _("community rehabilitation (社区康复)")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class Enrolment(KeptRecord):
    """One period of belonging to one population, with the data that population needs.

    One table with population-specific columns rather than four: a person page shows them together and the
    columns are few; the service validates which ones each population requires.
    """

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="enrolments")
    population = models.CharField(_("population"), max_length=16, choices=Population.choices)
    status = models.CharField(_("status"), max_length=8, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    organisation = models.ForeignKey("orgs.Organisation", verbose_name=_("serving organisation"),
                                     on_delete=models.PROTECT, related_name="enrolments", db_index=False)  # enrol_org_status
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    # Community correction
    correction_category = models.CharField(_("correction category"), max_length=16, choices=CorrectionCategory.choices,
                                           blank=True)
    offence = models.CharField(_("offence"), max_length=100, blank=True)
    sentence = models.CharField(_("sentence"), max_length=100, blank=True, help_text=_("e.g. 有期徒刑2年，缓刑3年"))
    deciding_body = models.CharField(_("deciding court or body"), max_length=100, blank=True)
    checked_in_on = models.DateField(_("checked in (报到) on"), null=True, blank=True)
    # Resettlement assistance
    release_source = models.CharField(_("released from"), max_length=16, choices=ReleaseSource.choices, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    release_institution = models.CharField(_("prison or releasing body"), max_length=100, blank=True)
    high_priority = models.BooleanField(_("high-priority (重点帮教对象)"), default=False,
                                        help_text=_("Collected at release and visited at home soon after (R3)."))
    # At-risk youth: the "三失"
    out_of_school = models.BooleanField(_("out of school (失学)"), default=False)
    out_of_work = models.BooleanField(_("out of work (失业)"), default=False)
    out_of_care = models.BooleanField(_("without guardianship (失管)"), default=False)
    # Drug rehabilitation
    drug_order_kind = models.CharField(_("order"), max_length=8, choices=DrugOrderKind.choices, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("population record")
        verbose_name_plural = _("population records")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["population", "status"], name="enrol_population_status"),
                   models.Index(fields=["organisation", "status"], name="enrol_org_status")]

    def __str__(self) -> str:
        # Not get_population_display(), which rebuilds the choices' dictionary on each call: an imported list names
        # thousands of records in its audit events.
        return f"{_POPULATION_LABELS.get(self.population, self.population)} {self.start_date:%Y-%m-%d}"

    @property
    def three_losses_display(self) -> str:
        flags = [("失学", self.out_of_school), ("失业", self.out_of_work), ("失管", self.out_of_care)]
        return "、".join(label for label, on in flags if on)


class Assignment(models.Model):
    """A volunteer, community worker or external professional given access to one person's file for a task."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.CASCADE,
                             related_name="assignments")
    task = models.CharField(_("task"), max_length=200, blank=True)
    # "Volunteers see no ID numbers or criminal details unless granted" (DOMAIN §1).
    may_see_offence = models.BooleanField(_("may see offence details"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="assignment_unique")]
