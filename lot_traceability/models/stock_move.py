# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.tools.sql import create_index

# The genealogy walk pairs an unbuild's input and output moves through their
# unbuild order; mrp leaves stock_move.unbuild_id unindexed.
UNBUILD_INDEX = "stock_move_unbuild_id_lt_index"


class StockMove(models.Model):
    _inherit = "stock.move"

    def init(self):
        super().init()
        create_index(
            self.env.cr,
            UNBUILD_INDEX,
            self._table,
            ["unbuild_id"],
            where="unbuild_id IS NOT NULL",
        )
