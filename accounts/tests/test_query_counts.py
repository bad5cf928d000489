"""The staff list and the API tokens take as many queries with many rows as with a few."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import api_token_create, user_create
from demo.builder import DEMO_PASSWORD


def hired(staff, n: int) -> None:
    """n more social workers of the Shanghai NGO centre."""
    organisation = staff("sh_social").organisation
    for _ in range(n):
        k = User.objects.count()
        user_create(actor=staff("sh_admin"), username=f"worker{k}", password=DEMO_PASSWORD, role="social_worker",
                    organisation=organisation, full_name=f"新社工{k}")


@pytest.mark.parametrize("url", [reverse("accounts:staff"), "/api/users"])
def test_the_staff_list(login, staff, flat_queries, url):
    hired(staff, 1)
    before, after = flat_queries(login("sh_admin"), url, lambda: hired(staff, 4))
    if url.startswith("/api/"):
        assert len(after.json()) == len(before.json()) + 4
    else:
        assert after.text.count("新社工") == before.text.count("新社工") + 4


def test_the_api_tokens_on_the_account_page(login, staff, flat_queries):
    def tokens(n):
        for k in range(n):
            api_token_create(actor=staff("sh_social"), name=f"令牌{k}")

    tokens(1)
    before, after = flat_queries(login("sh_social"), reverse("accounts:account"), lambda: tokens(4))
    assert after.text.count("令牌") == before.text.count("令牌") + 4
