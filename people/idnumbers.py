"""Resident identity numbers (公民身份号码) per GB 11643-1999: 6-digit area, 8-digit birth date, 3-digit sequence, check."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARS = "10X98765432"
FORMAT = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def normalise(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def validate_id_number(raw: str) -> str:
    """Return the normalised number, or raise ValidationError saying exactly what is wrong."""
    value = normalise(raw)
    if not FORMAT.match(value):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a final digit or X."), code="id_format")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside the ID number (%(part)s) is not a real date.") % {"part": value[6:14]},
                              code="id_birth_date") from None
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The ID number's check character is %(given)s but should be %(expected)s: a digit was probably mistyped.")
            % {"given": value[17], "expected": expected},
            code="id_checksum",
        )
    return value


def birth_date_of(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def sex_of(value: str) -> str:
    """The 17th digit is odd for men, even for women."""
    return "M" if int(value[16]) % 2 else "F"


def masked(value: str) -> str:
    """The region only: the birth date and the last four, shown beside a file's date of birth and district, would
    give the whole number back."""
    return f"{value[:6]}{'*' * (len(value) - 6)}" if value else ""
