# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Supplier lot data on receipt lines, handed to the lot Odoo creates."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .stock_lot_supplier import normalise_lot_name


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

    def _compute_gs1_scan(self):
        self.gs1_scan = False

    def _inverse_gs1_scan(self):
        for line in self.filtered("gs1_scan"):
            barcode, line.gs1_scan = line.gs1_scan, False
            line._apply_gs1_scan(barcode)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            for key in ("lot_name", "supplier_lot_name"):
                if vals.get(key):
                    vals[key] = normalise_lot_name(vals[key])
        return super().create(vals_list)

    def write(self, vals):
        for key in ("lot_name", "supplier_lot_name"):
            if vals.get(key):
                vals[key] = normalise_lot_name(vals[key])
        return super().write(vals)

    def _apply_gs1_scan(self, barcode):
        """Fill this line from a GS1 label; everything is checked before
        anything is written."""
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
        self.write(vals)
        self.picking_id._post_day_00_note(scan)

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
