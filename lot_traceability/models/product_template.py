# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.tools.barcode import check_barcode_encoding

from .product_category import SUPPLIER_LOT_POLICIES


def gtin14(barcode):
    """The barcode as a GTIN-14 (GTIN-8, -12 and -13 padded with zeros) when it is
    a GTIN with a right check digit, else False (Odoo's own barcode check)."""
    barcode = (barcode or "").strip()
    if len(barcode) not in (8, 12, 13, 14):
        return False
    padded = barcode.zfill(14)
    return padded if check_barcode_encoding(padded, "gtin14") else False


class ProductTemplate(models.Model):
    _inherit = "product.template"

    lot_hold_on_receipt = fields.Boolean(
        string="Hold New Lots on Receipt",
        help="Every lot received of this product is put on a QC pending hold until "
        "Quality releases it (also set on the product category).",
    )
    require_supplier_lot = fields.Boolean(
        string="Require Supplier Lot on Receipt",
        help="Receipts of this product cannot be validated without the supplier's "
        "lot number on every line (also required when the product category says "
        "so).",
    )
    supplier_lot_policy = fields.Selection(
        SUPPLIER_LOT_POLICIES,
        string="Same Supplier Lot Received Again",
        help="Empty: as set on the product category.",
    )

    def _lt_holds_on_receipt(self):
        self.ensure_one()
        categories = self.env["product.category"].browse(
            int(category_id)
            for category_id in (self.categ_id.parent_path or "").split("/")
            if category_id
        )
        return self.lot_hold_on_receipt or any(categories.mapped("lot_hold_on_receipt"))

    def _requires_supplier_lot(self):
        self.ensure_one()
        return self.require_supplier_lot or self.categ_id.require_supplier_lot

    def _get_supplier_lot_policy(self):
        self.ensure_one()
        return self.supplier_lot_policy or self.categ_id.supplier_lot_policy or "merge"
