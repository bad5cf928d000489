"""An object's address without `reverse` for each object.

`reverse` walks the URL patterns every time (~20 µs); a page listing thirty duties with two forms each, or an imported
list naming ten thousand files, would spend milliseconds to seconds on it. The pattern is reversed once per name (and
script prefix and URL configuration, so a deployment under a sub-path stays right), with a slot for the id."""

import functools

from django.urls import get_script_prefix, get_urlconf, reverse

_SLOT = 987654321


@functools.lru_cache(maxsize=64)
def _pattern(name: str, _prefix: str, urlconf) -> str:
    return reverse(name, args=[_SLOT], urlconf=urlconf).replace(str(_SLOT), "{}")


def address(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a route whose only argument is an integer id."""
    return address_pattern(name).format(pk)


def address_pattern(name: str) -> str:
    """The route's address with `{}` for its id, for a list that formats it many times."""
    return _pattern(name, get_script_prefix(), get_urlconf())


@functools.lru_cache(maxsize=128)
def _fixed(name: str, _prefix: str, urlconf) -> str:
    return reverse(name, urlconf=urlconf)


def path_of(name: str) -> str:
    """`reverse(name)` for a route without arguments (the navigation's dozen links on every page)."""
    return _fixed(name, get_script_prefix(), get_urlconf())
