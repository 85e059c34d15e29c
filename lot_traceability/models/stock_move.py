# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Stock moves: unbuild index, hold enforcement on reservation and
validation, receipt quarantine, audit events of done lines, and Odoo's
"Generate Serials/Lots" and "Import Lots" dialogs (numbering rules; pasted
text with CRLF, byte-order mark, tabs or semicolons, leading zeros and extra
columns read as ``lot; quantity; supplier lot; expiry; production date``).
"""

import math
import re

from dateutil import parser as date_parser

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from .stock_lot import normalise_lot_name
from .stock_quant import MAX_QUANTITY

UNBUILD_INDEX = "stock_move_unbuild_id_lt_index"


COLUMN_SPLIT_RE = re.compile(r"[\t;]")


NUMBER_RE = re.compile(r"^([0-9]+\.?[0-9]*|\.[0-9]+)$")


HEADER_NAMES = {"lot", "lots", "lot name", "lot/serial number", "serial", "name"}


class StockMove(models.Model):
    _inherit = "stock.move"

    def init(self):
        result = super().init()
        create_index(
            self.env.cr,
            UNBUILD_INDEX,
            self._table,
            ["unbuild_id"],
            where="unbuild_id IS NOT NULL",
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._lt_check_quantities(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._lt_check_quantities(vals)
        return super().write(vals)

    @api.model
    def _lt_check_quantities(self, vals):
        for name in ("product_uom_qty", "quantity"):
            value = vals.get(name)
            if isinstance(value, int | float) and (
                not math.isfinite(value) or abs(value) > MAX_QUANTITY
            ):
                raise UserError(
                    _(
                        "%(value)s is not a quantity for %(move)s: enter a finite "
                        "number below %(max)s.",
                        value=value,
                        move=vals.get("name") or self.display_name or _("the move"),
                        max=f"{MAX_QUANTITY:.0e}",
                    )
                )

    def _lt_hold_restricted(self):
        """Must reservation for this move filter out held lots it may not take?
        (Untracked products have no lot, hence no hold.)"""
        self.ensure_one()
        return self.product_id.tracking != "none"

    def _update_reserved_quantity(
        self,
        need,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=True,
    ):
        if self._lt_hold_restricted():
            self = self.with_context(lt_hold_move_id=self.id)
        return super()._update_reserved_quantity(
            need,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
        )

    def _get_available_quantity(
        self,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        allow_negative=False,
    ):
        if self._lt_hold_restricted():
            self = self.with_context(lt_hold_move_id=self.id)
        return super()._get_available_quantity(
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            allow_negative=allow_negative,
        )

    def _action_done(self, cancel_backorder=False):
        """Refuse to validate a held lot (transfers, manufacturing, dropships,
        batches all end here). The lots are locked FOR SHARE and their hold state
        re-read, so a hold committed meanwhile is never shipped past."""
        lines = self.move_line_ids.filtered(
            lambda line: line.lot_id
            and line.state not in ("done", "cancel")
            and (line.picked or not line.move_id.picked)
        )
        if lines:
            self.env["stock.lot.hold"]._lock_lots(lines.lot_id, share=True)
            lines.lot_id.invalidate_recordset(["hold_state", "hold_ids"])
            self.env["stock.lot.hold"].invalidate_model(["is_blocking", "state"])
            lines._lt_check_holds()
        done_before = self.move_line_ids.filtered(lambda line: line.state == "done")
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._lt_hold_received_lots()
        # the audit trail: one event per line done now, whatever the path
        done = moves.move_line_ids.filtered(
            lambda line: line.state == "done" and line.lot_id
        )
        (done - done_before)._lt_append_events()
        return moves

    def _lt_hold_received_lots(self):
        """Receipt quarantine: lots received of a product (or category) set to
        "Hold new lots on receipt" go on a QC pending hold."""
        received = self.move_line_ids.filtered(
            lambda line: line.state == "done"
            and line.lot_id
            and line.location_id.usage == "supplier"
            and line.location_dest_id.usage == "internal"
            and line.product_id.product_tmpl_id._lt_holds_on_receipt()
        )
        company = received.company_id[:1] or self.env.company
        service = self.env["stock.lot.hold.service"]
        lots = received.lot_id.filtered(lambda lot: not service._is_held(lot, company))
        if lots:
            self.env["stock.lot.hold"].with_company(company)._hold_lots(
                lots,
                "lot_traceability.hold_reason_qc_pending",
                _(
                    "Received on %(documents)s: held until Quality releases it.",
                    documents=", ".join(
                        received.picking_id.mapped("name")
                        or received.mapped("reference")
                    ),
                ),
            )

    @api.model
    def action_generate_lot_line_vals(self, context, mode, first_lot, count, lot_text):
        product = self.env["product.product"].browse(context.get("default_product_id"))
        if mode == "generate" and not first_lot and product:
            picking_type = self.env["stock.picking.type"].browse(
                context.get("default_picking_type_id")
            )
            usage = {"incoming": "receipt", "mrp_operation": "production"}.get(
                picking_type.code
            )
            company = self.env["res.company"].browse(context.get("default_company_id"))
            rule = self.env["stock.lot.numbering.rule"]._find_rule(
                product, company or None, usage
            )
            if rule:
                picking = self.env["stock.picking"].browse(
                    context.get("default_picking_id")
                )
                values = rule._values(
                    product,
                    warehouse=picking_type.warehouse_id,
                    supplier=picking.partner_id.commercial_partner_id,
                )
                self = self.with_context(
                    lt_numbering_rule_id=rule.id, lt_numbering_values=values
                )
        vals_list = super().action_generate_lot_line_vals(
            context, mode, first_lot, count, lot_text
        )
        if mode == "import" and product and not product.use_expiration_date:
            for vals in vals_list:
                vals.pop("expiration_date", None)
        return vals_list

    @api.model
    def split_lots(self, lots):
        if not lots:
            return []
        text = lots.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
        rows = [
            [
                normalise_lot_name(cell).strip('"')
                for cell in COLUMN_SPLIT_RE.split(line)
            ]
            for line in text.split("\n")
            if line.strip(" \t;")
        ]
        if rows and rows[0][0].lower() in HEADER_NAMES:
            rows = rows[1:]
        options = self._get_formating_options(
            [cell for row in rows for cell in row[3:5] if cell]
            or [cell for row in rows for cell in row[1:2] if cell]
        )
        return [
            self._split_lot_row(number, row, options)
            for number, row in enumerate(rows, start=1)
        ]

    def _split_lot_row(self, number, row, options):
        vals = {"lot_name": row[0], "quantity": 1}
        cells = row[1:]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) == 1:
            # Odoo's two-column paste: a quantity, an expiry date, or (ours)
            # the supplier lot.
            cell = cells[0].replace(",", ".")
            if NUMBER_RE.match(cell):
                vals["quantity"] = float(cell)
            else:
                date = self._parse_lot_date(cell, options)
                if date:
                    vals["expiration_date"] = date
                else:
                    vals["supplier_lot_name"] = cells[0]
            return vals
        if len(cells) > 4:
            raise UserError(
                _(
                    "Line %(line)s has %(count)s columns; the columns are: lot, "
                    "quantity, supplier lot, expiry date, production date.",
                    line=number,
                    count=len(row),
                )
            )
        quantity, supplier_lot, expiry, produced = [*cells, "", "", "", ""][:4]
        if quantity:
            if not NUMBER_RE.match(quantity.replace(",", ".")):
                raise UserError(
                    _(
                        "Line %(line)s: the quantity %(value)s is not a number "
                        "(columns: lot, quantity, supplier lot, expiry date, "
                        "production date).",
                        line=number,
                        value=quantity,
                    )
                )
            vals["quantity"] = float(quantity.replace(",", "."))
        if supplier_lot:
            vals["supplier_lot_name"] = supplier_lot
        for key, cell in (("expiration_date", expiry), ("production_date", produced)):
            if not cell:
                continue
            date = self._parse_lot_date(cell, options)
            if not date:
                raise UserError(
                    _(
                        "Line %(line)s: %(value)s is not a date (columns: lot, "
                        "quantity, supplier lot, expiry date, production date).",
                        line=number,
                        value=cell,
                    )
                )
            vals[key] = date.date() if key == "production_date" else date
        return vals

    def _parse_lot_date(self, string, options):
        if not re.search(r"\d", string):
            return False
        try:
            return date_parser.parse(string, **options)
        except (ValueError, OverflowError):
            return False
