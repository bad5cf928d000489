from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import ServiceRule
from .selectors import organisations_visible_to


@login_required
def organisation_list(request):
    organisations = organisations_visible_to(user=request.user)
    rules = ServiceRule.objects.order_by("work_model", "population")
    return render(request, "orgs/list.html", {"organisations": organisations, "rules": rules})
