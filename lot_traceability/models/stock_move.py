# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
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

    def _lt_hold_restricted(self):
        self.ensure_one()
        return self.env["stock.warehouse"]._lt_hold_restricts(
            self.location_id,
            self.location_dest_id,
            self.warehouse_id or self.picking_type_id.warehouse_id,
            self.company_id,
        )

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        if self._lt_hold_restricted():
            self = self.with_context(lt_skip_held_lots=True)
        return super()._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    def _get_available_quantity(
        self,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        allow_negative=False,
    ):
        if self._lt_hold_restricted():
            self = self.with_context(lt_skip_held_lots=True)
        return super()._get_available_quantity(
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            allow_negative=allow_negative,
        )

    def _action_done(self, cancel_backorder=False):
        """Refuse to validate a held lot (transfers, manufacturing, dropships,
        batches all end here). The lots are locked FOR SHARE and their hold state
        re-read, so a hold committed meanwhile is never shipped past."""
        lines = self.move_line_ids.filtered(
            lambda line: line.lot_id
            and line.state not in ("done", "cancel")
            and (line.picked or not line.move_id.picked)
        )
        if lines:
            self.env["stock.lot.hold"]._lock_lots(lines.lot_id, share=True)
            lines.lot_id.invalidate_recordset(["hold_state"])
            lines._lt_check_holds()
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._lt_hold_received_lots()
        return moves

    def _lt_hold_received_lots(self):
        """Receipt quarantine: lots received of a product (or category) set to
        "Hold new lots on receipt" go on a QC pending hold."""
        received = self.move_line_ids.filtered(
            lambda line: line.state == "done"
            and line.lot_id
            and line.location_id.usage == "supplier"
            and line.location_dest_id.usage == "internal"
            and line.product_id.product_tmpl_id._lt_holds_on_receipt()
        )
        lots = received.lot_id.filtered(lambda lot: lot.hold_state != "held")
        if lots:
            self.env["stock.lot.hold"]._hold_lots(
                lots,
                "lot_traceability.hold_reason_qc_pending",
                _(
                    "Received on %(documents)s: held until Quality releases it.",
                    documents=", ".join(
                        received.picking_id.mapped("name")
                        or received.mapped("reference")
                    ),
                ),
            )
