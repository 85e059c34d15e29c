# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Move lines: the done-by-lot index of the genealogy walk, hold checks when a
lot is chosen or picked, supplier lot data on receipt lines (typed or
scanned from GS1 labels) handed to the lot Odoo creates, audit events.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .stock_lot import check_lot_name_characters, normalise_lot_name
from .stock_lot_event import classify_move

LOT_DONE_INDEX = "stock_move_line_lot_done_index"


HOLD_FIELDS = {"lot_id", "location_id", "location_dest_id"}
# Fields of a done line whose change moves stock at once (Odoo updates the
# quants of an unlocked done transfer without a new move).
DONE_STOCK_FIELDS = {
    "lot_id",
    "lot_name",
    "quantity",
    "quantity_product_uom",
    "location_id",
    "location_dest_id",
    "package_id",
    "result_package_id",
    "owner_id",
    "product_id",
    "product_uom_id",
    "move_id",
}
# Fields of a done line whose change is a change of a lot's stock: each edit
# is an audit event with the old and new values.
LEDGER_EDIT_FIELDS = (
    "lot_id",
    "quantity",
    "product_uom_id",
    "location_id",
    "location_dest_id",
    "package_id",
    "result_package_id",
    "owner_id",
)


_logger = logging.getLogger(__name__)


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"
    supplier_lot_name = fields.Char(
        string="Supplier Lot",
        help="The supplier's own lot number, as printed on the label or scanned.",
    )
    production_date = fields.Date(help="Production date given by the supplier.")
    use_date = fields.Datetime(
        string="Best before Date", help="Best before date given by the supplier."
    )
    gs1_scan = fields.Char(
        string="Scan",
        compute="_compute_gs1_scan",
        inverse="_inverse_gs1_scan",
        help="Scan a GS1-128 or GS1 DataMatrix label: fills the supplier lot, "
        "dates and quantity of this line.",
    )

    def init(self):
        result = super().init()
        create_index(
            self.env.cr,
            LOT_DONE_INDEX,
            self._table,
            ["lot_id"],
            where="state = 'done' AND lot_id IS NOT NULL",
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._lt_clean_lot_names(vals)
            self.env["stock.quant"]._lt_check_quantities(vals)
        self._lt_check_new_lines(vals_list)
        lines = super().create(vals_list)
        lines.filtered("lot_id")._lt_check_holds()
        return lines

    def write(self, vals):
        self._lt_clean_lot_names(vals)
        self.env["stock.quant"]._lt_check_quantities(vals)
        if DONE_STOCK_FIELDS.intersection(vals):
            self._lt_check_done_edit(vals)
        before = self._lt_done_line_values(vals)
        result = super().write(vals)
        self._lt_append_edit_events(before)
        # choosing a lot, a place or a quantity, or picking: not unpicking or
        # emptying a line, which only ever takes a held lot out of a transfer
        if HOLD_FIELDS.intersection(vals) or vals.get("picked") or vals.get("quantity"):
            self.filtered(
                lambda line: line.lot_id and line.state not in ("done", "cancel")
            )._lt_check_holds()
        return result

    @api.model
    def _lt_clean_lot_names(self, vals):
        for key, label in (
            ("lot_name", _("Lot name")),
            ("supplier_lot_name", _("Supplier lot")),
        ):
            if vals.get(key):
                vals[key] = normalise_lot_name(vals[key])
                check_lot_name_characters(self.env, vals[key], label)

    def _lt_hold_restricted(self):
        """Does this line take a held lot where holds forbid? (See
        ``stock.lot.hold.service._move_permitted``.)"""
        self.ensure_one()
        service = self.env["stock.lot.hold.service"]
        return service._is_held(self.lot_id, self.company_id) and not (
            service._move_permitted(
                self.lot_id,
                self.location_id,
                self.location_dest_id,
                self.move_id,
                self.company_id,
            )
        )

    def _lt_check_holds(self):
        """A held lot may not be chosen for, or validated on, a line that takes it
        anywhere but a destination permitted for held lots."""
        self.env["stock.lot.hold.service"]._check_lines(self.filtered("lot_id"))

    @api.model
    def _lt_check_new_lines(self, vals_list):
        """Refuse a held lot before Odoo creates the line: when its quant is
        not reservable Odoo would otherwise drop the lot from the line."""
        service = self.env["stock.lot.hold.service"]
        if service._is_service():
            return
        for vals in vals_list:
            quant = self.env["stock.quant"].browse(vals.get("quant_id") or [])
            lot = self.env["stock.lot"].browse(vals.get("lot_id") or []) or quant.lot_id
            move = self.env["stock.move"].browse(vals.get("move_id") or [])
            if not lot or not move:
                continue
            source = (
                self.env["stock.location"].browse(vals.get("location_id") or [])
                or quant.location_id
                or move.location_id
            )
            destination = (
                self.env["stock.location"].browse(vals.get("location_dest_id") or [])
                or move.location_dest_id
            )
            company = move.company_id
            if service._is_held(lot, company) and not service._move_permitted(
                lot, source, destination, move, company
            ):
                raise UserError(service._refusal(lot, destination, company))

    def _lt_check_done_edit(self, vals):
        """Editing a done line moves its stock at once: refused when the line's
        lot, or the lot it would get, is held (except by the hold service)."""
        service = self.env["stock.lot.hold.service"]
        if service._is_service():
            return
        done = self.filtered(lambda line: line.state == "done")
        if not done:
            return
        new_lot = self.env["stock.lot"].browse(vals.get("lot_id") or [])
        held = self.env["stock.lot"]
        for line in done:
            for lot in line.lot_id | new_lot:
                if service._is_held(lot, line.company_id):
                    held |= lot
        if held:
            raise UserError(
                _(
                    "Done transfer lines of held lot %(lots)s cannot be edited: the "
                    "stock would move without a new transfer. Ask Quality to decide "
                    "the hold first.\n\n%(details)s",
                    lots=", ".join(held.mapped("display_name")),
                    details=held._lt_hold_message(company=done.company_id[:1]),
                )
            )

    def _action_done(self):
        """Last line of defence: the lines whose quants are about to move."""
        self.filtered(
            lambda line: line.lot_id and line.state not in ("done", "cancel")
        )._lt_check_holds()
        return super()._action_done()

    def _compute_gs1_scan(self):
        self.gs1_scan = False

    def _inverse_gs1_scan(self):
        for line in self.filtered("gs1_scan"):
            barcode, line.gs1_scan = line.gs1_scan, False
            line._apply_gs1_scan(barcode)

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        """The scan fills the line on screen at once, saved with it."""
        if not self.gs1_scan:
            return None
        barcode, self.gs1_scan = self.gs1_scan, False
        scan = self._apply_gs1_scan(barcode, note=False)
        return self.picking_id._day_00_warning(scan)

    def _apply_gs1_scan(self, barcode, note=True):
        """Fill this line from a GS1 label (element string or Digital Link
        URI); everything is checked before anything is written. Returns the
        scan."""
        self.ensure_one()
        if self.state in ("done", "cancel"):
            raise UserError(
                _(
                    "%(line)s is %(state)s: scan on an open receipt.",
                    line=self.display_name,
                    state=self.state,
                )
            )
        scan = self.env["barcode.nomenclature"]._lt_parse_gs1_scan(barcode)
        product = scan.get("product")
        if product and product != self.product_id:
            raise UserError(
                _(
                    "The label is for %(scanned)s (GTIN %(gtin)s), this line is for "
                    "%(product)s: scan it on the receipt instead.",
                    scanned=product.display_name,
                    gtin=scan["gtin"],
                    product=self.product_id.display_name,
                )
            )
        quantity = self.env["barcode.nomenclature"]._lt_scan_quantity(
            scan, self.product_id, self.product_uom_id
        )
        vals = self._gs1_line_vals(scan, self.product_id)
        if (
            self.picked
            and scan.get("lot")
            and self.supplier_lot_name == scan["lot"]
            and self.product_id.tracking == "lot"
        ):
            vals["quantity"] = self.quantity + quantity
        else:
            vals["quantity"] = quantity
        self.update(vals)
        if note:
            self.picking_id._post_day_00_note(scan)
        return scan

    @api.model
    def _gs1_line_vals(self, scan, product):
        vals = {"picked": True}
        if scan.get("lot"):
            vals["supplier_lot_name"] = scan["lot"]
        if scan.get("serial") and product.tracking == "serial":
            vals["lot_name"] = scan["serial"]
        if scan.get("expiration_date"):
            vals["expiration_date"] = scan["expiration_date"]
        if scan.get("use_date"):
            vals["use_date"] = scan["use_date"]
        if scan.get("production_date"):
            vals["production_date"] = scan["production_date"]
        return vals

    def _prepare_new_lot_vals(self):
        vals = super()._prepare_new_lot_vals()
        picking = self.picking_id
        # from a vendor only: a customer return is an incoming transfer too
        if self.location_id.usage != "supplier":
            return vals
        supplier = picking.partner_id.commercial_partner_id
        vals["receipt_date"] = fields.Datetime.now()
        if supplier:
            vals["supplier_id"] = supplier.id
        if self.production_date:
            vals["production_date"] = self.production_date
        if self.use_date:
            vals["use_date"] = self.use_date
        if self.supplier_lot_name:
            vals["supplier_lot_name"] = self.supplier_lot_name
            first = self.env["stock.lot"]._find_supplier_lot(
                self.product_id, supplier, self.supplier_lot_name, self.company_id
            )
            if first:
                vals["supplier_origin_lot_id"] = first.id
        return vals

    def _create_and_assign_production_lot(self):
        if self.env.context.get("lt_lot_usage"):
            return super()._create_and_assign_production_lot()
        receipt_lines = self.filtered(
            lambda ml: ml.picking_id.picking_type_id.code == "incoming"
        )
        for lines, usage in ((receipt_lines, "receipt"), (self - receipt_lines, None)):
            if lines:
                super(
                    StockMoveLine, lines.with_context(lt_lot_usage=usage)
                )._create_and_assign_production_lot()
        return True

    def _record_supplier_lot_on_lots(self):
        """Receipt lines into an existing lot: complete the lot's supplier data
        (never overwrite it)."""
        for line in self.filtered(
            lambda ml: ml.lot_id and ml.location_id.usage == "supplier"
        ):
            lot, vals = line.lot_id, {}
            supplier = line.picking_id.partner_id.commercial_partner_id
            if supplier and not lot.supplier_id:
                vals["supplier_id"] = supplier.id
            if line.supplier_lot_name and not lot.supplier_lot_name:
                vals["supplier_lot_name"] = line.supplier_lot_name
            if line.production_date and not lot.production_date:
                vals["production_date"] = line.production_date
            if not lot.receipt_date:
                vals["receipt_date"] = line.date or fields.Datetime.now()
            if vals:
                lot.write(vals)

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

    def _lt_done_line_values(self, vals):
        """Before a write: the audited values of the done lines it may change."""
        if not set(LEDGER_EDIT_FIELDS).intersection(vals):
            return {}
        lines = self.sudo().filtered(
            lambda line: line.state == "done" and line.product_id.tracking != "none"
        )
        return {line: line._lt_edit_values() for line in lines}

    def _lt_edit_values(self):
        self.ensure_one()
        values = {}
        for name in LEDGER_EDIT_FIELDS:
            value = self[name]
            if isinstance(value, models.BaseModel):
                values[name] = value.id or None
                values[name.removesuffix("_id")] = value.display_name or None
            else:
                values[name] = value
        return values

    def _lt_append_edit_events(self, before):
        """After a write: one ``line_edited`` event per done line whose lot,
        quantity, place or package changed, with old and new values (Odoo
        moves the quants accordingly: this is a change of the lots' stock)."""
        entries = []
        for line, old in before.items():
            new = line._lt_edit_values()
            changes = {
                name: [old[name], new[name]] for name in old if old[name] != new[name]
            }
            if not changes:
                continue
            lots = self.env["stock.lot"].browse({old["lot_id"], new["lot_id"]} - {None})
            entries.append(
                {
                    "event_type": "line_edited",
                    "lots": lots.exists(),
                    "document": line._lt_document(),
                    "company": line.company_id,
                    "payload": {
                        "move_line_id": line.id,
                        "move_id": line.move_id.id,
                        "product_id": line.product_id.id,
                        "reference": line.reference,
                        "changes": changes,
                    },
                }
            )
        self.env["stock.lot.event"]._append_many(entries)
