# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import fields, models


class StockLotRecallBalance(models.Model):
    _name = "stock.lot.recall.balance"
    _description = "Lot Recall Mass Balance"
    _order = "sequence, id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade")
    sequence = fields.Integer()
    lot_id = fields.Many2one("stock.lot")
    role = fields.Selection(
        [
            ("origin", "Origin"),
            ("derived", "Made From the Origin"),
            ("upstream", "Upstream"),
        ],
        required=True,
        default="origin",
        help="Origin: a lot in the recall's scope; made from the origin: a lot "
        "reached downstream (the finished lots); upstream: a lot the origin "
        "was made from.",
    )
    depth = fields.Integer()
    lot_name = fields.Char(string="Lot")
    product_name = fields.Char(string="Product")
    uom = fields.Char(string="Unit")
    quantity_in = fields.Float(
        string="Received or Produced", digits="Product Unit of Measure"
    )
    on_hand = fields.Float(digits="Product Unit of Measure")
    transit = fields.Float(
        string="Of Which in Transit", digits="Product Unit of Measure"
    )
    shipped = fields.Float(string="Shipped (net)", digits="Product Unit of Measure")
    consumed = fields.Float(digits="Product Unit of Measure")
    scrapped = fields.Float(digits="Product Unit of Measure")
    adjusted = fields.Float(
        string="Inventory Adjustments", digits="Product Unit of Measure"
    )
    unaccounted = fields.Float(digits="Product Unit of Measure")
    accounted_percent = fields.Float(string="Accounted For (%)")
