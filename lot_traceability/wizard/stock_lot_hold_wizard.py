# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.stock_lot_hold import DISPOSITIONS


class StockLotHoldWizard(models.TransientModel):
    """Place a hold on lots, optionally on everything made from them in stock."""

    _name = "stock.lot.hold.wizard"
    _description = "Place Lot Hold"

    lot_ids = fields.Many2many("stock.lot", string="Lots", required=True)
    reason_id = fields.Many2one("stock.lot.hold.reason", string="Reason", required=True)
    description = fields.Text()
    include_downstream = fields.Boolean(
        string="Also Hold Lots Made From Them",
        help="Trace the lots forward once and also hold every lot made from them "
        "that is still in stock.",
    )

    def action_confirm(self):
        self.ensure_one()
        Hold = self.env["stock.lot.hold"]
        Hold._check_group("lot_traceability.group_lot_traceability_user")
        lots = self.lot_ids
        description = self.description or ""
        if self.include_downstream:
            downstream = self._downstream_in_stock(lots)
            if downstream:
                lots |= downstream
                description = "\n".join(
                    filter(
                        None,
                        [
                            description,
                            _(
                                "Held with the lots made from %(origin)s still in "
                                "stock: %(lots)s.",
                                origin=", ".join(self.lot_ids.mapped("name")),
                                lots=", ".join(downstream.mapped("name")),
                            ),
                        ],
                    )
                )
        if len(lots.company_id) > 1:
            raise UserError(
                _(
                    "Lots %(lots)s belong to several companies: place one hold per "
                    "company.",
                    lots=", ".join(lots.mapped("display_name")),
                )
            )
        # a lot without company is held for the placer's current company only
        company = lots.company_id or self.env.company
        hold = Hold.with_company(company).create(
            {
                "lot_ids": [fields.Command.set(lots.ids)],
                "reason_id": self.reason_id.id,
                "description": description,
                "company_id": company.id,
            }
        )
        hold.action_place()
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.lot.hold",
            "res_id": hold.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _downstream_in_stock(self, lots):
        """Lots made from ``lots`` (one forward trace) with stock on hand."""
        depths = self.env["stock.lot.genealogy"]._reach(lots, "forward")
        downstream_ids = [lot_id for lot_id, depth in depths.items() if depth > 0]
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", downstream_ids),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ]
        )
        return quants.lot_id


class StockLotHoldDecision(models.TransientModel):
    """Release or reject a hold: a signing dialog (``lot.signature.dialog``)
    bound to one hold."""

    _name = "stock.lot.hold.decision"
    _inherit = "lot.signature.dialog"
    _description = "Lot Hold Decision"
    _signature_target = "hold_id"

    hold_id = fields.Many2one(
        "stock.lot.hold", required=True, readonly=True, ondelete="cascade"
    )
    decision = fields.Selection(
        [("release", "Release"), ("reject", "Reject")], required=True
    )
    disposition = fields.Selection(DISPOSITIONS)
    note = fields.Text(string="Decision Note", required=True)

    def _signature_sign(self, password):
        self.hold_id._decide(
            self.decision,
            self.note,
            self.disposition,
            password=password,
            expected_digest=self.content_digest,
        )

    def _signature_stale_message(self):
        return _(
            "A signing dialog stays with the hold it was opened on and is "
            "used once: open the decision again from hold %(hold)s.",
            hold=", ".join(self.hold_id.mapped("name")),
        )

    def _signature_not_yours_message(self):
        return _(
            "This decision on hold %(hold)s is not yours to sign or was "
            "already signed: open the decision again from the hold.",
            hold=self.hold_id.name,
        )


class StockLotHoldRegister(models.TransientModel):
    """The hold register an auditor asks for: every hold of a period."""

    _name = "stock.lot.hold.register"
    _description = "Hold Register"

    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    hold_ids = fields.Many2many("stock.lot.hold", compute="_compute_hold_ids")

    @api.depends("date_from", "date_to")
    def _compute_hold_ids(self):
        for register in self:
            register.hold_ids = self.env["stock.lot.hold"].search(
                register._domain(), order="placed_date, id"
            )

    def _domain(self):
        return [
            ("state", "!=", "draft"),
            ("placed_date", ">=", fields.Datetime.to_datetime(self.date_from)),
            (
                "placed_date",
                "<",
                fields.Datetime.to_datetime(self.date_to) + timedelta(days=1),
            ),
        ]

    def action_print(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(_("The register's start date is after its end date."))
        if not self.hold_ids:
            raise UserError(
                _(
                    "No hold was placed between %(start)s and %(end)s.",
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        return self.env.ref(
            "lot_traceability.action_report_hold_register"
        ).report_action(self)
