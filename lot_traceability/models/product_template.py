# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    lot_hold_on_receipt = fields.Boolean(
        string="Hold New Lots on Receipt",
        help="Every lot received of this product is put on a QC pending hold until "
        "Quality releases it (also set on the product category).",
    )

    def _lt_holds_on_receipt(self):
        self.ensure_one()
        categories = self.env["product.category"].browse(
            int(category_id)
            for category_id in (self.categ_id.parent_path or "").split("/")
            if category_id
        )
        return self.lot_hold_on_receipt or any(categories.mapped("lot_hold_on_receipt"))


class ProductCategory(models.Model):
    _inherit = "product.category"

    lot_hold_on_receipt = fields.Boolean(
        string="Hold New Lots on Receipt",
        help="Every lot received of a product of this category is put on a QC "
        "pending hold until Quality releases it.",
    )
