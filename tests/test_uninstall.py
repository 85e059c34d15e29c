# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Uninstalling leaves Odoo's stock data and removes everything of ours.

Runs on a copy of the template database ``./setup/test`` built (the module
installed, no demo), in a separate Odoo process, as an administrator would.
"""

import os
import subprocess
import sys
import unittest

from odoo.sql_db import db_connect
from odoo.tools import SQL

from .throwaway import create_copy, drop, needs_template

UNINSTALL = """
module = env["ir.module.module"].search([("name", "=", "lot_traceability")])
module.button_immediate_uninstall()
env.cr.commit()
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

    def test_uninstall_is_clean(self):
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
        odoo_bin = os.path.join(os.environ["ODOO_SRC"], "odoo-bin")
        subprocess.run(
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
            input=UNINSTALL,
            text=True,
            check=True,
            capture_output=True,
            timeout=600,
        )
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
