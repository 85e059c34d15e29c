# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Throwaway copies of the template database ``./setup/test`` builds (module
installed, no demo), for tests that need committed data, several real cursors
or a separate Odoo process. ``./setup/test`` names the template in
``LT_TEST_TEMPLATE_DB``; without it these tests are skipped."""

import os
import unittest
import uuid
from unittest.mock import patch

import odoo
from odoo.modules.registry import Registry
from odoo.sql_db import db_connect
from odoo.tools import SQL

TEMPLATE = os.environ.get("LT_TEST_TEMPLATE_DB")
needs_template = unittest.skipUnless(TEMPLATE, "needs ./setup/test's template database")


def _admin(query):
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(query)


def create_copy(prefix):
    """A new database cloned from the template; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _admin(
        SQL(
            "CREATE DATABASE %s TEMPLATE %s",
            SQL.identifier(name),
            SQL.identifier(TEMPLATE),
        )
    )
    return name


def load_registry(name):
    """The copy's registry, loaded as a server would (no test run at loading)."""
    with patch.dict(odoo.tools.config.options, test_enable=False):
        return Registry(name)


def drop(name):
    Registry.delete(name)
    odoo.sql_db.close_db(name)
    _admin(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(name)))
