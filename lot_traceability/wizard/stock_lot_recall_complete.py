# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, fields, models


class StockLotRecallComplete(models.TransientModel):
    """Complete a recall: a signing dialog (``lot.signature.dialog``) bound to
    one recall; ``stock.lot.recall.action_mark_complete`` signs."""

    _name = "stock.lot.recall.complete"
    _inherit = "lot.signature.dialog"
    _description = "Complete Lot Recall"
    _signature_target = "recall_id"

    recall_id = fields.Many2one(
        "stock.lot.recall", required=True, readonly=True, ondelete="cascade"
    )
    kind = fields.Selection(related="recall_id.kind")
    customer_count = fields.Integer(related="recall_id.customer_count")
    result_hash = fields.Char(related="recall_id.result_hash")

    def _signature_check_open(self, target):
        target._check_may_complete()

    def _signature_sign(self, password):
        self.recall_id.action_mark_complete(
            password=password or "", expected_digest=self.content_digest
        )

    def _signature_stale_message(self):
        return _(
            "A signing dialog stays with the recall it was opened on and is "
            "used once: use Mark Complete again on recall %(recall)s.",
            recall=", ".join(self.recall_id.mapped("name")),
        )

    def _signature_not_yours_message(self):
        return _(
            "This completion of recall %(recall)s is not yours to sign or "
            "was already signed: use Mark Complete again on the recall.",
            recall=self.recall_id.name,
        )
