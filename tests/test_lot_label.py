# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lot labels: a GS1 DataMatrix with the lot's data, printable from lots,
receipts and manufacturing orders."""

import base64
import io
from datetime import date, datetime

from PIL import Image

from odoo.exceptions import UserError

from .common import YY, LotTraceabilityCase, pdf_text, render_pdf
from .flows import Flows


class TestLotLabel(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = Flows(cls.env)
        cls.product = f.product("Label Olive Oil")
        cls.product.barcode = "09506000990125"
        cls.lot = f.lot(cls.product, "OIL-77")
        cls.lot.write(
            {
                "supplier_lot_name": "SUP-OIL-1",
                "expiration_date": datetime(2027, 12, 31, 12),
                "production_date": date(2026, 11, 2),
            }
        )
        cls.receipt = f.receive(f.partner("Olive Coop"), cls.product, [(cls.lot, 5.0)])
        cls.Label = cls.env["report.lot_traceability.report_lot_label"]

    def test_element_string_and_symbol(self):
        label = self.Label._label(self.lot)
        self.assertEqual(
            label["element_string"], "(01)09506000990125(17)271231(11)261102(10)OIL-77"
        )
        image = Image.open(io.BytesIO(base64.b64decode(label["datamatrix"])))
        self.assertEqual(image.format, "PNG")
        width, height = image.size
        self.assertEqual(width, height)  # a square DataMatrix
        self.assertGreater(width, 20)

    def test_without_gtin_a_plain_datamatrix_of_the_lot(self):
        product = self.flows.product("Label Salt")
        lot = self.flows.lot(product, "SALT-9")
        label = self.Label._label(lot)
        self.assertEqual(label["element_string"], "SALT-9")
        self.assertTrue(label["datamatrix"])
        # with a GTIN but no dates: GTIN and lot only
        product.barcode = "4006381333931"
        self.assertEqual(
            self.Label._label(lot)["element_string"], "(01)04006381333931(10)SALT-9"
        )

    def test_lot_that_gs1_cannot_encode_is_refused(self):
        lot = self.flows.lot(self.product, "OIL 78 WITH SPACES")
        with self.assertRaisesRegex(UserError, "OIL 78 WITH SPACES"):
            self.Label._label(lot)

    def test_pdf_from_lot_receipt_and_order(self):
        text = pdf_text(
            render_pdf(
                self.env, "lot_traceability.action_report_lot_label", self.lot.ids
            )
        )
        for part in ("OIL-77", "SUP-OIL-1", "LabelOliveOil", "(10)OIL-77"):
            self.assertIn(part, text)
        action = self.receipt.action_print_lot_labels()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "lot_traceability.report_lot_label")
        self.assertEqual(action["context"]["active_ids"], self.lot.ids)
        self._load_demo_scenario()
        production = self.env["mrp.production"].search(
            [("lot_producing_id.name", "=", f"SAUCE-{YY}-0001")]
        )
        action = production.action_print_lot_labels()
        self.assertEqual(
            action["context"]["active_ids"], production.lot_producing_id.ids
        )

    def test_one_page_per_lot_and_the_label_scans_back(self):
        from PyPDF2 import PdfReader

        other = self.flows.lot(self.product, "OIL-78")
        pdf = render_pdf(
            self.env, "lot_traceability.action_report_lot_label", (self.lot | other).ids
        )
        pages = PdfReader(io.BytesIO(pdf)).pages
        self.assertEqual(len(pages), 2)
        self.assertIn("OIL-77", pages[0].extract_text())
        self.assertIn("OIL-78", pages[1].extract_text())
        # what the DataMatrix carries reads back as this product and lot
        element_string = self.Label._label(other)["element_string"]
        scan = self.env["barcode.nomenclature"]._lt_parse_gs1_scan(element_string)
        self.assertEqual((scan["product"], scan["lot"]), (self.product, "OIL-78"))
