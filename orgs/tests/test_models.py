import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgs.models import Area
from orgs.services import area_create


def test_an_area_path_lets_a_prefix_select_its_subtree(db):
    district = Area.objects.get(code="310104")
    streets = Area.objects.filter(path__startswith=district.path, level="street")
    assert set(streets.values_list("parent", flat=True)) == {district.pk}
    assert district.full_name == "上海市徐汇区"  # nobody writes the municipality's 市辖区


def test_a_street_must_hang_below_a_district(db):
    with pytest.raises(ValidationError):
        area_create(actor=None, code="310199001", name="某街道", level="street", parent=Area.objects.get(code="310000"))


def test_only_administrators_create_areas(staff):
    with pytest.raises(PermissionDenied):
        area_create(actor=staff("sh_leader"), code="310105", name="长宁区", level="district",
                    parent=Area.objects.get(code="310100"))


def test_the_organisations_page_shows_the_three_models(login):
    page = login("sh_admin").get("/orgs/").text
    assert "上海模式" in page and "北京模式" in page and "小营" in page
