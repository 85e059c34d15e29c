# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools.sql import drop_index

from .models.stock_lot_supplier import LOT_NAME_UNIQUE_INDEX
from .models.stock_move import UNBUILD_INDEX
from .models.stock_move_line import LOT_DONE_INDEX


def uninstall_hook(env):
    drop_index(env.cr, LOT_DONE_INDEX, "stock_move_line")
    drop_index(env.cr, UNBUILD_INDEX, "stock_move")
    _uninstall_lot_numbering(env)


def _uninstall_lot_numbering(env):
    """Lot numbering (issue 4): the unique index on Odoo's stock_lot table and
    the rules' counters (ir.sequence records owned by no module)."""
    drop_index(env.cr, LOT_NAME_UNIQUE_INDEX, "stock_lot")
    env["stock.lot.numbering.rule"].with_context(active_test=False).search(
        []
    ).sequence_id.sudo().unlink()
