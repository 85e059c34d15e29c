# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.tools.sql import create_index

# The genealogy walk looks done move lines up by lot; Odoo has no index on
# stock_move_line.lot_id at all.
LOT_DONE_INDEX = "stock_move_line_lot_done_index"


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def init(self):
        super().init()
        create_index(
            self.env.cr,
            LOT_DONE_INDEX,
            self._table,
            ["lot_id"],
            where="state = 'done' AND lot_id IS NOT NULL",
        )
