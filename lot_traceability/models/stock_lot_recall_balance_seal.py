# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import models


class StockLotRecallBalance(models.Model):
    """The mass balance rows are sealed like the other results (the model
    itself lives in stock_lot_recall_balance.py)."""

    _name = "stock.lot.recall.balance"
    _inherit = ["stock.lot.recall.balance", "stock.lot.recall.result.mixin"]
