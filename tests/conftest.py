# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging


class _PytestOdooImportNoise(logging.Filter):
    """pytest-odoo imports odoo.tests before Odoo knows it is testing, and Odoo
    logs that as an error with a stack trace; under pytest it is expected."""

    def filter(self, record):
        return not str(record.msg).startswith("Importing test framework")


logging.getLogger("odoo.tests.common").addFilter(_PytestOdooImportNoise())
