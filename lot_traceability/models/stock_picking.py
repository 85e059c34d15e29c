# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Transfers: trace their lots; receipts: GS1 scanning, required supplier
lots, numbered and merged lots.
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class StockPicking(models.Model):
    _inherit = "stock.picking"
    gs1_scan = fields.Char(
        string="Scan",
        compute="_compute_gs1_scan",
        inverse="_inverse_gs1_scan",
        help="Scan a GS1-128 or GS1 DataMatrix label (product GTIN in AI 01, "
        "supplier lot in AI 10, dates, quantity): one scan per unit or case adds "
        "or increments the matching line.",
    )

    def action_trace_lots(self):
        """Trace every lot moved by these transfers."""
        lots = self.move_line_ids.lot_id
        if not lots:
            raise UserError(
                _(
                    "%(documents)s moved no lot to trace.",
                    documents=", ".join(self.mapped("name")),
                )
            )
        return lots.action_open_trace()

    def action_print_lot_labels(self):
        """GS1 DataMatrix labels of the lots of these transfers."""
        lots = self.move_line_ids.lot_id
        if not lots:
            raise UserError(
                _(
                    "%(documents)s has no lot to label.",
                    documents=", ".join(self.mapped("name")),
                )
            )
        # labels have no company letterhead: no layout configurator first
        return self.env.ref("lot_traceability.action_report_lot_label").report_action(
            lots, config=False
        )

    def action_open_epcis_import(self):
        """The wizard that fills this receipt from the supplier's EPCIS."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Import EPCIS"),
            "res_model": "stock.lot.epcis.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }

    def import_epcis(self, content):
        """RPC: fill this receipt from a supplier's EPCIS 2.0 shipping events
        (the JSON document as text); returns what matched and what did not
        (see ``stock.lot.epcis.import._import_on``)."""
        self.ensure_one()
        self.check_access("write")
        return self.env["stock.lot.epcis.import"]._import_on(self, content)

    def _compute_gs1_scan(self):
        self.gs1_scan = False

    def _inverse_gs1_scan(self):
        for picking in self.filtered("gs1_scan"):
            barcode, picking.gs1_scan = picking.gs1_scan, False
            picking._apply_gs1_scan(barcode)

    @api.onchange("gs1_scan")
    def _onchange_gs1_scan(self):
        """The scan fills the receipt on screen at once, saved with it."""
        if not self.gs1_scan:
            return None
        barcode, self.gs1_scan = self.gs1_scan, False
        scan = self._apply_gs1_scan(barcode, note=False)
        return self._day_00_warning(scan)

    def _sanity_check(self, separate_pickings=True):
        self._check_supplier_lots()
        self._assign_receipt_lots()
        return super()._sanity_check(separate_pickings=separate_pickings)

    def _action_done(self):
        res = super()._action_done()
        self.move_line_ids.filtered(
            lambda ml: ml.state == "done"
        )._record_supplier_lot_on_lots()
        return res

    def _receipt_lines_to_process(self):
        return self.filtered(
            lambda p: p.picking_type_id.code == "incoming"
            and p.state not in ("done", "cancel")
        ).move_line_ids.filtered(
            lambda ml: ml.product_id.tracking != "none" and ml.quantity > 0
        )

    def _check_supplier_lots(self):
        """One error listing every receipt line whose product requires the
        supplier lot and that has none."""
        missing = self._receipt_lines_to_process().filtered(
            lambda ml: ml.product_id.product_tmpl_id._requires_supplier_lot()
            and not ml.supplier_lot_name
            and not ml.lot_id.supplier_lot_name
        )
        if missing:
            raise UserError(
                _(
                    "Enter the supplier lot on these receipt lines before "
                    "validating (their products require it):\n%(lines)s",
                    lines="\n".join(
                        f"- {ml.picking_id.name}: {ml.product_id.display_name}, "
                        f"{ml.quantity} {ml.product_uom_id.name}"
                        + (
                            f" (lot {ml.lot_id.name or ml.lot_name})"
                            if ml.lot_id or ml.lot_name
                            else ""
                        )
                        for ml in missing
                    ),
                )
            )

    def _assign_receipt_lots(self):
        """Give a lot to receipt lines the user left without one: the first
        lot of the same supplier lot (merge policy), else a number from the
        product's numbering rule. Lines without a rule keep Odoo's behaviour."""
        Lot = self.env["stock.lot"]
        Rule = self.env["stock.lot.numbering.rule"]
        batch = {}  # (product, supplier, supplier lot) -> lot name of this batch
        for line in self._receipt_lines_to_process().filtered(
            lambda ml: ml.picking_type_id.use_create_lots
            and not ml.lot_id
            and not ml.lot_name
        ):
            product, picking = line.product_id, line.picking_id
            supplier = picking.partner_id.commercial_partner_id
            key = None
            if line.supplier_lot_name and product.tracking == "lot":
                key = (product.id, supplier.id, line.supplier_lot_name)
                if key in batch:
                    line.lot_name = batch[key]
                    continue
                first = Lot._find_supplier_lot(
                    product, supplier, line.supplier_lot_name, line.company_id
                )
                if first and product.product_tmpl_id._get_supplier_lot_policy() == (
                    "merge"
                ):
                    line.lot_id = first
                    continue
            rule = Rule._find_rule(product, line.company_id, "receipt")
            if not rule:
                continue
            values = rule._values(
                product,
                warehouse=picking.picking_type_id.warehouse_id,
                supplier=supplier,
            )
            line.lot_name = rule._next_names(values)[0]
            if key:
                batch[key] = line.lot_name

    def _apply_gs1_scan(self, barcode, note=True):
        """Add or increment the receipt line of a scanned GS1 label (element
        string or Digital Link URI); returns the scan. The scan is read and
        checked completely before anything is written; ``note``: post day-00
        dates in the chatter (an onchange warns instead)."""
        self.ensure_one()
        if self.picking_type_id.code != "incoming":
            raise UserError(
                _(
                    "%(picking)s is not a receipt: scan labels on receipts.",
                    picking=self.name,
                )
            )
        if self.state in ("done", "cancel"):
            raise UserError(
                _(
                    "%(picking)s is already %(state)s: scan on an open receipt.",
                    picking=self.name,
                    state=dict(self._fields["state"].selection)[self.state],
                )
            )
        Nomenclature = self.env["barcode.nomenclature"]
        scan = Nomenclature._lt_parse_gs1_scan(barcode)
        product = scan.get("product")
        if not product:
            raise UserError(
                _(
                    "Scan %(scan)s refused: it has no product (GTIN, AI 01); scan it "
                    "on a line of the receipt instead.",
                    scan=repr(barcode),
                )
            )
        if product.tracking == "serial" and scan.get("serial"):
            taken = self.move_line_ids.filtered(
                lambda ml: ml.product_id == product
                and (ml.lot_name == scan["serial"] or ml.lot_id.name == scan["serial"])
            )
            if taken:
                raise UserError(
                    _(
                        "Serial number %(serial)s of %(product)s is already on "
                        "%(picking)s.",
                        serial=scan["serial"],
                        product=product.display_name,
                        picking=self.name,
                    )
                )
        move = self.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in ("done", "cancel")
        )[:1]
        uom = move.product_uom if move else product.uom_id
        quantity = Nomenclature._lt_scan_quantity(scan, product, uom)
        vals = self.env["stock.move.line"]._gs1_line_vals(scan, product)
        line = self._scan_target_line(move, product, scan)
        # Everything is checked: write (in the form's memory during an onchange).
        if not move:
            vals_move = {
                "name": product.display_name,
                "product_id": product.id,
                "product_uom": product.uom_id.id,
                "product_uom_qty": quantity,
                "location_id": self.location_id.id,
                "location_dest_id": self.location_dest_id.id,
                "company_id": self.company_id.id,
            }
            if isinstance(self.id, models.NewId):
                # the receipt form edits the moves through this field
                self.move_ids_without_package = [Command.create(vals_move)]
                move = self.move_ids_without_package.filtered(
                    lambda m: m.product_id == product and not m.move_line_ids
                )[-1:]
            else:
                # read before: a draft move makes the receipt's state draft
                confirmed = self.state != "draft"
                move = self.env["stock.move"].create(
                    dict(vals_move, picking_id=self.id)
                )
                if confirmed:
                    move._action_confirm()
            line = self._scan_target_line(move, product, scan)
        if line and line.picked:
            line.update(dict(vals, quantity=line.quantity + quantity))
        elif line:
            line.update(dict(vals, quantity=quantity))
        else:
            move.update(
                {
                    "move_line_ids": [
                        Command.create(
                            dict(
                                vals,
                                quantity=quantity,
                                product_id=product.id,
                                product_uom_id=move.product_uom.id,
                                location_id=move.location_id.id,
                                location_dest_id=move.location_dest_id.id,
                                picking_id=self.id,
                                company_id=self.company_id.id,
                            )
                        )
                    ]
                }
            )
        move.picked = True
        if note:
            self._post_day_00_note(scan)
        return scan

    def _scan_target_line(self, move, product, scan):
        """The line a scan increments (same supplier lot, already scanned) or
        fills (a planned line nobody picked yet); empty: add a line."""
        lines = move.move_line_ids
        if product.tracking != "serial":
            same = lines.filtered(
                lambda ml: ml.picked
                and (ml.supplier_lot_name or False) == (scan.get("lot") or False)
                and not ml.lot_id
                and not ml.lot_name
            )
            if same:
                return same[:1]
        return lines.filtered(
            lambda ml: not ml.picked
            and not ml.supplier_lot_name
            and not ml.lot_id
            and not ml.lot_name
        )[:1]

    def _day_00_messages(self, scan):
        labels = {
            "11": (_("production date"), "production_date"),
            "15": (_("best before date"), "use_date"),
            "16": (_("sell by date"), "sell_by_date"),
            "17": (_("expiry date"), "expiration_date"),
            "13": (_("pack date"), "pack_date"),
        }
        messages = []
        for ai in scan.get("day_00", []):
            label, key = labels[ai]
            messages.append(
                _(
                    "Scanned %(label)s (AI %(ai)s) has day 00: read as the last day "
                    "of the month, %(date)s. Check it against the label.",
                    label=label,
                    ai=ai,
                    date=format_date(self.env, scan[key]),
                )
            )
        return messages

    def _day_00_warning(self, scan):
        messages = self._day_00_messages(scan)
        if not messages:
            return None
        return {"warning": {"title": _("Day 00"), "message": "\n".join(messages)}}

    def _post_day_00_note(self, scan):
        for message in self._day_00_messages(scan):
            self.message_post(body=message)
