# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The three flows users rely on, proven in headless Chromium (Odoo tours).

The tours live in ``static/tests/tours/``; each step waits for what a user
would see (the supplier lot on the line, the hold named in the error, the
report), so a broken flow times out and fails. ``./setup/test`` runs this
class with ``odoo-bin --test-tags=/lot_traceability:TestTours``.
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
            "lot_traceability",
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
        cls.tomato = cls.env.ref("lot_traceability.product_tomato_demo")
        cls.sauce = cls.env.ref("lot_traceability.product_sauce_jar_demo")

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
        supplier = self.env.ref("lot_traceability.partner_sunripe_demo")
        receipt = self._picking(self.warehouse.in_type_id, supplier, self.tomato, 12)
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{receipt.id}",
            "lot_traceability_gs1_receipt",
            login="qm_alice",
        )
        self.assertEqual(receipt.state, "done")
        lot = receipt.move_line_ids.lot_id
        self.assertEqual(lot.supplier_lot_name, "SRF-TOUR-7")
        self.assertEqual(lot.supplier_id, supplier)
