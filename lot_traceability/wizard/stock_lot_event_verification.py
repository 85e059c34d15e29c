# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models

PROBLEMS = [
    ("edited", "Edited entry"),
    ("missing", "Missing entry"),
    ("reordered", "Reordered entries"),
]


class StockLotEventVerification(models.TransientModel):
    """The result of "Verify audit trail": one line per company, with the head
    hash to anchor outside the database."""

    _name = "stock.lot.event.verification"
    _description = "Audit Trail Verification"

    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    all_ok = fields.Boolean(string="All Chains Intact", readonly=True)
    line_ids = fields.One2many(
        "stock.lot.event.verification.line", "verification_id", readonly=True
    )

    @api.model
    def _open(self, results):
        verification = self.create(
            {
                "all_ok": all(result["ok"] for result in results),
                "line_ids": [
                    fields.Command.create(
                        {
                            "company_id": result["company_id"],
                            "ok": result["ok"],
                            "event_count": result["count"],
                            "head_sequence": result["head_sequence"],
                            "head_hash": result["head_hash"],
                            "broken_sequence": result["broken_sequence"] or 0,
                            "broken_event_id": result["broken_event_id"],
                            "problem": result["problem"],
                            "message": result["message"],
                        }
                    )
                    for result in results
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Audit Trail Verification"),
            "res_model": self._name,
            "res_id": verification.id,
            "view_mode": "form",
            "target": "new",
        }


class StockLotEventVerificationLine(models.TransientModel):
    _name = "stock.lot.event.verification.line"
    _description = "Audit Trail Verification per Company"
    _order = "company_id"

    verification_id = fields.Many2one(
        "stock.lot.event.verification", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True)
    ok = fields.Boolean(string="Intact", readonly=True)
    event_count = fields.Integer(string="Entries Verified", readonly=True)
    head_sequence = fields.Integer(readonly=True)
    head_hash = fields.Char(readonly=True)
    broken_sequence = fields.Integer(string="First Broken Entry", readonly=True)
    broken_event_id = fields.Many2one("stock.lot.event", readonly=True)
    problem = fields.Selection(PROBLEMS, readonly=True)
    message = fields.Char(readonly=True)
