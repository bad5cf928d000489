from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            target = field.removesuffix("_id")
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_date(value, field: str | None = None, *, required: bool = True):
    """A date typed in a form (2026-12-31), or a clear error on `field` (None: above the form). Empty gives None
    when not required."""
    import datetime as dt

    from django.utils.translation import gettext as _

    text = (value or "").strip()
    if not text and not required:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = _("“%(date)s” is not a date like 2026-12-31.") % {"date": value}
        raise ValidationError({field: [message]} if field else message) from None


def form_id(value) -> int:
    """A record id from a form; 0 (found nowhere) for anything that is not a plain number."""
    text = str(value or "")
    return int(text) if text.isdecimal() else 0


def form_ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdecimal()]
