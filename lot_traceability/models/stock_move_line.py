# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

# The genealogy walk looks done move lines up by lot; Odoo has no index on
# stock_move_line.lot_id at all.
LOT_DONE_INDEX = "stock_move_line_lot_done_index"
# Changing these on a line may send a held lot where it may not go.
HOLD_FIELDS = {"lot_id", "location_id", "location_dest_id"}


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

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered("lot_id")._lt_check_holds()
        return lines

    def write(self, vals):
        result = super().write(vals)
        # choosing a lot, a place or a quantity, or picking: not unpicking or
        # emptying a line, which only ever takes a held lot out of a transfer
        if HOLD_FIELDS.intersection(vals) or vals.get("picked") or vals.get("quantity"):
            self.filtered(
                lambda line: line.lot_id and line.state not in ("done", "cancel")
            )._lt_check_holds()
        return result

    def _lt_hold_restricted(self):
        self.ensure_one()
        return self.env["stock.warehouse"]._lt_hold_restricts(
            self.location_id,
            self.location_dest_id,
            self.move_id.warehouse_id or self.picking_type_id.warehouse_id,
            self.company_id,
        )

    def _lt_check_holds(self):
        """A held lot may not be chosen for, or validated on, a line that takes it
        anywhere but a destination allowed for held lots."""
        refused = self.filtered(
            lambda line: line.lot_id.hold_state == "held" and line._lt_hold_restricted()
        )
        if not refused:
            return
        by_destination = defaultdict(lambda: self.env["stock.lot"])
        for line in refused:
            by_destination[line.location_dest_id] |= line.lot_id
        raise UserError(
            "\n\n".join(
                lots._lt_hold_message(destination)
                for destination, lots in by_destination.items()
            )
        )
