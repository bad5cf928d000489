from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt


@login_required
def home(request):
    return redirect("duties:day_list")


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # it only refuses; without this a POST to a wrong API URL got the CSRF page (HTML 403), not this 404
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("No such API endpoint: %(path)s") % {"path": request.path}}, status=404)


def not_found(request, exception=None):
    if _wants_json(request):
        return api_not_found(request)
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else _("You may not do this.")
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "errors/403.html", {"message": message}, status=403)


def server_error(request):
    if _wants_json(request):
        return JsonResponse({"detail": _("Internal error. It has been logged.")}, status=500)
    return render(request, "errors/500.html", status=500)
