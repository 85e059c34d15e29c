# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists


class LotSignatureDialog(models.AbstractModel):
    """A signing dialog: an electronic signature, password every time.

    The password is not a stored field: the form sends it in the context of the
    Sign button only (``lt_signature_password``), and ``action_confirm`` hands
    it to the signing call. A dialog is bound to one record (the field named
    by ``_signature_target``) and to the content shown when it opened
    (``content_digest``); it is used once, by the user who opened it.
    Subclasses override ``_signature_sign(password)`` and the two messages."""

    _name = "lot.signature.dialog"
    _description = "Electronic Signature Dialog"
    _signature_target = None  # the Many2one to the record signed

    content_digest = fields.Char(readonly=True)
    signed = fields.Boolean(readonly=True)
    # never stored: no column, nothing in the table (see the class docstring)
    password = fields.Char(
        store=False,
        help="Your password, re-entered to sign electronically. It is checked "
        "and forgotten; it is never saved.",
    )

    def init(self):
        # databases of earlier versions stored the password in this table
        if self._abstract:
            return
        if column_exists(self.env.cr, self._table, "password"):
            self.env.cr.execute(
                SQL("ALTER TABLE %s DROP COLUMN password", SQL.identifier(self._table))
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for name in ("password", "signed", "content_digest"):
                vals.pop(name, None)
        dialogs = super().create(vals_list)
        for dialog in dialogs:
            target = dialog[self._signature_target]
            dialog._signature_check_open(target)
            # what the signer is shown now is what the signature will cover
            super(LotSignatureDialog, dialog).write(
                {"content_digest": target._signature_content_digest()}
            )
        return dialogs

    def write(self, vals):
        vals.pop("password", None)
        refused = {self._signature_target, "content_digest", "signed"}
        if refused.intersection(vals) or self.filtered("signed"):
            raise UserError(self._signature_stale_message())
        return super().write(vals)

    def action_confirm(self, password=None):
        """Sign. ``password``: the signer's password, as an argument (RPC) or
        in the context of the Sign button; it is never stored."""
        self.ensure_one()
        if password is None:
            password = self.env.context.get("lt_signature_password")
        self = self.with_context(lt_signature_password=None)
        if self.create_uid != self.env.user or self.signed:
            raise UserError(self._signature_not_yours_message())
        self._signature_sign(password)
        super().write({"signed": True})
        return {"type": "ir.actions.act_window_close"}

    # ------------------------------------------------------------ to override
    def _signature_check_open(self, target):
        """May the user open a signing dialog on ``target``? Raise if not."""
        target.check_access("read")

    def _signature_sign(self, password):
        raise NotImplementedError

    def _signature_stale_message(self):
        return _("A signing dialog is used once: open it again.")

    def _signature_not_yours_message(self):
        return _("This signing dialog is not yours or was already signed.")
