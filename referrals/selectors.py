from django.db.models import Q, QuerySet

from .models import Resource


def resources_serving(*, area, kind: str = "") -> QuerySet[Resource]:
    """Active resources serving the area or any area above it (a district's hospital serves its streets)."""
    paths = [a.path for a in area.ancestors_and_self()] if area is not None else []
    resources = Resource.objects.filter(is_active=True, areas__path__in=paths).distinct()
    return resources.filter(kind=kind) if kind else resources


def resources_visible_to(*, user, query: str = "") -> QuerySet[Resource]:
    """The directory a user works with: resources serving any area in or above the user's organisation's area, and
    below it (a city-level user sees its districts' resources)."""
    area = user.organisation.area if user.organisation_id else None
    if area is None:
        return Resource.objects.none()
    above = [a.path for a in area.ancestors_and_self()]
    resources = Resource.objects.filter(Q(areas__path__in=above) | Q(areas__path__startswith=area.path),
                                        is_active=True).distinct()
    if query.strip():
        resources = resources.filter(Q(name__icontains=query.strip()) | Q(services__icontains=query.strip()))
    return resources.prefetch_related("areas").order_by("kind", "name")


def sharing_consent(*, person):
    """The person's standing consent to share information with other agencies, if any."""
    from casework.models import Consent

    return (Consent.objects.filter(person=person, kind="sharing", given=True, withdrawn_on__isnull=True)
            .order_by("-on", "-id").first())
