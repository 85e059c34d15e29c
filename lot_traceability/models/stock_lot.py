# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    supplier_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The partner this lot was received from.",
    )
    supplier_lot_name = fields.Char(
        string="Supplier Lot",
        index="trigram",
        tracking=True,
        help="The supplier's own lot or batch number, as printed on its label.",
    )
