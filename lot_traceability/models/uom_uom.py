# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

# UN/CEFACT Recommendation 20 codes of Odoo's standard units: Odoo's own mapping
# (account_edi_ubl_cii, UOM_TO_UNECE_CODE) plus the units it leaves out
# (millimetre, yard, square metre, square foot); the US liquid quart is QTL.
UOM_TO_UNECE_CODE = {
    "uom.product_uom_unit": "C62",
    "uom.product_uom_dozen": "DZN",
    "uom.product_uom_kgm": "KGM",
    "uom.product_uom_gram": "GRM",
    "uom.product_uom_ton": "TNE",
    "uom.product_uom_lb": "LBR",
    "uom.product_uom_oz": "ONZ",
    "uom.product_uom_day": "DAY",
    "uom.product_uom_hour": "HUR",
    "uom.product_uom_meter": "MTR",
    "uom.product_uom_millimeter": "MMT",
    "uom.product_uom_km": "KMT",
    "uom.product_uom_cm": "CMT",
    "uom.product_uom_inch": "INH",
    "uom.product_uom_foot": "FOT",
    "uom.product_uom_yard": "YRD",
    "uom.product_uom_mile": "SMI",
    "uom.uom_square_meter": "MTK",
    "uom.uom_square_foot": "FTK",
    "uom.product_uom_litre": "LTR",
    "uom.product_uom_cubic_meter": "MTQ",
    "uom.product_uom_floz": "OZA",
    "uom.product_uom_qt": "QTL",
    "uom.product_uom_gal": "GLL",
    "uom.product_uom_cubic_inch": "INQ",
    "uom.product_uom_cubic_foot": "FTQ",
}


class UomUom(models.Model):
    _inherit = "uom.uom"

    unece_code = fields.Char(
        string="UN/CEFACT Rec 20 Code",
        size=3,
        help="The unit's code in UN/CEFACT Recommendation 20 (KGM, LTR, C62...): "
        "the uom of EPCIS quantities.",
    )

    @api.constrains("unece_code")
    def _check_unece_code(self):
        for uom in self.filtered("unece_code"):
            if not re.fullmatch(r"[A-Z0-9]{2,3}", uom.unece_code):
                raise ValidationError(
                    _(
                        "Unit %(uom)s: %(code)s is not a UN/CEFACT Recommendation 20 "
                        "code (2 or 3 capital letters or digits, e.g. KGM).",
                        uom=uom.name,
                        code=uom.unece_code,
                    )
                )

    @api.model
    def _lt_fill_unece_codes(self):
        """Give Odoo's standard units their code where none is set (called by
        data/uom_data.xml on install and update; a code set by hand stays)."""
        for xmlid, code in UOM_TO_UNECE_CODE.items():
            uom = self.env.ref(xmlid, raise_if_not_found=False)
            if uom and not uom.unece_code:
                uom.unece_code = code

    def _lt_unece_quantity(self, quantity):
        """(quantity, Rec 20 code) of ``quantity`` in this unit; a unit without a
        code is converted to its category's reference unit when that one has a
        code."""
        self.ensure_one()
        if self.unece_code:
            return quantity, self.unece_code
        reference = self.search(
            [
                ("category_id", "=", self.category_id.id),
                ("uom_type", "=", "reference"),
                ("unece_code", "!=", False),
            ],
            limit=1,
        )
        if reference:
            return self._compute_quantity(quantity, reference, round=False), (
                reference.unece_code
            )
        raise UserError(
            _(
                "Unit %(uom)s has no UN/CEFACT Recommendation 20 code, nor has the "
                "reference unit of %(category)s: set one in Inventory > "
                "Configuration > Units of Measure before exporting EPCIS.",
                uom=self.name,
                category=self.category_id.name,
            )
        )
