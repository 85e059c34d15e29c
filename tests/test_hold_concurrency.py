# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A hold and a validation racing on committed data, with two real cursors.

Runs on a throwaway copy of the template database ``./setup/test`` builds (the
module installed, no demo): each cursor is its own PostgreSQL transaction, as
two users' requests would be. Odoo retries a request that fails with a
serialization error; the tests do the same.
"""

import threading
import time
import unittest
import uuid
from contextlib import contextmanager
from unittest.mock import patch

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.addons.lot_traceability.models.stock_lot_hold_service import (
    StockLotHoldService,
)
from odoo.exceptions import UserError

from .flows import Flows
from .throwaway import create_copy, drop, load_registry, needs_template


def keep(hold):
    """Leave reservations alone, as if validation had already read them."""


@needs_template
class TestHoldConcurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = create_copy("lt_race")
        cls.addClassCleanup(drop, cls.db)
        cls.registry = load_registry(cls.db)

    @contextmanager
    def env(self):
        with self.registry.cursor() as cr:  # commits on success
            yield api.Environment(cr, SUPERUSER_ID, {})

    def setUp(self):
        """Committed: a lot with 100 in stock and a delivery of 60 reserved and
        picked on it, ready to validate (and 1 delivered before)."""
        tag = uuid.uuid4().hex[:6]
        with self.env() as env:
            f = Flows(env)
            product = f.product(f"Race Sugar {tag}")
            lot = f.lot(product, f"RACE-{tag}")
            f.receive(f.partner("Race Supplier"), product, [(lot, 101.0)])
            customer = f.partner("Race Customer")
            # an earlier delivery: the customer's quant of the lot exists, so the
            # race below inserts no row whose foreign key would lock the lot
            f.deliver(customer, product, [(lot, 1.0)])
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": f.warehouse.out_type_id.id,
                    "partner_id": customer.id,
                    "location_id": f.stock.id,
                    "location_dest_id": f.customer_location.id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": 60.0,
                                "product_uom": product.uom_id.id,
                                "location_id": f.stock.id,
                                "location_dest_id": f.customer_location.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            picking.move_ids.picked = True
            assert picking.move_line_ids.lot_id == lot
            self.lot_id, self.picking_id = lot.id, picking.id
            self.reason_id = env.ref("lot_traceability.hold_reason_complaint").id

    def place_hold(self, env):
        hold = env["stock.lot.hold"].create(
            {"lot_ids": [Command.set([self.lot_id])], "reason_id": self.reason_id}
        )
        hold.action_place()
        return hold.id

    def validate(self, env):
        picking = env["stock.picking"].browse(self.picking_id)
        return picking.with_context(skip_backorder=True).button_validate()

    def shipped(self):
        with self.env() as env:
            picking = env["stock.picking"].browse(self.picking_id)
            lot = env["stock.lot"].browse(self.lot_id)
            return picking.state, lot.product_qty, lot.hold_state

    def validate_after_hold(self, keep_reservation):
        cr_a = self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            # user A opens the transfer: its snapshot is taken now
            self.assertEqual(
                env_a["stock.picking"].browse(self.picking_id).state, "assigned"
            )
            # user B places the hold and commits
            with self.env() as env_b:
                if keep_reservation:
                    with patch.object(
                        StockLotHoldService, "_block_now", lambda self, holds: None
                    ):
                        self.place_hold(env_b)
                else:
                    self.place_hold(env_b)
            # user A validates on its old snapshot: the row lock sees the hold
            with self.assertRaises(SerializationFailure):
                self.validate(env_a)
            cr_a.rollback()
            # Odoo retries the request: now it sees the hold
            env_a.invalidate_all()
            with self.assertRaises(UserError):
                self.validate(env_a)
            cr_a.rollback()
        finally:
            cr_a.close()
        state, on_hand, hold_state = self.shipped()
        self.assertNotEqual(state, "done")
        self.assertEqual(on_hand, 100.0)
        self.assertEqual(hold_state, "held")

    def test_hold_commits_first_reservations_removed(self):
        self.validate_after_hold(keep_reservation=False)

    def test_hold_commits_first_reservation_still_there(self):
        """Without the FOR SHARE lock and re-read, A's snapshot would say the lot
        is free and the delivery would ship past the committed hold."""
        self.validate_after_hold(keep_reservation=True)

    def test_validation_first_then_hold_waits(self):
        cr_a = self.registry.cursor()
        outcome = {}

        def hold_in_other_request():
            for __ in range(5):  # Odoo's retry on serialization failures
                try:
                    with self.env() as env_b:
                        outcome["hold_id"] = self.place_hold(env_b)
                    return
                except SerializationFailure:
                    time.sleep(0.1)
            outcome["failed"] = True

        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            self.assertIs(self.validate(env_a), True)  # done, locks held, uncommitted
            thread = threading.Thread(target=hold_in_other_request)
            thread.start()
            thread.join(1.5)
            self.assertTrue(thread.is_alive(), "placing the hold must wait for A")
            self.assertNotIn("hold_id", outcome)
            cr_a.commit()
        finally:
            cr_a.close()
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertIn("hold_id", outcome)
        # shipped before the hold existed; what is left is held
        state, on_hand, hold_state = self.shipped()
        self.assertEqual(state, "done")
        self.assertEqual(on_hand, 40.0)
        self.assertEqual(hold_state, "held")

    def test_failed_signature_kept_after_rollback(self):
        """The request that refuses a wrong password rolls back; the attempt is
        still on record (its own cursor), and five of them lock signing."""
        tag = uuid.uuid4().hex[:6]
        with self.env() as env:
            manager = env["res.users"].create(
                {
                    "name": f"Race Manager {tag}",
                    "login": f"race.manager.{tag}",
                    "password": "race-manager-pass-1",
                    "groups_id": [
                        Command.set(
                            [
                                env.ref(
                                    "lot_traceability.group_lot_traceability_manager"
                                ).id
                            ]
                        )
                    ],
                }
            )
            manager_id, hold_id = manager.id, self.place_hold(env)
        for attempt in range(5):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, manager_id, {})
                hold = env["stock.lot.hold"].browse(hold_id)
                with self.assertRaises(UserError):
                    hold.action_decide("release", "lab ok", f"guess-{attempt}")
                cr.rollback()
        with self.env() as env:
            attempts = env["lot.signature.attempt"].search(
                [("user_id", "=", manager_id)]
            )
            self.assertEqual(attempts.mapped("result"), ["wrong_password"] * 5)
            hold = env["stock.lot.hold"].browse(hold_id)
            self.assertEqual(hold.state, "active")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, manager_id, {})
            with self.assertRaisesRegex(UserError, "locked"):
                env["stock.lot.hold"].browse(hold_id).action_decide(
                    "release", "lab ok", "race-manager-pass-1"
                )
            cr.rollback()
