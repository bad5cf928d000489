import functools
from html import escape

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from tongxing.addresses import address_pattern

register = template.Library()

# One duty of the day list, with its two forms. The day list is the most requested page and a worker's may hold
# dozens of duties: as template nodes each line took about 0.18 ms to render, here a few microseconds. The words and
# the CSRF token are escaped once per page, each duty's own values once each, with the standard library's `escape`
# (Django's `escape` is the same function behind a check for lazy strings on every call).
LINE = (
    '<li>\n    <a href="{url}"><strong>{title}</strong></a>\n'
    '    <span class="meta">{due} {due_on} · {source}{escalated}</span>\n'
    '    <details class="small"><summary>{actions}</summary>\n'
    '      <form method="post" action="{snooze_url}" class="inline-form"><input type="hidden" '
    'name="csrfmiddlewaretoken" value="{token}">\n'
    '        <input type="date" name="until" required aria-label="{until}"><input name="reason" required '
    'placeholder="{reason}"><button>{snooze}</button></form>\n'
    '      <form method="post" action="{done_url}" class="inline-form"><input type="hidden" '
    'name="csrfmiddlewaretoken" value="{token}">\n'
    '        <input name="note" required placeholder="{how}"><button>{done}</button></form>\n'
    '    </details>\n  </li>\n'
)
# Each duty's own values, in the order the line for a language takes them (str.format's positions).
_PER_DUTY = ("url", "title", "due_on", "source", "escalated", "snooze_url", "done_url")
_TOKEN = "\x00token\x00"


def _literal(text: str) -> str:
    """Text escaped for HTML, and its braces doubled so that the line's later str.format keeps them."""
    return escape(str(text)).replace("{", "{{").replace("}", "}}")


@functools.lru_cache(maxsize=8)
def _line(language: str) -> tuple[str, str, str]:
    """The line in the page's language with its words filled in, the escalated tag and the empty list's line:
    translated and escaped once per process (the language is the cache's key, as in tongxing/navigation.py)."""
    words = {"due": gettext("due"), "actions": gettext("Snooze or mark done"), "until": gettext("snoozed until"),
             "reason": gettext("reason for snoozing"), "snooze": gettext("Snooze"), "how": gettext("How it was done"),
             "done": gettext("Done")}
    filled = LINE.format(**{key: _literal(value) for key, value in words.items()},
                         **{key: "{%d}" % n for n, key in enumerate(_PER_DUTY)}, token=_TOKEN)
    return (filled, str(format_html(' · <span class="tag warn">{}</span>', gettext("escalated"))),
            str(format_html('<li class="muted">{}</li>', gettext("Nothing."))))


@register.simple_tag(takes_context=True)
def duty_lines(context, duties):
    """The day list's <ul> of duties; every value is escaped as the template would escape it."""
    line, escalated, nothing = _line(get_language())
    if not duties:
        return mark_safe(f'<ul class="plain duties">\n{nothing}</ul>')
    line = line.replace(_TOKEN, escape(str(context.get("csrf_token", ""))))
    # The forms' addresses from their patterns, looked up once for the list.
    snooze, done = escape(address_pattern("duties:snooze")), escape(address_pattern("duties:done"))
    return mark_safe('<ul class="plain duties">\n' + "".join(
        line.format(escape(d.url or "#"), escape(d.title), d.due_on.isoformat(), escape(d.source),
                    escalated if d.escalated_at else "", snooze.format(d.pk), done.format(d.pk))
        for d in duties) + "</ul>")
