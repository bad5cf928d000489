import pytest
from django.core.exceptions import ValidationError

from people import idnumbers

VALID = "11010519491231002X"  # the example number printed in GB 11643-1999


def test_the_standards_own_example_number_is_valid():
    assert idnumbers.validate_id_number(VALID) == VALID


def test_a_lowercase_x_and_spaces_are_accepted_and_normalised():
    assert idnumbers.validate_id_number(" 11010519491231002x ") == VALID


def test_a_mistyped_digit_is_caught_by_the_check_character():
    with pytest.raises(ValidationError) as exc:
        idnumbers.validate_id_number("110105194912310021")
    assert exc.value.code == "id_checksum"
    assert "X" in exc.value.messages[0]  # the message names the expected character


def test_a_number_of_the_wrong_length_says_so():
    with pytest.raises(ValidationError) as exc:
        idnumbers.validate_id_number("1101051949123100")
    assert exc.value.code == "id_format"


def test_an_impossible_birth_date_inside_the_number_is_refused():
    first17 = "11010519490231002"  # 31 February
    with pytest.raises(ValidationError) as exc:
        idnumbers.validate_id_number(first17 + idnumbers.check_char(first17))
    assert exc.value.code == "id_birth_date"


def test_birth_date_and_sex_are_read_from_the_number():
    assert str(idnumbers.birth_date_of(VALID)) == "1949-12-31"
    assert idnumbers.sex_of(VALID) == "F"  # 17th digit 2 is even


def test_masking_keeps_the_region_only():
    assert idnumbers.masked(VALID) == "110105************"
