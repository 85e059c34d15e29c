# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The GS1 parser against independent material: the vectors of biip's own
test suite (biip, an independent parser, as the reference) and the linter
vectors of GS1's Barcode Syntax Dictionary. No database needed."""

import json
from pathlib import Path

import biip
import pytest
from biip.checksums import gs1_standard_check_digit
from biip.gs1_messages import GS1Message

from odoo.addons.lot_traceability.gs1 import element_string as gs1

HERE = Path(__file__).parent / "standards" / "gs1"
BIIP_VECTORS = json.loads((HERE / "biip_vectors.json").read_text())
LINTER_VECTORS = json.loads(
    (HERE / "syntax_dictionary_linter_vectors.json").read_text()
)
PREFIXES = ("]C1", "]d2", "]Q3", "]e0", "]J1")


def reference(value):
    """(AI, value) pairs as biip reads them, or None when biip refuses."""
    if value.startswith("("):
        try:
            message = GS1Message.parse_hri(value)
        except biip.ParseError:
            return None
        return [(e.ai.ai, e.value) for e in message.element_strings]
    result = biip.parse(value)
    found = result.gs1_digital_link_uri or result.gs1_message
    return [(e.ai.ai, e.value) for e in found.element_strings] if found else None


def ours(value, associations=True):
    for prefix in PREFIXES:
        if value.startswith(prefix):
            value = value[len(prefix) :]
            break
    try:
        return gs1.parse(value, associations=associations)
    except gs1.GS1Error as error:
        return error


def test_vectors_are_many():
    assert len(BIIP_VECTORS) >= 200
    assert len(LINTER_VECTORS) >= 1000


@pytest.mark.parametrize("value", BIIP_VECTORS)
def test_biip_vectors(value):
    expected, mine = reference(value), ours(value)
    if expected is not None and not isinstance(mine, gs1.GS1Error):
        assert mine == expected
    elif expected is not None:
        # stricter than biip only where GS1 says so, and checked here
        # independently of our code
        if mine.code in ("missing_association", "invalid_pair"):
            assert ours(value, associations=False) == expected
        elif mine.code == "check_digit":
            digits = mine.params["value"]
            assert str(gs1_standard_check_digit(digits[:-1])) != digits[-1]
        elif mine.code == "bad_time":
            time = mine.params["value"][-4:]
            assert int(time[:2]) > 23 or int(time[2:]) > 59
        else:
            pytest.fail(f"{value!r}: biip reads {expected}, we refuse: {mine.code}")
    elif not isinstance(mine, gs1.GS1Error):
        pytest.fail(f"{value!r}: biip refuses it, we read {mine}")


@pytest.mark.parametrize(("linter", "value", "passes"), LINTER_VECTORS)
def test_syntax_dictionary_linter_vectors(linter, value, passes):
    try:
        gs1.lint(linter, value)
    except gs1.GS1Error:
        assert not passes
    else:
        assert passes


def test_the_table_is_the_whole_dictionary():
    text = (Path(gs1.__file__).parent / "ai_table.py").read_text()
    assert "gs1-syntax-dictionary" in text and "Apache License" in text
    assert len(gs1.AI_TABLE) > 500
    for ai in ("00", "01", "02", "10", "11", "13", "15", "17", "21", "30", "37"):
        assert ai in gs1.AI_TABLE
    for ai in (
        "3100",
        "3105",
        "3200",
        "3205",
        "400",
        "422",
        "7003",
        "8200",
        "90",
        "99",
    ):
        assert ai in gs1.AI_TABLE
