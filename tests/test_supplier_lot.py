# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Supplier lot capture on receipts: the Supplier lot column, the required
supplier lot, merging the same supplier lot, the lot's supplier fields."""

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import LotTraceabilityCase
from .flows import Flows, open_receipt


class TestSupplierLot(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = Flows(cls.env)
        cls.category = cls.env["product.category"].create({"name": "Raw"})
        cls.tomato = cls.flows.product("Tomato")
        cls.tomato.categ_id = cls.category
        cls.salt = cls.flows.product("Salt")
        cls.salt.categ_id = cls.category
        cls.sunripe = cls.flows.partner("Sunripe Farms")
        cls.valley = cls.flows.partner("Valley Growers")
        cls.env["stock.lot.numbering.rule"].create(
            {
                "name": "Raw",
                "scope": "category",
                "categ_ids": [cls.category.id],
                "pattern": "R-{SEQ:4}",
                "reset_period": "never",
                "applies_to": "receipt",
            }
        )

    def receive(self, supplier, product, quantity, supplier_lot):
        """A receipt completed in the move's detail dialog, as a user does."""
        picking = open_receipt(self.flows, supplier, product, quantity)
        with Form(picking.move_ids, view="stock.view_stock_move_operations") as move:
            with move.move_line_ids.edit(0) as line:
                line.supplier_lot_name = supplier_lot
        self.assertIs(picking.button_validate(), True)
        return picking

    def test_receipt_line_fills_the_lot_supplier_fields(self):
        picking = open_receipt(self.flows, self.sunripe, self.tomato, 50)
        with Form(picking.move_ids, view="stock.view_stock_move_operations") as move:
            with move.move_line_ids.edit(0) as line:
                line.supplier_lot_name = "  SRF-2611-A\r\n"
                line.production_date = "2026-11-02"
        picking.button_validate()
        lot = picking.move_line_ids.lot_id
        self.assertRegex(lot.name, r"^R-\d{4}$")
        self.assertEqual(lot.supplier_id, self.sunripe)
        self.assertEqual(lot.supplier_lot_name, "SRF-2611-A")
        self.assertEqual(str(lot.production_date), "2026-11-02")
        self.assertEqual(lot.receipt_date.date(), picking.date_done.date())
        # later corrections are tracked in the chatter (records created in the
        # same transaction are not: end it as a request would)
        self.env.flush_all()
        self.env.cr.precommit.run()
        lot.write({"supplier_lot_name": "SRF-2611-A2", "production_date": "2026-11-03"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = lot.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("supplier_lot_name", tracked)
        self.assertIn("production_date", tracked)

    def test_same_supplier_lot_twice_goes_to_the_same_lot(self):
        first = self.receive(self.sunripe, self.tomato, 50, "SRF-1")
        second = self.receive(self.sunripe, self.tomato, 30, "SRF-1")
        lot = first.move_line_ids.lot_id
        self.assertEqual(second.move_line_ids.lot_id, lot)
        self.assertEqual(lot.product_qty, 80)

    def test_same_supplier_lot_number_from_another_supplier_is_another_lot(self):
        first = self.receive(self.sunripe, self.tomato, 50, "L-100")
        second = self.receive(self.valley, self.tomato, 30, "L-100")
        self.assertNotEqual(first.move_line_ids.lot_id, second.move_line_ids.lot_id)
        self.assertEqual(second.move_line_ids.lot_id.supplier_id, self.valley)
        self.assertFalse(second.move_line_ids.lot_id.supplier_origin_lot_id)

    def test_same_supplier_lot_for_another_product_is_another_lot(self):
        first = self.receive(self.sunripe, self.tomato, 50, "L-7")
        second = self.receive(self.sunripe, self.salt, 5, "L-7")
        self.assertNotEqual(first.move_line_ids.lot_id, second.move_line_ids.lot_id)

    def test_policy_new_lot_links_to_the_first(self):
        self.category.supplier_lot_policy = "new"
        first = self.receive(self.sunripe, self.tomato, 50, "SRF-9")
        second = self.receive(self.sunripe, self.tomato, 30, "SRF-9")
        first_lot, second_lot = first.move_line_ids.lot_id, second.move_line_ids.lot_id
        self.assertNotEqual(first_lot, second_lot)
        self.assertEqual(second_lot.supplier_origin_lot_id, first_lot)
        self.assertEqual(second_lot.supplier_lot_name, "SRF-9")
        # the product's own setting wins over its category's
        self.tomato.supplier_lot_policy = "merge"
        third = self.receive(self.sunripe, self.tomato, 10, "SRF-9")
        self.assertEqual(third.move_line_ids.lot_id, first_lot)

    def test_two_lines_with_one_supplier_lot_share_one_new_lot(self):
        picking = open_receipt(self.flows, self.sunripe, self.tomato, 30)
        with Form(picking.move_ids, view="stock.view_stock_move_operations") as move:
            with move.move_line_ids.edit(0) as line:
                line.quantity = 10
                line.supplier_lot_name = "SRF-5"
            with move.move_line_ids.new() as line:
                line.quantity = 20
                line.supplier_lot_name = "SRF-5"
        picking.button_validate()
        self.assertEqual(len(picking.move_line_ids), 2)
        self.assertEqual(len(picking.move_line_ids.lot_id), 1)

    def test_required_supplier_lot_lists_every_missing_line(self):
        self.tomato.require_supplier_lot = True
        self.category.require_supplier_lot = False
        picking = open_receipt(self.flows, self.sunripe, self.tomato, 30)
        with Form(picking.move_ids, view="stock.view_stock_move_operations") as move:
            with move.move_line_ids.edit(0) as line:
                line.quantity = 10
            with move.move_line_ids.new() as line:
                line.quantity = 15
            with move.move_line_ids.new() as line:
                line.quantity = 5
                line.supplier_lot_name = "SRF-3"
        with self.assertRaises(UserError) as caught:
            picking.button_validate()
        message = str(caught.exception)
        self.assertIn("supplier lot", message)
        self.assertIn(f"{picking.name}: Tomato, 10.0", message)
        self.assertIn(f"{picking.name}: Tomato, 15.0", message)
        self.assertNotIn("5.0 Units", message.replace("15.0 Units", ""))
        self.assertEqual(picking.state, "assigned")
        self.assertFalse(picking.move_line_ids.lot_id)

    def test_required_by_the_category(self):
        self.category.require_supplier_lot = True
        picking = open_receipt(self.flows, self.sunripe, self.salt, 3)
        with self.assertRaisesRegex(UserError, "Salt, 3.0"):
            picking.button_validate()
        picking.move_line_ids.supplier_lot_name = "ASC-1"
        self.assertIs(picking.button_validate(), True)

    def test_existing_lot_chosen_on_receipt_gets_the_supplier_lot(self):
        lot = self.flows.lot(self.tomato, "OLD-1")
        picking = open_receipt(self.flows, self.sunripe, self.tomato, 5)
        picking.move_line_ids.write({"lot_id": lot.id, "supplier_lot_name": "SRF-77"})
        picking.button_validate()
        self.assertEqual(lot.supplier_lot_name, "SRF-77")
        self.assertEqual(lot.supplier_id, self.sunripe)
        self.assertTrue(lot.receipt_date)

    def test_supplier_lot_column_on_the_receipt_details(self):
        picking = open_receipt(self.flows, self.sunripe, self.tomato, 5)
        move_form = Form(picking.move_ids, view="stock.view_stock_move_operations")
        line_view = move_form._view["fields"]["move_line_ids"]["edition_view"]
        self.assertIn("supplier_lot_name", line_view["fields"])
        self.assertIn("gs1_scan", line_view["fields"])

    def test_lot_is_found_by_its_supplier_lot_when_picking(self):
        received = self.receive(self.sunripe, self.tomato, 5, "SRF-FIND-1")
        delivery_line_domain = [("product_id", "=", self.tomato.id)]
        found = self.env["stock.lot"].name_search("SRF-FIND", args=delivery_line_domain)
        self.assertEqual(
            [lot_id for lot_id, __ in found], received.move_line_ids.lot_id.ids
        )


class TestCustomerReturnIsNoSupplier(LotTraceabilityCase):
    def test_customer_return_leaves_the_supplier_alone(self):
        f = Flows(self.env)
        product = f.product("Return Jam")
        customer = f.partner("Return Customer")
        lot = f.lot(product, "JAM-MADE-HERE")
        f.receive(f.partner("Jam Maker"), product, [(lot, 10.0)])
        lot.supplier_id = False  # as if produced here
        delivery = f.deliver(customer, product, [(lot, 4.0)])
        f.return_delivery(delivery, lot, 1.0)
        self.assertFalse(lot.supplier_id)
