# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import api, fields, models


class StockLotRecallCustomer(models.Model):
    _name = "stock.lot.recall.customer"
    _description = "Lot Recall Customer"
    _order = "name"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer")
    name = fields.Char(required=True)
    email = fields.Char()
    phone = fields.Char()
    address = fields.Text()
    quantity = fields.Float(string="Shipped", digits="Product Unit of Measure")
    returned_quantity = fields.Float(
        string="Returned", digits="Product Unit of Measure"
    )
    deliveries = fields.Char()
    verified = fields.Boolean(help="The customer was reached and confirmed the stock.")
    line_ids = fields.One2many(
        "stock.lot.recall.line", compute="_compute_line_ids", string="Deliveries"
    )

    @api.depends("partner_id", "recall_id.delivery_line_ids.partner_id")
    def _compute_line_ids(self):
        for customer in self:
            customer.line_ids = customer.recall_id.delivery_line_ids.filtered(
                lambda line, c=customer: line.partner_id == c.partner_id
            )
