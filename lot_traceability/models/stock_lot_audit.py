# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Where the audit trail (``stock.lot.event``) is fed from Odoo's flows.

* lots: created, changed (name, supplier lot, dates… old → new), deleted;
* done move lines with a lot, after ``stock.move._action_done`` (transfers,
  manufacturing, scraps, inventory adjustments, dropships, batches — through
  the UI, RPC, imports or scheduled actions alike): received, shipped,
  returned, consumed, produced, scrapped, adjusted, moved;
* holds: placed (``_place``), released or rejected with the signature
  (``_decide``).

No ``mail.thread`` is involved, so ``tracking_disable``/``mail_notrack``
contexts change nothing here.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .stock_lot_event import classify_move

_logger = logging.getLogger(__name__)

AUDITOR_GROUP = "lot_traceability.group_lot_traceability_auditor"
# Lot fields whose changes are logged, when the field exists (production_date
# and receipt_date come with the numbering branch).
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

    event_count = fields.Integer(compute="_compute_event_count", string="Audit Events")

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
        lots = super().create(vals_list)
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "lot_created",
                    "lots": lot,
                    "document": lot,
                    "company": lot.company_id,
                    "payload": {
                        "values": {
                            name: audit_value(lot, name)
                            for name in LOT_AUDIT_FIELDS
                            if name in lot._fields
                        }
                    },
                }
                for lot in lots
            ]
        )
        return lots

    def write(self, vals):
        audited = [name for name in LOT_AUDIT_FIELDS if name in vals]
        if not audited:
            return super().write(vals)
        before = {
            lot: {name: audit_value(lot, name) for name in audited} for lot in self
        }
        result = super().write(vals)
        entries = []
        for lot, old in before.items():
            changes = {
                name: [old[name], audit_value(lot, name)]
                for name in audited
                if old[name] != audit_value(lot, name)
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
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "lot_deleted",
                    "lots": lot,
                    "company": lot.company_id,
                    "payload": {
                        "values": {
                            name: audit_value(lot, name)
                            for name in LOT_AUDIT_FIELDS
                            if name in lot._fields
                        }
                    },
                }
                for lot in self
            ]
        )
        return super().unlink()

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lot_traceability.stock_lot_event_action"
        )
        action["domain"] = [("lot_ids", "in", self.ids)]
        action["context"] = {}
        return action


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        done_before = self.move_line_ids.filtered(lambda line: line.state == "done")
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        lines = moves.move_line_ids.filtered(
            lambda line: line.state == "done" and line.lot_id
        )
        (lines - done_before)._lt_append_events()
        return moves


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    def _lt_document(self):
        self.ensure_one()
        move = self.move_id
        return (
            self.picking_id
            or move.raw_material_production_id
            or move.production_id
            or move.scrap_id
            or move
        )

    def _lt_append_events(self):
        """One audit event per done line with a lot, once per line."""
        if not self:
            return
        self.env.cr.execute(
            SQL(
                "SELECT move_line_id FROM stock_lot_event WHERE move_line_id = ANY(%s)",
                self.ids,
            )
        )
        logged = {line_id for (line_id,) in self.env.cr.fetchall()}
        entries = []
        for line in self.sudo().filtered(lambda line: line.id not in logged):
            move = line.move_id
            event_type = classify_move(
                line.location_id.usage,
                line.location_dest_id.usage,
                line.location_dest_id.scrap_location,
                bool(move.origin_returned_move_id),
            )
            entries.append(
                {
                    "event_type": event_type,
                    "lots": line.lot_id,
                    "document": line._lt_document(),
                    "company": line.company_id,
                    "move_line_id": line.id,
                    "payload": {
                        "move_line_id": line.id,
                        "move_id": move.id,
                        "product_id": line.product_id.id,
                        "lot_id": line.lot_id.id,
                        "lot": line.lot_id.name,
                        "quantity": line.quantity,
                        "uom_id": line.product_uom_id.id,
                        "location_id": line.location_id.id,
                        "location": line.location_id.complete_name,
                        "location_dest_id": line.location_dest_id.id,
                        "location_dest": line.location_dest_id.complete_name,
                        "partner_id": (line.picking_partner_id or move.partner_id).id
                        or None,
                        "reference": line.reference,
                        "date": fields.Datetime.to_string(line.date),
                    },
                }
            )
        self.env["stock.lot.event"]._append_many(entries)


class StockLotHold(models.Model):
    _inherit = "stock.lot.hold"

    def _place(self, user=None):
        result = super()._place(user=user)
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
        return result

    def _decide(self, decision, note, disposition=False):
        result = super()._decide(decision, note, disposition=disposition)
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
        return result
