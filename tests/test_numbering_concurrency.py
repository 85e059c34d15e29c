# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Two users numbering lots at the same time never get the same number.

Runs on a copy of the template database ``./setup/test`` built, with two real
database cursors (two transactions) on committed data, as two Odoo workers.
"""

import threading
import time
import unittest
from datetime import datetime

from psycopg2 import errors

import odoo
from odoo import api
from odoo.tools import SQL

from .throwaway import create_copy, drop, load_registry, needs_template


@needs_template
class TestNumberingConcurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = create_copy("lt_concurrency")
        cls.addClassCleanup(drop, cls.db)
        cls.registry = load_registry(cls.db)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            product = env["product.product"].create(
                {"name": "Tomato", "is_storable": True, "tracking": "lot"}
            )
            warehouse = env["stock.warehouse"].search([], limit=1)
            rules = env["stock.lot.numbering.rule"].create(
                [
                    {
                        "name": name,
                        "scope": "company" if reset == "daily" else "product",
                        "product_tmpl_ids": [product.product_tmpl_id.id]
                        if reset != "daily"
                        else [],
                        "pattern": f"{name}-{{YY}}{{JJJ}}-{{SEQ:4}}",
                        "reset_period": reset,
                    }
                    for name, reset in (("Y", "yearly"), ("D", "daily"))
                ]
            )
            # the yearly rule's range for 2030 exists and is committed
            rules[0]._ensure_date_range(datetime(2030, 1, 1).date())
            cls.product_id, cls.warehouse_id = product.id, warehouse.id
            cls.yearly_id, cls.daily_id = rules.ids

    def draw_and_create(self, cr, rule_id, moment, create=True):
        """One user's request: draw a number, create the lot (not committed)."""
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        rule = env["stock.lot.numbering.rule"].browse(rule_id)
        product = env["product.product"].browse(self.product_id)
        values = rule._values(
            product, moment, env["stock.warehouse"].browse(self.warehouse_id)
        )
        name = rule._next_names(values)[0]
        if create:
            env["stock.lot"].create({"name": name, "product_id": product.id})
            env.flush_all()
        return name

    def committed_lots(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL("SELECT name FROM stock_lot WHERE product_id = %s", self.product_id)
            )
            return sorted(name for (name,) in cr.fetchall())

    def test_two_open_transactions_draw_different_numbers(self):
        moment = datetime(2030, 1, 1, 10)
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            # both transactions open at once draw their numbers...
            name_a = self.draw_and_create(cr_a, self.yearly_id, moment, create=False)
            name_b = self.draw_and_create(cr_b, self.yearly_id, moment, create=False)
            self.assertNotEqual(name_a, name_b)
            cr_a.commit()
            cr_b.commit()
            # ...and create their lots (one after the other: creating a lot
            # appends to the company's audit chain, which serialises them)
            for cr, name in ((cr_a, name_a), (cr_b, name_b)):
                env = api.Environment(cr, odoo.SUPERUSER_ID, {})
                env["stock.lot"].create({"name": name, "product_id": self.product_id})
                cr.commit()
        self.assertEqual(self.committed_lots()[-2:], sorted([name_a, name_b]))
        self.assertEqual({name_a, name_b}, {"Y-30001-0001", "Y-30001-0002"})

    def test_first_number_of_a_new_period_is_not_given_twice(self):
        """Both transactions miss the day's counter: only one creates it, the
        other waits, fails with a serialization error (Odoo retries such
        requests) and, retried, draws the next number."""
        moment = datetime(2031, 5, 5, 10)
        outcome = {}
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_b.execute(SQL("SELECT 1"))  # B's snapshot predates A's commit
            name_a = self.draw_and_create(cr_a, self.daily_id, moment)

            def user_b():
                try:
                    outcome["name"] = self.draw_and_create(cr_b, self.daily_id, moment)
                except errors.SerializationFailure as error:
                    outcome["error"] = error

            thread = threading.Thread(target=user_b)
            thread.start()
            time.sleep(1.0)
            self.assertTrue(thread.is_alive(), "B must wait for A's lock")
            cr_a.commit()
            thread.join(30)
            self.assertIn("error", outcome, outcome)
            cr_b.rollback()
            # Odoo's retry of B's request
            name_b = self.draw_and_create(cr_b, self.daily_id, moment)
            cr_b.commit()
        self.assertEqual((name_a, name_b), ("D-31125-0001", "D-31125-0002"))
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT count(*) FROM ir_sequence_date_range r "
                    "JOIN stock_lot_numbering_rule n ON n.sequence_id = r.sequence_id "
                    "WHERE n.id = %s AND r.date_from = '2031-05-05'",
                    self.daily_id,
                )
            )
            self.assertEqual(cr.fetchone()[0], 1)

    def test_database_refuses_the_same_name_from_two_transactions(self):
        """The Python check cannot see another transaction's lot; the unique
        index can."""
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_b.execute(SQL("SELECT 1"))  # B's snapshot predates A's commit
            env_a = api.Environment(cr_a, odoo.SUPERUSER_ID, {})
            env_a["stock.lot"].create({"name": "SAME-1", "product_id": self.product_id})
            cr_a.commit()
            env_b = api.Environment(cr_b, odoo.SUPERUSER_ID, {})
            with self.assertRaises(errors.UniqueViolation):
                env_b["stock.lot"].create(
                    {"name": " SAME-1\r\n", "product_id": self.product_id}
                )
            cr_b.rollback()
        self.assertEqual(self.committed_lots().count("SAME-1"), 1)
