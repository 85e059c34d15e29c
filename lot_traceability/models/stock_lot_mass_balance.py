# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Mass balance of lots: where every unit that entered a lot went.

``self.env["stock.lot.mass.balance"]._compute(lots)`` answers, per lot, in the
product's unit and in one statement over ``stock_move_line`` (done lines),
``stock_move`` (unbuild orders), ``stock_location`` and ``stock_quant``::

    received or produced = on hand + shipped (net of returns) + consumed
                           + scrapped + adjusted + unaccounted

Each done line moves a quantity from the kind of its source location to the
kind of its destination: *stock* (internal and transit locations that are not
scrap locations), *scrap* (any location flagged ``scrap_location``, whatever
its usage), *supplier*, *customer*, *production*, *inventory*. A line counts
for the external kinds it touches:

* supplier: received (+ out of it, - back to it: returns to the vendor,
  dropships returned by the customer to the vendor);
* production: produced (+) when a manufacturing order makes the lot; consumed
  (+) when the lot goes into production; an unbuild giving components back
  reduces what was consumed (it is not a new receipt);
* customer: shipped (+ to it, - back from it: returns; a dropship is received
  and shipped at once);
* scrap and inventory: scrapped and adjusted (+ into them, - out of them).

On hand is the lot's quants in *stock* locations. Lines of companies the user
may not access are left out (they show as unaccounted; the trace reports them
as a gap).
"""

from odoo import api, models
from odoo.tools import SQL, float_round


class StockLotMassBalance(models.AbstractModel):
    _name = "stock.lot.mass.balance"
    _description = "Lot Mass Balance"

    @api.model
    def _compute(self, lots):
        """``{lot_id: {quantity_in, on_hand, transit, shipped, consumed,
        scrapped, adjusted, unaccounted, accounted_percent}}`` for ``lots``."""
        if not lots:
            return {}
        companies = self.env["stock.lot.genealogy"]._companies()
        rounding = {lot.id: lot.product_id.uom_id.rounding for lot in lots}
        self.env.flush_all()

        def kind(alias):
            return SQL(
                "CASE WHEN COALESCE(%(a)s.scrap_location, false) THEN 'scrap' "
                "WHEN %(a)s.usage IN ('internal', 'transit') THEN 'stock' "
                "ELSE %(a)s.usage END",
                a=SQL.identifier(alias),
            )

        self.env.cr.execute(
            SQL(
                """
                WITH lines AS (
                    SELECT ml.lot_id, ml.quantity_product_uom AS q,
                           %(src_kind)s AS src, %(dest_kind)s AS dest,
                           m.unbuild_id IS NOT NULL AS unbuild
                      FROM stock_move_line ml
                      JOIN stock_move m ON m.id = ml.move_id
                      JOIN stock_location src ON src.id = ml.location_id
                      JOIN stock_location dest ON dest.id = ml.location_dest_id
                     WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done'
                       AND ml.company_id = ANY(%(c)s)
                ),
                flows AS (
                    SELECT lot_id,
                           sum(CASE WHEN src = 'supplier' THEN q ELSE 0 END)
                         - sum(CASE WHEN dest = 'supplier' THEN q ELSE 0 END)
                         + sum(CASE WHEN src = 'production' AND NOT unbuild
                                    THEN q ELSE 0 END) AS quantity_in,
                           sum(CASE WHEN dest = 'customer' THEN q ELSE 0 END)
                         - sum(CASE WHEN src = 'customer' THEN q ELSE 0 END)
                             AS shipped,
                           sum(CASE WHEN dest = 'production' THEN q ELSE 0 END)
                         - sum(CASE WHEN src = 'production' AND unbuild
                                    THEN q ELSE 0 END) AS consumed,
                           sum(CASE WHEN dest = 'scrap' THEN q ELSE 0 END)
                         - sum(CASE WHEN src = 'scrap' THEN q ELSE 0 END)
                             AS scrapped,
                           sum(CASE WHEN dest = 'inventory' THEN q ELSE 0 END)
                         - sum(CASE WHEN src = 'inventory' THEN q ELSE 0 END)
                             AS adjusted
                      FROM lines WHERE src <> dest GROUP BY lot_id
                ),
                stock AS (
                    SELECT q.lot_id, sum(q.quantity) AS on_hand,
                           sum(CASE WHEN loc.usage = 'transit'
                                    THEN q.quantity ELSE 0 END) AS transit
                      FROM stock_quant q
                      JOIN stock_location loc ON loc.id = q.location_id
                     WHERE q.lot_id = ANY(%(ids)s)
                       AND loc.usage IN ('internal', 'transit')
                       AND NOT COALESCE(loc.scrap_location, false)
                       AND (q.company_id IS NULL OR q.company_id = ANY(%(c)s))
                     GROUP BY q.lot_id
                )
                SELECT l.id, COALESCE(f.quantity_in, 0), COALESCE(s.on_hand, 0),
                       COALESCE(s.transit, 0), COALESCE(f.shipped, 0),
                       COALESCE(f.consumed, 0), COALESCE(f.scrapped, 0),
                       COALESCE(f.adjusted, 0)
                  FROM unnest(%(ids)s::int[]) AS l(id)
                  LEFT JOIN flows f ON f.lot_id = l.id
                  LEFT JOIN stock s ON s.lot_id = l.id
                """,
                src_kind=kind("src"),
                dest_kind=kind("dest"),
                ids=lots.ids,
                c=companies,
            )
        )
        rows = self.env.cr.fetchall()
        result = {}
        for row in rows:
            lot_id, quantity_in, on_hand, transit, *outs = row
            shipped, consumed, scrapped, adjusted = outs
            accounted = on_hand + shipped + consumed + scrapped + adjusted
            precision = rounding[lot_id]
            percent = 100.0 * accounted / quantity_in if quantity_in else 100.0
            result[lot_id] = {
                "quantity_in": float_round(quantity_in, precision_rounding=precision),
                "on_hand": float_round(on_hand, precision_rounding=precision),
                "transit": float_round(transit, precision_rounding=precision),
                "shipped": float_round(shipped, precision_rounding=precision),
                "consumed": float_round(consumed, precision_rounding=precision),
                "scrapped": float_round(scrapped, precision_rounding=precision),
                "adjusted": float_round(adjusted, precision_rounding=precision),
                "unaccounted": float_round(
                    quantity_in - accounted, precision_rounding=precision
                ),
                "accounted_percent": float_round(percent, 2),
            }
        return result
