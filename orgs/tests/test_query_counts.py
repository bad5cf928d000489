"""The organisations and areas lists take as many queries with many rows as with a few."""

import pytest
from django.urls import reverse

from orgs.models import Area
from orgs.services import area_create, organisation_create


def streets_with_offices(staff, n: int) -> None:
    """n more streets of the Shanghai-model district, each with its 司法所."""
    admin, district = staff("sh_admin"), Area.objects.get(code="310104")
    for _ in range(n):
        k = Area.objects.filter(parent=district).count() + 1
        street = area_create(actor=admin, code=f"310104{k:03d}", name=f"新街道{k}", level="street", parent=district)
        organisation_create(actor=admin, name=f"新街道{k}司法所", kind="judicial_office", area=street,
                            parent=admin.organisation)


@pytest.mark.parametrize("url", [reverse("orgs:list"), "/api/orgs/organisations", "/api/orgs/areas"])
def test_the_organisations_and_areas(login, staff, flat_queries, url):
    streets_with_offices(staff, 1)
    before, after = flat_queries(login("sh_admin"), url, lambda: streets_with_offices(staff, 4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("新街道") == before.text.count("新街道") + 8  # each office's name and its street
