# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import fields, models
from odoo.tools import SQL

from .stock_lot_recall import LINE_KINDS

# Links of a result row to the records it was copied from, without a foreign
# key: a hub recall stores 150,000+ rows in one statement, and PostgreSQL
# checks (and row-locks) every foreign key row by row, which cost more than
# the insert itself. The evidence is the copied names and quantities; the
# links are for navigation, and a record deleted later (a partner) leaves the
# stored id as it was instead of rewriting the evidence to NULL.
UNLINKED = ("lot_id", "partner_id", "move_line_id", "production_id")


class Link(fields.Many2one):
    """A many2one stored without a foreign key constraint."""

    def update_db_foreign_key(self, model, column):
        return None


class StockLotRecallLine(models.Model):
    """What the trace found, copied: it stays true when stock moves later."""

    _name = "stock.lot.recall.line"
    _inherit = ["stock.lot.recall.result.mixin"]
    _description = "Lot Recall Result"
    _order = "kind, depth, date, id"

    recall_id = fields.Many2one(
        "stock.lot.recall", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(LINE_KINDS, required=True)
    lot_id = Link("stock.lot", string="Lot", index=True)
    lot_name = fields.Char(string="Lot Number")
    product_name = fields.Char(string="Product")
    supplier_lot_name = fields.Char(string="Supplier Lot")
    depth = fields.Integer(string="Level")
    partner_id = Link("res.partner", string="Partner")
    partner_name = fields.Char()
    move_line_id = Link("stock.move.line")
    production_id = Link("mrp.production", string="Manufacturing Order")
    document = fields.Char()
    location_name = fields.Char(string="Location")
    quantity = fields.Float(digits="Product Unit of Measure")
    returned_quantity = fields.Float(digits="Product Unit of Measure")
    uom = fields.Char(string="Unit")
    date = fields.Datetime()
    note = fields.Char()

    def init(self):
        # databases installed before the links lost their foreign keys
        for name in UNLINKED:
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                    SQL.identifier(self._table),
                    SQL.identifier(f"{self._table}_{name}_fkey"),
                )
            )
