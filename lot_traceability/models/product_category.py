# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

SUPPLIER_LOT_POLICIES = [
    ("merge", "Merge into the existing lot"),
    ("new", "Always a new lot, linked to the first"),
]


class ProductCategory(models.Model):
    _inherit = "product.category"
    require_supplier_lot = fields.Boolean(
        string="Require Supplier Lot on Receipt",
        help="Receipts of products of this category cannot be validated without "
        "the supplier's lot number on every line.",
    )
    supplier_lot_policy = fields.Selection(
        SUPPLIER_LOT_POLICIES,
        string="Same Supplier Lot Received Again",
        default="merge",
        required=True,
        help="When a supplier lot already received from the same supplier for the "
        "same product arrives again: put it in the same internal lot, or create a "
        "new internal lot that points to the first one.",
    )
    lot_hold_on_receipt = fields.Boolean(
        string="Hold New Lots on Receipt",
        help="Every lot received of a product of this category is put on a QC "
        "pending hold until Quality releases it.",
    )
