import pytest

from shared.core.phone import InvalidPhone, region_of, to_e164


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+91 98765 43210", None, "+919876543210"),
        ("098765 43210", "IN", "+919876543210"),
        ("(202) 555-0143", "US", "+12025550143"),
        ("0044 20 7946 0958", "IN", "+442079460958"),
    ],
)
def test_numbers_are_stored_in_e164(raw: str, region: str | None, expected: str) -> None:
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize("raw", ["hello", "12", "+91 12345", "98765 43210"])
def test_invalid_numbers_are_refused_without_quoting_them(raw: str) -> None:
    with pytest.raises(InvalidPhone) as info:
        to_e164(raw, None)
    assert raw not in str(info.value)


def test_region_of_an_e164_number() -> None:
    assert region_of("+919876543210") == "IN"
