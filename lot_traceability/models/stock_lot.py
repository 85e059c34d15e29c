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


class StockLotHolds(models.Model):
    """Hold state of a lot, read by every reservation and validation."""

    _inherit = "stock.lot"

    hold_ids = fields.Many2many(
        "stock.lot.hold",
        "stock_lot_hold_lot_rel",
        "lot_id",
        "hold_id",
        string="Holds",
        readonly=True,
        copy=False,
    )
    hold_state = fields.Selection(
        [("free", "Free"), ("held", "On hold")],
        compute="_compute_hold_state",
        store=True,
        index=True,
        help="On hold: the lot cannot be reserved, picked, shipped or consumed "
        "until Quality releases it.",
    )
    active_hold_ids = fields.Many2many(
        "stock.lot.hold", compute="_compute_active_hold_ids", string="Active Holds"
    )
    hold_count = fields.Integer(compute="_compute_active_hold_ids")

    @api.depends("hold_ids.is_blocking")
    def _compute_hold_state(self):
        for lot in self:
            blocking = any(lot.hold_ids.mapped("is_blocking"))
            lot.hold_state = "held" if blocking else "free"

    @api.depends("hold_ids.is_blocking")
    def _compute_active_hold_ids(self):
        for lot in self:
            lot.active_hold_ids = lot.hold_ids.filtered("is_blocking")
            lot.hold_count = len(lot.hold_ids)

    def action_place_hold(self):
        """Open the hold wizard on these lots."""
        self.env["stock.lot.hold"]._check_group(
            "lot_traceability.group_lot_traceability_user"
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Place Hold"),
            "res_model": "stock.lot.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lot_ids": [fields.Command.set(self.ids)]},
        }

    def action_view_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_traceability.stock_lot_hold_action"
        )
        action["domain"] = [("lot_ids", "in", self.ids)]
        action["context"] = {"default_lot_ids": [fields.Command.set(self.ids)]}
        return action

    def _lt_hold_message(self, destination=None):
        """The refusal for held lots: lot, hold, reason, who placed it."""
        lines = []
        for lot in self:
            for hold in lot.active_hold_ids:
                lines.append(
                    _(
                        "Lot %(lot)s (%(product)s) is on hold %(hold)s: %(reason)s, "
                        "placed by %(user)s on %(date)s.",
                        lot=lot.name,
                        product=lot.product_id.display_name,
                        hold=hold.name,
                        reason=hold.reason_id.name,
                        user=hold.placed_by_id.name or "",
                        date=fields.Datetime.to_string(hold.placed_date) or "",
                    )
                )
        intro = (
            _("Held lots cannot go to %(location)s.", location=destination.display_name)
            if destination
            else _("Held lots cannot be used.")
        )
        advice = _(
            "Ask Quality to release the hold, or move the lot to quarantine, scrap it "
            "or return it to its supplier."
        )
        return "\n".join([intro, *lines, advice])


class StockLotRecalls(models.Model):
    _inherit = "stock.lot"

    recall_count = fields.Integer(
        compute="_compute_recall_count", help="Recalls that reached this lot."
    )
    near_expiry = fields.Boolean(
        compute="_compute_near_expiry",
        help="The alert date is reached but the lot has not expired yet.",
    )

    @api.depends_context("uid")
    def _compute_recall_count(self):
        if not self.ids or not self.env.user.has_group(TRACE_GROUP):
            self.recall_count = 0
            return
        counts = dict(
            self.env["stock.lot.recall.line"]._read_group(
                [("kind", "=", "lot"), ("lot_id", "in", self.ids)],
                ["lot_id"],
                ["recall_id:count_distinct"],
            )
        )
        for lot in self:
            lot.recall_count = counts.get(lot._origin, 0)

    @api.depends("alert_date", "expiration_date")
    def _compute_near_expiry(self):
        now = fields.Datetime.now()
        for lot in self:
            lot.near_expiry = bool(
                lot.alert_date
                and lot.alert_date <= now
                and not (lot.expiration_date and lot.expiration_date <= now)
            )

    def action_view_recalls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_traceability.stock_lot_recall_action"
        )
        recalls = (
            self.env["stock.lot.recall.line"]
            .search([("kind", "=", "lot"), ("lot_id", "=", self.id)])
            .recall_id
        )
        action["domain"] = [("id", "in", recalls.ids)]
        return action

    def action_new_recall(self):
        """Open a new mock recall of these lots."""
        self.env["stock.lot.hold"]._check_group(
            "lot_traceability.group_lot_traceability_user"
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("New Recall"),
            "res_model": "stock.lot.recall",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_scope": "lots",
                "default_lot_ids": [fields.Command.set(self.ids)],
            },
        }

    def action_print_dossier(self):
        self._check_trace_access()
        return self.env.ref("lot_traceability.action_report_lot_dossier").report_action(
            self
        )
