from tongxing.compiled import Compiled

from .models import LEVEL_ORDER, RiskBand, RiskFlag, ScreeningItem


# On every page about a person (base.html), compiled once (tongxing/compiled.py).
_OPEN_FLAG = Compiled(lambda person_id: RiskFlag.objects.filter(person_id=person_id, ended_at__isnull=True)[:1],
                      person_id=int)


def current_flag(*, person) -> RiskFlag | None:
    """The open flag (the latest raised, by the model's order), if any."""
    return next(iter(_OPEN_FLAG.objects(person_id=person.pk)), None)


def active_items():
    return ScreeningItem.objects.filter(is_active=True).order_by("order")


def band_for(level: str) -> RiskBand:
    band = RiskBand.objects.filter(level=level).first()
    if band is None:
        from django.core.exceptions import ValidationError

        raise ValidationError(f"The risk band {level!r} is missing from the configuration.")
    return band


def level_for_total(total: int) -> str:
    """The highest band whose threshold the total reaches."""
    band = RiskBand.objects.filter(min_total__lte=total).order_by("-min_total").first()
    return band.level if band else "low"


def higher(a: str, b: str | None) -> bool:
    return b is None or LEVEL_ORDER[a] > LEVEL_ORDER[b]
