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

import json
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError


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

    def _lot_codes(self, lots):
        """The traceability lot code of each lot and who assigned it.

        21 CFR 1.1320: a lot code is assigned at initial packing, first
        receiving or transformation, and kept by whoever only receives and
        ships the food. A lot we produced keeps our lot name (we are its
        source); a lot we received keeps the supplier's lot (the supplier is
        the source), our lot name staying the internal key; a received lot
        without a supplier lot is coded by us at its receipt.
        """
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
        codes = {}
        for lot in lots:
            if lot not in made_here and lot.supplier_lot_name:
                codes[lot] = {
                    "tlc": lot.supplier_lot_name,
                    "ours": False,
                    "source": lot.supplier_id,
                }
            else:
                codes[lot] = {"tlc": lot.name, "ours": True, "source": False}
        return codes

    @api.model
    def _line_site(self, line):
        """(internal location, warehouse) where a receiving or shipping line
        happened."""
        event = self._line_event(line)
        location = line.location_dest_id if event == "receiving" else line.location_id
        warehouse = (
            location.warehouse_id
            or line.move_id.warehouse_id
            or line.picking_type_id.warehouse_id
        )
        return location, warehouse
