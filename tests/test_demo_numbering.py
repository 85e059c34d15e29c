# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The demo's lots are numbered by its numbering rules, and its receipts
carry the suppliers' lot numbers."""

from odoo import fields

from .common import LotTraceabilityCase


class TestDemoNumbering(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()

    def test_demo_lots_come_from_the_rules(self):
        today = fields.Date.today()
        yy = f"{today.year % 100:02d}"
        for key, prefix, count in (
            ("tomato", "TOM", 2),
            ("salt", "SALT", 1),
            ("jar", "JAR", 1),
            ("sauce_base", "BASE", 2),
            ("sauce_jar", "SAUCE", 2),
        ):
            rule = self.demo(f"numbering_rule_{key}")
            product = self.demo(f"product_{key}")
            lots = self.env["stock.lot"].search([("product_id", "=", product.id)])
            self.assertEqual(
                sorted(lots.mapped("name")),
                [f"{prefix}-{yy}-{n:04d}" for n in range(1, count + 1)],
            )
            # the rule's counter gave exactly these numbers
            self.assertEqual(rule._peek_number(today), count + 1, key)

    def test_demo_receipts_show_supplier_lots(self):
        receipts = self.env["stock.picking"].search(
            [
                ("picking_type_code", "=", "incoming"),
                ("partner_id", "in", self.demo("partner_sunripe").ids),
            ]
        )
        lines = receipts.move_line_ids
        self.assertEqual(
            sorted(lines.mapped("supplier_lot_name")), ["SRF-2611-A", "SRF-2611-B"]
        )
        self.assertEqual(
            sorted(lines.lot_id.mapped("supplier_lot_name")),
            ["SRF-2611-A", "SRF-2611-B"],
        )
        self.assertTrue(all(lines.lot_id.mapped("receipt_date")))
