# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from odoo import fields
from odoo.tools import SQL
from odoo.tools.sql import drop_index

from .models.ir_module_module import evidence_count
from .models.stock_lot import LOT_NAME_UNIQUE_INDEX
from .models.stock_lot_event import (
    STATEMENT_TRIGGER,
    STATEMENT_TRIGGER_FUNCTION,
    TRIGGER,
    TRIGGER_FUNCTION,
    classify_move,
)
from .models.stock_lot_ledger import BATCH, HEAD_TABLE, canonical_json
from .models.stock_move import UNBUILD_INDEX
from .models.stock_move_line import LOT_DONE_INDEX

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    # audit trail: the history already in the database, as imported events,
    # sealed at once (installation is the only writer of its own rows)
    backfill_imported(env)
    env["stock.lot.ledger"]._seal(include_current_transaction=True)


def uninstall_hook(env):
    _keep_evidence(env)
    drop_index(env.cr, LOT_DONE_INDEX, "stock_move_line")
    drop_index(env.cr, UNBUILD_INDEX, "stock_move")
    _uninstall_lot_numbering(env)


def _keep_evidence(env):
    """Last resort: ``ir.module.module.button_uninstall`` refuses while the
    trail holds evidence, but a removal forced another way (state written by
    hand) must not drop it either. Raising here would leave the module "to
    remove" and every restart failing, so the table is renamed out of Odoo's
    reach instead, with its trigger, and kept."""
    events, sealed = evidence_count(env.cr)
    if not events:  # nothing to keep: Odoo drops the table, we drop the rest
        env.cr.execute(
            SQL(
                "DROP TABLE IF EXISTS %s; DROP TRIGGER IF EXISTS %s ON "
                "stock_lot_event; DROP TRIGGER IF EXISTS %s ON stock_lot_event; "
                "DROP FUNCTION IF EXISTS %s(); DROP FUNCTION IF EXISTS %s()",
                SQL.identifier(HEAD_TABLE),
                SQL.identifier(TRIGGER),
                SQL.identifier(STATEMENT_TRIGGER),
                SQL.identifier(TRIGGER_FUNCTION),
                SQL.identifier(STATEMENT_TRIGGER_FUNCTION),
            )
        )
        return
    name = f"stock_lot_event_kept_{fields.Datetime.now():%Y%m%d%H%M%S}"
    env.cr.execute(
        SQL("ALTER TABLE stock_lot_event RENAME TO %s", SQL.identifier(name))
    )
    _logger.critical(
        "Lot Traceability removed with %s audit trail events (%s sealed): kept "
        "in table %s",
        events,
        sealed,
        name,
    )


def _uninstall_lot_numbering(env):
    """Lot numbering: the unique index on Odoo's stock_lot table and the
    rules' counters (ir.sequence records owned by no module)."""
    drop_index(env.cr, LOT_NAME_UNIQUE_INDEX, "stock_lot")
    env["stock.lot.numbering.rule"].with_context(active_test=False).search(
        []
    ).sequence_id.sudo().unlink()


def backfill_imported(env):
    """Record the done move lines with a lot that have no event yet as
    ``imported`` events: read in one query, written with one INSERT … SELECT
    per batch (no ORM create per line); the seal chains them. Called on
    installation (``post_init_hook``); idempotent."""
    env.flush_all()
    cr = env.cr
    cr.execute(
        SQL(
            """
            SELECT ml.id, ml.company_id, ml.date, ml.lot_id, lot.name,
                   ml.product_id, lot.product_id, ml.quantity, ml.product_uom_id,
                   ml.move_id, ml.location_id, ml.location_dest_id,
                   src.usage, dest.usage, COALESCE(dest.scrap_location, false),
                   m.origin_returned_move_id IS NOT NULL, ml.reference,
                   ml.picking_id, p.name, p.partner_id,
                   COALESCE(m.raw_material_production_id, m.production_id),
                   mp.name
              FROM stock_move_line ml
              JOIN stock_lot lot ON lot.id = ml.lot_id
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dest ON dest.id = ml.location_dest_id
              LEFT JOIN stock_move m ON m.id = ml.move_id
              LEFT JOIN stock_picking p ON p.id = ml.picking_id
              LEFT JOIN mrp_production mp
                     ON mp.id = COALESCE(m.raw_material_production_id,
                                         m.production_id)
             WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM stock_lot_event e
                                WHERE e.move_line_id = ml.id)
             ORDER BY ml.company_id, ml.date, ml.id
            """
        )
    )
    records = cr.fetchall()
    by_company = {}
    for (
        line_id,
        company_id,
        date,
        lot_id,
        lot_name,
        product_id,
        lot_product_id,
        quantity,
        uom_id,
        move_id,
        location_id,
        location_dest_id,
        src_usage,
        dest_usage,
        scrapped,
        is_return,
        reference,
        picking_id,
        picking_name,
        partner_id,
        production_id,
        production_name,
    ) in records:
        if picking_id:
            document = ("stock.picking", picking_id, picking_name)
        elif production_id:
            document = ("mrp.production", production_id, production_name)
        else:
            document = ("stock.move", move_id, reference)
        date = fields.Datetime.to_string(date)
        company_id = company_id or env.company.id
        by_company.setdefault(company_id, []).append(
            {
                "company_id": company_id,
                "date": date,
                "user_id": env.uid,
                "event_type": "imported",
                "res_model": document[0],
                "res_id": document[1],
                "document_name": document[2],
                "lot_names": lot_name,
                "move_line_id": line_id,
                "lot_ids": [lot_id],
                "payload": canonical_json(
                    {
                        "movement": classify_move(
                            src_usage, dest_usage, scrapped, is_return
                        ),
                        "lots": [
                            {
                                "id": lot_id,
                                "name": lot_name,
                                "product_id": lot_product_id,
                            }
                        ],
                        "move_line_id": line_id,
                        "move_id": move_id,
                        "product_id": product_id,
                        "lot_id": lot_id,
                        "lot": lot_name,
                        "quantity": float(quantity or 0.0),
                        "uom_id": uom_id,
                        "location_id": location_id,
                        "location_dest_id": location_dest_id,
                        "partner_id": partner_id,
                        "reference": reference,
                        "date": date,
                    }
                ),
            }
        )
    rows = [row for company_id in sorted(by_company) for row in by_company[company_id]]
    ledger = env["stock.lot.ledger"]
    for start in range(0, len(rows), BATCH):
        ledger._insert_rows(rows[start : start + BATCH])
        if len(rows) > BATCH:
            _logger.info(
                "Audit trail: %s/%s imported events written",
                min(start + BATCH, len(rows)),
                len(rows),
            )
    env["stock.lot.event"].invalidate_model()
    count = len(rows)
    if count:
        _logger.info("Audit trail: %s done move lines recorded as imported", count)
    return count
