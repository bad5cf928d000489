from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.populations import Population
from tongxing.records import KeptRecord


class WorkModel(models.TextChoices):
    """The seed's three ways of organising the work (篇一 1–3); each district runs one."""

    SHANGHAI = "shanghai", _("Shanghai model: professional NGO centres")
    BEIJING = "beijing", _("Beijing model: judicial administration")
    HANGZHOU = "hangzhou", _("Hangzhou Xiaoying model: volunteers and community workers")


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    CITY = "city", _("city")
    DISTRICT = "district", _("district")
    STREET = "street", _("street / town")


LEVEL_DEPTH = {AreaLevel.PROVINCE: 0, AreaLevel.CITY: 1, AreaLevel.DISTRICT: 2, AreaLevel.STREET: 3}


class Area(KeptRecord):
    """Administrative area. `path` (codes joined by '/') lets one indexed prefix match select a whole subtree."""

    code = models.CharField(_("area code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent area"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    path = models.CharField(_("path"), max_length=120, db_index=True, editable=False)
    work_model = models.CharField(_("organising model"), max_length=16, choices=WorkModel.choices, blank=True,
                                  help_text=_("Set on districts: decides which organisations serve which populations."))

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        expected_parent_depth = LEVEL_DEPTH[self.level] - 1
        if expected_parent_depth < 0 and self.parent_id:
            raise ValidationError(_("A province has no parent area."))
        if expected_parent_depth >= 0 and (not self.parent or LEVEL_DEPTH[self.parent.level] != expected_parent_depth):
            raise ValidationError(_("The parent area must be one level above."))
        if self.work_model and self.level != AreaLevel.DISTRICT:
            raise ValidationError(_("Only a district chooses an organising model."))

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}{self.code}/" if self.parent_id else f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        # Municipalities have a "市辖区" city level that nobody writes in an address.
        return "".join(a.name for a in self.ancestors_and_self() if a.name != "市辖区")

    def ancestors_and_self(self) -> list["Area"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def district(self) -> "Area | None":
        return next((a for a in self.ancestors_and_self() if a.level == AreaLevel.DISTRICT), None)


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", _("judicial bureau")
    JUDICIAL_OFFICE = "judicial_office", _("judicial office")
    NGO_CENTRE = "ngo_centre", _("social-work agency / NGO centre")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood / village committee")
    HOSPITAL = "hospital", _("hospital")
    COUNSELLING = "counselling", _("counselling centre")
    DRUG_OFFICE = "drug_office", _("drug-rehabilitation office")
    SCHOOL = "school", _("school")
    EMPLOYMENT = "employment", _("employment service")
    OTHER = "other", _("other agency")


EXTERNAL_KINDS = {OrganisationKind.HOSPITAL, OrganisationKind.COUNSELLING, OrganisationKind.DRUG_OFFICE,
                  OrganisationKind.SCHOOL, OrganisationKind.EMPLOYMENT, OrganisationKind.OTHER}


class Organisation(KeptRecord):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="organisations")
    parent = models.ForeignKey("self", verbose_name=_("reports to"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # Populations this organisation serves, e.g. one per NGO centre in the Shanghai model.
    populations = models.JSONField(_("populations served"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["area__path", "kind", "name"]
        indexes = [models.Index(fields=["area", "kind"], name="org_area_kind")]

    def __str__(self) -> str:
        return self.name

    def serves(self, population: str) -> bool:
        return population in self.populations

    def get_populations_display(self) -> str:
        labels = dict(Population.choices)
        return "、".join(str(labels.get(p, p)) for p in self.populations)


class Team(models.Model):
    """A supervisor's team inside an organisation; workers see their team's people."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="teams")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.organisation.name} · {self.name}"


class ServiceRule(models.Model):
    """What a district's organising model decides for one population: who serves, who owns, who approves.

    Rows, not code: a province that adapts a model edits them. The seed's defaults are loaded by a migration.
    """

    work_model = models.CharField(_("organising model"), max_length=16, choices=WorkModel.choices)
    population = models.CharField(_("population"), max_length=16, choices=Population.choices)
    serving_kind = models.CharField(_("serving organisation type"), max_length=20, choices=OrganisationKind.choices)
    owner_roles = models.JSONField(_("roles that may own a case"), default=list)
    approver_role = models.CharField(_("approving role"), max_length=24)
    intake_protocol = models.CharField(_("intake protocol"), max_length=16, blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("service rule")
        verbose_name_plural = _("service rules")
        constraints = [models.UniqueConstraint(fields=["work_model", "population"], name="service_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_work_model_display()} · {self.get_population_display()}"

    def owner_roles_display(self) -> str:
        from accounts.roles import Role

        return "、".join(str(Role(role).label) for role in self.owner_roles)
