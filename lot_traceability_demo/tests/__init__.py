# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# Browser tours (HttpCase): run by ./setup/test in an Odoo server process,
# since pytest-odoo does not start Odoo's HTTP server.
from . import test_tours
