# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import fields, models

from .stock_lot_recall import LINE_KINDS


class StockLotRecallLine(models.Model):
    """What the trace found, copied: it stays true when stock moves later."""

    _name = "stock.lot.recall.line"
    _inherit = ["stock.lot.recall.result.mixin"]
    _description = "Lot Recall Result"
    _order = "kind, depth, date, id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade")
    kind = fields.Selection(LINE_KINDS, required=True)
    lot_id = fields.Many2one("stock.lot", string="Lot")
    lot_name = fields.Char(string="Lot Number")
    product_name = fields.Char(string="Product")
    supplier_lot_name = fields.Char(string="Supplier Lot")
    depth = fields.Integer(string="Level")
    partner_id = fields.Many2one("res.partner", string="Partner")
    partner_name = fields.Char()
    move_line_id = fields.Many2one("stock.move.line")
    production_id = fields.Many2one("mrp.production", string="Manufacturing Order")
    document = fields.Char()
    location_name = fields.Char(string="Location")
    quantity = fields.Float(digits="Product Unit of Measure")
    returned_quantity = fields.Float(digits="Product Unit of Measure")
    uom = fields.Char(string="Unit")
    date = fields.Datetime()
    note = fields.Char()
