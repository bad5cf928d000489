"""The volunteer registry and a volunteer's page take as many queries with many volunteers, trainings, supervision
sessions and tasks as with a few."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.selectors import cases_visible_to
from volunteers import services
from volunteers.models import Volunteer


@pytest.fixture
def hz(staff):
    return staff("hz_supervisor"), staff("hz_community")


def registered(hz, n: int) -> list[Volunteer]:
    """n more volunteers of the Hangzhou neighbourhood, each trained and supervised."""
    supervisor, _community = hz
    made = [services.volunteer_save(actor=supervisor, data={
        "name": f"志愿者{Volunteer.objects.count()}", "skills": "学业辅导", "joined_on": timezone.localdate(),
        "area": supervisor.organisation.area}) for _ in range(n)]
    for volunteer in made:
        services.training_record(actor=supervisor, title=f"培训{volunteer.pk}", held_on=timezone.localdate(),
                                 hours=2, trainer="", attendees=[volunteer])
        services.supervision_record(actor=supervisor, held_on=timezone.localdate(), volunteers=[volunteer],
                                    topic=f"督导{volunteer.pk}", notes="记录")
    return made


@pytest.mark.parametrize("url", [reverse("volunteers:registry"), "/api/volunteers"])
def test_the_volunteer_registry(login, hz, flat_queries, url):
    registered(hz, 1)
    before, after = flat_queries(login("hz_supervisor"), url, lambda: registered(hz, 4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        for marker in ("培训", "督导"):
            assert after.text.count(marker) == before.text.count(marker) + 4, marker


def test_a_volunteers_page_with_tasks_trainings_and_supervision(login, hz, flat_queries):
    supervisor, community = hz
    volunteer = Volunteer.objects.get(user__username="hz_volunteer")
    cases = list(cases_visible_to(user=community).filter(owner=community).exclude(stage__in=("closed", "stopped")))

    def give(n):
        for k in range(n):
            services.task_assign(actor=community, volunteer=volunteer, case=cases[k % len(cases)], task=f"任务{k}",
                                 due_on=timezone.localdate() + dt.timedelta(days=7))
            services.training_record(actor=supervisor, title=f"培训{k}", held_on=timezone.localdate(), hours=2,
                                     trainer="", attendees=[volunteer])
            services.supervision_record(actor=supervisor, held_on=timezone.localdate(), volunteers=[volunteer],
                                        topic=f"督导{k}", notes="记录")

    give(1)
    before, after = flat_queries(login("hz_community"), reverse("volunteers:detail", args=[volunteer.pk]),
                                 lambda: give(4))
    assert after.text.count('data-testid="task"') == before.text.count('data-testid="task"') + 4
