# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError

TRACE_GROUP = "lot_traceability.group_lot_traceability_auditor"


class StockLot(models.Model):
    _inherit = "stock.lot"

    supplier_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The partner this lot was received from.",
    )
    supplier_lot_name = fields.Char(
        string="Supplier Lot",
        index="trigram",
        tracking=True,
        help="The supplier's own lot or batch number, as printed on its label.",
    )
    upstream_count = fields.Integer(
        compute="_compute_genealogy_counts",
        help="Lots this lot was made from, at every level.",
    )
    downstream_count = fields.Integer(
        compute="_compute_genealogy_counts",
        help="Lots made from this lot, at every level.",
    )

    @api.depends_context("company")
    def _compute_genealogy_counts(self):
        genealogy = self.env["stock.lot.genealogy"]
        for lot in self:
            if not lot.id or not self.env.user.has_group(TRACE_GROUP):
                lot.upstream_count = lot.downstream_count = 0
                continue
            depths = genealogy._reach(lot, "both")
            lot.upstream_count = sum(1 for depth in depths.values() if depth < 0)
            lot.downstream_count = sum(1 for depth in depths.values() if depth > 0)

    def trace(self, direction="both"):
        """Public API: the genealogy of these lots as a JSON-serialisable dict.

        ``direction``: ``"forward"``, ``"backward"`` or ``"both"``. Keys of the
        result: ``lots``, ``receipts``, ``deliveries``, ``productions``,
        ``on_hand``, ``gaps``, ``stats`` (see the README, "Trace API").
        """
        self._check_trace_access()
        return self.env["stock.lot.genealogy"]._trace(self, direction)

    def action_open_trace(self, direction="both"):
        """Open the whole genealogy of these lots in one screen."""
        self._check_trace_access()
        return self.env["stock.lot.trace.report"]._open_for_lots(self, direction)

    def action_open_upstream(self):
        return self.action_open_trace("backward")

    def action_open_downstream(self):
        return self.action_open_trace("forward")

    def _check_trace_access(self):
        if not self.env.user.has_group(TRACE_GROUP):
            raise AccessError(
                _(
                    "Tracing lots is reserved to the Traceability roles (Auditor, "
                    "User, Quality Manager). Ask an administrator to give you one."
                )
            )
