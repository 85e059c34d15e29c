# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Quality holds: the record of a hold (who placed it, who decided, the signed
meaning of the decision, the disposition) and its guards.

Every change of which lots are held goes through the hold service
(``stock.lot.hold.service``); this model refuses any other write of its
protected fields, for every user, administrators included.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .lot_signature_mixin import SIGNATURE_FIELDS
from .lt_groups import MANAGER_GROUP, USER_GROUP
from .stock_lot_hold_service import BLOCKING_DISPOSITIONS, DISPOSITIONS

# What a user may still write on a draft hold (a placed hold: nothing but its
# chatter, followers and activities).
DRAFT_FIELDS = {"lot_ids", "reason_id", "description"}
CREATE_FIELDS = DRAFT_FIELDS | {"company_id", "name"}
MAX_DESCRIPTION = 10000

__all__ = ["BLOCKING_DISPOSITIONS", "DISPOSITIONS", "MANAGER_GROUP", "USER_GROUP"]


class StockLotHold(models.Model):
    _name = "stock.lot.hold"
    _description = "Lot Quality Hold"
    _inherit = ["lot.signature.mixin", "mail.thread", "mail.activity.mixin"]
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
        "description",
        "state",
        "disposition",
        "decision_note",
        "signature_user_id",
        "signature_name",
        "signature_date",
        "signature_meaning",
        "signature_hash",
    )
    def _compute_signature_valid(self):
        return super()._compute_signature_valid()

    @api.constrains("description")
    def _check_description(self):
        for hold in self:
            if hold.description and len(hold.description) > MAX_DESCRIPTION:
                raise UserError(
                    _(
                        "The description of hold %(hold)s has %(length)s characters: "
                        "keep it under %(max)s and attach long documents instead.",
                        hold=hold.name,
                        length=len(hold.description),
                        max=MAX_DESCRIPTION,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        service = self.env["stock.lot.hold.service"]._is_service()
        for vals in vals_list:
            if not service:
                self._check_user_fields(vals, CREATE_FIELDS, _("created"))
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                if company not in self.env.companies:
                    raise UserError(
                        _(
                            "A hold is placed for one of your companies: %(company)s "
                            "is not among them.",
                            company=company.sudo().name,
                        )
                    )
                vals["company_id"] = company.id
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("stock.lot.hold")
        return super().create(vals_list)

    def write(self, vals):
        self.check_access("write")
        signing = self._signature_service() and set(vals) <= set(SIGNATURE_FIELDS)
        if not self.env["stock.lot.hold.service"]._is_service() and not signing:
            placed = self.filtered(lambda hold: hold.state != "draft")
            (placed or self)._check_user_fields(
                vals, set() if placed else DRAFT_FIELDS, _("changed")
            )
        return super().write(vals)

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

    def _check_user_fields(self, vals, allowed, verb):
        """Refuse fields only the hold service writes."""
        mail_fields = set(self.env["mail.thread"]._fields) | set(
            self.env["mail.activity.mixin"]._fields
        )
        refused = set(vals) - allowed - (mail_fields - set(models.MAGIC_COLUMNS))
        if vals.get("name", "/") != "/" and "name" in allowed:
            refused.add("name")
        if refused:
            labels = ", ".join(
                sorted(
                    self._fields[name].string
                    for name in refused
                    if name in self._fields
                )
            ) or ", ".join(sorted(refused))
            raise UserError(
                _(
                    "%(fields)s of hold %(holds)s cannot be %(verb)s by hand: holds "
                    "are placed, extended, released and rejected with their buttons "
                    "(a decision is signed), and a placed hold keeps its lots, "
                    "reason and description.",
                    fields=labels,
                    holds=", ".join(self.mapped("name")) or _("(new)"),
                    verb=verb,
                )
            )

    def _signature_content(self):
        """What a decision signs: the hold, its lots, reason, description,
        placer and the decision."""
        self.ensure_one()
        return {
            "hold": self.name,
            "company": self.company_id.id,
            "lots": sorted([lot.id, lot.name] for lot in self.lot_ids),
            "reason": self.reason_id.code,
            "description": self.description or "",
            "placed_by": self.placed_by_id.id or None,
            "placed_date": fields.Datetime.to_string(self.placed_date) or "",
            "state": self.state,
            "disposition": self.disposition or "",
            "note": self.decision_note or "",
        }

    # ------------------------------------------------------------------ actions
    def action_place(self):
        """Activate draft holds: the lots are blocked from now on."""
        service = self.env["stock.lot.hold.service"]
        service._check_group(USER_GROUP, self)
        service._place(self)
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

    def action_decide(self, decision, note, password, disposition=False, digest=None):
        """Public signing call (RPC): release or reject this hold, signed with
        the user's ``password`` (checked, never stored). ``digest``: the
        ``_signature_content_digest()`` the signer reviewed."""
        self.ensure_one()
        self.env["stock.lot.hold.service"]._decide(
            self, decision, note, disposition, password, digest
        )
        return True

    def action_move_to_quarantine(self):
        """Move the held lots' stock to the quarantine location of its warehouse."""
        service = self.env["stock.lot.hold.service"]
        service._check_group(USER_GROUP, self)
        for hold in self:
            if not hold.is_blocking:
                raise UserError(
                    _("Hold %(hold)s does not block its lots any more.", hold=hold.name)
                )
            service._move_to_quarantine(hold)
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
        self.env["stock.lot.hold.service"]._check_group(group, self)

    def _lock_lots(self, lots, share=False):
        self.env["stock.lot.hold.service"]._lock_lots(lots, share=share)

    def _place(self, user=None):
        return self.env["stock.lot.hold.service"]._place(self, user=user)

    def _decide(
        self, decision, note, disposition=False, password=None, expected_digest=None
    ):
        """Release or reject, signed: ``password`` is checked in this call."""
        return self.env["stock.lot.hold.service"]._decide(
            self, decision, note, disposition, password, expected_digest
        )

    def _add_lots(self, lots):
        """Extend an active hold to more lots (recalls, propagation)."""
        self.ensure_one()
        service = self.env["stock.lot.hold.service"]
        service._check_group(USER_GROUP, self)
        if not self.is_blocking:
            raise UserError(
                _("Hold %(hold)s does not block its lots any more.", hold=self.name)
            )
        new = lots - self.lot_ids
        if not new:
            return self
        service._lock_lots(new)
        service._service_env(self).write(
            {"lot_ids": [fields.Command.link(lot.id) for lot in new]}
        )
        self._check_company()
        service._block_now(self)
        self.env["stock.lot.event"]._append(
            "hold_placed",
            lots=new,
            document=self,
            company=self.company_id,
            payload={
                "hold": self.name,
                "reason": self.reason_id.code,
                "description": self.description or None,
                "placed_by_id": self.env.user.id,
                "placed_date": fields.Datetime.to_string(fields.Datetime.now()),
                "extended": True,
            },
        )
        return self

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
                hold.sudo().activity_schedule(
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

    # ------------------------------------------------------------ automatic
    @api.model
    def _hold_lots(self, lots, reason_xmlid, description, user=None):
        """Place a system hold (receipt quarantine, expiry, recalls)."""
        return self.env["stock.lot.hold.service"]._hold_lots(
            lots, reason_xmlid, description, user=user
        )

    @api.model
    def _cron_hold_expired_lots(self):
        return self.env["stock.lot.hold.service"]._cron_hold_expired_lots()
