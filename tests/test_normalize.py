"""normalize(): search-box repairs that never change meaning and never casefold a unit symbol."""

from __future__ import annotations

import pytest

from queryrouter.normalize import normalize


@pytest.mark.parametrize(("query", "text"), [
    ("19,2 kg to lb", "19.2 kg to lb"),
    ("60,000 ft to miles", "60000 ft to miles"),
    ("1,234,567.5 m", "1234567.5 m"),
    ("1.234,5 kg", "1234.5 kg"),
    ("19-2-lbs-to-kg", "19 2 lbs to kg"),
    ("155lb to kg", "155 lb to kg"),
    ("3.5e3 m to km", "3.5e3 m to km"),
    ("½ cup", "1/2 cup"),
    ("1½ cups", "1 1/2 cups"),
    ("5'3\" to cm", "5 ft 3 in to cm"),
    ("5′3″ in cm", "5 ft 3 in in cm"),
    ("5ft4 to cm", "5 ft 4 in to cm"),
    ("5 foot 4 in cm", "5 foot 4 in in cm"),
    ("5 ft 4 in to cm", "5 ft 4 in to cm"),
    ("11st4 to kg", "11 st 4 lb to kg"),
    ("5 MM to mm?", "5 MM to mm"),
    ("  32   f to c  ", "32 f to c"),
    ("5² + 1", "5^2 + 1"),
    ("10⁻³ m", "10^-3 m"),
    ("5 m² to ft²", "5 m2 to ft2"),
    ("1e-9 kg", "1e-9 kg"),
    ("(1+2)+3", "(1+2)+3"),
    ("1e-5+1e-5+1", "1e-5+1e-5+1"),        # joined like a slug, but no part is a word: arithmetic
    ("3x4-2-1", "3 x 4-2-1"),
    ("sqrt(16)+2+1", "sqrt(16)+2+1"),
    ("how+many+cups+in+a+liter", "how many cups in a liter"),
])
def test_repairs(query: str, text: str) -> None:
    assert normalize(query).text == text


def test_repairs_that_change_the_reading_are_noted() -> None:
    assert normalize("19,2 kg to lb").notes == ("read the comma as a decimal point",)
    assert "slug" in normalize("19-2-lbs-to-kg").notes[0]
    assert normalize("60,000 ft").notes == ()


def test_the_original_is_kept() -> None:
    assert normalize("19,2 KG to LBS").original == "19,2 KG to LBS"
    assert normalize("19,2 KG to LBS").text == "19.2 KG to LBS"
