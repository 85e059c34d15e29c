# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from .common import YY, LotTraceabilityCase


class TestDemoScenario(LotTraceabilityCase):
    """The demo file, loaded into a clean database, leaves real, validated history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()
        cls.lots = {
            lot.name: lot
            for lot in cls.env["stock.lot"].search(
                [("product_id.default_code", "in", cls._demo_codes())]
            )
        }

    @staticmethod
    def _demo_codes():
        return ["RM-TOM", "RM-SALT", "PK-JAR500", "SF-BASE", "FG-SAUCE500"]

    def _done_pickings(self, code, partner=None):
        domain = [
            ("picking_type_code", "=", code),
            ("state", "=", "done"),
            ("product_id.default_code", "in", self._demo_codes()),
        ]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        return self.env["stock.picking"].search(domain)

    def test_receipts_from_three_suppliers_with_their_lot_numbers(self):
        receipts = self._done_pickings("incoming").filtered(
            lambda p: p.location_id.usage == "supplier"
        )
        self.assertEqual(len(receipts), 3)
        self.assertEqual(
            set(receipts.partner_id.mapped("name")),
            {"Sunripe Farms", "Atlantic Salt Co.", "ClearGlass Packaging"},
        )
        self.assertTrue(all(p.purchase_id for p in receipts))
        expected = {
            f"TOM-{YY}-0001": ("Sunripe Farms", "SRF-2611-A", 200.0),
            f"TOM-{YY}-0002": ("Sunripe Farms", "SRF-2611-B", 100.0),
            f"SALT-{YY}-0001": ("Atlantic Salt Co.", "ASC-7781", 20.0),
            f"JAR-{YY}-0001": ("ClearGlass Packaging", "CGP-55-0912", 500.0),
        }
        lines = receipts.move_line_ids
        for name, (supplier, supplier_lot, quantity) in expected.items():
            lot = self.lots[name]
            self.assertEqual(lot.supplier_id.name, supplier, name)
            self.assertEqual(lot.supplier_lot_name, supplier_lot, name)
            self.assertEqual(
                sum(
                    lines.filtered(lambda ml, lot=lot: ml.lot_id == lot).mapped(
                        "quantity"
                    )
                ),
                quantity,
                name,
            )

    def test_manufacturing_orders_are_done_with_consume_produce_links(self):
        productions = self.env["mrp.production"].search(
            [("product_id.default_code", "in", ["SF-BASE", "FG-SAUCE500"])]
        )
        self.assertEqual(len(productions), 4)
        self.assertEqual(set(productions.mapped("state")), {"done"})
        consumed_by_lot = {}
        for production in productions:
            produced = production.move_finished_ids.move_line_ids.filtered(
                lambda ml, p=production: ml.product_id == p.product_id
            )
            self.assertEqual(len(produced), 1, production.name)
            consumed_by_lot[produced.lot_id.name] = {
                ml.lot_id.name: ml.quantity for ml in produced.consume_line_ids
            }
        self.assertEqual(
            consumed_by_lot,
            {
                f"BASE-{YY}-0001": {f"TOM-{YY}-0001": 98.0, f"SALT-{YY}-0001": 2.0},
                f"BASE-{YY}-0002": {
                    f"TOM-{YY}-0001": 50.0,
                    f"TOM-{YY}-0002": 48.0,
                    f"SALT-{YY}-0001": 2.0,
                },
                f"SAUCE-{YY}-0001": {f"BASE-{YY}-0001": 60.0, f"JAR-{YY}-0001": 120.0},
                f"SAUCE-{YY}-0002": {f"BASE-{YY}-0002": 75.0, f"JAR-{YY}-0001": 150.0},
            },
        )
        # the shared ingredient lot went into two different bases
        tomato_lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", self.lots[f"TOM-{YY}-0001"].id),
                ("produce_line_ids", "!=", False),
            ]
        )
        self.assertEqual(
            set(tomato_lines.produce_line_ids.lot_id.mapped("name")),
            {f"BASE-{YY}-0001", f"BASE-{YY}-0002"},
        )

    def test_deliveries_return_and_scrap(self):
        deliveries = self._done_pickings("outgoing")
        self.assertEqual(len(deliveries), 4)
        shipped = {}
        for ml in deliveries.move_line_ids:
            key = (ml.picking_id.partner_id.name, ml.lot_id.name)
            shipped[key] = shipped.get(key, 0.0) + ml.quantity
        self.assertEqual(
            shipped,
            {
                ("Green Grocer Market", f"SAUCE-{YY}-0001"): 40.0,
                ("Bella Cucina Restaurants", f"SAUCE-{YY}-0001"): 30.0,
                ("Bella Cucina Restaurants", f"SAUCE-{YY}-0002"): 20.0,
                ("FreshWay Supermarkets", f"SAUCE-{YY}-0002"): 60.0,
                ("Corner Deli", f"SAUCE-{YY}-0002"): 25.0,
            },
        )
        self.assertTrue(all(p.sale_id for p in deliveries))
        returns = self._done_pickings("incoming").filtered("return_id")
        self.assertEqual(len(returns), 1)
        self.assertEqual(returns.partner_id.name, "Bella Cucina Restaurants")
        self.assertEqual(returns.move_line_ids.lot_id.name, f"SAUCE-{YY}-0001")
        self.assertEqual(returns.move_line_ids.quantity, 5.0)
        scrap = self.env["stock.scrap"].search(
            [("lot_id", "=", self.lots[f"SAUCE-{YY}-0002"].id)]
        )
        self.assertEqual(scrap.state, "done")
        self.assertEqual(scrap.scrap_qty, 2.0)

    def test_stock_left_on_hand(self):
        on_hand = {name: lot.product_qty for name, lot in self.lots.items()}
        self.assertEqual(
            on_hand,
            {
                f"TOM-{YY}-0001": 52.0,
                f"TOM-{YY}-0002": 52.0,
                f"SALT-{YY}-0001": 16.0,
                f"JAR-{YY}-0001": 230.0,
                f"BASE-{YY}-0001": 40.0,
                f"BASE-{YY}-0002": 25.0,
                f"SAUCE-{YY}-0001": 55.0,
                f"SAUCE-{YY}-0002": 43.0,
            },
        )
        self.assertTrue(self.lots[f"SAUCE-{YY}-0001"].expiration_date)
