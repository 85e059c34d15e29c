# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
from odoo.exceptions import UserError


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def action_trace_lots(self):
        """Trace the lots these manufacturing orders consumed and produced."""
        lots = (
            self.lot_producing_id
            | self.move_raw_ids.move_line_ids.lot_id
            | self.move_finished_ids.move_line_ids.lot_id
        )
        if not lots:
            raise UserError(
                _(
                    "%(documents)s has no lot to trace.",
                    documents=", ".join(self.mapped("name")),
                )
            )
        return lots.action_open_trace()
