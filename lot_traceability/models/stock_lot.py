# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lots: supplier and supplier lot, the trace API and its buttons, hold state,
recalls, lot number normalisation and manual-entry rules, audit events.
"""

import logging
import re
import unicodedata
from collections import defaultdict

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import index_exists

from .lt_groups import AUDITOR_GROUP

# tracing is open to auditors and up
TRACE_GROUP = AUDITOR_GROUP


_logger = logging.getLogger(__name__)


LOT_NAME_UNIQUE_INDEX = "stock_lot_normalised_name_product_company_uniq"


NORMALISED_NAME_SQL = "btrim(regexp_replace(name, '[\\r\\n\\t]', '', 'g'))"


CONTROL_CHARS_RE = re.compile(r"[\r\n\t]")


def escape_like(value):
    """``value`` as a literal (I)LIKE pattern."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# Bidirectional overrides and isolates reorder what a screen or label shows
# ("Trojan Source"): a lot number must read as it is stored.
BIDI_CONTROLS = set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
)
MAX_LOT_NAME = 128


def check_lot_name_characters(env, name, label=None):
    """Refuse control characters left after normalisation (NUL, ESC, BEL...),
    bidirectional overrides and absurd lengths: they do not print, scan or
    search as typed."""
    if not isinstance(name, str):
        return
    label = label or env._("Lot name")
    if len(name) > MAX_LOT_NAME:
        raise ValidationError(
            env._(
                "%(label)s %(name)s... has %(length)s characters: lot numbers have "
                "at most %(max)s.",
                label=label,
                name=name[:20],
                length=len(name),
                max=MAX_LOT_NAME,
            )
        )
    if any(unicodedata.category(char) == "Cc" for char in name):
        raise ValidationError(
            env._(
                "%(label)s %(name)r contains a control character: type it again "
                "without it.",
                label=label,
                name=name,
            )
        )
    if BIDI_CONTROLS.intersection(name):
        raise ValidationError(
            env._(
                "%(label)s %(name)r contains an invisible text-direction character "
                "that changes how it reads: type it again without it.",
                label=label,
                name=name,
            )
        )


def normalise_lot_name(name):
    """Lot name as saved: CR, LF and tabs removed, surrounding blanks removed
    (and a byte-order mark), case kept."""
    if not isinstance(name, str):
        return name
    return CONTROL_CHARS_RE.sub("", name).replace("\ufeff", "").strip()


_logger = logging.getLogger(__name__)


LOT_AUDIT_FIELDS = (
    "name",
    "product_id",
    "company_id",
    "ref",
    "supplier_id",
    "supplier_lot_name",
    "expiration_date",
    "use_date",
    "removal_date",
    "alert_date",
    "production_date",
    "receipt_date",
)


def audit_value(record, name):
    """A field value as it goes into the payload (ids for relations)."""
    value = record[name]
    field = record._fields[name]
    if field.type == "many2one":
        return value.id or None
    if field.type in ("date", "datetime"):
        return field.to_string(value) if value else None
    return value if value is not False else None


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
        help="Lots this lot was made from directly (one level); the trace shows "
        "every level.",
    )
    downstream_count = fields.Integer(
        compute="_compute_genealogy_counts",
        help="Lots made directly from this lot (one level); the trace shows every "
        "level.",
    )
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
    recall_count = fields.Integer(
        compute="_compute_recall_count", help="Recalls that reached this lot."
    )
    near_expiry = fields.Boolean(
        compute="_compute_near_expiry",
        help="The alert date is reached but the lot has not expired yet.",
    )
    _rec_names_search = ["name", "ref", "supplier_lot_name"]
    production_date = fields.Date(
        tracking=True, help="Date the supplier (or we) produced this lot."
    )
    receipt_date = fields.Datetime(
        tracking=True, readonly=True, help="Date the lot was first received."
    )
    supplier_origin_lot_id = fields.Many2one(
        "stock.lot",
        string="First Lot of Supplier Lot",
        readonly=True,
        index="btree_not_null",
        help="Set when the same supplier lot was received again into a new lot: "
        "the first internal lot of that supplier lot.",
    )
    event_count = fields.Integer(compute="_compute_event_count", string="Audit Events")

    @api.depends_context("company", "uid")
    def _compute_genealogy_counts(self):
        """Direct inputs and outputs only, in one statement for all the lots:
        the whole walk of a hub lot takes seconds, and a form must open at once
        (the trace screen, one click away, has every level)."""
        lot_ids = [lot_id for lot_id in self.ids if lot_id]
        self.upstream_count = self.downstream_count = 0
        if not lot_ids or not self.env.user.has_group(TRACE_GROUP):
            return
        self.env["stock.move.line"].flush_model(["lot_id", "state", "company_id"])
        # stock_move_line_consume_rel: produce_line_id is the consumed line,
        # consume_line_id the produced one (manufacturing orders, repairs)
        self.env.cr.execute(
            SQL(
                """
                SELECT 'down', i.lot_id, count(DISTINCT o.lot_id)
                  FROM stock_move_line i
                  JOIN stock_move_line_consume_rel r ON r.produce_line_id = i.id
                  JOIN stock_move_line o ON o.id = r.consume_line_id
                 WHERE i.lot_id = ANY(%(ids)s) AND i.state = 'done'
                   AND o.state = 'done' AND o.lot_id IS NOT NULL
                   AND o.company_id = ANY(%(c)s)
                 GROUP BY i.lot_id
                UNION ALL
                SELECT 'up', o.lot_id, count(DISTINCT i.lot_id)
                  FROM stock_move_line o
                  JOIN stock_move_line_consume_rel r ON r.consume_line_id = o.id
                  JOIN stock_move_line i ON i.id = r.produce_line_id
                 WHERE o.lot_id = ANY(%(ids)s) AND o.state = 'done'
                   AND i.state = 'done' AND i.lot_id IS NOT NULL
                   AND i.company_id = ANY(%(c)s)
                 GROUP BY o.lot_id
                """,
                ids=lot_ids,
                c=self.env.companies.ids,
            )
        )
        counts = {
            (side, lot_id): count for side, lot_id, count in self.env.cr.fetchall()
        }
        for lot in self:
            lot.upstream_count = counts.get(("up", lot.id), 0)
            lot.downstream_count = counts.get(("down", lot.id), 0)

    def _compute_delivery_ids(self):
        """The lot's own deliveries, in one query. Odoo walks every lot made
        from this one, lot by lot (a minute for the benchmark's hub lot, on
        every opening of its form); the trace screen has the deliveries of
        the whole genealogy."""
        groups = self.env["stock.move.line"]._read_group(
            [
                ("lot_id", "in", self.ids),
                ("state", "=", "done"),
                ("picking_code", "=", "outgoing"),
            ],
            ["lot_id"],
            ["picking_id:array_agg"],
        )
        pickings = {lot.id: ids for lot, ids in groups}
        for lot in self:
            picking_ids = sorted({i for i in pickings.get(lot.id, []) if i})
            lot.delivery_ids = [fields.Command.set(picking_ids)]
            lot.delivery_count = len(picking_ids)

    @api.model_create_multi
    def create(self, vals_list):
        products = self.env["product.product"]
        for vals in vals_list:
            product = products.browse(vals.get("product_id"))
            if product and product.tracking == "none":
                raise ValidationError(
                    _(
                        "Product %(product)s is not tracked by lots or serial numbers:"
                        " lot %(lot)s cannot be created for it. Set its tracking "
                        "first.",
                        product=product.display_name,
                        lot=vals.get("name") or "",
                    )
                )
            if "name" in vals:
                vals["name"] = normalise_lot_name(vals["name"])
                check_lot_name_characters(self.env, vals["name"])
            if "supplier_lot_name" in vals:
                vals["supplier_lot_name"] = normalise_lot_name(
                    vals["supplier_lot_name"]
                )
                check_lot_name_characters(
                    self.env, vals["supplier_lot_name"], _("Supplier lot")
                )
            self._lt_check_hold_fields(vals)
        self._check_duplicate_names(vals_list)
        lots = super().create(vals_list)
        lots._check_numbering_rule()
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "lot_created",
                    "lots": lot,
                    "document": lot,
                    "company": lot.company_id,
                    "payload": {"values": lot._lt_audit_values(LOT_AUDIT_FIELDS)},
                }
                for lot in lots
            ]
        )
        return lots

    def write(self, vals):
        if "name" in vals:
            vals["name"] = normalise_lot_name(vals["name"])
            check_lot_name_characters(self.env, vals["name"])
        if "supplier_lot_name" in vals:
            vals["supplier_lot_name"] = normalise_lot_name(vals["supplier_lot_name"])
            check_lot_name_characters(
                self.env, vals["supplier_lot_name"], _("Supplier lot")
            )
        self._lt_check_hold_fields(vals)
        if "company_id" in vals:
            held = self.filtered(
                lambda lot: lot.sudo().hold_ids.filtered("is_blocking")
            )
            if held:
                raise UserError(
                    _(
                        "Lots %(lots)s are on hold: their company cannot change "
                        "until Quality decides the hold.",
                        lots=", ".join(held.mapped("display_name")),
                    )
                )
        if vals.get("name"):
            for lot in self:
                self._check_duplicate_names(
                    [
                        {
                            "name": vals["name"],
                            "product_id": vals.get("product_id", lot.product_id.id),
                            "company_id": vals.get("company_id", lot.company_id.id),
                        }
                    ],
                    exclude=lot,
                )
        audited = [name for name in LOT_AUDIT_FIELDS if name in vals]
        before = {lot: lot._lt_audit_values(audited) for lot in self} if audited else {}
        result = super().write(vals)
        if "name" in vals or "product_id" in vals:
            self._check_numbering_rule()
        entries = []
        for lot, old in before.items():
            new = lot._lt_audit_values(audited)
            changes = {
                name: [old[name], new[name]] for name in old if old[name] != new[name]
            }
            if changes:
                entries.append(
                    {
                        "event_type": "lot_changed",
                        "lots": lot,
                        "document": lot,
                        "company": lot.company_id,
                        "payload": {"changes": changes},
                    }
                )
        self.env["stock.lot.event"]._append_many(entries)
        return result

    def unlink(self):
        self.check_access("unlink")
        on_record = self.filtered(
            lambda lot: lot.sudo().hold_ids.filtered(lambda h: h.state != "draft")
        )
        if on_record:
            raise UserError(
                _(
                    "Lots %(lots)s are on placed holds: they stay on record with "
                    "their holds.",
                    lots=", ".join(on_record.mapped("display_name")),
                )
            )
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "lot_deleted",
                    "lots": lot,
                    "company": lot.company_id,
                    "payload": {"values": lot._lt_audit_values(LOT_AUDIT_FIELDS)},
                }
                for lot in self
            ]
        )
        return super().unlink()

    def _lt_check_hold_fields(self, vals):
        """Which lots are held changes only through the hold service."""
        if {"hold_ids", "hold_state"}.intersection(vals) and not self.env[
            "stock.lot.hold.service"
        ]._is_service():
            raise UserError(
                _(
                    "The holds of lots %(lots)s change only through the holds "
                    "themselves: place a hold, or ask a Quality Manager to release "
                    "or reject it with a signed decision.",
                    lots=", ".join(self.mapped("display_name")) or vals.get("name", ""),
                )
            )

    def _lt_audit_values(self, names):
        """Field values as they go into an audit payload (ids for relations)."""
        self.ensure_one()
        return {name: audit_value(self, name) for name in names if name in self._fields}

    def trace(self, direction="both"):
        """Public API: the genealogy of these lots as a JSON-serialisable dict.

        ``direction``: ``"forward"``, ``"backward"`` or ``"both"``. Keys of the
        result: ``lots``, ``receipts``, ``deliveries``, ``productions``,
        ``on_hand``, ``gaps``, ``stats`` (see the README, "Trace API").
        """
        self._check_trace_access()
        return self.env["stock.lot.genealogy"]._trace(self, direction)

    def action_open_trace(self, direction="both"):
        """Open the whole genealogy of these lots in the trace screen (a client
        action fed by ``stock.lot.trace.screen``)."""
        self._check_trace_access()
        if not self:
            raise UserError(_("Select at least one lot to trace."))
        if direction not in ("both", "forward", "backward"):
            raise UserError(
                _("Unknown trace direction %(direction)r.", direction=direction)
            )
        names = self.mapped("name")
        title = ", ".join(names[:3]) + (
            _(" + %(count)s more", count=len(names) - 3) if len(names) > 3 else ""
        )
        return {
            "type": "ir.actions.client",
            "tag": "lot_traceability.trace_screen",
            "name": _("Trace: %(lots)s", lots=title),
            "params": {"lot_ids": self.ids, "direction": direction},
            "target": "current",
        }

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

    def _lt_hold_message(self, destination=None, company=None):
        """The refusal for held lots: lot, hold, reason, who placed it."""
        return self.env["stock.lot.hold.service"]._refusal(self, destination, company)

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

    def init(self):
        super().init()
        if index_exists(self.env.cr, LOT_NAME_UNIQUE_INDEX):
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                "UPDATE stock_lot SET name = %s WHERE name <> %s",
                SQL(NORMALISED_NAME_SQL),
                SQL(NORMALISED_NAME_SQL),
            )
        )
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX %s ON stock_lot "
                        "(%s, product_id, COALESCE(company_id, 0))",
                        SQL.identifier(LOT_NAME_UNIQUE_INDEX),
                        SQL(NORMALISED_NAME_SQL),
                    )
                )
        except errors.UniqueViolation:
            cr.execute(
                SQL(
                    "SELECT %s, product_id, company_id FROM stock_lot "
                    "GROUP BY 1, 2, 3 HAVING count(*) > 1 LIMIT 20",
                    SQL(NORMALISED_NAME_SQL),
                )
            )
            _logger.error(
                "Lot names are not unique per product and company, the unique "
                "index %s was not created; rename these lots and update the module: "
                "%s",
                LOT_NAME_UNIQUE_INDEX,
                cr.fetchall(),
            )

    @api.model
    def _check_duplicate_names(self, vals_list, exclude=None):
        """Refuse, with Odoo's own message, a lot the unique index would refuse
        (the index answers first, and with a database error)."""
        Product = self.env["product.product"]
        keys = [
            (
                vals["name"],
                vals["product_id"],
                vals.get("company_id")
                or Product.browse(vals["product_id"]).company_id.id,
            )
            for vals in vals_list
            if vals.get("name") and vals.get("product_id")
        ]
        if not keys:
            return
        # case-insensitive: a lot number differing only by case from another
        # one of the product is refused (it scans and reads as the same lot)
        existing = self.search_fetch(
            expression.AND(
                [
                    expression.OR(
                        [[("name", "=ilike", escape_like(key[0]))] for key in keys]
                    ),
                    [
                        ("product_id", "in", [key[1] for key in keys]),
                        ("id", "not in", exclude.ids if exclude else []),
                    ],
                ]
            ),
            ["name", "product_id", "company_id"],
        )
        companies = defaultdict(set)
        spelled = {}
        for lot in existing:
            companies[lot.name.casefold(), lot.product_id.id].add(lot.company_id.id)
            spelled[lot.name.casefold(), lot.product_id.id] = lot.name
        duplicates = []
        for name, product, company in keys:
            taken = companies[name.casefold(), product]
            if taken and (company in taken or False in taken or not company):
                other = spelled.get((name.casefold(), product), name)
                duplicates.append(
                    (
                        name
                        if other == name
                        else _(
                            "%(name)s (lot %(other)s exists: lot numbers that "
                            "differ only by case are refused)",
                            name=name,
                            other=other,
                        ),
                        product,
                    )
                )
            companies[name.casefold(), product].add(company)
            spelled.setdefault((name.casefold(), product), name)
        if duplicates:
            products = self.env["product.product"].browse(
                [product for __, product in duplicates]
            )
            raise ValidationError(
                _(
                    "The combination of lot/serial number and product must be "
                    "unique within a company including when no company is "
                    "defined.\nThe following combinations contain duplicates:\n"
                    "%(error_lines)s",
                    error_lines="\n".join(
                        _(
                            " - Product: %(product)s, Lot/Serial Number: %(lot)s",
                            product=products.browse(product).display_name,
                            lot=name,
                        )
                        for name, product in duplicates
                    ),
                )
            )

    def _check_numbering_rule(self):
        """Typed lot numbers must follow an enforcing numbering rule.

        Names the rule generated (context ``lt_generated_lot_names``) are not
        checked again; ``lt_lot_usage`` (receipt/production) picks the rule.
        """
        generated = set(self.env.context.get("lt_generated_lot_names") or ())
        usage = self.env.context.get("lt_lot_usage")
        Rule = self.env["stock.lot.numbering.rule"]
        for lot in self:
            if lot.name in generated:
                continue
            rule = Rule._find_rule(lot.product_id, lot.company_id, usage)
            if rule.enforce_manual_entry:
                rule._check_manual_name(lot.name, lot.product_id)

    @api.model
    def _find_supplier_lot(self, product, supplier, supplier_lot_name, company):
        """The first internal lot of this supplier lot (same supplier, same
        product), or an empty recordset."""
        if not (supplier and supplier_lot_name):
            return self.browse()
        return self.search(
            [
                ("product_id", "=", product.id),
                ("supplier_id", "child_of", supplier.commercial_partner_id.id),
                ("supplier_lot_name", "=", normalise_lot_name(supplier_lot_name)),
                ("company_id", "in", [company.id, False]),
            ],
            order="id",
            limit=1,
        )

    @api.model
    def generate_lot_names(self, first_lot, count):
        """Odoo's "Generate Serials/Lots" dialog: numbers from the numbering
        rule when the dialog found one and no first number was typed."""
        rule_id = self.env.context.get("lt_numbering_rule_id")
        if not rule_id:
            return super().generate_lot_names(first_lot, count)
        rule = self.env["stock.lot.numbering.rule"].browse(rule_id)
        values = self.env.context["lt_numbering_values"]
        return [{"lot_name": name} for name in rule._next_names(values, count)]

    @api.depends_context("uid")
    def _compute_event_count(self):
        if not self.env.user.has_group(AUDITOR_GROUP) or not self.ids:
            self.event_count = 0
            return
        counts = dict(
            self.env["stock.lot.event"]._read_group(
                [("lot_ids", "in", self.ids)], ["lot_ids"], ["__count"]
            )
        )
        for lot in self:
            lot.event_count = counts.get(lot._origin, 0)

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_traceability.stock_lot_event_action"
        )
        action["domain"] = [("lot_ids", "in", self.ids)]
        action["context"] = {}
        return action
