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


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"label": label, "url": path_of(name), "active": request.path.startswith(path_of(name))}
             for label, name, roles in NAVIGATION if roles is None or user.role in roles]
    return {"nav_items": items}
