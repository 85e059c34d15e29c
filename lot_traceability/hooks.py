# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tools import SQL
from odoo.tools.sql import drop_index

from .models.stock_lot import LOT_NAME_UNIQUE_INDEX
from .models.stock_lot_event import HEAD_TABLE, TRIGGER, TRIGGER_FUNCTION
from .models.stock_move import UNBUILD_INDEX
from .models.stock_move_line import LOT_DONE_INDEX


def post_init_hook(env):
    # audit trail: the history already in the database, as imported events
    env["stock.lot.event"]._backfill_imported()


def uninstall_hook(env):
    drop_index(env.cr, LOT_DONE_INDEX, "stock_move_line")
    drop_index(env.cr, UNBUILD_INDEX, "stock_move")
    _uninstall_lot_numbering(env)
    _uninstall_audit_trail(env)


def _uninstall_lot_numbering(env):
    """Lot numbering (issue 4): the unique index on Odoo's stock_lot table and
    the rules' counters (ir.sequence records owned by no module)."""
    drop_index(env.cr, LOT_NAME_UNIQUE_INDEX, "stock_lot")
    env["stock.lot.numbering.rule"].with_context(active_test=False).search(
        []
    ).sequence_id.sudo().unlink()


def _uninstall_audit_trail(env):
    """Audit trail (issue 7): the append-only guard and the chain heads."""
    env.cr.execute(
        SQL(
            "DROP TRIGGER IF EXISTS %s ON stock_lot_event; "
            "DROP FUNCTION IF EXISTS %s(); DROP TABLE IF EXISTS %s",
            SQL.identifier(TRIGGER),
            SQL.identifier(TRIGGER_FUNCTION),
            SQL.identifier(HEAD_TABLE),
        )
    )
