# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import binascii

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.stock_lot_ledger import parse_anchors

PROBLEMS = [
    ("edited", "Edited entry"),
    ("missing", "Missing entries"),
    ("reordered", "Broken link (reordered, replaced or re-chained)"),
    ("anchor", "Does not match an anchor"),
]


class StockLotEventVerification(models.TransientModel):
    """The result of "Verify audit trail": one line per company with its
    sealed head, every break found, and the anchors to check against (pasted,
    or an anchor file); the current heads can be downloaded as an anchor file."""

    _name = "stock.lot.event.verification"
    _description = "Audit Trail Verification"

    date = fields.Datetime(readonly=True, default=fields.Datetime.now)
    all_ok = fields.Boolean(string="All Chains Intact", readonly=True)
    anchor_text = fields.Text(
        string="Anchors",
        help="Paste anchor lines (LT-ANCHOR v1 …) from a mail, a report or an "
        "anchor file: the chain must still hold each anchored entry unchanged.",
    )
    anchor_file = fields.Binary()
    anchor_filename = fields.Char()
    anchor_count = fields.Integer(string="Anchors Checked", readonly=True)
    export_file = fields.Binary(
        string="Anchor File of the Current Heads", readonly=True
    )
    export_filename = fields.Char(readonly=True)
    line_ids = fields.One2many(
        "stock.lot.event.verification.line", "verification_id", readonly=True
    )
    break_ids = fields.One2many(
        "stock.lot.event.verification.break", "verification_id", readonly=True
    )

    @api.model
    def _open(self, companies, anchors=None):
        verification = self.create({"anchor_text": anchors or False})
        verification._run(companies)
        return verification._action()

    def _action(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Audit Trail Verification"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_verify(self):
        """Verify again, against the anchors pasted or uploaded."""
        self.ensure_one()
        self.env["stock.lot.event"]._check_auditor()
        self._run(self.env.companies)
        return self._action()

    def _anchors(self):
        text = self.anchor_text or ""
        if self.anchor_file:
            try:
                text += "\n" + base64.b64decode(self.anchor_file).decode()
            except (binascii.Error, UnicodeDecodeError) as error:
                raise UserError(
                    _(
                        "%(file)s is not an anchor file (text with LT-ANCHOR lines).",
                        file=self.anchor_filename or _("The file"),
                    )
                ) from error
        anchors = parse_anchors(text)
        if text.strip() and not anchors:
            raise UserError(
                _(
                    "No anchor found in what you gave: an anchor line reads "
                    "'LT-ANCHOR v1 db=… company=… sequence=… hash=… sealed=…' "
                    "(from the anchor mail, a report footer or an anchor file)."
                )
            )
        return anchors

    def _run(self, companies):
        ledger = self.env["stock.lot.ledger"]
        anchors = self._anchors()
        results = ledger._verify(companies, anchors)
        if anchors and not any(result["anchors"] for result in results):
            raise UserError(
                _(
                    "None of the %(count)s anchor(s) given is for one of your "
                    "companies in this database: check the company and the "
                    "database (db=…) of the anchor lines.",
                    count=len(anchors),
                )
            )
        lines, breaks = [fields.Command.clear()], [fields.Command.clear()]
        for result in results:
            lines.append(
                fields.Command.create(
                    {
                        "company_id": result["company_id"],
                        "ok": result["ok"],
                        "event_count": result["count"],
                        "pending_count": result["pending"],
                        "head_sequence": result["head_sequence"],
                        "head_hash": result["head_hash"],
                        "head_date": result["head_date"],
                        "break_count": result["break_count"],
                        "broken_sequence": result["broken_sequence"] or 0,
                        "broken_event_id": result["broken_event_id"],
                        "problem": result["problem"],
                        "message": result["message"],
                    }
                )
            )
            breaks += [
                fields.Command.create(
                    {
                        "company_id": result["company_id"],
                        "sequence": item["sequence"],
                        "event_id": item["event_id"],
                        "problem": item["problem"],
                        "message": item["message"],
                    }
                )
                for item in result["breaks"]
            ]
        self.write(
            {
                "date": fields.Datetime.now(),
                "all_ok": all(result["ok"] for result in results),
                "anchor_count": sum(len(result["anchors"]) for result in results),
                "line_ids": lines,
                "break_ids": breaks,
                "export_file": base64.b64encode(
                    ledger._anchor_text(companies).encode()
                ),
                "export_filename": "audit-trail-anchor-"
                f"{fields.Datetime.now():%Y%m%d-%H%M%S}.txt",
            }
        )
        return results


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
    pending_count = fields.Integer(
        string="Pending Seal",
        readonly=True,
        help="Events appended but not sealed yet (the seal runs every few minutes).",
    )
    head_sequence = fields.Integer(readonly=True)
    head_hash = fields.Char(readonly=True)
    head_date = fields.Datetime(string="Sealed", readonly=True)
    break_count = fields.Integer(string="Breaks", readonly=True)
    broken_sequence = fields.Integer(string="First Broken Entry", readonly=True)
    broken_event_id = fields.Many2one("stock.lot.event", readonly=True)
    problem = fields.Selection(PROBLEMS, readonly=True)
    message = fields.Char(readonly=True)


class StockLotEventVerificationBreak(models.TransientModel):
    _name = "stock.lot.event.verification.break"
    _description = "Audit Trail Verification Break"
    _order = "company_id, sequence, id"

    verification_id = fields.Many2one(
        "stock.lot.event.verification", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", readonly=True)
    sequence = fields.Integer(string="Entry", readonly=True)
    event_id = fields.Many2one("stock.lot.event", readonly=True)
    problem = fields.Selection(PROBLEMS, readonly=True)
    message = fields.Char(readonly=True)
