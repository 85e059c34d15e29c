# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Uninstalling keeps the evidence: refused while the audit trail holds
events (with a message saying why), also when it is a module we depend on
(stock) that is uninstalled. Without any evidence (a database that never used
the module), uninstalling leaves Odoo's stock data and removes the rest.

Runs on copies of the template database ``./setup/test`` built (the module
installed, no demo), in a separate Odoo process, as an administrator would.
"""

import os
import subprocess
import sys
import unittest

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tools import SQL

from .flows import Flows
from .throwaway import create_copy, drop, load_registry, needs_template

UNINSTALL = """
from odoo.exceptions import UserError
module = env["ir.module.module"].search([("name", "=", "%s")])
try:
    module.button_immediate_uninstall()
    env.cr.commit()
    print("UNINSTALLED")
except UserError as error:
    print("REFUSED:", error.args[0])
"""


@needs_template
class TestUninstall(unittest.TestCase):
    def setUp(self):
        self.db = create_copy("lt_uninstall")
        self.addCleanup(drop, self.db)

    def _query(self, query):
        with db_connect(self.db).cursor() as cr:
            cr.execute(query)
            return cr.fetchall()

    def _uninstall(self, module="lot_traceability"):
        odoo_bin = os.path.join(os.environ["ODOO_SRC"], "odoo-bin")
        return subprocess.run(
            [
                sys.executable,
                odoo_bin,
                "shell",
                "-c",
                os.environ["LT_ODOO_CONF"],
                "-d",
                self.db,
                "--no-http",
                "--log-level=warn",
            ],
            input=UNINSTALL % module,
            text=True,
            check=True,
            capture_output=True,
            timeout=600,
        ).stdout

    def _state(self):
        return self._query(
            SQL("SELECT state FROM ir_module_module WHERE name = 'lot_traceability'")
        )

    def test_uninstall_refused_while_events_exist(self):
        registry = load_registry(self.db)
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                product = Flows(env).product("Evidence Honey")
                Flows(env).lot(product, "EVIDENCE-1")
        finally:
            Registry.delete(self.db)
        events = self._query(SQL("SELECT count(*) FROM stock_lot_event"))
        self.assertGreater(events[0][0], 0)
        for module in ("lot_traceability", "stock"):
            out = self._uninstall(module)
            self.assertIn("REFUSED: Lot Traceability cannot be uninstalled", out)
            self.assertIn("regulated records", out)
            self.assertEqual(self._state(), [("installed",)])
            self.assertEqual(
                self._query(SQL("SELECT count(*) FROM stock_lot_event")), events
            )
        self.assertEqual(
            self._query(
                SQL("SELECT count(*) FROM ir_module_module WHERE state = 'to remove'")
            ),
            [(0,)],
        )

    def test_uninstall_without_evidence_is_clean(self):
        # precondition: the template never recorded anything of its own
        self.assertEqual(
            self._query(
                SQL(
                    "SELECT count(*) FROM stock_lot_event "
                    "WHERE event_type <> 'imported'"
                )
            ),
            [(0,)],
        )
        lots_before = self._query(SQL("SELECT count(*) FROM stock_lot"))
        self.assertEqual(
            len(
                self._query(
                    SQL(
                        "SELECT indexname FROM pg_indexes WHERE indexname IN %s",
                        (
                            "stock_move_line_lot_done_index",
                            "stock_move_unbuild_id_lt_index",
                        ),
                    )
                )
            ),
            2,
        )
        self.assertIn("UNINSTALLED", self._uninstall())
        state = self._query(
            SQL("SELECT state FROM ir_module_module WHERE name = 'lot_traceability'")
        )
        self.assertEqual(state, [("uninstalled",)])
        self.assertEqual(
            self._query(
                SQL(
                    "SELECT count(*) FROM ir_model_data "
                    "WHERE module = 'lot_traceability'"
                )
            ),
            [(0,)],
        )
        columns = self._query(
            SQL(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = 'stock_lot' AND column_name LIKE 'supplier%%'"
            )
        )
        self.assertEqual(columns, [])
        self.assertEqual(
            self._query(
                SQL("SELECT count(*) FROM res_groups WHERE name->>'en_US' = 'Auditor'")
            ),
            [(0,)],
        )
        self.assertEqual(
            self._query(
                SQL(
                    "SELECT indexname FROM pg_indexes WHERE indexname IN %s",
                    (
                        "stock_move_line_lot_done_index",
                        "stock_move_unbuild_id_lt_index",
                    ),
                )
            ),
            [],
        )
        # lot numbering (issue 4): our index on Odoo's table is gone
        self.assertEqual(
            self._query(
                SQL(
                    "SELECT count(*) FROM pg_indexes "
                    "WHERE indexname = 'stock_lot_normalised_name_product_company_uniq'"
                )
            ),
            [(0,)],
        )
        # Odoo's own stock data is untouched
        self.assertEqual(
            self._query(SQL("SELECT count(*) FROM stock_lot")), lots_before
        )
        self.assertEqual(
            self._query(SQL("SELECT state FROM ir_module_module WHERE name = 'stock'")),
            [("installed",)],
        )
