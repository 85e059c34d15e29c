# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools import SQL
from odoo.tools.sql import drop_index

from .models.stock_lot_audit import LOT_NAME_INDEX
from .models.stock_lot_event import HEAD_TABLE, TRIGGER, TRIGGER_FUNCTION
from .models.stock_move import UNBUILD_INDEX
from .models.stock_move_line import LOT_DONE_INDEX


def post_init_hook(env):
    # audit trail: the history already in the database, as imported events
    env["stock.lot.event"]._backfill_imported()


def uninstall_hook(env):
    drop_index(env.cr, LOT_DONE_INDEX, "stock_move_line")
    drop_index(env.cr, UNBUILD_INDEX, "stock_move")
    # audit trail: the append-only guard, the chain heads, the lot name index
    env.cr.execute(
        SQL(
            "DROP TRIGGER IF EXISTS %s ON stock_lot_event; "
            "DROP FUNCTION IF EXISTS %s(); DROP TABLE IF EXISTS %s",
            SQL.identifier(TRIGGER),
            SQL.identifier(TRIGGER_FUNCTION),
            SQL.identifier(HEAD_TABLE),
        )
    )
    drop_index(env.cr, LOT_NAME_INDEX, "stock_lot")
