# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""FSMA 204 electronic sortable spreadsheet (21 CFR 1.1455(c)(1)(ii)).

One row per critical tracking event; every key data element of receiving
(21 CFR 1.1345(a)), shipping (1.1340(a)) and transformation (1.1350(a)) in a
column of its own, headed with the rule's wording and paragraph. A location
description (1.1310) is the business name, phone number and address (Odoo's
address format of the country), in three columns; the traceability lot code
source is given by its location description and by a source reference (FDA
food facility registration number, GLN or web address) when one is known.
"""

import csv
import io
import re

import xlsxwriter

from odoo import _, models

# (key, header): the header is the rule's wording, with its paragraph.
LOCATION_PARTS = (
    ("name", "business name"),
    ("phone", "phone number"),
    ("address", "address"),
)


def _location_columns(key, wording):
    return [(f"{key}_{part}", f"{wording}: {label}") for part, label in LOCATION_PARTS]


FSMA_COLUMNS = [
    ("cte", "Critical tracking event"),
    ("rule", "Rule (21 CFR)"),
    (
        "tlc",
        "Traceability lot code (1.1345(a)(1), 1.1340(a)(1)); new traceability "
        "lot code (1.1350(a)(2)(i))",
    ),
    ("internal_lot", "Internal lot number (not a KDE: our key for this lot)"),
    ("quantity", "Quantity of the food (1.1345(a)(2), 1.1340(a)(2), 1.1350(a)(2)(v))"),
    (
        "uom",
        "Unit of measure of the food (1.1345(a)(2), 1.1340(a)(2), 1.1350(a)(2)(v))",
    ),
    (
        "product",
        "Product description for the food (1.1345(a)(3), 1.1340(a)(3), "
        "1.1350(a)(2)(iv))",
    ),
    *_location_columns(
        "previous",
        "Location description for the immediate previous source (other than a "
        "transporter) (1.1345(a)(4))",
    ),
    *_location_columns(
        "received",
        "Location description for where the food was received (1.1345(a)(5))",
    ),
    ("date_received", "Date you received the food (1.1345(a)(6))"),
    *_location_columns(
        "recipient",
        "Location description for the immediate subsequent recipient (other than "
        "a transporter) (1.1340(a)(4))",
    ),
    *_location_columns(
        "shipped",
        "Location description for the location from which you shipped the food "
        "(1.1340(a)(5))",
    ),
    ("date_shipped", "Date you shipped the food (1.1340(a)(6))"),
    *_location_columns(
        "transformed",
        "Location description for where you transformed the food (1.1350(a)(2)(ii))",
    ),
    ("date_transformed", "Date transformation was completed (1.1350(a)(2)(iii))"),
    *_location_columns(
        "source",
        "Location description for the traceability lot code source (1.1345(a)(7), "
        "1.1340(a)(7), 1.1350(a)(2)(ii))",
    ),
    (
        "source_reference",
        "Traceability lot code source reference (1.1345(a)(7), 1.1340(a)(7), "
        "1.1350(a)(2)(ii))",
    ),
    (
        "document_type",
        "Reference document type (1.1345(a)(8), 1.1340(a)(8), 1.1350(a)(2)(vi))",
    ),
    (
        "document_number",
        "Reference document number (1.1345(a)(8), 1.1340(a)(8), 1.1350(a)(2)(vi))",
    ),
    (
        "input_tlcs",
        "Traceability lot codes of the foods used in transformation (1.1350(a)(1)(i))",
    ),
    (
        "input_products",
        "Product descriptions of the foods used in transformation (1.1350(a)(1)(ii))",
    ),
    (
        "input_quantities",
        "Quantity and unit of measure used from each traceability lot "
        "(1.1350(a)(1)(iii))",
    ),
    ("input_internal_lots", "Internal lot numbers of the inputs (not a KDE)"),
]
FSMA_HEADERS = [header for __, header in FSMA_COLUMNS]
DATE_KEYS = {"date_received", "date_shipped", "date_transformed"}


class StockLotTraceExport(models.TransientModel):
    _inherit = "stock.lot.trace.export"  # pylint: disable=R8180

    @staticmethod
    def _address(partner):
        """The partner's address in its country's format (Odoo's own address
        formatting), lines joined by commas, empty parts left out."""
        if not partner:
            return ""
        lines = (partner._display_address(without_company=True) or "").split("\n")
        return ", ".join(
            re.sub(r"\s+", " ", line).strip(" ,") for line in lines if line.strip(" ,")
        )

    def _location_description(self, key, partner, name=None):
        partner = partner or self.env["res.partner"]
        return {
            f"{key}_name": name or partner.commercial_partner_id.name or "",
            f"{key}_phone": partner.phone or partner.mobile or "",
            f"{key}_address": self._address(partner),
        }

    @staticmethod
    def _source_reference(*records):
        """The first reference known for the lot code source: FDA food facility
        registration number, GLN, web address."""
        for record in records:
            if record and getattr(record, "fda_ffrn", False):
                return f"FDA FFRN {record.fda_ffrn}"
        for record in records:
            if record and getattr(record, "gln", False):
                return f"GLN {record.gln}"
        for record in records:
            if record and getattr(record, "website", False):
                return record.website
        return ""

    def _our_site(self, warehouse, company):
        """(partner, name, warehouse or company): our location description."""
        partner = warehouse.partner_id or company.partner_id
        name = company.name
        if warehouse:
            name = f"{company.name} ({warehouse.name})"
        return partner, name

    def _tlc_source(self, code, warehouse, company):
        if code["ours"]:
            partner, name = self._our_site(warehouse, company)
            values = self._location_description("source", partner, name)
            values["source_reference"] = self._source_reference(
                company.partner_id, warehouse, partner
            )
        else:
            supplier = code["source"]
            values = self._location_description("source", supplier)
            values["source_reference"] = self._source_reference(supplier)
        return values

    def _fsma_rows(self):
        """One dict per critical tracking event (keys of FSMA_COLUMNS)."""
        lines, productions = self._events()
        inputs = productions.move_raw_ids.move_line_ids.filtered(
            lambda line: line.state == "done"
        )
        outputs = productions.move_finished_ids.move_line_ids.filtered(
            lambda line: line.state == "done" and line.lot_id
        )
        codes = self._lot_codes(lines.lot_id | inputs.lot_id | outputs.lot_id)
        rows = []
        for line in lines:
            event = self._line_event(line)
            partner = line.move_id.partner_id or line.picking_id.partner_id
            __, warehouse = self._line_site(line)
            company = line.company_id
            site, site_name = self._our_site(warehouse, company)
            code = codes[line.lot_id]
            row = {
                "cte": _("Receiving") if event == "receiving" else _("Shipping"),
                "rule": "1.1345" if event == "receiving" else "1.1340",
                "tlc": code["tlc"],
                "internal_lot": line.lot_id.name,
                "quantity": line.quantity,
                "uom": line.product_uom_id.name,
                "product": line.product_id.display_name,
                "document_type": _("Receipt")
                if event == "receiving"
                else _("Delivery"),
                "document_number": line.picking_id.name or line.reference,
            }
            if event == "receiving":
                row.update(self._location_description("previous", partner))
                row.update(self._location_description("received", site, site_name))
                row["date_received"] = line.date
            else:
                row.update(self._location_description("recipient", partner))
                row.update(self._location_description("shipped", site, site_name))
                row["date_shipped"] = line.date
            row.update(self._tlc_source(code, warehouse, company))
            rows.append(row)
        for production in productions:
            used = inputs.filtered(
                lambda line, p=production: line.move_id in p.move_raw_ids
            )
            warehouse = production.picking_type_id.warehouse_id
            company = production.company_id
            site, site_name = self._our_site(warehouse, company)
            for output in outputs.filtered(
                lambda line, p=production: line.move_id in p.move_finished_ids
            ):
                row = {
                    "cte": _("Transformation"),
                    "rule": "1.1350",
                    "tlc": codes[output.lot_id]["tlc"],
                    "internal_lot": output.lot_id.name,
                    "quantity": output.quantity,
                    "uom": output.product_uom_id.name,
                    "product": output.product_id.display_name,
                    "date_transformed": output.date,
                    "document_type": _("Manufacturing Order"),
                    "document_number": production.name,
                    "input_tlcs": "; ".join(
                        codes[line.lot_id]["tlc"]
                        if line.lot_id
                        else _("(no lot: %s)", line.product_id.display_name)
                        for line in used
                    ),
                    "input_products": "; ".join(
                        line.product_id.display_name for line in used
                    ),
                    "input_quantities": "; ".join(
                        f"{line.quantity:g} {line.product_uom_id.name}" for line in used
                    ),
                    "input_internal_lots": "; ".join(
                        line.lot_id.name or "" for line in used
                    ),
                }
                row.update(self._location_description("transformed", site, site_name))
                row.update(self._tlc_source(codes[output.lot_id], warehouse, company))
                rows.append(row)
        rows.sort(
            key=lambda row: (
                row.get("date_received")
                or row.get("date_shipped")
                or row.get("date_transformed"),
                row["tlc"],
            )
        )
        return rows

    def _fsma_xlsx(self):
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet("FSMA 204")
        header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(0, 0, FSMA_HEADERS, header)
        sheet.set_row(0, 90)
        sheet.set_column(0, len(FSMA_HEADERS) - 1, 22)
        rows = self._fsma_rows()
        for index, row in enumerate(rows, start=1):
            for column, (key, __) in enumerate(FSMA_COLUMNS):
                value = row.get(key)
                if value in (None, False, ""):
                    continue
                if key in DATE_KEYS:
                    sheet.write_datetime(index, column, value, date_format)
                elif key == "quantity":
                    sheet.write_number(index, column, value)
                else:
                    sheet.write_string(index, column, str(value))
        sheet.autofilter(0, 0, max(len(rows), 1), len(FSMA_HEADERS) - 1)
        sheet.freeze_panes(1, 0)
        workbook.close()
        return buffer.getvalue()

    def _fsma_csv(self):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(FSMA_HEADERS)
        for row in self._fsma_rows():
            writer.writerow(
                [
                    row[key].isoformat(sep=" ")
                    if key in DATE_KEYS and row.get(key)
                    else row.get(key, "")
                    for key, __ in FSMA_COLUMNS
                ]
            )
        return buffer.getvalue().encode("utf-8-sig")
