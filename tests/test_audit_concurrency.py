# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Concurrent users on committed data, with real separate cursors.

Runs on a throwaway copy of the template database ``./setup/test`` builds, as
``test_hold_concurrency.py`` does: each cursor is its own PostgreSQL
transaction (REPEATABLE READ, like Odoo's requests), and a request that fails
with a serialization error is retried, as Odoo does.

Appending takes no lock: two transactions appending at the same time do not
wait for each other. The seal chains only the rows of transactions older than
every transaction still running, in (transaction, id) order.
"""

import threading
import time
import unittest
import uuid
from contextlib import contextmanager

from psycopg2.errors import SerializationFailure, UniqueViolation

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.sql_db import db_connect
from odoo.tools import SQL, mute_logger

from .flows import Flows
from .throwaway import create_copy, drop, load_registry, needs_template


@needs_template
class TestAuditConcurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = create_copy("lt_audit_race")
        cls.addClassCleanup(drop, cls.db)
        cls.registry = load_registry(cls.db)
        with cls.env() as env:
            cls.company_id = env.company.id
            cls.product_id = Flows(env).product(f"Race Salt {uuid.uuid4().hex[:6]}").id

    @classmethod
    @contextmanager
    def env(cls):
        with cls.registry.cursor() as cr:  # commits on success
            yield api.Environment(cr, SUPERUSER_ID, {})

    def retrying(self, work, attempts=10):
        """Odoo's request retry on serialization failures."""
        for attempt in range(attempts):
            try:
                with self.env() as env:
                    return work(env)
            except SerializationFailure:
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("still failing after retries")

    def wait_for_lock_wait(self, timeout=20.0):
        """Until another session of the test database waits on a lock."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with db_connect("postgres").cursor() as cr:
                cr.execute(
                    SQL(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = %s AND wait_event_type = 'Lock'",
                        self.db,
                    )
                )
                if cr.fetchone()[0]:
                    return
            time.sleep(0.05)
        self.fail("the second transaction never waited for the first")

    def seal(self):
        with self.env() as env:
            return env["stock.lot.ledger"]._seal()

    def sealed_ids(self, ids):
        with self.env() as env:
            env.cr.execute(
                SQL(
                    "SELECT id FROM stock_lot_event WHERE id = ANY(%s) "
                    "AND sequence IS NOT NULL ORDER BY sequence",
                    list(ids),
                )
            )
            return [event_id for (event_id,) in env.cr.fetchall()]

    def chain(self):
        self.seal()
        with self.env() as env:
            company = env["res.company"].browse(self.company_id)
            result = env["stock.lot.event"]._verify_chain(company)
            env.cr.execute(
                SQL(
                    "SELECT sequence FROM stock_lot_event WHERE company_id = %s "
                    "ORDER BY sequence",
                    self.company_id,
                )
            )
            return result, [sequence for (sequence,) in env.cr.fetchall()]

    def test_same_lot_name_by_two_users_gives_one_lot(self):
        name = f"RACE-LOT-{uuid.uuid4().hex[:6]}"
        cr_a = self.registry.cursor()
        cr_b = self.registry.cursor()
        outcome = {}
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            vals = {"name": name, "product_id": self.product_id}
            # both users' checks run before either commits: neither sees the other
            env_a["stock.lot"].create(vals)
            env_a.flush_all()

            def user_b():
                try:
                    env_b["stock.lot"].create(vals)
                    env_b.flush_all()
                    outcome["b"] = "created"
                except (UniqueViolation, ValidationError):
                    # the index (B checked before A committed) or, if B started
                    # after A's commit, the uniqueness check itself
                    outcome["b"] = "refused"
                    cr_b.rollback()

            thread = threading.Thread(target=user_b)
            with mute_logger("odoo.sql_db"):
                thread.start()
                self.wait_for_lock_wait()
                self.assertTrue(thread.is_alive(), "B must wait for A's insert")
                cr_a.commit()
                thread.join(30)
            self.assertEqual(outcome.get("b"), "refused")
            cr_b.rollback()
        finally:
            cr_a.close()
            cr_b.close()
        with self.env() as env:
            lots = env["stock.lot"].search([("name", "=", name)])
            self.assertEqual(len(lots), 1)
            created = env["stock.lot.event"].search(
                [("lot_ids", "in", lots.ids), ("event_type", "=", "lot_created")]
            )
            self.assertEqual(len(created), 1)
        result, __ = self.chain()
        self.assertTrue(result["ok"], result["message"])

    def test_parallel_appends_never_fork(self):
        per_thread, threads = 8, 3
        errors = []
        __, before = self.chain()

        def append(env, tag, index):
            return (
                env["stock.lot.event"]
                ._append("recall_run", payload={"thread": tag, "index": index})
                .id
            )

        def worker(tag):
            try:
                for index in range(per_thread):
                    self.retrying(lambda env, t=tag, i=index: append(env, t, i))
            except Exception as error:  # reported by the main thread
                errors.append(error)

        workers = [
            threading.Thread(target=worker, args=(f"t{n}",)) for n in range(threads)
        ]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join(120)
        self.assertEqual(errors, [])
        result, sequences = self.chain()
        self.assertTrue(result["ok"], result["message"])
        total = len(before) + per_thread * threads
        self.assertEqual(sequences, list(range(1, total + 1)))  # gapless, no fork

    def test_two_appends_do_not_wait_for_each_other(self):
        """A appends and stays open (a long validation); B appends and commits
        meanwhile without waiting; then A commits. Nothing is lost; the seal
        chains A before B (A's transaction is the older one)."""
        cr_a = self.registry.cursor()
        outcome = {}

        def user_b():
            with self.env() as env:
                outcome["b"] = env["stock.lot.event"]._append("recall_completed").id

        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            event_a = env_a["stock.lot.event"]._append("recall_run").id
            thread = threading.Thread(target=user_b)
            thread.start()
            thread.join(60)
            # B is done (committed) while A is still open: it never waited
            self.assertFalse(thread.is_alive(), "B waited for A")
            self.assertIn("b", outcome)
            # while A is open, B's event is not sealed: A could still append
            # rows that sort before it
            self.seal()
            self.assertEqual(self.sealed_ids([event_a, outcome["b"]]), [])
            cr_a.commit()
        finally:
            cr_a.close()
        self.seal()
        self.assertEqual(
            self.sealed_ids([event_a, outcome["b"]]), [event_a, outcome["b"]]
        )
        result, sequences = self.chain()
        self.assertTrue(result["ok"], result["message"])
        self.assertEqual(sequences, list(range(1, len(sequences) + 1)))

    def test_seal_orders_by_transaction_not_by_commit(self):
        """B commits first, but A's transaction is older: after both commit,
        A's rows come first in the chain, whatever the order of ids."""
        cr_a = self.registry.cursor()
        try:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_a.cr.execute(SQL("SELECT pg_current_xact_id()"))  # A starts first
            with self.env() as env:
                event_b = env["stock.lot.event"]._append("recall_completed").id
            event_a = env_a["stock.lot.event"]._append("recall_run").id
            self.assertGreater(event_a, event_b)  # A's row has the larger id
            cr_a.commit()
        finally:
            cr_a.close()
        self.seal()
        self.assertEqual(self.sealed_ids([event_a, event_b]), [event_a, event_b])
        result, __ = self.chain()
        self.assertTrue(result["ok"], result["message"])
