# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class LotSignatureAttempt(models.Model):
    """One attempt to sign a record electronically: who, what, when, and
    whether it was signed. Never the password."""

    _name = "lot.signature.attempt"
    _description = "Electronic Signature Attempt"
    _order = "create_date desc, id desc"
    _log_access = True

    user_id = fields.Many2one(
        "res.users", required=True, index=True, readonly=True, ondelete="restrict"
    )
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, readonly=True
    )
    result = fields.Selection(
        [
            ("success", "Signed"),
            ("wrong_password", "Wrong password"),
            ("locked", "Refused: signing locked"),
        ],
        required=True,
        readonly=True,
        index=True,
    )

    def write(self, vals):
        if vals:
            raise UserError(
                _("Signature attempts are a record: they cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Signature attempts are a record: they cannot be deleted."))
