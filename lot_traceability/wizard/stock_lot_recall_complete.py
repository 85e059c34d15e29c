# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class StockLotRecallComplete(models.TransientModel):
    """Complete a recall: an electronic signature, password every time.

    As in the hold decision, the password is not a stored field: the form
    sends it in the context of the Sign button only
    (``lt_signature_password``) and ``action_confirm`` hands it to
    ``stock.lot.recall.action_mark_complete``. The dialog is bound to one
    recall and to the content shown when it opened (``content_digest``)."""

    _name = "stock.lot.recall.complete"
    _description = "Complete Lot Recall"

    recall_id = fields.Many2one(
        "stock.lot.recall", required=True, readonly=True, ondelete="cascade"
    )
    kind = fields.Selection(related="recall_id.kind")
    customer_count = fields.Integer(related="recall_id.customer_count")
    result_hash = fields.Char(related="recall_id.result_hash")
    content_digest = fields.Char(readonly=True)
    signed = fields.Boolean(readonly=True)
    # never stored: no column, nothing in the table (see the class docstring)
    password = fields.Char(
        store=False,
        help="Your password, re-entered to sign the completion electronically. "
        "It is checked and forgotten; it is never saved.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for name in ("password", "signed", "content_digest"):
                vals.pop(name, None)
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard.recall_id._check_may_complete()
            # what the signer is shown now is what the signature will cover
            super(StockLotRecallComplete, wizard).write(
                {"content_digest": wizard.recall_id._signature_content_digest()}
            )
        return wizards

    def write(self, vals):
        vals.pop("password", None)
        refused = {"recall_id", "content_digest", "signed"}.intersection(vals)
        if refused or self.filtered("signed"):
            raise UserError(
                _(
                    "A signing dialog stays with the recall it was opened on and is "
                    "used once: use Mark Complete again on recall %(recall)s.",
                    recall=", ".join(self.recall_id.mapped("name")),
                )
            )
        return super().write(vals)

    def action_confirm(self, password=None):
        """Sign. ``password``: the signer's password, as an argument (RPC) or
        in the context of the Sign button; it is never stored."""
        self.ensure_one()
        if password is None:
            password = self.env.context.get("lt_signature_password")
        self = self.with_context(lt_signature_password=None)
        if self.create_uid != self.env.user or self.signed:
            raise UserError(
                _(
                    "This completion of recall %(recall)s is not yours to sign or "
                    "was already signed: use Mark Complete again on the recall.",
                    recall=self.recall_id.name,
                )
            )
        self.recall_id.action_mark_complete(
            password=password or "", expected_digest=self.content_digest
        )
        super().write({"signed": True})
        return {"type": "ir.actions.act_window_close"}
