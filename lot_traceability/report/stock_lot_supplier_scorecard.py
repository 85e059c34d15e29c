# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models, tools
from odoo.tools import SQL


class StockLotSupplierScorecard(models.Model):
    """Supplier quality scorecard: lots received, held and rejected per supplier,
    and how long their lots stayed on hold (a SQL view, read-only)."""

    _name = "stock.lot.supplier.scorecard"
    _description = "Supplier Quality Scorecard"
    _auto = False
    _order = "rejected_percent desc, lots_received desc"

    supplier_id = fields.Many2one("res.partner", string="Supplier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    lots_received = fields.Integer(readonly=True)
    lots_held = fields.Integer(readonly=True)
    lots_rejected = fields.Integer(readonly=True)
    held_percent = fields.Float(
        string="Held (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    rejected_percent = fields.Float(
        string="Rejected (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    average_hold_hours = fields.Float(
        string="Average Time on Hold (h)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="From placing to deciding, over the decided holds of the supplier's "
        "lots.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    WITH lots AS (
                        SELECT l.id, l.supplier_id, l.company_id
                          FROM stock_lot l
                         WHERE l.supplier_id IS NOT NULL
                    ), holds AS (
                        SELECT r.lot_id, h.state, h.placed_date, h.decided_date
                          FROM stock_lot_hold_lot_rel r
                          JOIN stock_lot_hold h ON h.id = r.hold_id
                         WHERE h.state != 'draft'
                    )
                    SELECT row_number() OVER () AS id,
                           lots.supplier_id, lots.company_id,
                           count(DISTINCT lots.id) AS lots_received,
                           count(DISTINCT holds.lot_id) AS lots_held,
                           count(DISTINCT holds.lot_id)
                               FILTER (WHERE holds.state = 'rejected')
                               AS lots_rejected,
                           100.0 * count(DISTINCT holds.lot_id)
                               / count(DISTINCT lots.id) AS held_percent,
                           100.0 * count(DISTINCT holds.lot_id)
                               FILTER (WHERE holds.state = 'rejected')
                               / count(DISTINCT lots.id) AS rejected_percent,
                           avg(EXTRACT(EPOCH FROM holds.decided_date
                                                  - holds.placed_date) / 3600.0)
                               FILTER (WHERE holds.decided_date IS NOT NULL)
                               AS average_hold_hours
                      FROM lots
                      LEFT JOIN holds ON holds.lot_id = lots.id
                     GROUP BY lots.supplier_id, lots.company_id
                )
                """,
                SQL.identifier(self._table),
            )
        )
