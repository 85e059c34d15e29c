# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Quality holds: a held lot cannot move until Quality decides.

Enforcement lives where stock moves: ``stock.quant._gather`` (reservation),
``stock.move.line`` (a lot chosen by hand) and ``stock.move._action_done``
(validation of transfers, manufacturing orders, dropships, batches). This
model is the record of the decision: who placed it, who decided, the signed
meaning of the decision and the disposition.
"""

import hashlib
import json
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

USER_GROUP = "lot_traceability.group_lot_traceability_user"
MANAGER_GROUP = "lot_traceability.group_lot_traceability_manager"

DISPOSITIONS = [
    ("scrap", "Scrap"),
    ("return", "Return to supplier"),
    ("rework", "Rework"),
    ("keep", "Keep held"),
]
# Dispositions after which the lots stay blocked (except for the permitted
# destinations: quarantine, scrap, return to the supplier).
BLOCKING_DISPOSITIONS = ("return", "keep")
# Written only by the hold's own methods (placing, deciding, signing).
PROTECTED_FIELDS = {
    "state",
    "placed_by_id",
    "placed_date",
    "decided_by_id",
    "decided_date",
    "decision_note",
    "disposition",
    "signature_name",
    "signature_date",
    "signature_meaning",
    "signature_hash",
}


class StockLotHold(models.Model):
    _name = "stock.lot.hold"
    _description = "Lot Quality Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_hold_lot_rel",
        "hold_id",
        "lot_id",
        string="Lots",
        required=True,
        check_company=True,
        tracking=True,
    )
    lot_count = fields.Integer(compute="_compute_lot_count")
    product_ids = fields.Many2many(
        "product.product", compute="_compute_product_ids", string="Products"
    )
    supplier_ids = fields.Many2many(
        "res.partner",
        "stock_lot_hold_supplier_rel",
        "hold_id",
        "partner_id",
        string="Suppliers",
        compute="_compute_supplier_ids",
        store=True,
    )
    reason_id = fields.Many2one(
        "stock.lot.hold.reason",
        string="Reason",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    description = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("released", "Released"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    is_blocking = fields.Boolean(
        compute="_compute_is_blocking",
        store=True,
        help="The lots of this hold cannot be reserved, picked, shipped or consumed.",
    )
    placed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    placed_date = fields.Datetime(readonly=True, copy=False)
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decided_date = fields.Datetime(readonly=True, copy=False)
    decision_note = fields.Text(readonly=True, copy=False)
    disposition = fields.Selection(
        DISPOSITIONS, readonly=True, copy=False, tracking=True
    )
    signature_name = fields.Char(string="Signed by", readonly=True, copy=False)
    signature_date = fields.Datetime(string="Signed on", readonly=True, copy=False)
    signature_meaning = fields.Char(string="Meaning", readonly=True, copy=False)
    signature_hash = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of the hold's content when it was signed.",
    )
    signature_valid = fields.Boolean(
        compute="_compute_signature_valid",
        help="False when the hold's lots, reason or decision changed after signing.",
    )
    scrap_ids = fields.Many2many("stock.scrap", string="Scraps", readonly=True)
    picking_ids = fields.Many2many(
        "stock.picking",
        string="Transfers",
        readonly=True,
        help="Quarantine moves and returns to the supplier made from this hold.",
    )

    @api.depends("lot_ids")
    def _compute_lot_count(self):
        for hold in self:
            hold.lot_count = len(hold.lot_ids)

    @api.depends("lot_ids.product_id")
    def _compute_product_ids(self):
        for hold in self:
            hold.product_ids = hold.lot_ids.product_id

    @api.depends("lot_ids.supplier_id")
    def _compute_supplier_ids(self):
        for hold in self:
            hold.supplier_ids = hold.lot_ids.supplier_id

    @api.depends("state", "disposition")
    def _compute_is_blocking(self):
        for hold in self:
            hold.is_blocking = hold.state == "active" or (
                hold.state == "rejected" and hold.disposition in BLOCKING_DISPOSITIONS
            )

    @api.depends(
        "lot_ids",
        "reason_id",
        "state",
        "disposition",
        "decision_note",
        "signature_name",
        "signature_date",
        "signature_meaning",
        "signature_hash",
    )
    def _compute_signature_valid(self):
        for hold in self:
            hold.signature_valid = bool(
                hold.signature_hash and hold.signature_hash == hold._signature_digest()
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if PROTECTED_FIELDS.intersection(vals) and not self.env.su:
                raise UserError(
                    _("A hold is created as a draft; place it with its button.")
                )
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("stock.lot.hold")
        return super().create(vals_list)

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals) and not self.env.su:
            raise UserError(
                _(
                    "The state, decision and signature of a hold change only through "
                    "its buttons (Place, Release, Reject)."
                )
            )
        if ("lot_ids" in vals or "reason_id" in vals) and not self.env.su:
            self._check_content_change()
        before = {hold: hold.lot_ids for hold in self}
        result = super().write(vals)
        if "lot_ids" in vals and not self.env.su:
            for hold, lots in before.items():
                removed = lots - hold.lot_ids
                if removed and hold.is_blocking:
                    raise UserError(
                        _(
                            "Lots %(lots)s cannot be taken off hold %(hold)s by "
                            "editing it: a Quality Manager releases or rejects the "
                            "hold with a signed decision.",
                            lots=", ".join(removed.mapped("display_name")),
                            hold=hold.name,
                        )
                    )
        if "lot_ids" in vals:
            self.filtered("is_blocking")._hold_lots_now()
        return result

    def unlink(self):
        if any(hold.state != "draft" for hold in self):
            raise UserError(
                _(
                    "Only draft holds can be deleted; %(holds)s stay on record.",
                    holds=", ".join(
                        self.filtered(lambda h: h.state != "draft").mapped("name")
                    ),
                )
            )
        return super().unlink()

    def _check_content_change(self):
        decided = self.filtered(lambda hold: hold.state in ("released", "rejected"))
        if decided and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _(
                    "Hold %(holds)s is decided: only a Quality Manager may correct its "
                    "lots or reason, and doing so voids its signature.",
                    holds=", ".join(decided.mapped("name")),
                )
            )

    # ------------------------------------------------------------------ actions
    def action_place(self):
        """Activate draft holds: the lots are blocked from now on."""
        self._check_group(USER_GROUP)
        not_draft = self.filtered(lambda hold: hold.state != "draft")
        if not_draft:
            raise UserError(
                _(
                    "Hold %(holds)s is already placed.",
                    holds=", ".join(not_draft.mapped("name")),
                )
            )
        self._place()
        return True

    def action_open_decision(self):
        """Open the signed decision (release or reject) of an active hold."""
        self.ensure_one()
        self._check_group(MANAGER_GROUP)
        decision = self.env.context.get("lt_decision", "release")
        return {
            "type": "ir.actions.act_window",
            "name": _("Release hold") if decision == "release" else _("Reject hold"),
            "res_model": "stock.lot.hold.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_hold_id": self.id, "default_decision": decision},
        }

    def action_move_to_quarantine(self):
        """Move the held lots' stock to the quarantine location of its warehouse."""
        self._check_group(USER_GROUP)
        for hold in self:
            if not hold.is_blocking:
                raise UserError(
                    _("Hold %(hold)s does not block its lots any more.", hold=hold.name)
                )
            hold._move_stock_to_quarantine()
        return True

    def action_view_lots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_production_lot_form"
        )
        action["domain"] = [("id", "in", self.lot_ids.ids)]
        action["context"] = {}
        return action

    # ----------------------------------------------------------------- business
    def _check_group(self, group):
        if not self.env.user.has_group(group):
            label = _("Quality Manager") if group == MANAGER_GROUP else _("User")
            raise AccessError(
                _(
                    "Only the Traceability role %(role)s can do this on holds "
                    "%(holds)s.",
                    role=label,
                    holds=", ".join(self.mapped("name")),
                )
            )

    def _lock_lots(self, lots, share=False):
        """Row locks on the lots: holds take them FOR UPDATE, moves FOR SHARE, so a
        validation and the placing of a hold on the same lot never interleave."""
        if not lots:
            return
        query = (
            SQL(
                "SELECT id FROM stock_lot WHERE id = ANY(%s) ORDER BY id FOR SHARE",
                lots.ids,
            )
            if share
            else SQL(
                "SELECT id FROM stock_lot WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                lots.ids,
            )
        )
        self.env.cr.execute(query)

    def _place(self, user=None):
        """Activate the holds (no rights check: callers check them)."""
        self._lock_lots(self.lot_ids)
        now = fields.Datetime.now()
        for hold in self:
            if not hold.lot_ids:
                raise UserError(_("Hold %(hold)s has no lot to hold.", hold=hold.name))
            hold.sudo().write(
                {
                    "state": "active",
                    "placed_by_id": (user or self.env.user).id,
                    "placed_date": now,
                }
            )
        self._hold_lots_now()
        self._notify_quality_team()
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "hold_placed",
                    "lots": hold.lot_ids,
                    "document": hold,
                    "company": hold.company_id,
                    "payload": {
                        "hold": hold.name,
                        "reason": hold.reason_id.code,
                        "description": hold.description or None,
                        "placed_by_id": hold.placed_by_id.id,
                        "placed_date": fields.Datetime.to_string(hold.placed_date),
                    },
                }
                for hold in self
            ]
        )

    def _hold_lots_now(self):
        """Make the block effective at once: store the lots' hold state and remove
        the reservations a held lot may no longer keep."""
        self.lot_ids._compute_hold_state()
        self.env.flush_all()
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", self.lot_ids.ids),
                ("state", "not in", ("done", "cancel")),
            ]
        )
        lines = lines.filtered(lambda line: line._lt_hold_restricted())
        if not lines:
            return
        by_document = defaultdict(lambda: self.env["stock.lot"])
        for line in lines:
            document = line.picking_id or line.move_id.raw_material_production_id
            by_document[document] |= line.lot_id
        moves = lines.move_id
        lines.unlink()
        moves._recompute_state()
        for document, lots in by_document.items():
            if not document:
                continue
            holds = self.filtered(lambda h, lots=lots: h.lot_ids & lots)
            # a system note on the affected document (the placer may not be
            # allowed to post on manufacturing orders): narrow, documented sudo
            document.sudo().message_post(
                body=_(
                    "Reservation of lot %(lots)s removed: hold %(holds)s (%(reason)s) "
                    "placed by %(user)s.",
                    lots=", ".join(lots.mapped("name")),
                    holds=", ".join(holds.mapped("name")),
                    reason=", ".join(holds.reason_id.mapped("name")),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _notify_quality_team(self):
        managers = self.env.ref(MANAGER_GROUP).users.filtered(
            lambda user: not user.share and user.active and not user._is_superuser()
        )
        for hold in self:
            deciders = managers.filtered(
                lambda user, h=hold: h.company_id in user.company_ids
                and user != h.placed_by_id
            )
            for user in deciders:
                hold.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_("Decide hold %(hold)s", hold=hold.name),
                    note=_(
                        "Lots %(lots)s are on hold (%(reason)s). Release or reject "
                        "them with a signed decision.",
                        lots=", ".join(hold.lot_ids.mapped("name")),
                        reason=hold.reason_id.name,
                    ),
                )

    def _signature_digest(self):
        """SHA-256 over the canonical content the signer approved."""
        self.ensure_one()
        content = {
            "hold": self.name,
            "company": self.company_id.id,
            "lots": sorted([lot.id, lot.name] for lot in self.lot_ids),
            "reason": self.reason_id.code,
            "state": self.state,
            "disposition": self.disposition or "",
            "note": self.decision_note or "",
            "signer": self.signature_name or "",
            "date": fields.Datetime.to_string(self.signature_date) or "",
            "meaning": self.signature_meaning or "",
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _decide(self, decision, note, disposition=False):
        """Release or reject, signed by the current user. The caller has checked
        the user's password (``stock.lot.hold.decision``)."""
        self.ensure_one()
        self._check_group(MANAGER_GROUP)
        user = self.env.user
        if self.state != "active":
            raise UserError(
                _(
                    "Hold %(hold)s is %(state)s: only an active hold can be decided.",
                    hold=self.name,
                    state=dict(self._fields["state"].selection)[self.state],
                )
            )
        if self.company_id.lot_hold_four_eyes and self.placed_by_id == user:
            raise UserError(
                _(
                    "Four eyes: %(user)s placed hold %(hold)s and cannot also decide "
                    "it. Another Quality Manager must release or reject it.",
                    user=user.name,
                    hold=self.name,
                )
            )
        if not (note or "").strip():
            raise UserError(
                _("Write the reason for the decision on hold %(hold)s.", hold=self.name)
            )
        if decision == "release":
            meaning = _("Released")
            disposition = False
        elif decision == "reject":
            if not disposition:
                raise UserError(
                    _(
                        "Choose what happens to the lots of rejected hold %(hold)s "
                        "(scrap, return to supplier, rework, keep held).",
                        hold=self.name,
                    )
                )
            meaning = _(
                "Rejected: %(disposition)s",
                disposition=dict(DISPOSITIONS)[disposition].lower(),
            )
        else:
            raise UserError(_("Unknown decision %(decision)r.", decision=decision))
        if disposition == "return":
            self._check_suppliers()
        now = fields.Datetime.now()
        self._lock_lots(self.lot_ids)
        self.sudo().write(
            {
                "state": "released" if decision == "release" else "rejected",
                "disposition": disposition,
                "decided_by_id": user.id,
                "decided_date": now,
                "decision_note": note.strip(),
                "signature_name": user.name,
                "signature_date": now,
                "signature_meaning": meaning,
            }
        )
        self.sudo().signature_hash = self._signature_digest()
        self.lot_ids._compute_hold_state()
        if disposition == "scrap":
            self._scrap_stock()
        elif disposition == "return":
            self._return_to_suppliers()
        self.activity_unlink(["mail.mail_activity_data_todo"])
        self.env["stock.lot.event"]._append(
            "hold_released" if self.state == "released" else "hold_rejected",
            lots=self.lot_ids,
            document=self,
            company=self.company_id,
            payload={
                "hold": self.name,
                "reason": self.reason_id.code,
                "disposition": self.disposition or None,
                "decision_note": self.decision_note,
                "signature_name": self.signature_name,
                "signature_user_id": self.decided_by_id.id,
                "signature_date": fields.Datetime.to_string(self.signature_date),
                "signature_meaning": self.signature_meaning,
                "signature_hash": self.signature_hash,
            },
        )
        self.message_post(
            body=_(
                "%(meaning)s by %(user)s on %(date)s (electronic signature, password "
                "re-entered). Note: %(note)s",
                meaning=meaning,
                user=user.name,
                date=fields.Datetime.to_string(now),
                note=note.strip(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _internal_quants(self):
        return self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.lot_ids.ids),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ]
        )

    def _scrap_stock(self):
        scraps = self.env["stock.scrap"]
        for quant in self._internal_quants():
            scrap = scraps.create(
                {
                    "product_id": quant.product_id.id,
                    "product_uom_id": quant.product_uom_id.id,
                    "lot_id": quant.lot_id.id,
                    "scrap_qty": quant.quantity,
                    "location_id": quant.location_id.id,
                    "company_id": self.company_id.id,
                    "origin": self.name,
                }
            )
            scrap.do_scrap()
            scraps |= scrap
        self.sudo().scrap_ids = [fields.Command.link(scrap.id) for scrap in scraps]

    def _check_suppliers(self):
        missing = self.lot_ids.filtered(lambda lot: not lot.supplier_id)
        if missing:
            raise UserError(
                _(
                    "Lots %(lots)s have no supplier to return them to: set the "
                    "supplier on the lot, or choose another disposition.",
                    lots=", ".join(missing.mapped("display_name")),
                )
            )

    def _return_to_suppliers(self):
        """One return transfer per warehouse and supplier, reserved on the lots."""
        groups = defaultdict(lambda: self.env["stock.quant"])
        for quant in self._internal_quants():
            warehouse = quant.location_id.warehouse_id
            groups[warehouse, quant.lot_id.supplier_id] |= quant
        pickings = self.env["stock.picking"]
        for (warehouse, supplier), quants in groups.items():
            destination = supplier.property_stock_supplier
            picking_type = warehouse.out_type_id
            picking = pickings.create(
                {
                    "picking_type_id": picking_type.id,
                    "partner_id": supplier.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": destination.id,
                    "origin": self.name,
                    "company_id": self.company_id.id,
                }
            )
            self._add_lot_moves(picking, quants, destination)
            picking.action_confirm()
            pickings |= picking
        self.sudo().picking_ids = [fields.Command.link(p.id) for p in pickings]
        return pickings

    def _add_lot_moves(self, picking, quants, destination):
        for product, product_quants in quants.grouped("product_id").items():
            move = self.env["stock.move"].create(
                {
                    "name": self.name,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": sum(product_quants.mapped("quantity")),
                    "location_id": picking.location_id.id,
                    "location_dest_id": destination.id,
                    "company_id": self.company_id.id,
                }
            )
            self.env["stock.move.line"].create(
                [
                    {
                        "move_id": move.id,
                        "picking_id": picking.id,
                        "product_id": product.id,
                        "product_uom_id": product.uom_id.id,
                        "lot_id": quant.lot_id.id,
                        "location_id": quant.location_id.id,
                        "location_dest_id": destination.id,
                        "quantity": quant.quantity - quant.reserved_quantity,
                    }
                    for quant in product_quants
                    if quant.quantity > quant.reserved_quantity
                ]
            )

    def _move_stock_to_quarantine(self):
        self.ensure_one()
        groups = defaultdict(lambda: self.env["stock.quant"])
        for quant in self._internal_quants():
            warehouse = quant.location_id.warehouse_id
            quarantine = warehouse.lot_quarantine_location_id
            if not quarantine or quant.location_id._child_of(quarantine):
                continue
            groups[warehouse] |= quant
        if not groups:
            raise UserError(
                _(
                    "No stock of hold %(hold)s is outside quarantine: nothing to move.",
                    hold=self.name,
                )
            )
        pickings = self.env["stock.picking"]
        for warehouse, quants in groups.items():
            quarantine = warehouse.lot_quarantine_location_id
            picking = pickings.create(
                {
                    "picking_type_id": warehouse.int_type_id.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": quarantine.id,
                    "origin": self.name,
                    "company_id": self.company_id.id,
                }
            )
            self._add_lot_moves(picking, quants, quarantine)
            picking.action_confirm()
            picking.move_ids.picked = True
            picking.with_context(skip_backorder=True).button_validate()
            pickings |= picking
        self.sudo().picking_ids = [fields.Command.link(p.id) for p in pickings]
        self.message_post(
            body=_(
                "Stock moved to quarantine: %(pickings)s.",
                pickings=", ".join(pickings.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return pickings

    # ------------------------------------------------------------ automatic
    @api.model
    def _hold_lots(self, lots, reason_xmlid, description, user=None):
        """Place a system hold (receipt quarantine, expiry): narrow sudo, the
        hold is the record of it."""
        reason = self.env.ref(reason_xmlid)
        holds = self.browse()
        for company, company_lots in lots.grouped("company_id").items():
            hold = (
                self.sudo()
                .with_company(company or self.env.company)
                .create(
                    {
                        "lot_ids": [fields.Command.set(company_lots.ids)],
                        "reason_id": reason.id,
                        "description": description,
                        "company_id": (company or self.env.company).id,
                    }
                )
            )
            hold._place(user=user)
            holds |= hold
        return holds

    @api.model
    def _cron_hold_expired_lots(self):
        """Daily: lots past their expiration date with stock get an Expired hold."""
        expired_reason = self.env.ref("lot_traceability.hold_reason_expired")
        quants = self.env["stock.quant"].search(
            [
                ("lot_id.expiration_date", "<=", fields.Datetime.now()),
                ("location_id.usage", "=", "internal"),
                ("quantity", ">", 0),
            ]
        )
        lots = quants.lot_id.filtered(
            lambda lot: not lot.hold_ids.filtered(
                lambda h: h.is_blocking and h.reason_id == expired_reason
            )
        )
        if lots:
            self._hold_lots(
                lots,
                "lot_traceability.hold_reason_expired",
                _("Past the expiration date: held automatically by the daily check."),
            )
        return True
