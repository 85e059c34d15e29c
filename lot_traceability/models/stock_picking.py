# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_trace_lots(self):
        """Trace every lot moved by these transfers."""
        lots = self.move_line_ids.lot_id
        if not lots:
            raise UserError(
                _(
                    "%(documents)s moved no lot to trace.",
                    documents=", ".join(self.mapped("name")),
                )
            )
        return lots.action_open_trace()
