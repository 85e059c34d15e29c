# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""EPCIS 2.0 and FSMA 204 exports read back as a trading partner's system, a
GS1 validator or the FDA would read them."""

import base64
import copy
import io
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from biip.checksums import gs1_standard_check_digit
from epcis_event_hash_generator import hash_generator, json_to_py

from odoo import Command, fields
from odoo.addons.lot_traceability.wizard.stock_lot_trace_export_fsma import (
    FSMA_COLUMNS,
)
from odoo.exceptions import UserError, ValidationError

from .common import LotTraceabilityCase
from .epcis_check import problems
from .flows import Flows

OPENEPCIS = Path(__file__).parent / "standards" / "epcis" / "openepcis"
TOMATO_GTIN = "09506000134369"
COMPANY_GLN = "0614141000036"
WAREHOUSE_GLN = "0614141000012"
SUPPLIER_GLN = "0614141000029"


def attachment_of(env, action):
    attachment_id = int(re.search(r"/web/content/(\d+)", action["url"]).group(1))
    return env["ir.attachment"].browse(attachment_id)


def reference_hashes(document):
    """eventIDs as the reference implementation (epcis-event-hash-generator)
    computes them from the document as published."""
    document = copy.deepcopy(document)
    for event in document["epcisBody"]["eventList"]:
        event.pop("eventID", None)
    events = json_to_py.event_list_from_epcis_document_json(document)
    return hash_generator.epcis_hashes_from_events(events)


class ExportCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = Flows(cls.env)
        us = cls.env.ref("base.us")
        cls.env.company.write(
            {
                "gln": COMPANY_GLN,
                "fda_ffrn": "12345678901",
                "phone": "+1 555 0100",
                "street": "1 Factory Lane",
                "city": "Fresno",
                "zip": "93701",
                "country_id": us.id,
            }
        )
        f.warehouse.gln = WAREHOUSE_GLN
        cls.supplier = f.partner("Sunripe Farms")
        cls.supplier.write(
            {
                "is_company": True,
                "gln": SUPPLIER_GLN,
                "phone": "+1 209-555-0142",
                "street": "1200 Valley Road",
                "city": "Stockton",
                "zip": "95202",
                "country_id": us.id,
            }
        )
        cls.customer = f.partner("Corner Deli")
        cls.customer.write(
            {
                "is_company": True,
                "phone": "+1 646-555-0134",
                "street": "19 Bleecker Street",
                "city": "New York",
                "zip": "10012",
                "country_id": us.id,
            }
        )
        kg = cls.env.ref("uom.product_uom_kgm")
        cls.tomato = f.product("Roma Tomatoes", uom=kg)
        cls.tomato.barcode = TOMATO_GTIN
        cls.sauce = f.product("Tomato Sauce")
        cls.tom = f.lot(cls.tomato, "TOM-1")
        cls.tom.write(
            {"supplier_lot_name": "SRF-2611-A", "supplier_id": cls.supplier.id}
        )
        cls.receipt = f.receive(cls.supplier, cls.tomato, [(cls.tom, 200.0)])
        cls.sauce_lot, cls.production = f.produce(
            cls.sauce, "SAUCE-1", 40.0, [(cls.tomato, [(cls.tom, 98.5)])]
        )
        cls.delivery = f.deliver(cls.customer, cls.sauce, [(cls.sauce_lot, 12.0)])
        # tomatoes sold on as they came: not transformed
        cls.resale = f.deliver(cls.customer, cls.tomato, [(cls.tom, 30.0)])

    def export(self, file_format):
        export = self.env["stock.lot.trace.export"].create(
            {
                "date_from": fields.Date.today() - timedelta(days=1),
                "date_to": fields.Date.today(),
                "file_format": file_format,
            }
        )
        return attachment_of(self.env, export.action_export()).raw


class TestEpcisExport(ExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = json.loads(cls.export(cls, "epcis"))
        cls.events = cls.document["epcisBody"]["eventList"]

    def event(self, biz_step, internal_lot=None):
        found = [
            e
            for e in self.events
            if e["bizStep"] == biz_step
            and (internal_lot is None or e.get("lt:internalLot") == internal_lot)
        ]
        self.assertEqual(len(found), 1, (biz_step, internal_lot))
        return found[0]

    def test_valid_against_gs1_schema_and_cbv(self):
        self.assertEqual(problems(self.document), [])
        self.assertEqual(
            sorted(e["bizStep"] for e in self.events),
            ["commissioning", "receiving", "shipping", "shipping"],
        )

    def test_event_ids_are_the_epcis_event_hash(self):
        ids = [event["eventID"] for event in self.events]
        self.assertTrue(
            all(
                re.fullmatch(r"ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0", i) for i in ids
            )
        )
        self.assertEqual(ids, reference_hashes(self.document))
        self.assertEqual(len(set(ids)), len(ids))

    def test_units_are_un_cefact_rec_20(self):
        receiving = self.event("receiving")
        self.assertEqual(receiving["quantityList"][0]["uom"], "KGM")
        self.assertEqual(receiving["quantityList"][0]["quantity"], 200.0)
        shipping = self.event("shipping", "SAUCE-1")
        self.assertEqual(shipping["quantityList"][0]["uom"], "C62")

    def test_supplier_lot_is_the_lot_code_of_what_we_did_not_transform(self):
        supplier_class = f"https://id.gs1.org/01/{TOMATO_GTIN}/10/SRF-2611-A"
        receiving = self.event("receiving")
        self.assertEqual(receiving["quantityList"][0]["epcClass"], supplier_class)
        self.assertEqual(receiving["lt:internalLot"], "TOM-1")
        resale = self.event("shipping", "TOM-1")
        self.assertEqual(resale["quantityList"][0]["epcClass"], supplier_class)
        transformation = self.event("commissioning")
        self.assertEqual(
            transformation["inputQuantityList"],
            [{"epcClass": supplier_class, "quantity": 98.5, "uom": "KGM"}],
        )
        self.assertEqual(transformation["lt:inputInternalLots"], ["TOM-1"])
        # a lot we made keeps our code (its product has no GTIN: a private URN)
        output = transformation["outputQuantityList"][0]["epcClass"]
        self.assertTrue(output.startswith("urn:lot-traceability:"), output)
        self.assertTrue(output.endswith(":SAUCE-1"), output)
        self.assertEqual(transformation["ilmd"]["cbvmda:lotNumber"], "SAUCE-1")

    def test_glns_name_places_and_parties(self):
        receiving = self.event("receiving")
        site = f"https://id.gs1.org/414/{WAREHOUSE_GLN}"
        self.assertEqual(receiving["readPoint"], {"id": site})
        self.assertEqual(receiving["bizLocation"], {"id": site})
        self.assertEqual(
            receiving["sourceList"],
            [
                {
                    "type": "owning_party",
                    "source": f"https://id.gs1.org/417/{SUPPLIER_GLN}",
                }
            ],
        )
        self.assertIn(
            {
                "type": "owning_party",
                "destination": f"https://id.gs1.org/417/{COMPANY_GLN}",
            },
            receiving["destinationList"],
        )
        shipping = self.event("shipping", "SAUCE-1")
        self.assertNotIn("bizLocation", shipping)  # in transit
        # a customer without a GLN: a private party URN
        self.assertTrue(
            shipping["destinationList"][0]["destination"].startswith(
                "urn:lot-traceability:"
            )
        )
        self.assertEqual(
            {t["type"] for t in receiving["bizTransactionList"]}, {"recadv"}
        )
        self.assertEqual(
            self.event("commissioning")["bizTransactionList"][0]["type"], "prodorder"
        )

    def test_unit_without_rec_20_code(self):
        unit = self.env.ref("uom.product_uom_unit")
        box = self.env["uom.uom"].create(
            {
                "name": "Box of 6",
                "category_id": unit.category_id.id,
                "uom_type": "bigger",
                "factor_inv": 6.0,
            }
        )
        self.assertEqual(box._lt_unece_quantity(2.0), (12.0, "C62"))
        unit.unece_code = False
        with self.assertRaisesRegex(UserError, "Box of 6.*Recommendation 20"):
            box._lt_unece_quantity(2.0)
        with self.assertRaises(ValidationError):
            unit.unece_code = "kilo"

    def test_standard_units_have_rec_20_codes(self):
        codes = {
            "uom.product_uom_unit": "C62",
            "uom.product_uom_kgm": "KGM",
            "uom.product_uom_gram": "GRM",
            "uom.product_uom_litre": "LTR",
            "uom.product_uom_lb": "LBR",
            "uom.product_uom_dozen": "DZN",
            "uom.product_uom_meter": "MTR",
            "uom.product_uom_gal": "GLL",
        }
        for xmlid, code in codes.items():
            self.assertEqual(self.env.ref(xmlid).unece_code, code, xmlid)

    def test_bad_gln_refused(self):
        for record in (self.supplier, self.flows.warehouse, self.env.company):
            with self.assertRaisesRegex(ValidationError, "check digit"):
                record.gln = "0614141000006"
            with self.assertRaisesRegex(ValidationError, "13 digits"):
                record.gln = "614141000005"


class TestEpcisValidator(LotTraceabilityCase):
    """The validator the export tests rely on, on third-party documents."""

    def test_openepcis_valid_documents_pass(self):
        files = sorted((OPENEPCIS / "valid").glob("*.json"))
        self.assertGreaterEqual(len(files), 5)
        for path in files:
            self.assertEqual(problems(json.loads(path.read_text())), [], path.name)

    def test_openepcis_invalid_documents_fail(self):
        files = sorted((OPENEPCIS / "invalid").glob("*.json"))
        self.assertGreaterEqual(len(files), 10)
        for path in files:
            self.assertTrue(problems(json.loads(path.read_text())), path.name)


class TestFsmaSpreadsheet(ExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sheet = openpyxl.load_workbook(io.BytesIO(cls.export(cls, "fsma_xlsx"))).active
        cls.sheet = sheet
        rows = list(sheet.values)
        cls.headers = rows[0]
        cls.rows = [
            dict(zip([k for k, __ in FSMA_COLUMNS], row, strict=True))
            for row in rows[1:]
        ]

    def row(self, cte, internal_lot):
        found = [
            r
            for r in self.rows
            if r["cte"] == cte and r["internal_lot"] == internal_lot
        ]
        self.assertEqual(len(found), 1, (cte, internal_lot))
        return found[0]

    def test_headers_are_the_rules_wording(self):
        headers = dict(zip([k for k, __ in FSMA_COLUMNS], self.headers, strict=True))
        self.assertIn(
            "immediate previous source (other than a transporter)",
            headers["previous_name"],
        )
        self.assertIn("1.1345(a)(4)", headers["previous_name"])
        self.assertIn("Date you shipped the food", headers["date_shipped"])
        self.assertIn("1.1350(a)(1)(iii)", headers["input_quantities"])
        self.assertIn(
            "traceability lot code source reference",
            headers["source_reference"].lower(),
        )
        # sortable and filterable over every column
        last = self.sheet.cell(1, len(FSMA_COLUMNS)).column_letter
        self.assertEqual(self.sheet.auto_filter.ref, f"A1:{last}{len(self.rows) + 1}")
        self.assertEqual(len(self.rows), 4)  # one row per critical tracking event

    def test_receiving_kdes(self):
        row = self.row("Receiving", "TOM-1")
        self.assertEqual(row["rule"], "1.1345")
        self.assertEqual(row["tlc"], "SRF-2611-A")  # the supplier's lot code
        self.assertEqual((row["quantity"], row["uom"]), (200, "kg"))
        self.assertEqual(row["product"], "Roma Tomatoes")
        self.assertEqual(
            (row["previous_name"], row["previous_phone"], row["previous_address"]),
            (
                "Sunripe Farms",
                "+1 209-555-0142",
                "1200 Valley Road, Stockton 95202, United States",
            ),
        )
        company = self.env.company.name
        self.assertEqual(
            row["received_name"], f"{company} ({self.flows.warehouse.name})"
        )
        self.assertEqual(row["received_phone"], "+1 555 0100")
        self.assertEqual(
            row["received_address"], "1 Factory Lane, Fresno 93701, United States"
        )
        self.assertIsInstance(row["date_received"], datetime)
        self.assertEqual(row["source_name"], "Sunripe Farms")
        self.assertEqual(
            row["source_address"], "1200 Valley Road, Stockton 95202, United States"
        )
        self.assertEqual(row["source_reference"], f"GLN {SUPPLIER_GLN}")
        self.assertEqual(
            (row["document_type"], row["document_number"]),
            ("Receipt", self.receipt.name),
        )
        self.assertIsNone(row["date_shipped"])

    def test_shipping_kdes(self):
        resale = self.row("Shipping", "TOM-1")
        self.assertEqual(resale["rule"], "1.1340")
        self.assertEqual(resale["tlc"], "SRF-2611-A")  # kept: not transformed
        self.assertEqual(resale["source_name"], "Sunripe Farms")
        self.assertEqual(
            (
                resale["recipient_name"],
                resale["recipient_phone"],
                resale["recipient_address"],
            ),
            (
                "Corner Deli",
                "+1 646-555-0134",
                "19 Bleecker Street, New York 10012, United States",
            ),
        )
        self.assertEqual(
            resale["shipped_address"], "1 Factory Lane, Fresno 93701, United States"
        )
        self.assertIsInstance(resale["date_shipped"], datetime)
        self.assertEqual(
            (resale["document_type"], resale["document_number"]),
            ("Delivery", self.resale.name),
        )
        sauce = self.row("Shipping", "SAUCE-1")
        self.assertEqual(sauce["tlc"], "SAUCE-1")  # ours: we made it
        self.assertEqual((sauce["quantity"], sauce["uom"]), (12, "Units"))
        self.assertEqual(sauce["source_reference"], "FDA FFRN 12345678901")
        self.assertEqual(sauce["source_phone"], "+1 555 0100")

    def test_transformation_kdes(self):
        row = self.row("Transformation", "SAUCE-1")
        self.assertEqual(row["rule"], "1.1350")
        self.assertEqual(row["tlc"], "SAUCE-1")
        self.assertEqual(row["input_tlcs"], "SRF-2611-A")
        self.assertEqual(row["input_internal_lots"], "TOM-1")
        self.assertEqual(row["input_products"], "Roma Tomatoes")
        self.assertEqual(row["input_quantities"], "98.5 kg")
        self.assertEqual(
            (row["quantity"], row["uom"], row["product"]), (40, "Units", "Tomato Sauce")
        )
        self.assertIsInstance(row["date_transformed"], datetime)
        self.assertEqual(
            row["transformed_address"], "1 Factory Lane, Fresno 93701, United States"
        )
        self.assertEqual(row["source_name"], row["transformed_name"])
        self.assertEqual(row["source_reference"], "FDA FFRN 12345678901")
        self.assertEqual(
            (row["document_type"], row["document_number"]),
            ("Manufacturing Order", self.production.name),
        )
        self.assertIsNone(row["previous_name"])


class TestEpcisImport(ExportCase):
    """A round trip: what one company exports, another imports on a receipt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shipped = json.loads(cls.export(cls, "epcis"))
        cls.buyer = cls.env["res.company"].create({"name": "Buyer Foods"})
        cls.env.user.company_ids |= cls.buyer
        cls.benv = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.buyer.ids)
        )
        f = cls.bflows = Flows(cls.benv, cls.buyer)
        cls.btomato = f.product(
            "Tomatoes (bought)", uom=cls.env.ref("uom.product_uom_kgm")
        )
        cls.btomato.barcode = TOMATO_GTIN
        cls.bsauce = f.product("Sauce (bought)")
        cls.bsauce.barcode = "4006381333931"
        cls.vendor = f.partner("Our supplier")
        # the buyer numbers its own lots; the seller's stay supplier lots
        cls.benv["stock.lot.numbering.rule"].create(
            {
                "name": "Buyer lots",
                "scope": "company",
                "pattern": "B-{SEQ:4}",
                "company_id": cls.buyer.id,
            }
        )

    def buyer_receipt(self, *products):
        picking = self.benv["stock.picking"].create(
            {
                "picking_type_id": self.bflows.warehouse.in_type_id.id,
                "partner_id": self.vendor.id,
                "location_id": self.bflows.supplier_location.id,
                "location_dest_id": self.bflows.stock.id,
                "company_id": self.buyer.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": p.name,
                            "product_id": p.id,
                            "product_uom_qty": 1,
                            "product_uom": p.uom_id.id,
                            "location_id": self.bflows.supplier_location.id,
                            "location_dest_id": self.bflows.stock.id,
                            "company_id": self.buyer.id,
                        }
                    )
                    for p in products
                ],
            }
        )
        picking.action_confirm()
        return picking

    def test_round_trip_carries_every_lot_and_quantity(self):
        # the seller's sauce has a GTIN too: both shipments are GS1 classes
        self.sauce.barcode = "4006381333931"
        document = json.loads(self.export("epcis"))
        picking = self.buyer_receipt(self.btomato, self.bsauce)
        result = picking.import_epcis(json.dumps(document))
        self.assertEqual(result["unmatched"], [])
        self.assertEqual(result["ignored_events"], 2)  # receiving, transformation
        self.assertEqual(
            sorted(
                (ml.product_id, ml.supplier_lot_name, ml.quantity)
                for ml in picking.move_line_ids
            ),
            sorted(
                [(self.btomato, "SRF-2611-A", 30.0), (self.bsauce, "SAUCE-1", 12.0)]
            ),
        )
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(
            set(picking.move_line_ids.lot_id.mapped("supplier_lot_name")),
            {"SRF-2611-A", "SAUCE-1"},
        )

    def test_unmatched_lots_are_reported_not_guessed(self):
        picking = self.buyer_receipt(self.btomato)
        result = picking.import_epcis(json.dumps(self.shipped))
        # the seller's sauce has no GTIN (a private URN), the tomato matches
        self.assertEqual([r["lot"] for r in result["matched"]], ["SRF-2611-A"])
        self.assertEqual(len(result["unmatched"]), 1)
        self.assertIn("GTIN", result["unmatched"][0]["reason"])
        wizard = self.benv["stock.lot.epcis.import"].create(
            {
                "picking_id": picking.id,
                "document": base64.b64encode(json.dumps(self.shipped).encode()),
                "filename": "asn.jsonld",
            }
        )
        wizard.action_import()
        self.assertIn("SRF-2611-A", wizard.report)
        self.assertIn("Not matched", wizard.report)

    def test_bad_documents_are_refused_clearly(self):
        picking = self.buyer_receipt(self.btomato)
        with self.assertRaisesRegex(UserError, "not valid JSON"):
            picking.import_epcis("{not json")
        with self.assertRaisesRegex(UserError, "epcisBody.eventList"):
            picking.import_epcis('{"type": "EPCISDocument"}')
        self.assertFalse(picking.move_line_ids.filtered("supplier_lot_name"))

    def test_third_party_lgtin_document(self):
        """openepcis' ObjectEvent with every field (Apache-2.0): its lot is an
        EPC class URN (urn:epc:class:lgtin:4012345.012345.998877), 200 KGM."""
        path = OPENEPCIS / "valid" / "ObjectEvent_all_possible_fields.json"
        document = json.loads(path.read_text())
        for event in document["epcisBody"]["eventList"]:
            event["bizStep"] = "shipping"  # the same event, seen as a shipment
        digits = "0" + "4012345" + "12345"  # indicator, company prefix, item
        gtin = digits + str(gs1_standard_check_digit(digits))
        self.btomato.barcode = gtin
        picking = self.buyer_receipt(self.btomato)
        result = picking.import_epcis(document)
        self.assertEqual(
            [(r["lot"], r["quantity"], r["uom"]) for r in result["matched"]],
            [("998877", 200.0, "kg")],
        )
        self.assertEqual(picking.move_line_ids.supplier_lot_name, "998877")
