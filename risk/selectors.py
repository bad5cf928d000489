from .models import LEVEL_ORDER, RiskBand, RiskFlag, ScreeningItem


def current_flag(*, person) -> RiskFlag | None:
    return RiskFlag.objects.filter(person=person, ended_at__isnull=True).first()


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
