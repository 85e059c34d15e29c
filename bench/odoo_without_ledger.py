# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""odoo-bin with the ledger switched off in this process only (the benchmark's
"ledger off" run): the ledger's append and the move lines' event hook are
no-ops; everything else of the addon (holds, numbering, …) is unchanged. Never
a switch of the addon itself: an audit trail one can turn off is none."""

import sys

import odoo
from odoo.cli.server import main

odoo.tools.config.parse_config(sys.argv[1:])
odoo.modules.module.initialize_sys_path()

from odoo.addons.lot_traceability.models import (  # noqa: E402
    stock_lot_ledger,
    stock_move_line,
)


def _no_append(self, entries):
    return self.env["stock.lot.event"].browse()


stock_lot_ledger.StockLotLedger._append_many = _no_append
stock_move_line.StockMoveLine._lt_append_events = lambda self: None

if __name__ == "__main__":
    main(sys.argv[1:])
