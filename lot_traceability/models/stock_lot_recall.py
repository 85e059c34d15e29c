# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Mock and real recalls: one trace, stored, reconciled, acted upon.

Running a recall calls the genealogy service once and copies what it found
into the recall's lines (names, contacts and quantities included), so the
record stays what it was on the day even when stock moves later. The mass
balance reconciles each origin lot from its done move lines in one query.

A traced recall is sealed evidence: its results are stored set-based and
fingerprinted by ``stock.lot.recall.evidence``, the fingerprint goes into the
audit trail (``recall_run``), and from then on the scope, kind, state,
timings and results change only through the recall's own actions, each of
which appends its event (customer verified, notice sent, ``recall_completed``).
"""

import io
import random
import time
from collections import defaultdict
from datetime import datetime

import pytz
import xlsxwriter
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round
from odoo.tools.sql import escape_psql

from .lot_signature_mixin import SIGNATURE_FIELDS
from .lt_groups import MANAGER_GROUP, USER_GROUP
from .stock_lot_recall_evidence import is_service, sealed

SCOPES = [
    ("lots", "Lots"),
    ("supplier_lot", "Supplier lot"),
    ("product_dates", "Product and dates"),
    ("receipt", "Receipt"),
]
LINE_KINDS = [
    ("lot", "Affected lot"),
    ("delivery", "Delivery"),
    ("receipt", "Receipt"),
    ("production", "Manufacturing"),
    ("stock", "Stock on hand"),
    ("open_move", "Open operation"),
    ("gap", "Trace gap"),
]
# What the scope is made of: fixed once the recall has run.
SCOPE_FIELDS = {
    "company_id",
    "direction",
    "scope",
    "lot_ids",
    "supplier_id",
    "supplier_lot_name",
    "product_id",
    "date_kind",
    "date_from",
    "date_to",
    "picking_id",
    "target_hours",
}
# Written by the recall's own actions only (``sealed()``), never by a client.
SERVICE_FIELDS = {
    "name",
    "state",
    "origin_lot_ids",
    "line_ids",
    "lot_line_ids",
    "delivery_line_ids",
    "receipt_line_ids",
    "production_line_ids",
    "stock_line_ids",
    "open_move_line_ids",
    "gap_line_ids",
    "customer_ids",
    "balance_ids",
    "hold_id",
    "queued_by_id",
    "started_at",
    "trace_ms",
    "completed_at",
    "completed_by_id",
    "duration_hours",
    "within_target",
    "lot_count",
    "customer_count",
    "accounted_percent",
    "balance_ok",
    "result_hash",
    "scheduled",
    "estimated_lines",
}


class StockLotRecall(models.Model):
    _name = "stock.lot.recall"
    _description = "Lot Recall"
    _inherit = ["mail.thread", "mail.activity.mixin", "lot.signature.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [("mock", "Mock recall (exercise)"), ("real", "Real recall")],
        required=True,
        default="mock",
        tracking=True,
    )
    direction = fields.Selection(
        [("both", "Both"), ("forward", "Downstream"), ("backward", "Upstream")],
        required=True,
        default="both",
    )
    scope = fields.Selection(SCOPES, required=True, default="lots")
    lot_ids = fields.Many2many(
        "stock.lot", string="Lots", check_company=True, help="The lots to recall."
    )
    supplier_id = fields.Many2one("res.partner", string="Supplier")
    supplier_lot_name = fields.Char(string="Supplier Lot")
    product_id = fields.Many2one("product.product", string="Product")
    date_kind = fields.Selection(
        [("production", "Produced"), ("receipt", "Received")], default="production"
    )
    date_from = fields.Date()
    date_to = fields.Date()
    picking_id = fields.Many2one(
        "stock.picking",
        string="Receipt",
        check_company=True,
        domain="[('picking_type_code', '=', 'incoming'), ('state', '=', 'done')]",
    )
    description = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Running in background"),
            ("traced", "Traced"),
            ("completed", "Completed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    origin_lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_recall_origin_rel",
        "recall_id",
        "lot_id",
        string="Origin Lots",
        readonly=True,
        copy=False,
    )
    line_ids = fields.One2many("stock.lot.recall.line", "recall_id", readonly=True)
    lot_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "lot")]
    )
    delivery_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "delivery")]
    )
    receipt_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "receipt")]
    )
    production_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "production")]
    )
    stock_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "stock")]
    )
    open_move_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "open_move")]
    )
    gap_line_ids = fields.One2many(
        "stock.lot.recall.line", "recall_id", domain=[("kind", "=", "gap")]
    )
    customer_ids = fields.One2many(
        "stock.lot.recall.customer", "recall_id", string="Customers", readonly=True
    )
    balance_ids = fields.One2many(
        "stock.lot.recall.balance", "recall_id", string="Mass Balance", readonly=True
    )
    notice_ids = fields.One2many(
        "stock.lot.recall.notice", "recall_id", string="Customer Notices"
    )
    hold_id = fields.Many2one("stock.lot.hold", readonly=True, copy=False)
    queued_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    started_at = fields.Datetime(readonly=True, copy=False)
    trace_ms = fields.Float(string="Trace Time (ms)", readonly=True, copy=False)
    completed_at = fields.Datetime(readonly=True, copy=False)
    completed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    target_hours = fields.Float(
        default=lambda self: self.env.company.lot_recall_target_hours,
        help="Time allowed to trace and verify every customer (BRCGS, SQF: 4 h).",
    )
    duration_hours = fields.Float(compute="_compute_duration", store=True)
    within_target = fields.Boolean(compute="_compute_duration", store=True)
    lot_count = fields.Integer(readonly=True, copy=False)
    customer_count = fields.Integer(readonly=True, copy=False)
    accounted_percent = fields.Float(
        string="Accounted For (%)", readonly=True, copy=False, aggregator="avg"
    )
    balance_ok = fields.Boolean(
        string="Mass Balance Complete", readonly=True, copy=False
    )
    result_hash = fields.Char(
        string="Results Fingerprint",
        readonly=True,
        copy=False,
        help="SHA-256 of the stored results, printed on the recall report.",
    )
    scheduled = fields.Boolean(readonly=True, copy=False)
    estimated_lines = fields.Integer(
        readonly=True,
        copy=False,
        help="Done move lines of the lots the scope reaches, counted before the "
        "trace: above the system parameter lot_traceability.recall_background_lines "
        "the recall runs in the background.",
    )
    progress_phase = fields.Char(compute="_compute_progress")
    progress_percent = fields.Integer(compute="_compute_progress")

    @api.depends("started_at", "completed_at", "target_hours")
    def _compute_duration(self):
        for recall in self:
            if recall.started_at and recall.completed_at:
                seconds = (recall.completed_at - recall.started_at).total_seconds()
                recall.duration_hours = seconds / 3600
                recall.within_target = recall.duration_hours <= recall.target_hours
            else:
                recall.duration_hours = 0.0
                recall.within_target = False

    def _compute_progress(self):
        progress = self.env["stock.lot.recall.evidence"]._progress(
            self.filtered(lambda r: r.state == "queued" and r.id)
        )
        for recall in self:
            phase, percent, __ = progress.get(recall.id, (False, 0, None))
            if recall.state == "queued" and not phase:
                phase = _("waiting for the background job")
            recall.progress_phase = phase
            recall.progress_percent = percent

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_scope_dates(vals)
        if not is_service(self.env):
            for vals in vals_list:
                service = {
                    name
                    for name, value in vals.items()
                    if (name in SERVICE_FIELDS or name in SIGNATURE_FIELDS)
                    and value
                    and not (name == "state" and value == "draft")
                    and not (name == "name" and value == "/")
                }
                if service:
                    raise UserError(
                        _(
                            "A recall is created as a draft: %(fields)s are set by "
                            "running and completing it.",
                            fields=self._field_labels(service),
                        )
                    )
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                code = (
                    "stock.lot.recall.real"
                    if vals.get("kind") == "real"
                    else "stock.lot.recall.mock"
                )
                vals["name"] = self.env["ir.sequence"].next_by_code(code)
        return super().create(vals_list)

    def write(self, vals):
        self._check_scope_dates(vals)
        if not is_service(self.env):
            self._check_writable(vals)
        return super().write(vals)

    def _check_scope_dates(self, vals):
        """A scope date that is not a date (over RPC: any string) is refused by
        name before Odoo's own conversion fails with a bare ``ValueError``."""
        for name in ("date_from", "date_to"):
            value = vals.get(name)
            if not value:
                continue
            try:
                fields.Date.to_date(value)
            except (TypeError, ValueError) as error:
                raise UserError(
                    _(
                        "Recall %(recall)s: %(field)s %(value)r is not a date; "
                        "give it as YYYY-MM-DD.",
                        recall=", ".join(self.mapped("name")) or _("new recall"),
                        field=self._fields[name]._description_string(self.env),
                        value=value,
                    )
                ) from error

    def unlink(self):
        run = self.filtered(lambda r: r.state != "draft")
        if run and not is_service(self.env):
            raise UserError(
                _(
                    "Recall %(recalls)s has been run: it is evidence and cannot be "
                    "deleted.",
                    recalls=", ".join(run.mapped("name")),
                )
            )
        return super().unlink()

    def _field_labels(self, names):
        return ", ".join(
            sorted(self._fields[name]._description_string(self.env) for name in names)
        )

    def _check_writable(self, vals):
        """Clients may edit a draft's scope and, at any time, the description;
        the rest is the recall's own record of what happened."""
        service = set(vals) & SERVICE_FIELDS
        if service:
            raise UserError(
                _(
                    "Recall %(recalls)s: %(fields)s are written by the recall itself "
                    "(Run Trace, Verify, Mark Complete), never edited.",
                    recalls=", ".join(self.mapped("name")),
                    fields=self._field_labels(service),
                )
            )
        if "kind" in vals:
            changed = self.filtered(lambda r: r.kind != vals["kind"])
            if changed:
                raise UserError(
                    _(
                        "Recall %(recalls)s: the kind (mock or real) is fixed when "
                        "the recall is created; create a new recall instead.",
                        recalls=", ".join(changed.mapped("name")),
                    )
                )
        scope = set(vals) & SCOPE_FIELDS
        run = self.filtered(lambda r: r.state != "draft")
        if scope and run:
            raise UserError(
                _(
                    "Recall %(recalls)s has been run: its %(fields)s are sealed. "
                    "Create a new recall to trace another scope.",
                    recalls=", ".join(run.mapped("name")),
                    fields=self._field_labels(scope),
                )
            )

    # ------------------------------------------------------------------ actions
    def action_run(self):
        """Resolve the scope, trace once, store everything found. A recall whose
        result would be large (more done move lines on the lots it reaches than
        the system parameter ``lot_traceability.recall_background_lines``,
        20,000 by default; counted by one walk without details) runs in the
        background instead: the screen never freezes, the form shows the
        progress, and the user is notified when the results are in."""
        threshold = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("lot_traceability.recall_background_lines", 20000)
        )
        queued = self.browse()
        for recall in self:
            recall._check_may_run()
            estimate = recall._estimate_lines()
            if estimate > threshold:
                sealed(recall).write(
                    {
                        "state": "queued",
                        "queued_by_id": self.env.uid,
                        "estimated_lines": estimate,
                    }
                )
                queued |= recall
            else:
                sealed(recall).estimated_lines = estimate
                recall._run()
        for recall in queued:
            recall.message_post(
                body=_(
                    "Large result (about %(lines)s move lines): the trace runs in "
                    "the background; you will be notified when the results are in.",
                    lines=recall.estimated_lines,
                ),
                subtype_xmlid="mail.mt_note",
            )
        if queued:
            self.env.ref("lot_traceability.ir_cron_run_queued_recalls")._trigger()
        return True

    def _estimate_lines(self):
        """The size of the result before computing it: the done move lines of
        every lot the scope reaches (the walk without its detail queries)."""
        reached = self.env["stock.lot.genealogy"]._reach(
            self._scope_lots(), self.direction
        )
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM stock_move_line "
                "WHERE lot_id = ANY(%s) AND state = 'done'",
                list(reached),
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _cron_run_queued(self):
        """Run the queued recalls with the rights of who asked, and tell them. A
        recall that cannot run (its scope no longer resolves) goes back to
        draft with the reason; the others still run."""
        queued = self.search([("state", "=", "queued")], order="id")
        Cron = self.env["ir.cron"]
        for done, recall in enumerate(queued):
            user = recall.queued_by_id or self.env.user
            mine = recall.with_user(user).with_company(recall.company_id)
            try:
                with self.env.cr.savepoint():
                    mine._run()
            except UserError as error:
                sealed(recall).state = "draft"
                recall.message_post(
                    body=_(
                        "%(recall)s could not run in the background: %(error)s",
                        recall=recall.name,
                        error=error.args[0],
                    ),
                    partner_ids=user.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                continue
            mine.message_post(
                body=_(
                    "%(recall)s is ready: %(lots)s lots and %(customers)s customers "
                    "traced.",
                    recall=recall.name,
                    lots=recall.lot_count,
                    customers=recall.customer_count,
                ),
                partner_ids=user.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            Cron._notify_progress(done=done + 1, remaining=len(queued) - done - 1)
        return True

    def action_hold_affected(self):
        """One hold (reason Recall) on every affected lot still in stock."""
        self.ensure_one()
        self._check_traced()
        lots = self.stock_line_ids.lot_id | self.open_move_line_ids.lot_id
        if not lots:
            raise UserError(
                _("No stock of recall %(recall)s is left to hold.", recall=self.name)
            )
        self._hold(lots)
        return True

    def action_stop_open_deliveries(self):
        """Unreserve and hold the lots of the open deliveries and orders."""
        self.ensure_one()
        self._check_traced()
        lots = self.open_move_line_ids.lot_id
        if not lots:
            raise UserError(
                _(
                    "Recall %(recall)s found no open delivery or manufacturing order "
                    "using its lots.",
                    recall=self.name,
                )
            )
        self._hold(lots)
        return True

    def action_prepare_notices(self):
        """One notice per customer from the recall template: drafts. A mock recall
        never sends them."""
        self.ensure_one()
        self._check_traced()
        self.check_access("write")
        self.notice_ids.filtered(lambda n: n.state == "draft").unlink()
        template = self.env.ref("lot_traceability.mail_template_recall_notice")
        notices = self.env["stock.lot.recall.notice"].create(
            [
                {"recall_id": self.id, "customer_id": customer.id}
                for customer in self.customer_ids
            ]
        )
        for notice in notices:
            notice.write(
                {
                    "subject": template._render_field("subject", notice.ids)[notice.id],
                    "body_html": template._render_field("body_html", notice.ids)[
                        notice.id
                    ],
                }
            )
        return True

    def action_open_complete(self):
        """The signing dialog of the completion (password every time)."""
        self.ensure_one()
        self._check_may_complete()
        return {
            "type": "ir.actions.act_window",
            "name": _("Complete %(recall)s", recall=self.name),
            "res_model": "stock.lot.recall.complete",
            "view_mode": "form",
            "target": "new",
            "context": {"default_recall_id": self.id},
        }

    def _check_may_complete(self):
        """Who may complete and when: traced, every customer verified; a real
        recall is completed by a Quality Manager."""
        self.ensure_one()
        self._check_traced()
        self.check_access("write")
        self.env["stock.lot.hold"]._check_group(
            MANAGER_GROUP if self.kind == "real" else USER_GROUP
        )
        if self.state == "completed":
            raise UserError(
                _("Recall %(recall)s is already completed.", recall=self.name)
            )
        unverified = self.customer_ids.filtered(lambda c: not c.verified)
        if unverified:
            raise UserError(
                _(
                    "Verify every customer of recall %(recall)s before completing "
                    "it; still to verify: %(customers)s.",
                    recall=self.name,
                    customers=", ".join(unverified.mapped("name")),
                )
            )

    def _signature_content(self):
        """What the person completing a recall signs: the recall, its sealed
        results (their fingerprint) and every customer's verification."""
        self.ensure_one()
        return {
            "model": self._name,
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "company_id": self.company_id.id,
            "origin_lot_ids": sorted(self.origin_lot_ids.ids),
            "result_hash": self.result_hash or "",
            "customers": sorted(
                [
                    customer.partner_id.id or None,
                    customer.name or "",
                    bool(customer.verified),
                    customer.verified_by_id.id or None,
                    fields.Datetime.to_string(customer.verified_at) or "",
                ]
                for customer in self.customer_ids
            ),
        }

    def action_mark_complete(self, password=None, expected_digest=None):
        """Complete the recall with an electronic signature: ``password`` is
        the signer's own password, as an argument (RPC, or the signing dialog
        ``stock.lot.recall.complete``), checked and forgotten; the completion
        is appended to the audit trail (``recall_completed``) with the
        signature. ``expected_digest``: the content the signer was shown."""
        self.ensure_one()
        self._check_may_complete()
        if password is None:
            raise UserError(
                _(
                    "Completing recall %(recall)s is an electronic signature: "
                    "use Mark Complete and re-enter your password.",
                    recall=self.name,
                )
            )
        self._signature_verify(password, expected_digest)
        now = fields.Datetime.now()
        sealed(self).write(
            {
                "state": "completed",
                "completed_at": now,
                "completed_by_id": self.env.user.id,
            }
        )
        signature = self._signature_stamp(_("Recall completed"))
        verification = self.env["stock.lot.recall.evidence"]._verify(self)
        self.env["stock.lot.event"]._append(
            "recall_completed",
            lots=self.origin_lot_ids,
            document=self,
            payload={
                "recall": self.name,
                "kind": self.kind,
                "completed_at": fields.Datetime.to_string(now),
                "completed_by": self.env.user.name,
                "duration_hours": round(self.duration_hours, 4),
                "target_hours": self.target_hours,
                "within_target": self.within_target,
                "result_hash": self.result_hash,
                "fingerprint_verified": verification["ok"],
                "customers_verified": [
                    [c.name, fields.Datetime.to_string(c.verified_at)]
                    for c in self.customer_ids
                ],
                "signature": {
                    "signer_id": signature["signature_user_id"],
                    "signer": signature["signature_name"],
                    "date": fields.Datetime.to_string(signature["signature_date"]),
                    "meaning": signature["signature_meaning"],
                    "hash": signature["signature_hash"],
                },
            },
            company=self.company_id,
        )
        return True

    def action_export_customers(self):
        """The customer list as an XLSX download, from the stored results."""
        self.ensure_one()
        self._check_traced()
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"{self.name.replace('/', '-')}-customers.xlsx",
                "raw": self._customers_xlsx(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/vnd.openxmlformats-officedocument"
                ".spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_print_report(self):
        self.ensure_one()
        self._check_traced()
        return self.env.ref("lot_traceability.action_report_recall").report_action(self)

    def action_download_annex(self):
        """The full detail of the results (XLSX), attached to the recall."""
        self.ensure_one()
        self._check_traced()
        self.check_access("read")
        annex = self.env["stock.lot.recall.evidence"]._annex(self)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{annex.id}?download=true",
            "target": "self",
        }

    # ----------------------------------------------------------------- business
    def _check_may_run(self):
        self.check_access("write")
        self.env["stock.lot.hold"]._check_group(
            MANAGER_GROUP if self.kind == "real" else USER_GROUP
        )
        if self.state == "queued":
            raise UserError(
                _(
                    "Recall %(recall)s is already running in the background.",
                    recall=self.name,
                )
            )
        if self.state != "draft":
            raise UserError(
                _("Recall %(recall)s has already been run.", recall=self.name)
            )

    def _check_traced(self):
        if self.state in ("draft", "queued"):
            raise UserError(
                _("Run recall %(recall)s first.", recall=self.name),
            )

    def _scope_lots(self):
        """The origin lots of the recall, from its scope.

        A supplier lot number matches as typed, case aside (``_`` and ``%``
        are characters, not wildcards); a date range is read in the user's
        time zone (the company's when the user has none): from midnight of
        the first day to midnight after the last."""
        Lot = self.env["stock.lot"]
        if self.scope == "lots":
            lots = self.lot_ids
            hint = _("Select the lots to recall.")
        elif self.scope == "supplier_lot":
            if not (self.supplier_id and (self.supplier_lot_name or "").strip()):
                raise UserError(
                    _(
                        "Recall %(recall)s: give the supplier and its lot number.",
                        recall=self.name,
                    )
                )
            lots = Lot.search(
                [
                    (
                        "supplier_id",
                        "child_of",
                        self.supplier_id.commercial_partner_id.id,
                    ),
                    (
                        "supplier_lot_name",
                        "=ilike",
                        escape_psql(self.supplier_lot_name.strip()),
                    ),
                ]
            )
            hint = _(
                "No lot received from %(supplier)s has supplier lot %(lot)s.",
                supplier=self.supplier_id.display_name,
                lot=self.supplier_lot_name,
            )
        elif self.scope == "product_dates":
            if not (self.product_id and self.date_from and self.date_to):
                raise UserError(
                    _(
                        "Recall %(recall)s: give the product and the date range.",
                        recall=self.name,
                    )
                )
            start, end = self._scope_period()
            usage = "production" if self.date_kind == "production" else "supplier"
            lines = self.env["stock.move.line"].search(
                [
                    ("product_id", "=", self.product_id.id),
                    ("state", "=", "done"),
                    ("lot_id", "!=", False),
                    ("location_id.usage", "=", usage),
                    ("date", ">=", start),
                    ("date", "<", end),
                ]
            )
            lots = lines.lot_id
            hint = _(
                "No lot of %(product)s was %(what)s between %(start)s and %(end)s.",
                product=self.product_id.display_name,
                what=_("produced") if usage == "production" else _("received"),
                start=self.date_from,
                end=self.date_to,
            )
        else:
            if not self.picking_id:
                raise UserError(
                    _("Recall %(recall)s: choose the receipt.", recall=self.name)
                )
            lots = self.picking_id.move_line_ids.filtered(
                lambda line: line.state == "done"
            ).lot_id
            hint = _(
                "Receipt %(picking)s has no received lot.", picking=self.picking_id.name
            )
        if not lots:
            raise UserError(
                _("Recall %(recall)s: %(hint)s", recall=self.name, hint=hint)
            )
        return lots

    def _scope_period(self):
        """The scope's date range as UTC datetimes ``[start, end)``."""
        try:
            date_from = fields.Date.to_date(self.date_from)
            date_to = fields.Date.to_date(self.date_to)
        except (TypeError, ValueError) as error:
            raise UserError(
                _(
                    "Recall %(recall)s: the date range %(start)s - %(end)s is not "
                    "made of valid dates (YYYY-MM-DD).",
                    recall=self.name,
                    start=self.date_from,
                    end=self.date_to,
                )
            ) from error
        if date_from > date_to:
            raise UserError(
                _(
                    "Recall %(recall)s: the start date is after the end date.",
                    recall=self.name,
                )
            )
        tz_name = (
            self.env.user.tz
            or self.company_id.partner_id.tz
            or self.env.company.partner_id.tz
            or "UTC"
        )
        try:
            tz = pytz.timezone(tz_name)
        except pytz.UnknownTimeZoneError:
            tz = pytz.utc

        def utc(day):
            local = tz.localize(datetime.combine(day, datetime.min.time()))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(date_from), utc(date_to + relativedelta(days=1))

    def _run(self):
        """Trace, store the results set-based, fingerprint and seal them."""
        Evidence = self.env["stock.lot.recall.evidence"]
        background = self.state == "queued"
        started = fields.Datetime.now()
        clock = time.perf_counter()
        if background:
            Evidence._set_progress(self, _("tracing the genealogy"), 5)
        origins = self._scope_lots()
        result = self.env["stock.lot.genealogy"]._trace(origins, self.direction)
        lot_ids = [row["id"] for row in result["lots"]]
        if background:
            Evidence._set_progress(self, _("storing the results"), 50)
        open_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", lot_ids),
                ("state", "not in", ("done", "cancel")),
                "|",
                "|",
                ("location_dest_id.usage", "in", ("customer", "production")),
                ("picking_code", "=", "outgoing"),
                # the receipt that takes stock out of a transit location
                ("location_id.usage", "=", "transit"),
            ]
        )
        picking_ids = list(
            {
                row["picking_id"]
                for key in ("deliveries", "receipts")
                for row in result[key]
                if row["picking_id"]
            }
        )
        self.env.cr.execute(
            SQL("SELECT id, name FROM stock_picking WHERE id = ANY(%s)", picking_ids)
        )
        picking_names = dict(self.env.cr.fetchall())
        lines = self._result_lines(result, open_lines, picking_names)
        customers = self._customer_vals(result["deliveries"], picking_names)
        balances = self._mass_balance(origins, result)
        Evidence._store(self, "stock.lot.recall.line", lines)
        Evidence._store(self, "stock.lot.recall.customer", customers)
        Evidence._store(self, "stock.lot.recall.balance", balances)
        if background:
            Evidence._set_progress(self, _("sealing the results"), 85)
        origin_balances = [b for b in balances if b["role"] == "origin"]
        total_in = sum(b["quantity_in"] for b in origin_balances)
        total_out = total_in - sum(b["unaccounted"] for b in origin_balances)
        percent = 100.0 * total_out / total_in if total_in else 100.0
        sealed(self).write(
            {
                "state": "traced",
                "origin_lot_ids": [fields.Command.set(origins.ids)],
                "started_at": started,
                "lot_count": len(lot_ids),
                "customer_count": len(customers),
                "accounted_percent": float_round(percent, 2),
                "balance_ok": all(
                    b["accounted_percent"] >= 100.0 - 1e-6 for b in balances
                ),
                "trace_ms": round((time.perf_counter() - clock) * 1000, 1),
            }
        )
        self._seal(lines, customers, balances)
        if background:
            Evidence._set_progress(self, _("writing the detail annex"), 92)
        # the XLSX annex of every stored row, attached now: the report prints
        # its SHA-256 and must not have to write it (its request is read-only)
        Evidence._annex(self)
        if self.kind == "real":
            in_stock = self.stock_line_ids.lot_id | self.open_move_line_ids.lot_id
            if in_stock:
                self._hold(in_stock)
        if background:
            Evidence._set_progress(self, _("done"), 100)
        self.message_post(
            body=_(
                "Traced %(lots)s lots and %(customers)s customers in %(ms)s ms; "
                "%(percent)s %% of the origin quantity accounted for.",
                lots=len(lot_ids),
                customers=len(customers),
                ms=self.trace_ms,
                percent=self.accounted_percent,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _seal(self, lines, customers, balances):
        """Fingerprint the stored results and append them to the audit trail:
        the scope, kind, timings, mass balance, customers with their totals,
        the number and digest of the result rows (``recall_run``)."""
        digest, parts = self.env["stock.lot.recall.evidence"]._digest(self)
        sealed(self).result_hash = digest
        counts = defaultdict(int)
        for line in lines:
            counts[line["kind"]] += 1
        header = parts["header"]
        self.env["stock.lot.event"]._append(
            "recall_run",
            lots=self.origin_lot_ids,
            document=self,
            payload={
                **header,
                "result_hash": digest,
                "tables": {
                    model: part for model, part in parts.items() if model != "header"
                },
                "lines": dict(counts),
                "balance": [
                    [
                        b["lot_name"],
                        b["quantity_in"],
                        b["unaccounted"],
                        b["accounted_percent"],
                    ]
                    for b in balances
                ],
                "customers": [
                    [c["name"], c["quantity"], c["returned_quantity"]]
                    for c in customers
                ],
            },
            company=self.company_id,
        )

    def _scope_summary(self):
        """The scope in words, as sealed and printed."""
        self.ensure_one()
        if self.scope == "lots":
            detail = ", ".join(sorted(self.lot_ids.mapped("name")))
        elif self.scope == "supplier_lot":
            detail = f"{self.supplier_id.display_name} / {self.supplier_lot_name}"
        elif self.scope == "product_dates":
            detail = (
                f"{self.product_id.display_name}, {self.date_kind} "
                f"{self.date_from} - {self.date_to}"
            )
        else:
            detail = self.picking_id.name or ""
        label = dict(self._fields["scope"].selection)[self.scope]
        return f"{label}: {detail}"

    def _result_lines(self, result, open_lines, picking_names):
        lots = {row["id"]: row for row in result["lots"]}
        vals = [
            {
                "kind": "lot",
                "lot_id": row["id"],
                "lot_name": row["name"],
                "product_name": row["product"],
                "supplier_lot_name": row["supplier_lot_name"] or False,
                "depth": row["depth"],
            }
            for row in result["lots"]
        ]
        for kind, key in (("delivery", "deliveries"), ("receipt", "receipts")):
            vals += [
                {
                    "kind": kind,
                    "lot_id": row["lot_id"],
                    "lot_name": lots[row["lot_id"]]["name"],
                    "product_name": lots[row["lot_id"]]["product"],
                    "partner_id": row["partner_id"],
                    "partner_name": row["partner"] or False,
                    "move_line_id": row["move_line_id"],
                    "document": picking_names.get(row["picking_id"], False),
                    "quantity": row["quantity"],
                    "returned_quantity": row.get("returned_quantity", 0.0),
                    "uom": row["uom"],
                    "date": row["date"],
                }
                for row in result[key]
            ]
        for row in result["productions"]:
            consumed = [lots[i]["name"] for i in row["consumed_lot_ids"] if i in lots]
            produced = [lots[i]["name"] for i in row["produced_lot_ids"] if i in lots]
            vals.append(
                {
                    "kind": "production",
                    "production_id": row["production_id"]
                    if row["model"] == "mrp.production"
                    else False,
                    "document": row["name"],
                    "note": f"{', '.join(consumed)} → {', '.join(produced)}",
                    "date": row["date"],
                }
            )
        vals += [
            {
                "kind": "stock",
                "lot_id": row["lot_id"],
                "lot_name": lots[row["lot_id"]]["name"],
                "product_name": lots[row["lot_id"]]["product"],
                "location_name": row["location"],
                "quantity": row["quantity"],
            }
            for row in result["on_hand"]
        ]
        for line in open_lines:
            document = line.picking_id or line.move_id.raw_material_production_id
            vals.append(
                {
                    "kind": "open_move",
                    "lot_id": line.lot_id.id,
                    "lot_name": line.lot_id.name,
                    "product_name": line.product_id.display_name,
                    "partner_name": line.picking_partner_id.display_name or False,
                    "document": document.display_name or line.reference,
                    "quantity": line.quantity,
                    "uom": line.product_uom_id.name,
                    "date": line.date,
                }
            )
        vals += [
            {
                "kind": "gap",
                "production_id": gap["production_id"]
                if gap["model"] == "mrp.production"
                else False,
                "product_name": gap["product"],
                "note": gap["reason"],
            }
            for gap in result["gaps"]
        ]
        return vals

    def _customer_vals(self, deliveries, picking_names):
        """One row per customer: contact details and what they received."""
        by_partner = defaultdict(list)
        for row in deliveries:
            by_partner[row["partner_id"]].append(row)
        partners = self.env["res.partner"].browse([p for p in by_partner if p])
        vals = []
        for partner in partners:
            rows = by_partner[partner.id]
            vals.append(
                {
                    "partner_id": partner.id,
                    "name": partner.display_name,
                    "email": partner.email or False,
                    "phone": partner.phone or partner.mobile or False,
                    "address": partner._display_address(),
                    "quantity": sum(r["quantity"] for r in rows),
                    "returned_quantity": sum(r["returned_quantity"] for r in rows),
                    "deliveries": ", ".join(
                        sorted({picking_names.get(r["picking_id"], "") for r in rows})
                    ),
                }
            )
        if False in by_partner:
            rows = by_partner[False]
            vals.append(
                {
                    "name": _("(delivery without a partner)"),
                    "quantity": sum(r["quantity"] for r in rows),
                    "returned_quantity": sum(r["returned_quantity"] for r in rows),
                }
            )
        return sorted(vals, key=lambda v: v["name"])

    def _mass_balance(self, origins, result=None):
        """One row per affected lot (``stock.lot.mass.balance``): the origin
        lots first, then the lots made from them (by depth), then the lots
        they were made from; ``result``: the trace (without it, the origins
        only)."""
        depths = {lot.id: 0 for lot in origins}
        for row in (result or {}).get("lots", ()):
            depths.setdefault(row["id"], row["depth"])
        lots = self.env["stock.lot"].browse(list(depths))
        balances = self.env["stock.lot.mass.balance"]._compute(lots)

        def role(lot):
            if lot in origins:
                return "origin"
            return "derived" if depths[lot.id] > 0 else "upstream"

        order = {"origin": 0, "derived": 1, "upstream": 2}
        ordered = sorted(
            lots,
            key=lambda lot: (order[role(lot)], abs(depths[lot.id]), lot.name),
        )
        return [
            {
                "sequence": sequence,
                "role": role(lot),
                "depth": depths[lot.id],
                "lot_id": lot.id,
                "lot_name": lot.name,
                "product_name": lot.product_id.display_name,
                "uom": lot.product_id.uom_id.name,
                **balances[lot.id],
            }
            for sequence, lot in enumerate(ordered)
        ]

    def _results_digest(self):
        """SHA-256 of the recall as stored now (see stock.lot.recall.evidence)."""
        self.ensure_one()
        return self.env["stock.lot.recall.evidence"]._digest(self)[0]

    def _hold(self, lots):
        """Put lots on the recall's hold (reason Recall), creating it if needed."""
        Hold = self.env["stock.lot.hold"]
        Hold._check_group(USER_GROUP)
        if self.hold_id and self.hold_id.is_blocking:
            return self.hold_id._add_lots(lots)
        hold = Hold.create(
            {
                "lot_ids": [fields.Command.set(lots.ids)],
                "reason_id": self.env.ref("lot_traceability.hold_reason_recall").id,
                "description": _("Recall %(recall)s", recall=self.name),
                "company_id": self.company_id.id,
            }
        )
        hold.action_place()
        sealed(self).hold_id = hold
        return hold

    def _customers_xlsx(self):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Customers"))
        bold = workbook.add_format({"bold": True})
        headers = [
            _("Customer"),
            _("Email"),
            _("Phone"),
            _("Address"),
            _("Quantity shipped"),
            _("Quantity returned"),
            _("Deliveries"),
            _("Verified"),
        ]
        sheet.write_row(0, 0, headers, bold)
        for row, customer in enumerate(self.customer_ids, start=1):
            sheet.write_row(
                row,
                0,
                [
                    customer.name,
                    customer.email or "",
                    customer.phone or "",
                    (customer.address or "").replace("\n", ", "),
                    customer.quantity,
                    customer.returned_quantity,
                    customer.deliveries or "",
                    _("yes") if customer.verified else _("no"),
                ],
            )
        sheet.autofilter(0, 0, max(len(self.customer_ids), 1), len(headers) - 1)
        workbook.close()
        return buffer.getvalue()

    # ------------------------------------------------------------ exercises
    @api.model
    def _cron_schedule_exercises(self):
        """Every N months (company setting) a mock recall on a random finished
        lot, with an activity for the Quality team."""
        for company in self.env["res.company"].search(
            [("lot_recall_exercise_months", ">", 0)]
        ):
            last = self.search(
                [("company_id", "=", company.id), ("scheduled", "=", True)],
                order="create_date desc",
                limit=1,
            )
            due = fields.Datetime.now() - relativedelta(
                months=company.lot_recall_exercise_months
            )
            if last and last.create_date > due:
                continue
            lots = (
                self.env["stock.move.line"]
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("state", "=", "done"),
                        ("lot_id", "!=", False),
                        ("location_id.usage", "=", "production"),
                    ],
                    order="date desc",
                    limit=200,
                )
                .lot_id
            )
            if not lots:
                continue
            lot = random.SystemRandom().choice(lots)
            recall = sealed(self.with_company(company)).create(
                {
                    "kind": "mock",
                    "scope": "lots",
                    "lot_ids": [fields.Command.set(lot.ids)],
                    "company_id": company.id,
                    "scheduled": True,
                    "description": _("Scheduled traceability exercise."),
                }
            )
            recall._run()
            managers = self.env.ref(MANAGER_GROUP).users.filtered(
                lambda user, c=company: c in user.company_ids
                and not user.share
                and not user._is_superuser()
            )
            for user in managers:
                recall.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_(
                        "Complete the traceability exercise %(r)s", r=recall.name
                    ),
                )
        return True
