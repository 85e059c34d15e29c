# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""FSMA 204 sortable spreadsheet and EPCIS 2.0 export, built on the server.

Both read the same critical tracking events from done move lines: receiving
(from a supplier or back from a customer into stock), shipping (to a
customer, dropships included) and transformation (a manufacturing order, with
its input lots). For a recall, the events are the ones stored on the recall
(its receipts, deliveries and manufacturing orders); otherwise every event of
the period.
"""

import csv
import io
import json
from datetime import timedelta
from urllib.parse import quote

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.product_template import gtin14

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
# Lots of products without a GTIN are named with this private URI scheme:
# urn:lot-traceability:<database uuid>:lot:<product id>:<url-quoted lot name>
PRIVATE_URN = "urn:lot-traceability:{db}:lot:{product}:{lot}"

FSMA_HEADERS = [
    "Critical Tracking Event",
    "Traceability Lot Code",
    "Product Description",
    "Quantity",
    "Unit of Measure",
    "Immediate Previous Source / Recipient",
    "Previous Source / Recipient Address",
    "Location",
    "Location Address",
    "Date",
    "Reference Document Type",
    "Reference Document Number",
    "Traceability Lot Code Source",
    "Input Traceability Lot Codes",
    "Input Quantities",
]


class StockLotTraceExport(models.TransientModel):
    _name = "stock.lot.trace.export"
    _description = "Traceability Export (FSMA 204, EPCIS)"

    recall_id = fields.Many2one("stock.lot.recall", string="Recall")
    date_from = fields.Date()
    date_to = fields.Date()
    file_format = fields.Selection(
        [
            ("fsma_xlsx", "FSMA 204 spreadsheet (XLSX)"),
            ("fsma_csv", "FSMA 204 spreadsheet (CSV)"),
            ("epcis", "EPCIS 2.0 (JSON-LD)"),
        ],
        required=True,
        default="fsma_xlsx",
    )

    state = fields.Selection(
        [("draft", "Draft"), ("queued", "Running in background"), ("done", "Done")],
        default="draft",
        readonly=True,
    )
    requested_by_id = fields.Many2one("res.users", readonly=True)

    def action_export(self):
        """Download the file; a period with more done move lines than the system
        parameter ``lot_traceability.export_background_lines`` (20,000 by
        default) is exported in the background and sent to the user's inbox."""
        self.ensure_one()
        if not self.recall_id and self._period_size() > int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("lot_traceability.export_background_lines", 20000)
        ):
            self.write({"state": "queued", "requested_by_id": self.env.uid})
            self.env.ref("lot_traceability.ir_cron_run_queued_exports")._trigger()
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": _(
                        "A long period: the export runs in the background and "
                        "arrives in your inbox when it is ready."
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        attachment = self._attachment()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _period_size(self):
        if not (self.date_from and self.date_to):
            return 0
        return self.env["stock.move.line"].search_count(
            [
                ("state", "=", "done"),
                ("lot_id", "!=", False),
                ("date", ">=", fields.Datetime.to_datetime(self.date_from)),
                (
                    "date",
                    "<",
                    fields.Datetime.to_datetime(self.date_to) + timedelta(days=1),
                ),
            ]
        )

    @api.model
    def _cron_run_queued(self):
        """Queued exports, with the rights of who asked; the file goes to them."""
        for export in self.search([("state", "=", "queued")]):
            user = export.requested_by_id or self.env.user
            mine = export.with_user(user)
            attachment = mine._attachment()
            export.state = "done"
            # a notification in the user's inbox, with the file: narrow sudo
            # (posting on one's own partner needs partner write rights)
            user.partner_id.sudo().message_post(
                body=_(
                    "Your traceability export %(file)s is ready.", file=attachment.name
                ),
                attachment_ids=attachment.ids,
                partner_ids=user.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def _attachment(self):
        content, extension, mimetype = self._render()
        label = self.recall_id.name or f"{self.date_from}_{self.date_to}"
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"traceability-{label.replace('/', '-')}.{extension}",
                "raw": content,
                "mimetype": mimetype,
                "res_model": self.recall_id._name if self.recall_id else False,
                "res_id": self.recall_id.id,
            }
        )
        return attachment

    def _render(self):
        if self.file_format == "fsma_xlsx":
            return (
                self._fsma_xlsx(),
                "xlsx",
                ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )
        if self.file_format == "fsma_csv":
            return self._fsma_csv(), "csv", "text/csv"
        document = self._epcis_document()
        return json.dumps(document, indent=2).encode(), "jsonld", "application/ld+json"

    # --------------------------------------------------------------- events
    def _events(self):
        """(receiving and shipping move lines, manufacturing orders)."""
        MoveLine = self.env["stock.move.line"]
        if self.recall_id:
            recall = self.recall_id
            recall._check_traced()
            lines = (recall.delivery_line_ids | recall.receipt_line_ids).move_line_id
            productions = recall.production_line_ids.production_id
        else:
            if not (self.date_from and self.date_to):
                raise UserError(_("Choose a recall or a period to export."))
            if self.date_from > self.date_to:
                raise UserError(_("The export's start date is after its end date."))
            start = fields.Datetime.to_datetime(self.date_from)
            end = fields.Datetime.to_datetime(self.date_to) + timedelta(days=1)
            lines = MoveLine.search(
                [
                    ("state", "=", "done"),
                    ("lot_id", "!=", False),
                    ("date", ">=", start),
                    ("date", "<", end),
                    "|",
                    ("location_dest_id.usage", "=", "customer"),
                    ("location_id.usage", "in", ("supplier", "customer")),
                ]
            )
            productions = self.env["mrp.production"].search(
                [
                    ("state", "=", "done"),
                    ("date_finished", ">=", start),
                    ("date_finished", "<", end),
                ]
            )
        lines = lines.filtered(lambda line: self._line_event(line))
        return lines.sorted(lambda line: (line.date, line.id)), productions.sorted(
            lambda p: (p.date_finished or p.create_date, p.id)
        )

    @api.model
    def _line_event(self, line):
        src, dest = line.location_id.usage, line.location_dest_id.usage
        if dest == "customer" and src != "customer":
            return "shipping"
        if src in ("supplier", "customer") and dest in ("internal", "transit"):
            return "receiving"
        return False

    def _tlc_sources(self, lots):
        """Who assigned each lot code: this site for lots made here (one search
        for all of them), else the supplier."""
        made_here = (
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "in", lots.ids),
                    ("state", "=", "done"),
                    ("location_id.usage", "=", "production"),
                ]
            )
            .lot_id
        )
        return {
            lot: (lot.company_id or self.env.company).partner_id
            if lot in made_here or not lot.supplier_id
            else lot.supplier_id
            for lot in lots
        }

    @staticmethod
    def _address(partner):
        return (
            (partner._display_address(without_company=True) or "").replace("\n", ", ")
            if partner
            else ""
        )

    def _fsma_rows(self):
        lines, productions = self._events()
        sources = self._tlc_sources(lines.lot_id)
        rows = []
        for line in lines:
            event = self._line_event(line)
            partner = line.move_id.partner_id or line.picking_id.partner_id
            warehouse = line.move_id.warehouse_id or line.picking_type_id.warehouse_id
            site = warehouse.partner_id or line.company_id.partner_id
            source = sources[line.lot_id]
            rows.append(
                [
                    _("Receiving") if event == "receiving" else _("Shipping"),
                    line.lot_id.name,
                    line.product_id.display_name,
                    line.quantity,
                    line.product_uom_id.name,
                    partner.display_name or "",
                    self._address(partner),
                    warehouse.name or site.display_name,
                    self._address(site),
                    line.date,
                    _("Receipt") if event == "receiving" else _("Delivery"),
                    line.picking_id.name or line.reference,
                    source.display_name,
                    "",
                    "",
                ]
            )
        for production in productions:
            inputs = production.move_raw_ids.move_line_ids.filtered(
                lambda line: line.state == "done"
            )
            outputs = production.move_finished_ids.move_line_ids.filtered(
                lambda line: line.state == "done" and line.lot_id
            )
            site = production.picking_type_id.warehouse_id.partner_id or (
                production.company_id.partner_id
            )
            for output in outputs:
                rows.append(
                    [
                        _("Transformation"),
                        output.lot_id.name,
                        output.product_id.display_name,
                        output.quantity,
                        output.product_uom_id.name,
                        "",
                        "",
                        production.picking_type_id.warehouse_id.name
                        or site.display_name,
                        self._address(site),
                        output.date,
                        _("Manufacturing Order"),
                        production.name,
                        site.display_name,
                        "; ".join(
                            line.lot_id.name
                            or _("(no lot: %s)", line.product_id.display_name)
                            for line in inputs
                        ),
                        "; ".join(
                            f"{line.quantity:g} {line.product_uom_id.name}"
                            for line in inputs
                        ),
                    ]
                )
        rows.sort(key=lambda row: (row[9], row[1]))
        return rows

    def _fsma_xlsx(self):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet("FSMA 204")
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(0, 0, FSMA_HEADERS, bold)
        rows = self._fsma_rows()
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if column == 9:
                    sheet.write_datetime(index, column, value, date_format)
                else:
                    sheet.write(index, column, value)
        sheet.autofilter(0, 0, max(len(rows), 1), len(FSMA_HEADERS) - 1)
        sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()

    def _fsma_csv(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(FSMA_HEADERS)
        for row in self._fsma_rows():
            row[9] = row[9].isoformat(sep=" ")
            writer.writerow(row)
        return buffer.getvalue().encode("utf-8-sig")

    # ---------------------------------------------------------------- EPCIS
    def _lot_uri(self, lot):
        """GS1 Digital Link when the product has a GTIN, else a private URN."""
        gtin = gtin14(lot.product_id.barcode)
        if gtin:
            return f"https://id.gs1.org/01/{gtin}/10/{quote(lot.name, safe='')}"
        return PRIVATE_URN.format(
            db=self.env["ir.config_parameter"].sudo().get_param("database.uuid"),
            product=lot.product_id.id,
            lot=quote(lot.name, safe=""),
        )

    def _party_uri(self, partner):
        return f"urn:lot-traceability:party:{partner.id}"

    def _location_uri(self, warehouse):
        return f"urn:lot-traceability:location:{warehouse.id}"

    @staticmethod
    def _time(value):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _quantity(self, line):
        return {
            "epcClass": self._lot_uri(line.lot_id),
            "quantity": line.quantity,
            "uom": (line.product_uom_id.name or "").upper()[:3] or "EA",
        }

    def _ilmd(self, lot):
        ilmd = {"cbvmda:lotNumber": lot.name}
        if lot.expiration_date:
            ilmd["cbvmda:itemExpirationDate"] = lot.expiration_date.date().isoformat()
        production_date = getattr(lot, "production_date", False)
        if production_date:
            ilmd["cbvmda:productionDate"] = fields.Date.to_string(
                fields.Date.to_date(production_date)
            )
        return ilmd

    def _epcis_document(self):
        lines, productions = self._events()
        events = []
        for line in lines:
            event = self._line_event(line)
            partner = line.move_id.partner_id or line.picking_id.partner_id
            warehouse = line.move_id.warehouse_id or line.picking_type_id.warehouse_id
            entry = {
                "type": "ObjectEvent",
                "eventTime": self._time(line.date),
                "eventTimeZoneOffset": "+00:00",
                "action": "OBSERVE",
                "bizStep": event,
                "disposition": "in_progress" if event == "receiving" else "in_transit",
                "epcList": [],
                "quantityList": [self._quantity(line)],
                "bizTransactionList": [
                    {
                        "type": "desadv" if event == "shipping" else "recadv",
                        "bizTransaction": f"urn:lot-traceability:document:"
                        f"{line.picking_id.name or line.reference}",
                    }
                ],
            }
            if warehouse:
                location = {"id": self._location_uri(warehouse)}
                entry["readPoint"] = location
                entry["bizLocation"] = location
            if partner:
                key = "sourceList" if event == "receiving" else "destinationList"
                field = "source" if event == "receiving" else "destination"
                entry[key] = [{"type": "owning_party", field: self._party_uri(partner)}]
            events.append(entry)
        for production in productions:
            inputs = production.move_raw_ids.move_line_ids.filtered(
                lambda line: line.state == "done" and line.lot_id
            )
            outputs = production.move_finished_ids.move_line_ids.filtered(
                lambda line: line.state == "done" and line.lot_id
            )
            if not outputs:
                continue
            entry = {
                "type": "TransformationEvent",
                "eventTime": self._time(outputs[0].date),
                "eventTimeZoneOffset": "+00:00",
                "transformationID": f"urn:lot-traceability:mo:{production.name}",
                "bizStep": "commissioning",
                "disposition": "active",
                "inputQuantityList": [self._quantity(line) for line in inputs],
                "outputQuantityList": [self._quantity(line) for line in outputs],
                "ilmd": self._ilmd(outputs[0].lot_id),
            }
            warehouse = production.picking_type_id.warehouse_id
            if warehouse:
                entry["readPoint"] = {"id": self._location_uri(warehouse)}
                entry["bizLocation"] = {"id": self._location_uri(warehouse)}
            events.append(entry)
        events.sort(key=lambda event: event["eventTime"])
        return {
            "@context": [EPCIS_CONTEXT],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": self._time(fields.Datetime.now()),
            "epcisBody": {"eventList": events},
        }
