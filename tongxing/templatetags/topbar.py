from django import template

from tongxing import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def topbar(context):
    """The top bar of every page (tongxing/navigation.py)."""
    request = context.get("request")
    return navigation.topbar(user=context.get("user"), path=request.path if request else "",
                             full_path=request.get_full_path() if request else "",
                             csrf_token=context.get("csrf_token"))
