# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The flows users rely on, proven in headless Chromium (Odoo tours).

The tours live in ``static/tests/tours/``; each step waits for what a user
would see (the supplier lot on the line, the hold named in the error, the
report), so a broken flow times out and fails. ``./setup/test`` runs this
class with ``odoo-bin --test-tags=/lot_traceability_demo:TestTours``.
"""

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import convert_file

YY = f"{fields.Date.today().year % 100:02d}"
GTIN = "09506000134369"  # the demo tomatoes' barcode


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the demo scenario: suppliers, products, lots, MOs, deliveries
        convert_file(
            cls.env,
            "lot_traceability_demo",
            "demo/lot_traceability_demo.xml",
            idref={},
            mode="init",
            noupdate=True,
            kind="demo",
        )
        groups = (
            "lot_traceability.group_lot_traceability_manager,stock.group_stock_manager"
        )
        cls.alice = new_test_user(
            cls.env,
            "qm_alice",
            groups=groups,
            name="Alice Quality",
            password="qm_alice",
        )
        cls.bob = new_test_user(
            cls.env, "qm_bob", groups=groups, name="Bob Quality", password="qm_bob"
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.tomato = cls.env.ref("lot_traceability_demo.product_tomato_demo")
        cls.sauce = cls.env.ref("lot_traceability_demo.product_sauce_jar_demo")

    def _picking(self, picking_type, partner, product, quantity):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": picking_type.default_location_src_id.id
                or partner.property_stock_supplier.id,
                "location_dest_id": picking_type.default_location_dest_id.id
                or partner.property_stock_customer.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "product_uom": product.uom_id.id,
                            "location_id": picking_type.default_location_src_id.id
                            or partner.property_stock_supplier.id,
                            "location_dest_id": picking_type.default_location_dest_id.id
                            or partner.property_stock_customer.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        return picking

    def test_01_gs1_receipt(self):
        """Scan a GS1 label on a tomato receipt: the supplier lot is on the line."""
        supplier = self.env.ref("lot_traceability_demo.partner_sunripe_demo")
        receipt = self._picking(self.warehouse.in_type_id, supplier, self.tomato, 12)
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "lot_traceability_gs1_receipt",
            login="qm_alice",
            timeout=180,
        )
        self.assertEqual(receipt.state, "done")
        lot = receipt.move_line_ids.lot_id
        self.assertEqual(lot.supplier_lot_name, "SRF-TOUR-7")
        self.assertEqual(lot.supplier_id, supplier)

    def _lot(self, name):
        return self.env["stock.lot"].search([("name", "=", name)], limit=1)

    def test_02_hold_delivery_release(self):
        """Hold a lot, see its delivery refused, release it with a signature."""
        lot = self._lot(f"SAUCE-{YY}-0002")
        customer = self.env.ref("lot_traceability_demo.partner_corner_deli_demo")
        delivery = self._picking(self.warehouse.out_type_id, customer, self.sauce, 10)
        delivery.move_line_ids.unlink()  # nothing reserved: the user picks the lot
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{lot.id}",
            "lot_traceability_hold_place",
            login="qm_alice",
            timeout=180,
        )
        hold = lot.active_hold_ids
        self.assertEqual(hold.state, "active")
        self.assertEqual(hold.placed_by_id, self.alice)
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{delivery.id}",
            "lot_traceability_hold_delivery",
            login="qm_alice",
            timeout=180,
        )
        self.assertNotEqual(delivery.state, "done")
        self.assertFalse(delivery.move_line_ids.filtered(lambda ml: ml.lot_id == lot))
        # four eyes: the placer cannot decide, another Quality Manager signs
        self.start_tour(
            f"/odoo/action-lot_traceability.stock_lot_hold_action/{hold.id}",
            "lot_traceability_hold_release",
            login="qm_bob",
            timeout=180,
        )
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.decided_by_id, self.bob)
        self.assertTrue(hold.signature_valid)
        self.assertEqual(lot.hold_state, "free")

    def test_03_mock_recall_report(self):
        """A mock recall from the demo's shared tomato lot, and its report."""
        lot = self._lot(f"TOM-{YY}-0001")
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{lot.id}",
            "lot_traceability_recall",
            login="qm_alice",
            timeout=180,
        )
        recall = self.env["stock.lot.recall"].search(
            [("origin_lot_ids", "in", lot.ids)], limit=1
        )
        self.assertEqual(recall.state, "traced")
        self.assertEqual(recall.kind, "mock")
        self.assertEqual(recall.customer_count, 4)

    def test_04_trace_screen_graph(self):
        """The trace screen of the shared tomato lot: graph, a folded fan-out
        expanded, a customer node opening its delivery."""
        lot = self._lot(f"TOM-{YY}-0001")
        # four children and two customers per lot, so the demo folds one
        self.env["ir.config_parameter"].set_param(
            "lot_traceability.trace_graph_fanout", 4
        )
        self.start_tour(
            f"/odoo/action-stock.action_production_lot_form/{lot.id}",
            "lot_traceability_trace_screen",
            login="qm_alice",
            timeout=180,
        )
