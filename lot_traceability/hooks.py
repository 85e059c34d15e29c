# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools.sql import drop_index

from .models.stock_move import UNBUILD_INDEX
from .models.stock_move_line import LOT_DONE_INDEX


def uninstall_hook(env):
    drop_index(env.cr, LOT_DONE_INDEX, "stock_move_line")
    drop_index(env.cr, UNBUILD_INDEX, "stock_move")
