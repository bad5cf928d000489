"""The bare Django view the day list is compared with under gunicorn: the same settings and middleware, no
database work, a page of the same size (BENCH_PAGE_BYTES)."""

import os

from django.http import HttpResponse
from django.urls import path

PAGE = b"<!doctype html><title>bare</title>" + b"x" * max(0, int(os.environ.get("BENCH_PAGE_BYTES", "20000")) - 34)


def bare(request):
    return HttpResponse(PAGE)


urlpatterns = [path("bare/", bare)]
