# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The demo database shows every standard document: what the README tells a
new user to try works on it."""

from odoo import Command
from odoo.tests import Form

from .common import YY, LotTraceabilityCase

README_SCAN = "]C1010950600013436917271231310200125010SRF-2611-C"
README_LINK = "https://id.gs1.org/01/09506000134369/10/SRF-2611-C?17=271231&3102=001250"


class TestDemoStandards(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()
        cls.tomato = cls.demo("product_tomato")
        cls.sunripe = cls.demo("partner_sunripe")

    def tomato_receipt(self):
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        vendors = warehouse.in_type_id.default_location_src_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "partner_id": self.sunripe.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.tomato.name,
                            "product_id": self.tomato.id,
                            "product_uom_qty": 12.5,
                            "product_uom": self.tomato.uom_id.id,
                            "location_id": vendors.id,
                            "location_dest_id": warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def test_readme_scans_work_on_the_demo(self):
        for barcode in (README_SCAN, README_LINK):
            picking = self.tomato_receipt()
            with Form(picking) as form:
                form.gs1_scan = barcode
            line = picking.move_line_ids
            self.assertEqual(
                (line.supplier_lot_name, line.quantity), ("SRF-2611-C", 12.5), barcode
            )
            self.assertEqual(str(line.expiration_date.date()), "2027-12-31")
            self.assertIs(picking.button_validate(), True)
            self.assertEqual(line.lot_id.supplier_lot_name, "SRF-2611-C")

    def test_demo_shows_every_document(self):
        lot = self.env["stock.lot"].search
        self.assertTrue(self.env.company.gln)
        self.assertTrue(self.sunripe.gln)
        self.assertTrue(self.demo("partner_corner_deli").gln)
        Hold = self.env["stock.lot.hold"]
        held = Hold.search([("lot_ids.name", "=", f"SALT-{YY}-0001")])
        self.assertEqual(held.state, "active")
        self.assertEqual(lot([("name", "=", f"SALT-{YY}-0001")]).hold_state, "held")
        released = Hold.search([("lot_ids.name", "=", f"JAR-{YY}-0001")])
        self.assertEqual(released.state, "released")
        self.assertEqual(released.signature_name, "Quinn Quality")
        self.assertNotEqual(released.placed_by_id, released.decided_by_id)
        recall = self.env["stock.lot.recall"].search(
            [("origin_lot_ids.name", "=", f"TOM-{YY}-0001")]
        )
        self.assertEqual(recall.kind, "mock")
        self.assertEqual(recall.state, "completed")
        self.assertTrue(recall.completed_at)
        scorecard = self.env["stock.lot.supplier.scorecard"].search([])
        self.assertTrue(any(row.lots_held for row in scorecard))
        self.assertTrue(any(row.lots_received for row in scorecard))

    def test_demo_label_scans_back(self):
        tom = self.env["stock.lot"].search([("name", "=", f"TOM-{YY}-0001")])
        label = self.env["report.lot_traceability.report_lot_label"]._label(tom)
        scan = self.env["barcode.nomenclature"]._lt_parse_gs1_scan(
            label["element_string"]
        )
        self.assertEqual((scan["product"], scan["lot"]), (self.tomato, tom.name))
