"""The top bar of every page: the brand, the navigation for the user's role, who is signed in, sign-out and the
language switch.

It is written here rather than as template nodes because it is on every page: as nodes (a loop over a dozen lazily
translated labels, four `{% url %}`s, two CSRF fields) it took about half of a short page's rendering, more than the
day list's own content. The navigation's markup is built once per language, role and current section; each page then
fills in only what is its own (the name, the office, the CSRF token and the address to come back to), escaped with
the standard library's `escape`, which Django's `escape` wraps.
"""

import functools
from html import escape

from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from tongxing.addresses import path_of

# (label, url name, roles that see it; None = everyone signed in)
NAVIGATION = [
    (_("Today"), "duties:day_list", None),
    (_("Cases"), "casework:list", {Role.SOCIAL_WORKER, Role.JUDICIAL_OFFICER, Role.SUPERVISOR, Role.COMMUNITY_WORKER,
                                   Role.VOLUNTEER, Role.BUREAU_LEADER}),
    (_("People"), "people:list", None),
    (_("Organisations"), "orgs:list", None),
    (_("Staff"), "accounts:staff", {Role.ADMINISTRATOR, Role.BUREAU_LEADER, Role.SUPERVISOR, Role.JUDICIAL_OFFICER}),
    (_("Dashboard"), "reports:dashboard", {Role.SOCIAL_WORKER, Role.JUDICIAL_OFFICER, Role.COMMUNITY_WORKER,
                                           Role.SUPERVISOR, Role.BUREAU_LEADER, Role.ADMINISTRATOR}),
    (_("Returns"), "reports:returns", {Role.JUDICIAL_OFFICER, Role.SUPERVISOR, Role.BUREAU_LEADER,
                                       Role.ADMINISTRATOR}),
    (_("Import"), "imports:start", {Role.SOCIAL_WORKER, Role.JUDICIAL_OFFICER, Role.SUPERVISOR, Role.BUREAU_LEADER}),
    (_("Volunteers"), "volunteers:registry", {Role.SUPERVISOR, Role.SOCIAL_WORKER, Role.COMMUNITY_WORKER,
                                              Role.BUREAU_LEADER, Role.ADMINISTRATOR}),
    (_("My volunteering"), "volunteers:mine", {Role.VOLUNTEER}),
    (_("Resources"), "referrals:directory", {Role.SOCIAL_WORKER, Role.JUDICIAL_OFFICER, Role.SUPERVISOR,
                                             Role.BUREAU_LEADER, Role.ADMINISTRATOR}),
    (_("Practice rules"), "casework:practice_rules", {Role.ADMINISTRATOR, Role.SUPERVISOR, Role.BUREAU_LEADER}),
    (_("Working-day calendar"), "duties:calendar", {Role.ADMINISTRATOR}),
    (_("Audit trail"), "audit:list", {Role.ADMINISTRATOR}),
]


@functools.lru_cache(maxsize=64)
def _links(role: str, _language: str, _prefix: str, _urlconf) -> tuple[tuple[str, str], ...]:
    """(address, label) of each link the role sees, in the language of the request (the cache's key)."""
    return tuple((path_of(name), str(label)) for label, name, roles in NAVIGATION if roles is None or role in roles)


_CURRENT = ' aria-current="page"'


@functools.lru_cache(maxsize=512)
def _nav(links: tuple, current: tuple[bool, ...], label: str) -> str:
    return (f'<nav class="nav" aria-label="{escape(label)}">\n    '
            + "".join(f'<a href="{escape(url)}"{_CURRENT if here else ""}>{escape(text)}</a>'
                      for (url, text), here in zip(links, current))
            + "\n  </nav>")


@functools.lru_cache(maxsize=8)
def _words(_language: str) -> dict:
    return {"navigation": gettext("Main navigation"), "sign_out": escape(gettext("Sign out"))}


def _csrf_field(token) -> str:
    """What `{% csrf_token %}` writes."""
    token = str(token or "")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def topbar(*, user, path: str, full_path: str, csrf_token) -> str:
    """The page's <header>, escaped as the template escaped it."""
    language = get_language()
    words = _words(language)
    csrf_field = _csrf_field(csrf_token)
    html = [f'<header class="topbar">\n  <a class="brand" href="{escape(path_of("home"))}">同行 <span>Tongxing</span>'
            f'</a>\n  ']
    if user is not None and user.is_authenticated:
        links = _links(user.role, language, get_script_prefix(), get_urlconf())
        office = f" · {escape(user.organisation.name)}" if user.organisation_id else ""
        html.append(
            f'{_nav(links, tuple(path.startswith(url) for url, _label in links), words["navigation"])}\n'
            f'  <div class="who">\n'
            f'    <a href="{escape(path_of("accounts:account"))}">{escape(str(user.display_name))}</a>\n'
            f'    <span class="muted">{escape(str(user.get_role_display()))}{office}</span>\n'
            f'    <form method="post" action="{escape(path_of("logout"))}" class="inline">{csrf_field}'
            f'<button class="link">{words["sign_out"]}</button></form>\n  </div>\n  ')
    switch = ('<button class="link" name="language" value="zh-hans">中文</button>' if language == "en"
              else '<button class="link" name="language" value="en">English</button>')
    html.append(f'<form method="post" action="{escape(path_of("set_language"))}" class="lang inline">{csrf_field}\n'
                f'    <input type="hidden" name="next" value="{escape(full_path)}">\n    {switch}\n  </form>\n'
                f'</header>')
    return mark_safe("".join(html))
