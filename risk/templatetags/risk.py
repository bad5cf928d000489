from django import template

from risk.selectors import current_flag

register = template.Library()


@register.inclusion_tag("risk/_flag.html", takes_context=True)
def risk_flag(context, person):
    """The person's open risk flag, on every page about them (one query). Roles that may not see offences or
    health (volunteers, community workers) see the level, for their safety, but not the reason."""
    from people.selectors import sees_offence

    user = context.get("user")
    flag = current_flag(person=person) if person else None
    detailed = bool(flag and user is not None and sees_offence(user=user, person=person))
    return {"flag": flag, "person": person, "detailed": detailed}
