# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""GS1 Global Location Numbers on partners, companies, warehouses and
locations: the identifiers EPCIS and FSMA exports use for parties (``pgln``,
Digital Link ``/417/``) and places (``sgln``, Digital Link ``/414/``)."""

from odoo import _
from odoo.exceptions import ValidationError

from ..gs1.element_string import check_digit_ok


def check_gln(records, field="gln"):
    """A GLN is 13 digits with a GS1 mod-10 check digit."""
    for record in records:
        gln = record[field]
        if gln and not (len(gln) == 13 and gln.isdigit() and check_digit_ok(gln)):
            raise ValidationError(
                _(
                    "%(record)s: GLN %(gln)s is not valid: a GLN has 13 digits and "
                    "ends with its GS1 check digit. Copy it from the GS1 registry "
                    "(GEPIR) or leave it empty.",
                    record=record.display_name,
                    gln=gln,
                )
            )
