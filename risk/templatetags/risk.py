from django import template

from risk.selectors import current_flag

register = template.Library()


@register.inclusion_tag("risk/_flag.html")
def risk_flag(person):
    """The person's open risk flag, on every page about them (one query)."""
    return {"flag": current_flag(person=person) if person else None, "person": person}
