# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Quality holds: every path a held lot could take out of stock is closed."""

import io
from datetime import timedelta
from unittest.mock import patch

from PyPDF2 import PdfReader

from odoo import Command, fields
from odoo.addons.lot_traceability.models.stock_lot_hold import StockLotHold
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from .common import YY, LotTraceabilityCase
from .flows import Flows

USER = "lot_traceability.group_lot_traceability_user"
MANAGER = "lot_traceability.group_lot_traceability_manager"


def no_unreserve():
    """Simulate the race a row lock closes: lines reserved on a lot that another
    transaction has just put on hold are still there at validation."""
    return patch.object(StockLotHold, "_hold_lots_now", lambda self: None)


class HoldCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = Flows(cls.env)
        cls.warehouse = f.warehouse
        cls.supplier = f.partner("Hold Supplier")
        cls.customer = f.partner("Hold Customer")
        cls.product = f.product("Held Flour")
        cls.lot_a = f.lot(cls.product, "FLOUR-A")
        cls.lot_b = f.lot(cls.product, "FLOUR-B")
        cls.lot_a.supplier_id = cls.supplier
        cls.lot_b.supplier_id = cls.supplier
        # A first: FIFO would take it first
        f.receive(cls.supplier, cls.product, [(cls.lot_a, 100.0)])
        f.receive(cls.supplier, cls.product, [(cls.lot_b, 50.0)])
        cls.placer = new_test_user(
            cls.env, "hold.placer", groups=USER, password="placer-pass-1"
        )
        cls.manager = new_test_user(
            cls.env, "hold.manager", groups=MANAGER, password="manager-pass-1"
        )
        cls.manager2 = new_test_user(
            cls.env, "hold.manager2", groups=MANAGER, password="manager2-pass-1"
        )
        cls.stock_user = new_test_user(
            cls.env, "hold.stock", groups="stock.group_stock_user"
        )
        cls.reason = cls.env.ref("lot_traceability.hold_reason_contamination")

    def place(self, lots, user=None, reason=None):
        Hold = self.env["stock.lot.hold"].with_user(user or self.placer)
        hold = Hold.create(
            {
                "lot_ids": [Command.set(lots.ids)],
                "reason_id": (reason or self.reason).id,
                "description": "Test hold",
            }
        )
        hold.action_place()
        return hold.with_user(self.env.user)

    def delivery(self, qty, lines=None, assign=True):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "partner_id": self.customer.id,
                "location_id": self.flows.stock.id,
                "location_dest_id": self.flows.customer_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": self.product.name,
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.flows.stock.id,
                            "location_dest_id": self.flows.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        if assign:
            picking.action_assign()
        return picking

    def assertRefused(self, error, lot, hold):
        message = str(error.exception)
        for part in (lot.name, hold.name, hold.reason_id.name, hold.placed_by_id.name):
            self.assertIn(part, message)


class TestHoldEnforcement(HoldCase):
    def test_place_hold_states_and_banner_fields(self):
        hold = self.place(self.lot_a)
        self.assertRegex(hold.name, r"^HOLD/\d{4}/\d{4}$")
        self.assertEqual(hold.state, "active")
        self.assertEqual(hold.placed_by_id, self.placer)
        self.assertEqual(self.lot_a.hold_state, "held")
        self.assertEqual(self.lot_a.active_hold_ids, hold)
        self.assertEqual(self.lot_b.hold_state, "free")
        held = self.env["stock.lot"].search([("hold_state", "=", "held")])
        self.assertIn(self.lot_a, held)
        self.assertNotIn(self.lot_b, held)
        quants = self.env["stock.quant"].search([("lot_id.hold_state", "=", "held")])
        self.assertEqual(quants.lot_id, self.lot_a)
        # the Quality team gets an activity (not the placer)
        self.assertEqual(
            set(hold.activity_ids.user_id.ids) & {self.manager.id, self.manager2.id},
            {self.manager.id, self.manager2.id},
        )

    def test_automatic_reservation_skips_held_lot(self):
        self.place(self.lot_a)
        picking = self.delivery(30.0)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_b)
        self.assertEqual(picking.state, "assigned")
        # more than the free lot has: only the free lot is reserved
        picking = self.delivery(80.0)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_b)
        self.assertEqual(sum(picking.move_line_ids.mapped("quantity")), 20.0)
        self.assertEqual(picking.move_ids.state, "partially_available")

    def test_manual_lot_choice_refused(self):
        hold = self.place(self.lot_a)
        picking = self.delivery(10.0, assign=False)
        move = picking.move_ids
        with self.assertRaises(UserError) as error:
            self.env["stock.move.line"].with_user(self.stock_user).create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": self.product.id,
                    "product_uom_id": self.product.uom_id.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "lot_id": self.lot_a.id,
                    "quantity": 10.0,
                }
            )
        self.assertRefused(error, self.lot_a, hold)
        self.env.invalidate_all()
        # confirming reserved the free lot; nothing of the held one was written
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_b)
        # switching a free line to the held lot is refused too
        picking.action_assign()
        with self.assertRaises(UserError):
            picking.move_line_ids.lot_id = self.lot_a
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_b)

    def test_reservations_removed_when_hold_placed(self):
        picking = self.delivery(120.0)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_a | self.lot_b)
        hold = self.place(self.lot_a)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_b)
        quant_a = self.env["stock.quant"].search(
            [("lot_id", "=", self.lot_a.id), ("location_id", "=", self.flows.stock.id)]
        )
        self.assertEqual(quant_a.reserved_quantity, 0.0)
        self.assertIn(hold.name, picking.message_ids[0].body)
        self.assertIn("FLOUR-A", picking.message_ids[0].body)

    def test_picking_a_held_line_refused(self):
        picking = self.delivery(60.0)
        with no_unreserve():
            hold = self.place(self.lot_a)
        with self.assertRaises(UserError) as error:
            picking.move_ids.picked = True
        self.assertRefused(error, self.lot_a, hold)
        # taking the held lot out of the transfer is always possible
        picking.move_line_ids.quantity = 0.0
        picking.move_line_ids.unlink()
        self.assertFalse(picking.move_line_ids)

    def test_validation_refused_and_nothing_moves(self):
        picking = self.delivery(60.0)  # all of lot A, FIFO
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_a)
        picking.move_ids.picked = True
        with no_unreserve():
            hold = self.place(self.lot_a)
        with self.assertRaises(UserError) as error:
            picking.with_user(self.stock_user).button_validate()
        self.assertRefused(error, self.lot_a, hold)
        self.assertNotEqual(picking.state, "done")
        self.assertEqual(self.lot_a.product_qty, 100.0)

    def test_manufacturing_consumption_refused(self):
        f = self.flows
        finished = f.product("Held Bread")
        # an order reserved before the hold (the race a row lock closes)
        production = self.env["mrp.production"].create(
            {
                "product_id": finished.id,
                "product_qty": 1.0,
                "product_uom_id": finished.uom_id.id,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 5.0,
                            "product_uom": self.product.uom_id.id,
                        }
                    )
                ],
            }
        )
        production.action_confirm()
        production.action_assign()
        self.assertEqual(production.move_raw_ids.move_line_ids.lot_id, self.lot_a)
        production.move_raw_ids.picked = True
        with no_unreserve():
            hold = self.place(self.lot_a)
        # choosing the held lot on another order is refused
        with self.assertRaises(UserError) as error:
            f.produce(finished, "BREAD-1", 1.0, [(self.product, [(self.lot_a, 5.0)])])
        self.assertRefused(error, self.lot_a, hold)
        # and consuming the reserved held lot is refused at "Produce"
        production.write(
            {"qty_producing": 1.0, "lot_producing_id": f.lot(finished, "BREAD-2").id}
        )
        with self.assertRaises(UserError) as error:
            production.button_mark_done()
        self.assertRefused(error, self.lot_a, hold)
        self.assertNotEqual(production.state, "done")
        self.assertEqual(self.lot_a.product_qty, 100.0)

    def test_dropship_refused(self):
        lot = self.flows.lot(self.product, "FLOUR-DROP")
        hold = self.place(lot)
        with self.assertRaises(UserError) as error:
            self.flows.dropship(
                self.supplier, self.customer, self.product, [(lot, 5.0)]
            )
        self.assertRefused(error, lot, hold)
        self.assertFalse(
            self.env["stock.move.line"].search(
                [("lot_id", "=", lot.id), ("state", "=", "done")]
            )
        )

    def test_batch_transfer_refused(self):
        first = self.delivery(10.0)  # lot A
        second = self.delivery(5.0)
        batch = self.env["stock.picking.batch"].create(
            {"picking_ids": [Command.set((first | second).ids)]}
        )
        batch.action_confirm()
        (first | second).move_ids.picked = True
        with no_unreserve():
            hold = self.place(self.lot_a)
        with self.assertRaises(UserError) as error:
            batch.action_done()
        self.assertRefused(error, self.lot_a, hold)
        self.assertEqual(set((first | second).mapped("state")), {"assigned"})
        # a new batch does not reserve the held lot either
        third = self.delivery(10.0, assign=False)
        batch = self.env["stock.picking.batch"].create(
            {"picking_ids": [Command.set(third.ids)]}
        )
        batch.action_confirm()
        batch.action_assign()
        self.assertEqual(third.move_line_ids.lot_id, self.lot_b)

    def test_permitted_destinations(self):
        """Quarantine, scrap, return to supplier and inventory counts stay open."""
        hold = self.place(self.lot_a)
        f = self.flows
        quarantine = self.warehouse.lot_quarantine_location_id
        self.assertEqual(quarantine.usage, "internal")
        self.assertIn(quarantine, self.warehouse.lot_hold_location_ids)
        hold.with_user(self.placer).action_move_to_quarantine()
        self.assertEqual(hold.picking_ids.mapped("state"), ["done"])
        self.assertEqual(hold.picking_ids.location_dest_id, quarantine)
        self.assertEqual(
            self.lot_a.quant_ids.filtered(
                lambda q: q.location_id == quarantine
            ).quantity,
            100.0,
        )
        # scrap from quarantine
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.product.id,
                "lot_id": self.lot_a.id,
                "scrap_qty": 3.0,
                "location_id": quarantine.id,
            }
        )
        scrap.action_validate()
        self.assertEqual(scrap.state, "done")
        # return to the supplier from quarantine
        f._picking(
            self.warehouse.out_type_id,
            self.supplier,
            quarantine,
            f.supplier_location,
            self.product,
            [(self.lot_a, 7.0)],
        )
        # inventory count of held stock
        quant = self.lot_a.quant_ids.filtered(lambda q: q.location_id == quarantine)
        quant.inventory_quantity = 80.0
        quant.action_apply_inventory()
        self.assertEqual(quant.quantity, 80.0)
        self.assertEqual(self.lot_a.hold_state, "held")
        # but not from quarantine to a customer
        with self.assertRaises(UserError):
            f._picking(
                self.warehouse.out_type_id,
                self.customer,
                quarantine,
                f.customer_location,
                self.product,
                [(self.lot_a, 1.0)],
            )

    def test_destinations_configurable_per_warehouse(self):
        hold = self.place(self.lot_a)
        dock = self.env["stock.location"].create(
            {
                "name": "Lab",
                "usage": "internal",
                "location_id": self.warehouse.view_location_id.id,
            }
        )
        f = self.flows
        with self.assertRaises(UserError):
            f._picking(
                self.warehouse.int_type_id,
                None,
                f.stock,
                dock,
                self.product,
                [(self.lot_a, 1.0)],
            )
        self.warehouse.lot_hold_location_ids |= dock
        f._picking(
            self.warehouse.int_type_id,
            None,
            f.stock,
            dock,
            self.product,
            [(self.lot_a, 1.0)],
        )
        self.assertEqual(hold.state, "active")

    def test_hold_cannot_be_bypassed_by_editing(self):
        hold = self.place(self.lot_a)
        with self.assertRaises(UserError):
            hold.with_user(self.placer).write({"state": "released"})
        with self.assertRaises(UserError):
            hold.with_user(self.placer).write(
                {"lot_ids": [Command.unlink(self.lot_a.id)]}
            )
        with self.assertRaises(UserError):
            hold.with_user(self.manager).unlink()
        with self.assertRaises(UserError):
            self.env["stock.lot.hold"].with_user(self.placer).create(
                {
                    "lot_ids": [Command.set(self.lot_b.ids)],
                    "reason_id": self.reason.id,
                    "state": "released",
                }
            )
        self.assertEqual(self.lot_a.hold_state, "held")
        # adding a lot to an active hold blocks it at once
        hold.with_user(self.placer).write({"lot_ids": [Command.link(self.lot_b.id)]})
        self.assertEqual(self.lot_b.hold_state, "held")
        # a plain stock user cannot place holds
        with self.assertRaises(AccessError):
            self.env["stock.lot.hold"].with_user(self.stock_user).create(
                {"lot_ids": [Command.set(self.lot_b.ids)], "reason_id": self.reason.id}
            )


class TestHoldDecision(HoldCase):
    def decide(self, hold, user, password, decision="release", disposition=False):
        action = (
            hold.with_user(user)
            .with_context(lt_decision=decision)
            .action_open_decision()
        )
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        wizard.note = "Lab results in, see report QC-77"
        if disposition:
            wizard.disposition = disposition
        wizard.password = password
        return wizard.save().action_confirm()

    def test_release_with_signature(self):
        hold = self.place(self.lot_a)
        self.decide(hold, self.manager, "manager-pass-1")
        self.assertEqual(hold.state, "released")
        self.assertEqual(self.lot_a.hold_state, "free")
        self.assertEqual(hold.decided_by_id, self.manager)
        self.assertEqual(hold.signature_name, self.manager.name)
        self.assertEqual(hold.signature_meaning, "Released")
        self.assertEqual(len(hold.signature_hash), 64)
        self.assertTrue(hold.signature_valid)
        self.assertFalse(hold.activity_ids)
        picking = self.delivery(120.0)
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_a | self.lot_b)

    def test_four_eyes(self):
        hold = self.place(self.lot_a, user=self.manager)
        with self.assertRaisesRegex(UserError, "Four eyes"):
            self.decide(hold, self.manager, "manager-pass-1")
        self.assertEqual(hold.state, "active")
        self.decide(hold, self.manager2, "manager2-pass-1")
        self.assertEqual(hold.state, "released")

    def test_four_eyes_can_be_switched_off(self):
        self.env.company.lot_hold_four_eyes = False
        hold = self.place(self.lot_a, user=self.manager)
        self.decide(hold, self.manager, "manager-pass-1")
        self.assertEqual(hold.state, "released")

    def test_password_required_every_time(self):
        hold = self.place(self.lot_a)
        with self.assertRaisesRegex(UserError, "Wrong password"):
            self.decide(hold, self.manager, "not-my-password")
        with self.assertRaisesRegex(UserError, "Wrong password"):
            self.decide(hold, self.manager, "manager2-pass-1")
        self.assertEqual(hold.state, "active")
        self.assertFalse(hold.signature_hash)
        self.assertEqual(self.lot_a.hold_state, "held")

    def test_only_quality_manager_decides(self):
        hold = self.place(self.lot_a)
        with self.assertRaises(AccessError):
            hold.with_user(self.placer).action_open_decision()
        with self.assertRaises(AccessError):
            hold.with_user(self.placer)._decide("release", "I say so")
        self.assertEqual(hold.state, "active")

    def test_decision_note_required(self):
        hold = self.place(self.lot_a)
        with self.assertRaisesRegex(UserError, "reason for the decision"):
            hold.with_user(self.manager)._decide("release", "   ")

    def test_change_after_signing_invalidates_signature(self):
        hold = self.place(self.lot_a)
        self.decide(hold, self.manager, "manager-pass-1")
        self.assertTrue(hold.signature_valid)
        with self.assertRaises(AccessError):
            hold.with_user(self.placer).reason_id = self.env.ref(
                "lot_traceability.hold_reason_complaint"
            )
        hold.with_user(self.manager).reason_id = self.env.ref(
            "lot_traceability.hold_reason_complaint"
        )
        self.assertFalse(hold.signature_valid)
        hold.with_user(self.manager).reason_id = self.reason
        self.assertTrue(hold.signature_valid)
        hold.with_user(self.manager).lot_ids |= self.lot_b
        self.assertFalse(hold.signature_valid)

    def test_reject_scrap(self):
        hold = self.place(self.lot_a)
        self.decide(hold, self.manager, "manager-pass-1", "reject", "scrap")
        self.assertEqual(hold.state, "rejected")
        self.assertEqual(hold.signature_meaning, "Rejected: scrap")
        self.assertEqual(hold.scrap_ids.mapped("state"), ["done"])
        self.assertEqual(hold.scrap_ids.scrap_qty, 100.0)
        self.assertEqual(self.lot_a.product_qty, 0.0)
        self.assertEqual(self.lot_a.hold_state, "free")

    def test_reject_return_to_supplier(self):
        hold = self.place(self.lot_a)
        self.decide(hold, self.manager, "manager-pass-1", "reject", "return")
        picking = hold.picking_ids
        self.assertEqual(picking.partner_id, self.supplier)
        self.assertEqual(picking.location_dest_id.usage, "supplier")
        self.assertEqual(picking.move_line_ids.lot_id, self.lot_a)
        self.assertEqual(picking.move_line_ids.quantity, 100.0)
        # still blocked for anything but the return
        self.assertEqual(self.lot_a.hold_state, "held")
        other = self.delivery(10.0)
        self.assertEqual(other.move_line_ids.lot_id, self.lot_b)
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.lot_a.product_qty, 0.0)

    def test_return_needs_a_supplier(self):
        lot = self.flows.lot(self.product, "FLOUR-NOSUP")
        hold = self.place(lot)
        with self.assertRaisesRegex(UserError, "FLOUR-NOSUP"):
            hold.with_user(self.manager)._decide("reject", "bad", "return")
        self.assertEqual(hold.state, "active")

    def test_hold_register_pdf(self):
        hold = self.place(self.lot_a)
        self.decide(hold, self.manager, "manager-pass-1")
        register = self.env["stock.lot.hold.register"].create(
            {
                "date_from": fields.Date.today() - timedelta(days=1),
                "date_to": fields.Date.today(),
            }
        )
        self.assertEqual(register.hold_ids, hold)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("lot_traceability.report_hold_register", register.ids)[0]
            .decode()
        )
        for text in (hold.name, "FLOUR-A", self.reason.name, self.manager.name):
            self.assertIn(text, html)
        # a real PDF through wkhtmltopdf, as the Print button gives
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "lot_traceability.action_report_hold_register", register.ids
            )
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages
        )
        text = "".join(text.split())  # the PDF wraps cells at will
        for part in (hold.name, "FLOUR-A", "Contaminationsuspected", "Released"):
            self.assertIn(part, text)
        empty = self.env["stock.lot.hold.register"].create(
            {
                "date_from": fields.Date.today() - timedelta(days=30),
                "date_to": fields.Date.today() - timedelta(days=20),
            }
        )
        with self.assertRaisesRegex(UserError, "No hold"):
            empty.action_print()


class TestAutomaticHolds(HoldCase):
    def test_hold_on_receipt_by_product(self):
        product = self.flows.product("QC Salt")
        product.lot_hold_on_receipt = True
        lot = self.flows.lot(product, "SALT-QC-1")
        picking = self.flows.receive(self.supplier, product, [(lot, 10.0)])
        self.assertEqual(lot.hold_state, "held")
        hold = lot.active_hold_ids
        self.assertEqual(hold.reason_id.code, "QC")
        self.assertIn(picking.name, hold.description)
        self.assertEqual(hold.placed_by_id, self.env.user)

    def test_hold_on_receipt_by_category(self):
        parent = self.env["product.category"].create(
            {"name": "Allergens", "lot_hold_on_receipt": True}
        )
        child = self.env["product.category"].create(
            {"name": "Nuts", "parent_id": parent.id}
        )
        product = self.flows.product("QC Nuts")
        product.categ_id = child
        lot = self.flows.lot(product, "NUTS-1")
        self.flows.receive(self.supplier, product, [(lot, 10.0)])
        self.assertEqual(lot.hold_state, "held")
        # products without the setting are not held
        self.assertEqual(self.lot_b.hold_state, "free")

    def test_expired_lots_cron(self):
        self.lot_a.expiration_date = fields.Datetime.now() - timedelta(days=1)
        self.lot_b.expiration_date = fields.Datetime.now() + timedelta(days=10)
        empty = self.flows.lot(self.product, "FLOUR-EMPTY")
        empty.expiration_date = fields.Datetime.now() - timedelta(days=1)
        self.env["stock.lot.hold"]._cron_hold_expired_lots()
        self.assertEqual(self.lot_a.hold_state, "held")
        self.assertEqual(self.lot_a.active_hold_ids.reason_id.code, "EXPIRED")
        self.assertEqual(self.lot_b.hold_state, "free")
        self.assertEqual(empty.hold_state, "free")  # nothing in stock
        holds = self.env["stock.lot.hold"].search([])
        self.env["stock.lot.hold"]._cron_hold_expired_lots()
        self.assertEqual(self.env["stock.lot.hold"].search([]), holds)

    def test_propagation_downstream_with_one_trace(self):
        f = self.flows
        mid = f.product("Dough")
        fin = f.product("Bread")
        dough, __ = f.produce(
            mid, "DOUGH-1", 10.0, [(self.product, [(self.lot_a, 20.0)])]
        )
        dough2, __ = f.produce(
            mid, "DOUGH-2", 10.0, [(self.product, [(self.lot_b, 5.0)])]
        )
        bread, __ = f.produce(fin, "BREAD-1", 5.0, [(mid, [(dough, 10.0)])])  # all used
        f.deliver(self.customer, fin, [(bread, 2.0)])
        wizard = Form(
            self.env["stock.lot.hold.wizard"]
            .with_user(self.placer)
            .with_context(default_lot_ids=[Command.set(self.lot_a.ids)])
        )
        wizard.reason_id = self.reason
        wizard.include_downstream = True
        action = wizard.save().action_confirm()
        hold = self.env["stock.lot.hold"].browse(action["res_id"])
        # dough-1 was used up: only the lots still in stock
        self.assertEqual(hold.lot_ids, self.lot_a | bread)
        self.assertEqual(dough.hold_state, "free")
        self.assertEqual(dough2.hold_state, "free")
        self.assertIn("BREAD-1", hold.description)


class TestHoldDemo(LotTraceabilityCase):
    def test_holding_shared_tomato_lot_blocks_sauce(self):
        """Done criterion: hold TOM-26-0001 with propagation; the sauce lots still
        in stock are held and a new delivery of them is blocked."""
        self._load_demo_scenario()
        Lot = self.env["stock.lot"]
        tomato = Lot.search([("name", "=", f"TOM-{YY}-0001")])
        wizard = Form(
            self.env["stock.lot.hold.wizard"].with_context(
                default_lot_ids=[Command.set(tomato.ids)]
            )
        )
        wizard.reason_id = self.env.ref("lot_traceability.hold_reason_contamination")
        wizard.include_downstream = True
        action = wizard.save().action_confirm()
        hold = self.env["stock.lot.hold"].browse(action["res_id"])
        self.assertEqual(
            sorted(hold.lot_ids.mapped("name")),
            [
                f"BASE-{YY}-0001",
                f"BASE-{YY}-0002",
                f"SAUCE-{YY}-0001",
                f"SAUCE-{YY}-0002",
                f"TOM-{YY}-0001",
            ],
        )
        sauce = Lot.search([("name", "=", f"SAUCE-{YY}-0002")])
        self.assertEqual(sauce.hold_state, "held")
        flows = Flows(self.env)
        customer = self.env["res.partner"].search(
            [("name", "=", "Corner Deli")], limit=1
        )
        with self.assertRaises(UserError) as error:
            flows.deliver(customer, sauce.product_id, [(sauce, 1.0)])
        self.assertIn(f"SAUCE-{YY}-0002", str(error.exception))
        self.assertIn(hold.name, str(error.exception))
        # and automatic reservation finds nothing to ship
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": flows.warehouse.out_type_id.id,
                "partner_id": customer.id,
                "location_id": flows.stock.id,
                "location_dest_id": flows.customer_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "sauce",
                            "product_id": sauce.product_id.id,
                            "product_uom_qty": 5.0,
                            "product_uom": sauce.product_id.uom_id.id,
                            "location_id": flows.stock.id,
                            "location_dest_id": flows.customer_location.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        self.assertFalse(picking.move_line_ids)
        # the trace screen shows the hold on the tree
        screen = self.env["stock.lot.trace.screen"].get_screen(tomato.ids, "forward")
        held = {
            node["name"]: node["held"]
            for node in screen["graph"]["nodes"]
            if node["type"] == "lot"
        }
        self.assertTrue(held and all(held.values()), held)
