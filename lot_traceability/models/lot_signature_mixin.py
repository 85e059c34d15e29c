# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Electronic signatures (21 CFR 11.50, 11.70, 11.200, 11.300) for any record.

A model that is signed inherits ``lot.signature.mixin`` and overrides
``_signature_content()``. Signing takes the password as an argument of the
call, checks it with Odoo's own credential check, binds the signature to the
record and to the content the signer saw, and forgets the password: it is
never a field, never logged, never posted. Failed attempts are recorded on a
separate cursor (they survive the rollback of the refused request) and lock
signing for a while after ``LOCK_AFTER`` failures.
"""

import hashlib
import json
import logging
from datetime import timedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessDenied, UserError

_logger = logging.getLogger(__name__)

# Signature fields are written only through ``_signature_stamp``: this key
# together with superuser mode, never the key alone (a context key can come
# from any RPC call).
SIGNATURE_CONTEXT_KEY = "lt_signature_service"
SIGNATURE_FIELDS = (
    "signature_user_id",
    "signature_name",
    "signature_date",
    "signature_meaning",
    "signature_hash",
)
LOCK_AFTER = 5  # failed attempts...
LOCK_MINUTES = 15  # ...within this window lock signing for this long


class LotSignatureMixin(models.AbstractModel):
    _name = "lot.signature.mixin"
    _description = "Electronic Signature Mixin"

    signature_user_id = fields.Many2one(
        "res.users", string="Signer", readonly=True, copy=False
    )
    signature_name = fields.Char(string="Signed by", readonly=True, copy=False)
    signature_date = fields.Datetime(string="Signed on", readonly=True, copy=False)
    signature_meaning = fields.Char(string="Meaning", readonly=True, copy=False)
    signature_hash = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of the record's content, signer, time and meaning when it "
        "was signed.",
    )
    signature_valid = fields.Boolean(
        compute="_compute_signature_valid",
        help="False when the signed content changed after signing.",
    )

    def _compute_signature_valid(self):
        for record in self:
            record.signature_valid = bool(
                record.signature_hash
                and record.signature_hash == record._signature_digest()
            )

    def write(self, vals):
        if set(SIGNATURE_FIELDS).intersection(vals) and not self._signature_service():
            raise UserError(
                _(
                    "The signature of %(records)s is written only by signing: "
                    "re-enter your password in the signing dialog.",
                    records=", ".join(self.mapped("display_name")),
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------ to override
    def _signature_content(self):
        """The content a signer approves, as a JSON-serialisable dict (ids,
        names, states). Override; the signer, time and meaning are added by
        ``_signature_digest``."""
        self.ensure_one()
        return {"model": self._name, "id": self.id}

    # ------------------------------------------------------------ public API
    def _signature_content_digest(self):
        """SHA-256 of ``_signature_content()`` only: what a signing dialog
        shows, passed back as ``expected_digest`` to bind the signature to it."""
        self.ensure_one()
        return _sha256(self._signature_content())

    def _signature_digest(self):
        """SHA-256 of the content plus signer, time and meaning."""
        self.ensure_one()
        return _sha256(
            {
                "content": self._signature_content(),
                "signer": self.signature_user_id.id or None,
                "name": self.signature_name or "",
                "date": fields.Datetime.to_string(self.signature_date) or "",
                "meaning": self.signature_meaning or "",
            }
        )

    def _signature_verify(self, password, expected_digest=None):
        """Check that the current user may sign ``self`` now: not locked, the
        password is theirs (Odoo's credential check), the content is the one
        they saw (``expected_digest``, from ``_signature_content_digest``).
        Raises ``UserError`` otherwise; a wrong password is recorded even
        though the request is rolled back. Call it before writing anything."""
        self.ensure_one()
        user = self.env.user
        locked_until = self._signature_locked_until(user)
        if locked_until:
            self._signature_record_attempt("locked")
            raise UserError(
                _(
                    "Signing is locked for %(user)s until %(time)s (UTC) after "
                    "%(count)s wrong passwords: %(record)s was not signed. Wait, "
                    "or ask an administrator to check the attempts.",
                    user=user.name,
                    time=fields.Datetime.to_string(locked_until),
                    count=LOCK_AFTER,
                    record=self.display_name,
                )
            )
        try:
            if not isinstance(password, str) or not password:
                raise AccessDenied()
            user._check_credentials(
                {"login": user.login, "password": password, "type": "password"},
                {"interactive": True},
            )
        except AccessDenied as error:
            self._signature_record_attempt("wrong_password")
            raise UserError(
                _(
                    "Wrong password: %(record)s was not signed. Re-enter your own "
                    "password to sign (signing locks after %(count)s wrong "
                    "passwords).",
                    record=self.display_name,
                    count=LOCK_AFTER,
                )
            ) from error
        if expected_digest is not None and (
            expected_digest != self._signature_content_digest()
        ):
            raise UserError(
                _(
                    "%(record)s changed since you opened the signing dialog: it was "
                    "not signed. Open it again and review what you sign.",
                    record=self.display_name,
                )
            )

    def _signature_stamp(self, meaning):
        """Write the signature (signer, name, time, meaning, hash) on ``self``
        after ``_signature_verify`` passed; returns the values written."""
        self.ensure_one()
        user = self.env.user
        values = {
            "signature_user_id": user.id,
            "signature_name": user.name,
            "signature_date": fields.Datetime.now(),
            "signature_meaning": meaning,
        }
        stamper = self.sudo().with_context(**{SIGNATURE_CONTEXT_KEY: True})
        stamper.write(values)
        stamper.write({"signature_hash": self._signature_digest()})
        self._signature_record_attempt("success")
        return dict(values, signature_hash=self.signature_hash)

    def _sign(self, password, meaning, expected_digest=None):
        """Verify and stamp in one call (no other change to make in between)."""
        self._signature_verify(password, expected_digest)
        return self._signature_stamp(meaning)

    # ------------------------------------------------------------ internals
    def _signature_service(self):
        return self.env.su and self.env.context.get(SIGNATURE_CONTEXT_KEY)

    @api.model
    def _signature_locked_until(self, user):
        """End of the lock of ``user``'s signing, or False: LOCK_AFTER wrong
        passwords within LOCK_MINUTES since their last successful signature."""
        Attempt = self.env["lot.signature.attempt"].sudo()
        since = fields.Datetime.now() - timedelta(minutes=LOCK_MINUTES)
        last_success = Attempt.search(
            [("user_id", "=", user.id), ("result", "=", "success")],
            order="create_date desc, id desc",
            limit=1,
        )
        domain = [
            ("user_id", "=", user.id),
            ("result", "=", "wrong_password"),
            ("create_date", ">=", since),
        ]
        if last_success:
            domain.append(("id", ">", last_success.id))
        failures = Attempt.search(domain, order="create_date desc, id desc")
        if len(failures) < LOCK_AFTER:
            return False
        return failures[0].create_date + timedelta(minutes=LOCK_MINUTES)

    def _signature_record_attempt(self, result):
        """Record a signing attempt. Failures go through their own cursor so
        that they are kept when the refused request rolls back."""
        self.ensure_one()
        values = {
            "user_id": self.env.uid,
            "res_model": self._name,
            "res_id": self.id,
            "result": result,
        }
        if result == "success":
            self.env["lot.signature.attempt"].sudo().create(values)
            return
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["lot.signature.attempt"].create(values)
            record = env[self._name].browse(self.id)
            user = env["res.users"].browse(self.env.uid)
            if result == "wrong_password" and env[
                "lot.signature.mixin"
            ]._signature_locked_until(user):
                _logger.warning(
                    "Electronic signature locked for user %s (id %s) after %s "
                    "wrong passwords on %s,%s",
                    user.login,
                    user.id,
                    LOCK_AFTER,
                    self._name,
                    self.id,
                )
                if hasattr(record, "message_post"):
                    record.message_post(
                        body=_(
                            "Signing locked for %(user)s after %(count)s wrong "
                            "passwords in %(minutes)s minutes.",
                            user=user.name,
                            count=LOCK_AFTER,
                            minutes=LOCK_MINUTES,
                        ),
                        subtype_xmlid="mail.mt_note",
                    )


def _sha256(content):
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
