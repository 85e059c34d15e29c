# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Import a trading partner's EPCIS 2.0 shipping events onto a receipt.

A supplier's ``shipping`` ObjectEvents list what it sent, lot by lot
(``quantityList``: a GS1 Digital Link ``/01/<GTIN>/10/<lot>`` or an EPC class
``urn:epc:class:lgtin:...``, a quantity and a UN/CEFACT Rec 20 unit). Each lot
is matched to the receipt's product by GTIN and fills the receipt's lines:
supplier lot, quantity (in the move's unit), expiry and production dates when
the document carries them (ilmd of the events that created the lot, or the
Digital Link's data attributes). What cannot be matched is reported, never
guessed.
"""

import base64
import json
import re
from collections import defaultdict
from datetime import datetime
from urllib.parse import unquote

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..gs1 import element_string as gs1

SHIPPING = {
    "shipping",
    "https://ref.gs1.org/cbv/BizStep-shipping",
    "urn:epcglobal:cbv:bizstep:shipping",
}
LGTIN = re.compile(r"^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$")
ILMD_DATES = {
    "cbvmda:itemExpirationDate": "expiration_date",
    "cbvmda:bestBeforeDate": "use_date",
    "cbvmda:productionDate": "production_date",
}


def lot_class(uri):
    """(GTIN-14, lot, {AI: value}) of an EPCIS class URI, or None."""
    match = LGTIN.match(uri or "")
    if match:
        prefix, item, lot = match.groups()
        digits = item[:1] + prefix + item[1:]
        check = (
            10
            - sum(
                int(d) * (3 if i % 2 == 0 else 1)
                for i, d in enumerate(reversed(digits))
            )
            % 10
        ) % 10
        return digits + str(check), unquote(lot), {}
    if not re.match(r"https?://", uri or ""):
        return None
    try:
        elements = dict(gs1.parse(uri))
    except gs1.GS1Error:
        return None
    if "01" not in elements or "10" not in elements:
        return None
    return elements["01"], elements["10"], elements


class StockLotEpcisImport(models.TransientModel):
    _name = "stock.lot.epcis.import"
    _description = "Import EPCIS Shipping Events on a Receipt"

    picking_id = fields.Many2one("stock.picking", required=True, readonly=True)
    document = fields.Binary(string="EPCIS Document (JSON-LD)", required=True)
    filename = fields.Char()
    report = fields.Text(readonly=True)
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")

    def action_import(self):
        self.ensure_one()
        try:
            content = base64.b64decode(self.document).decode("utf-8-sig")
        except (ValueError, UnicodeDecodeError) as error:
            raise UserError(
                _(
                    "%(file)s is not a text file: choose the EPCIS JSON document.",
                    file=self.filename or _("The file"),
                )
            ) from error
        result = self.picking_id.import_epcis(content)
        self.write({"report": self._report_text(result), "state": "done"})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _report_text(self, result):
        lines = [_("Matched lots:")]
        lines += [
            f"  {row['product']} — {row['lot']}: {row['quantity']:g} {row['uom']}"
            for row in result["matched"]
        ] or [_("  none")]
        lines.append(_("Not matched:"))
        lines += [
            f"  {row['epc_class']}: {row['reason']}" for row in result["unmatched"]
        ] or [_("  none")]
        if result["ignored_events"]:
            lines.append(
                _(
                    "%(count)s events that are not shipping ObjectEvents were ignored.",
                    count=result["ignored_events"],
                )
            )
        return "\n".join(lines)

    # ------------------------------------------------------------ the import
    @api.model
    def _read_document(self, content):
        try:
            document = json.loads(content) if isinstance(content, str) else content
        except ValueError as error:
            raise UserError(
                _("The EPCIS document is not valid JSON: %(error)s", error=error)
            ) from error
        body = document.get("epcisBody") if isinstance(document, dict) else None
        events = (body or {}).get("eventList")
        if events is None and body and "event" in body:
            events = [body["event"]]
        if not isinstance(events, list):
            raise UserError(
                _(
                    "This is not an EPCIS 2.0 JSON document: it has no "
                    "epcisBody.eventList. Ask the supplier for its EPCIS 2.0 "
                    "export (JSON-LD)."
                )
            )
        return [event for event in events if isinstance(event, dict)]

    @api.model
    def _lot_dates(self, events):
        """epcClass -> dates from the ilmd of the events that created it."""
        dates = defaultdict(dict)
        for event in events:
            ilmd = event.get("ilmd") or {}
            classes = [q.get("epcClass") for q in event.get("quantityList", [])]
            classes += [q.get("epcClass") for q in event.get("outputQuantityList", [])]
            for key, field in ILMD_DATES.items():
                if ilmd.get(key):
                    for epc_class in classes:
                        dates[epc_class][field] = ilmd[key]
        return dates

    @api.model
    def _uom(self, code, product):
        if not code:
            return self.env.ref("uom.product_uom_unit")
        uoms = self.env["uom.uom"].search([("unece_code", "=", code)])
        return (
            uoms.filtered(lambda u: u.category_id == product.uom_id.category_id)[:1]
            or uoms[:1]
        )

    @api.model
    def _import_on(self, picking, content):
        """Fill ``picking`` from a supplier's EPCIS 2.0 shipping events
        (``content``: the JSON document, text or parsed). Returns
        ``{"matched": [{"product", "lot", "quantity", "uom", "line_id"}],
        "unmatched": [{"epc_class", "reason"}], "ignored_events": int}``."""
        if picking.picking_type_id.code != "incoming" or picking.state in (
            "done",
            "cancel",
        ):
            raise UserError(
                _(
                    "%(picking)s is not an open receipt: import EPCIS shipping events "
                    "on an open receipt.",
                    picking=picking.name,
                )
            )
        Import = self.env["stock.lot.epcis.import"]
        events = Import._read_document(content)
        dates = Import._lot_dates(events)
        shipping = [
            e
            for e in events
            if e.get("type") == "ObjectEvent" and e.get("bizStep") in SHIPPING
        ]
        result = {
            "matched": [],
            "unmatched": [],
            "ignored_events": len(events) - len(shipping),
        }
        Nomenclature = self.env["barcode.nomenclature"]
        wanted = defaultdict(float)  # (move, lot) -> quantity in the move's unit
        found = {}
        for event in shipping:
            for element in event.get("quantityList", []):
                epc_class = element.get("epcClass")
                parsed = lot_class(epc_class)
                if not parsed:
                    result["unmatched"].append(
                        {"epc_class": epc_class, "reason": _("not a GTIN + lot class")}
                    )
                    continue
                gtin, lot, attributes = parsed
                try:
                    product = Nomenclature._lt_product_from_gtin(gtin)["product"]
                except UserError:
                    result["unmatched"].append(
                        {
                            "epc_class": epc_class,
                            "reason": _("no product has the GTIN %s", gtin),
                        }
                    )
                    continue
                move = picking.move_ids.filtered(
                    lambda m, p=product: m.product_id == p
                    and m.state not in ("done", "cancel")
                )[:1]
                if not move:
                    result["unmatched"].append(
                        {
                            "epc_class": epc_class,
                            "reason": _(
                                "%s is not on this receipt", product.display_name
                            ),
                        }
                    )
                    continue
                uom = Import._uom(element.get("uom"), product)
                if not uom or uom.category_id != move.product_uom.category_id:
                    result["unmatched"].append(
                        {
                            "epc_class": epc_class,
                            "reason": _(
                                "unit %(uom)s cannot be converted to %(move_uom)s",
                                uom=element.get("uom"),
                                move_uom=move.product_uom.name,
                            ),
                        }
                    )
                    continue
                quantity = uom._compute_quantity(
                    float(element.get("quantity") or 0), move.product_uom
                )
                wanted[move, lot] += quantity
                lot_dates = dict(dates.get(epc_class, {}))
                for ai, field in (
                    ("17", "expiration_date"),
                    ("15", "use_date"),
                    ("11", "production_date"),
                ):
                    if ai in attributes:
                        lot_dates[field] = gs1.gs1_date(attributes[ai], ai).isoformat()
                found[move, lot] = lot_dates
        for (move, lot), quantity in wanted.items():
            vals = {"supplier_lot_name": lot, "quantity": quantity, "picked": True}
            for field, value in found[move, lot].items():
                day = fields.Date.to_date(value[:10])
                vals[field] = (
                    datetime.combine(day, datetime.min.time())
                    if field != "production_date"
                    else day
                )
            line = (
                move.move_line_ids.filtered(
                    lambda ml, lot=lot: ml.supplier_lot_name == lot
                )[:1]
                or move.move_line_ids.filtered(
                    lambda ml: not ml.picked
                    and not ml.supplier_lot_name
                    and not ml.lot_id
                    and not ml.lot_name
                )[:1]
            )
            if line:
                line.write(vals)
            else:
                move.write(
                    {
                        "move_line_ids": [
                            Command.create(
                                dict(
                                    vals,
                                    product_id=move.product_id.id,
                                    product_uom_id=move.product_uom.id,
                                    location_id=move.location_id.id,
                                    location_dest_id=move.location_dest_id.id,
                                    picking_id=picking.id,
                                    company_id=picking.company_id.id,
                                )
                            )
                        ]
                    }
                )
                line = move.move_line_ids.filtered(
                    lambda ml, lot=lot: ml.supplier_lot_name == lot
                )[:1]
            move.picked = True
            result["matched"].append(
                {
                    "product": move.product_id.display_name,
                    "lot": lot,
                    "quantity": quantity,
                    "uom": move.product_uom.name,
                    "line_id": line.id,
                }
            )
        if result["matched"]:
            picking.message_post(
                body=_(
                    "EPCIS shipping events imported: %(count)s lots filled, "
                    "%(missed)s not matched.",
                    count=len(result["matched"]),
                    missed=len(result["unmatched"]),
                )
            )
        return result
