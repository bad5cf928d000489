"""Reads of areas, organisations and the service rules."""

from django.db.models import Q, QuerySet

from .models import Area, AreaLevel, Organisation, ServiceRule


def service_rule_for(*, district: Area | None, population: str) -> ServiceRule | None:
    if district is None or not district.work_model:
        return None
    return ServiceRule.objects.filter(work_model=district.work_model, population=population).first()


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    """Organisations in the user's area, plus the chain above their own (a worker knows their bureau)."""
    if not getattr(user, "is_authenticated", False) or not user.area_path:
        return Organisation.objects.none()
    own_chain = [a.pk for a in user.organisation.area.ancestors_and_self()]
    return (Organisation.objects.filter(Q(area__path__startswith=user.area_path) | Q(area_id__in=own_chain))
            .select_related("area", "parent").order_by("area__path", "kind", "name"))


def areas_visible_to(*, user, level: str | None = None) -> QuerySet[Area]:
    if not getattr(user, "is_authenticated", False) or not user.area_path:
        return Area.objects.none()
    qs = Area.objects.filter(path__startswith=user.area_path)
    return qs.filter(level=level) if level else qs


def streets_for_new_people(*, user) -> QuerySet[Area]:
    """Where a user may register someone as living: the streets inside their organisation's area."""
    return areas_visible_to(user=user, level=AreaLevel.STREET).select_related("parent")



def owner_roles_for(*, district: Area | None, populations: list[str]) -> set[str]:
    """Roles that may be responsible for someone of these populations under the district's model.

    With no population recorded yet, any role that may own some population in that model.
    """
    if district is None or not district.work_model:
        return set()
    rules = ServiceRule.objects.filter(work_model=district.work_model)
    if populations:
        rules = rules.filter(population__in=populations)
    return {role for rule in rules for role in rule.owner_roles}
