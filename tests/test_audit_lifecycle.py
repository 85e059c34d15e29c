# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Upgrade and uninstall on a database with stock history and an audit trail.

Runs on a copy of the template database ``./setup/test`` built, with history
committed into it, and separate Odoo processes as an administrator would run
them (``-u``, uninstall): no stock data is lost, the append-only trigger and
the indexes are there after installing and upgrading, the chain still
verifies after the upgrade, and uninstalling is refused while the trail holds
evidence: the trail, its trigger and its heads are all still there.
"""

import os
import subprocess
import sys
import unittest
from unittest.mock import patch

import odoo
from odoo import SUPERUSER_ID, api
from odoo.addons.lot_traceability.models.stock_lot_event import entry_hash
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tools import SQL

from .flows import Flows
from .throwaway import create_copy, drop, needs_template

UNINSTALL = """
from odoo.exceptions import UserError
module = env["ir.module.module"].search([("name", "=", "lot_traceability")])
try:
    module.button_immediate_uninstall()
    env.cr.commit()
    print("UNINSTALLED")
except UserError as error:
    print("REFUSED:", error.args[0])
"""
INDEXES = (
    "stock_move_line_lot_done_index",
    "stock_move_unbuild_id_lt_index",
    "stock_lot_event_company_sequence_uniq",
    "stock_lot_normalised_name_product_company_uniq",
)


@needs_template
class TestAuditLifecycle(unittest.TestCase):
    def setUp(self):
        self.db = create_copy("lt_lifecycle")
        self.addCleanup(drop, self.db)

    def _query(self, query):
        with db_connect(self.db).cursor() as cr:
            cr.execute(query)
            return cr.fetchall()

    def _odoo(self, *args, script=None):
        odoo.sql_db.close_db(self.db)
        return subprocess.run(
            [
                sys.executable,
                os.path.join(os.environ["ODOO_SRC"], "odoo-bin"),
                *(["shell"] if script else []),
                "-c",
                os.environ["LT_ODOO_CONF"],
                "-d",
                self.db,
                "--no-http",
                "--log-level=warn",
                *args,
            ],
            input=script,
            text=True,
            check=True,
            capture_output=True,
            timeout=600,
        )

    def _history(self):
        """A small committed history: receipt, delivery, a return, a scrap."""
        with patch.dict(odoo.tools.config.options, test_enable=False):
            registry = Registry(self.db)
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                f = Flows(env)
                product = f.product("Lifecycle Oil")
                lot = f.lot(product, "LIFE-1")
                supplier = f.partner("Lifecycle Supplier")
                customer = f.partner("Lifecycle Customer")
                f.receive(supplier, product, [(lot, 30.0)])
                delivery = f.deliver(customer, product, [(lot, 10.0)])
                f.return_delivery(delivery, lot, 2.0)
                f.scrap(lot, 1.0)
                env["stock.lot.ledger"]._seal(include_current_transaction=True)
        finally:
            Registry.delete(self.db)

    def _present(self):
        trigger = self._query(
            SQL(
                "SELECT count(*) FROM pg_trigger "
                "WHERE tgname = 'stock_lot_event_append_only'"
            )
        )[0][0]
        indexes = {
            name
            for (name,) in self._query(
                SQL("SELECT indexname FROM pg_indexes WHERE indexname IN %s", INDEXES)
            )
        }
        head = self._query(
            SQL("SELECT to_regclass('stock_lot_event_head') IS NOT NULL")
        )[0][0]
        return trigger, indexes, head

    def _stock_counts(self):
        return self._query(
            SQL(
                "SELECT (SELECT count(*) FROM stock_lot), "
                "(SELECT count(*) FROM stock_move_line WHERE state = 'done'), "
                "(SELECT count(*) FROM stock_quant), "
                "(SELECT count(*) FROM stock_move_line "
                " WHERE state = 'done' AND lot_id IS NOT NULL)"
            )
        )[0]

    def _verify(self):
        """Recompute every chain from the table, outside Odoo's ORM."""
        with db_connect(self.db).cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT * FROM stock_lot_event WHERE sequence IS NOT NULL "
                    "ORDER BY company_id, sequence"
                )
            )
            rows = cr.dictfetchall()
        previous = {}
        for row in rows:
            last_sequence, last_hash = previous.get(row["company_id"], (0, ""))
            self.assertEqual(row["sequence"], last_sequence + 1)
            self.assertEqual(row["previous_hash"], last_hash)
            self.assertEqual(entry_hash(last_hash, row), row["hash"])
            previous[row["company_id"]] = (row["sequence"], row["hash"])
        return len(rows)

    def test_upgrade_uninstall_reinstall_with_history(self):
        self._history()
        stock = self._stock_counts()
        self.assertEqual(stock[3], 4)  # done lines with a lot
        self.assertEqual(self._present(), (1, set(INDEXES), True))
        events = self._verify()
        self.assertGreaterEqual(events, 5)  # lot created + four movements

        self._odoo("-u", "lot_traceability", "--stop-after-init")
        self.assertEqual(self._present(), (1, set(INDEXES), True))
        self.assertEqual(self._verify(), events)
        self.assertEqual(self._stock_counts(), stock)

        # uninstalling is refused: the trail is evidence
        out = self._odoo(script=UNINSTALL).stdout
        self.assertIn("REFUSED: Lot Traceability cannot be uninstalled", out)
        self.assertNotIn("UNINSTALLED", out)
        self.assertEqual(
            self._query(
                SQL(
                    "SELECT state FROM ir_module_module WHERE name = 'lot_traceability'"
                )
            ),
            [("installed",)],
        )
        self.assertEqual(self._present(), (1, set(INDEXES), True))
        self.assertEqual(self._verify(), events)
        self.assertEqual(self._stock_counts(), stock)
