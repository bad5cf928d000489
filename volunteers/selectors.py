from django.db.models import DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, Count
from django.db.models.functions import Coalesce

from .models import Training, Volunteer, VolunteerTask

MANAGERS = {"supervisor", "social_worker", "community_worker", "judicial_officer", "bureau_leader", "administrator"}


def volunteers_visible_to(*, user, query: str = "") -> QuerySet[Volunteer]:
    """Volunteers of organisations in the user's area, with their training hours and open tasks (one query:
    each figure a subquery, so neither multiplies the other)."""
    if user.role not in MANAGERS or not user.area_path:
        return Volunteer.objects.none()
    volunteers = Volunteer.objects.filter(organisation__area__path__startswith=user.area_path)
    if query.strip():
        volunteers = volunteers.filter(Q(name__icontains=query.strip()) | Q(skills__icontains=query.strip()))
    return with_figures(volunteers)


def own_profile(*, user) -> QuerySet[Volunteer]:
    """A volunteer's own entry, for their own tasks and trainings."""
    return with_figures(Volunteer.objects.filter(user=user, user__isnull=False))


def with_figures(volunteers: QuerySet[Volunteer]) -> QuerySet[Volunteer]:
    hours = (Training.objects.filter(attendees=OuterRef("pk")).order_by().values("attendees")
             .annotate(total=Sum("hours")).values("total"))
    tasks = (VolunteerTask.objects.filter(volunteer=OuterRef("pk"), status="open").order_by().values("volunteer")
             .annotate(n=Count("pk")).values("n"))
    return (volunteers.select_related("organisation", "area", "user")
            .annotate(training_hours=Coalesce(Subquery(hours, output_field=DecimalField()), Value(0),
                                              output_field=DecimalField()),
                      open_tasks=Coalesce(Subquery(tasks, output_field=IntegerField()), Value(0)))
            .order_by("-is_active", "name"))
