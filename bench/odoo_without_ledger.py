# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""odoo-bin for the benchmark's concurrency step, with or without the ledger.

``LT_BENCH_LEDGER=off`` switches the ledger off in this process only: the
ledger's append and the move lines' event hook become no-ops; everything else
of the addon (holds, numbering, …) is unchanged. Never a switch of the addon
itself: an audit trail one can turn off is none. Both runs (on and off) start
through this file, so they differ only by that. The longpolling (gevent)
process is not started: XML-RPC does not use it, and its absence is the same
for both runs.
"""

import os
import sys

import odoo
import odoo.cli
from odoo.service import server

odoo.tools.config.parse_config([a for a in sys.argv[1:] if a != "gevent"])
odoo.modules.module.initialize_sys_path()

from odoo.addons.lot_traceability.models import (  # noqa: E402
    stock_lot_ledger,
    stock_move_line,
)


def _no_append(self, entries):
    return self.env["stock.lot.event"].browse()


if os.environ.get("LT_BENCH_LEDGER") == "off":
    stock_lot_ledger.StockLotLedger._append_many = _no_append
    stock_move_line.StockMoveLine._lt_append_events = lambda self: None
server.PreforkServer.long_polling_spawn = lambda self: None

if __name__ == "__main__":
    odoo.cli.main()
