# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The genealogy service: the one and only trace implementation of the addon.

Entry point: ``self.env["stock.lot.genealogy"]._trace(lots, direction)``
(exposed to clients as ``stock.lot.trace``). Screens, holds, recalls and
reports call it; nothing else walks the genealogy.

It reads what Odoo already records, so every existing and future move is
traced without bookkeeping of its own:

* ``stock_move_line`` (done lines, by lot): same-lot movements — receipts,
  internal transfers, deliveries, dropships, returns, scraps, inventory
  adjustments — keep the lot, so they need no edge;
* ``stock_move_line_consume_rel``: the lot-to-lot transformations written by
  manufacturing orders, unbuilds and repairs. Column ``produce_line_id`` is the
  consumed (input) line, ``consume_line_id`` the produced (output) line (see
  ``mrp.production._post_inventory``);
* ``stock_move`` (production/unbuild links, returns), ``stock_location``
  (usages), ``stock_picking``, ``stock_quant``, ``stock_lot``,
  ``product_product``/``product_template``, ``uom_uom``, ``res_partner``,
  ``mrp_production``, ``mrp_unbuild``.

The walk is one set-based ``WITH RECURSIVE … UNION`` over lot ids: each lot is
expanded once, so cycles (through an unbuild) terminate and diamonds do not
multiply. A trace costs the same small, constant number of SQL statements
whatever its size. It runs with the caller's rights: the input lots are
checked with the ORM, and every statement keeps to the caller's allowed
companies.
"""

import time
from collections import defaultdict, deque

from psycopg2.errors import QueryCanceled

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DIRECTIONS = ("forward", "backward", "both")
TIMEOUT = "120s"


class StockLotGenealogy(models.AbstractModel):
    _name = "stock.lot.genealogy"
    _description = "Lot Genealogy Service"

    @api.model
    def _trace(self, lots, direction="both"):
        """Trace ``lots`` forward, backward or both; return a JSON-ready dict.

        See the README ("Trace API") for the keys of the result.
        """
        return self._run(lots, direction, details=True)

    @api.model
    def _reach(self, lots, direction="both"):
        """Only the lots reached: ``{lot_id: depth}`` (same walk, no details)."""
        return self._run(lots, direction, details=False)

    def _run(self, lots, direction, details):
        started = time.perf_counter()
        queries_before = self.env.cr.sql_log_count
        if direction not in DIRECTIONS:
            raise UserError(
                _(
                    "Unknown trace direction %(direction)r: use one of %(choices)s.",
                    direction=direction,
                    choices=", ".join(DIRECTIONS),
                )
            )
        if not lots:
            raise UserError(_("Select at least one lot to trace."))
        self._check_lots(lots)
        self.env.flush_all()
        companies = self.env.companies.ids
        cr = self.env.cr
        # One statement: the timeout that protects the server, and no JIT (the
        # walk's cost estimate crosses jit_above_cost and PostgreSQL spends
        # ~200 ms compiling a plan that runs in a few; see bench/README.md).
        cr.execute(
            SQL(
                "SELECT current_setting('statement_timeout'), current_setting('jit'), "
                "set_config('statement_timeout', %s, true), "
                "set_config('jit', 'off', true)",
                TIMEOUT,
            )
        )
        previous_timeout, previous_jit = cr.fetchone()[:2]
        try:
            edges, gaps = self._walk(lots.ids, direction, companies)
            depths = self._depths(lots.ids, edges, direction)
            if not details:
                result = depths
            else:
                lot_ids = list(depths)
                forward_ids = [lot_id for lot_id, depth in depths.items() if depth >= 0]
                backward_ids = [
                    lot_id for lot_id, depth in depths.items() if depth <= 0
                ]
                result = {
                    "lots": self._lots(depths),
                    "receipts": self._receipts(backward_ids, companies),
                    "deliveries": self._deliveries(forward_ids, companies),
                    "productions": self._productions(edges),
                    "links": self._links(edges),
                    "on_hand": self._on_hand(lot_ids, companies),
                    "gaps": gaps,
                }
        except QueryCanceled as error:
            raise UserError(
                _(
                    "The trace of %(lots)s took longer than %(timeout)s and was "
                    "stopped to protect the server. Trace fewer lots at once.",
                    lots=", ".join(lots.mapped("display_name")),
                    timeout=TIMEOUT,
                )
            ) from error
        cr.execute(
            SQL(
                "SELECT set_config('statement_timeout', %s, true), "
                "set_config('jit', %s, true)",
                previous_timeout,
                previous_jit,
            )
        )
        if details:
            result["stats"] = {
                "lot_count": len(depths),
                "edge_count": len(edges),
                "query_count": cr.sql_log_count - queries_before,
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
            }
        return result

    def _check_lots(self, lots):
        """The caller may read the lots, and they belong to allowed companies."""
        foreign = lots.filtered(
            lambda lot: lot.company_id and lot.company_id not in self.env.companies
        )
        if foreign:
            raise UserError(
                _(
                    "You cannot trace lots of a company you are not working in: "
                    "%(lots)s. Select that company in the company switcher first.",
                    lots=", ".join(foreign.mapped("display_name")),
                )
            )
        lots.check_access("read")

    # ------------------------------------------------------------------ walk
    def _walk(self, lot_ids, direction, companies):
        """One statement: the forward/backward closures, their edges and gaps.

        Returns ``(edges, gaps)``; an edge is a dict ``{src, dst, quantity,
        production_id, unbuild_id}`` oriented from the consumed lot to the
        produced lot (``quantity``: what was consumed, in the line's unit).
        """
        forward = direction in ("forward", "both")
        backward = direction in ("backward", "both")
        query = SQL(
            """
            WITH RECURSIVE
            fwd(lot_id) AS (
                SELECT unnest(%(ids)s::int[]) WHERE %(forward)s
                UNION
                SELECT e.dst FROM fwd CROSS JOIN LATERAL %(forward_step)s e
                 WHERE e.dst IS NOT NULL
            ),
            bwd(lot_id) AS (
                SELECT unnest(%(ids)s::int[]) WHERE %(backward)s
                UNION
                SELECT e.src FROM bwd CROSS JOIN LATERAL %(backward_step)s e
                 WHERE e.src IS NOT NULL
            ),
            links AS (
                SELECT DISTINCT 'f' AS side, e.in_line, e.src, e.dst, e.qty,
                       e.in_product, e.out_product, e.in_move, e.out_move
                  FROM fwd CROSS JOIN LATERAL %(forward_step)s e
                UNION
                SELECT DISTINCT 'b', e.in_line, e.src, e.dst, e.qty, e.in_product,
                       e.out_product, e.in_move, e.out_move
                  FROM bwd CROSS JOIN LATERAL %(backward_step)s e
            )
            SELECT l.side, l.src, l.dst, sum(l.qty),
                   COALESCE(om.production_id, im.raw_material_production_id),
                   COALESCE(om.unbuild_id, im.unbuild_id),
                   l.in_product, l.out_product
              FROM links l
              JOIN stock_move im ON im.id = l.in_move
              JOIN stock_move om ON om.id = l.out_move
             GROUP BY 1, 2, 3, 5, 6, 7, 8
            """,
            ids=lot_ids,
            forward=forward,
            backward=backward,
            forward_step=self._step(SQL("i.lot_id = fwd.lot_id"), companies),
            backward_step=self._step(SQL("o.lot_id = bwd.lot_id"), companies),
        )
        self.env.cr.execute(query)
        rows = self.env.cr.fetchall()
        edges = {}
        gap_keys = {}
        for (
            _side,
            src,
            dst,
            qty,
            production_id,
            unbuild_id,
            in_product,
            out_product,
        ) in rows:
            if src is None or dst is None:
                # a chain through an untracked product: forward, the lot went
                # into something without a lot; backward, it was made from one.
                product_id = out_product if dst is None else in_product
                key = (production_id, unbuild_id, product_id)
                gap_keys[key] = "forward" if dst is None else "backward"
                continue
            key = (src, dst, production_id, unbuild_id)
            if key not in edges:
                edges[key] = {
                    "src": src,
                    "dst": dst,
                    "quantity": qty,
                    "production_id": production_id,
                    "unbuild_id": unbuild_id,
                }
        return list(edges.values()), self._gaps(gap_keys)

    def _step(self, anchor, companies):
        """The transformations touching one lot, as a lateral subquery.

        ``anchor`` ties the input line ``i`` (forward) or the output line ``o``
        (backward) to the lot being expanded. Two sources, both read by lot
        through the partial index on done move lines:

        * the consume/produce links of manufacturing orders (and repairs);
        * unbuilds: Odoo 18 links only by-products there, so an unbuild's input
          line (into a production location) is paired with its output lines
          (out of one) through the unbuild order of their moves.
        """
        production = SQL(
            "ANY((SELECT array_agg(id) FROM stock_location "
            "WHERE usage = 'production')::int[])"
        )
        columns = SQL(
            "i.id AS in_line, i.lot_id AS src, o.lot_id AS dst, i.quantity AS qty, "
            "i.product_id AS in_product, o.product_id AS out_product, "
            "i.move_id AS in_move, o.move_id AS out_move"
        )
        done = SQL(
            "i.state = 'done' AND o.state = 'done' "
            "AND i.company_id = ANY(%(c)s) AND o.company_id = ANY(%(c)s)",
            c=companies,
        )
        return SQL(
            """(
                SELECT %(columns)s
                  FROM stock_move_line i
                  JOIN stock_move_line_consume_rel r ON r.produce_line_id = i.id
                  JOIN stock_move_line o ON o.id = r.consume_line_id
                 WHERE %(anchor)s AND %(done)s
                UNION ALL
                SELECT %(columns)s
                  FROM stock_move_line i
                  JOIN stock_move im ON im.id = i.move_id
                  JOIN stock_move om ON om.unbuild_id = im.unbuild_id
                  JOIN stock_move_line o ON o.move_id = om.id
                 WHERE %(anchor)s AND %(done)s
                   AND i.location_dest_id = %(production)s
                   AND o.location_id = %(production)s
                   AND im.unbuild_id IS NOT NULL
            )""",
            columns=columns,
            anchor=anchor,
            done=done,
            production=production,
        )

    @api.model
    def _depths(self, origin_ids, edges, direction):
        """Shortest distance of each reached lot: forward > 0, backward < 0.

        On a cycle a lot can be both; the shorter distance wins, downstream on a
        tie."""
        children = defaultdict(set)
        parents = defaultdict(set)
        for edge in edges:
            children[edge["src"]].add(edge["dst"])
            parents[edge["dst"]].add(edge["src"])
        depths = dict.fromkeys(origin_ids, 0)
        passes = []
        if direction != "backward":
            passes.append((children, 1))
        if direction != "forward":
            passes.append((parents, -1))
        for neighbours, sign in passes:
            seen = dict.fromkeys(origin_ids, 0)
            queue = deque(origin_ids)
            while queue:
                lot_id = queue.popleft()
                for nxt in neighbours.get(lot_id, ()):
                    if nxt not in seen:
                        seen[nxt] = seen[lot_id] + 1
                        queue.append(nxt)
            for lot_id, distance in seen.items():
                current = depths.get(lot_id)
                if current is None or (current != 0 and distance < abs(current)):
                    depths[lot_id] = sign * distance
        return depths

    # --------------------------------------------------------------- details
    def _name_sql(self, alias):
        lang = self.env.lang or "en_US"
        return SQL(
            "COALESCE(%(alias)s.name->>%(lang)s, %(alias)s.name->>'en_US')",
            alias=SQL.identifier(alias),
            lang=lang,
        )

    def _fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.dictfetchall()

    def _lots(self, depths):
        rows = self._fetch(
            SQL(
                """
                SELECT l.id, l.name, l.product_id, %(product)s AS product,
                       l.supplier_lot_name
                  FROM stock_lot l
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE l.id = ANY(%(ids)s)
                """,
                product=self._name_sql("pt"),
                ids=list(depths),
            )
        )
        for row in rows:
            row["depth"] = depths[row["id"]]
            row["supplier_lot_name"] = row["supplier_lot_name"] or False
        rows.sort(key=lambda row: (row["depth"], row["name"]))
        return rows

    def _move_lines(self, lot_ids, companies, where, partner, extra=None):
        return SQL(
            """
            SELECT ml.id AS move_line_id, ml.picking_id,
                   p.id AS partner_id, p.complete_name AS partner,
                   ml.lot_id, ml.quantity, %(uom)s AS uom, ml.date %(extra)s
              FROM stock_move_line ml
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dest ON dest.id = ml.location_dest_id
              JOIN uom_uom u ON u.id = ml.product_uom_id
              JOIN stock_move m ON m.id = ml.move_id
              LEFT JOIN stock_picking pk ON pk.id = ml.picking_id
              LEFT JOIN res_partner p ON p.id = %(partner)s
                   AND (p.company_id IS NULL OR p.company_id = ANY(%(c)s))
             WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done'
               AND ml.company_id = ANY(%(c)s) AND %(where)s
             ORDER BY ml.date, ml.id
            """,
            uom=self._name_sql("u"),
            partner=partner,
            extra=extra or SQL(),
            c=companies,
            ids=lot_ids,
            where=where,
        )

    def _receipts(self, lot_ids, companies):
        """Lines received from a supplier location (receipts and dropships)."""
        return self._rows_with_dates(
            self._move_lines(
                lot_ids, companies, SQL("src.usage = 'supplier'"), SQL("pk.partner_id")
            )
        )

    def _deliveries(self, lot_ids, companies):
        """Lines shipped to a customer location, with what came back of them."""
        returned = SQL(
            """,
            CASE WHEN row_number() OVER (
                     PARTITION BY ml.move_id, ml.lot_id ORDER BY ml.id) = 1
                 THEN COALESCE((
                    SELECT sum(rl.quantity)
                      FROM stock_move rm
                      JOIN stock_move_line rl ON rl.move_id = rm.id
                     WHERE rm.origin_returned_move_id = ml.move_id
                       AND rl.lot_id = ml.lot_id AND rl.state = 'done'), 0)
                 ELSE 0 END AS returned_quantity
            """
        )
        return self._rows_with_dates(
            self._move_lines(
                lot_ids,
                companies,
                SQL("dest.usage = 'customer' AND src.usage <> 'customer'"),
                # the move's partner is the delivery address, also on dropships
                SQL("COALESCE(m.partner_id, pk.partner_id)"),
                returned,
            )
        )

    def _rows_with_dates(self, query):
        rows = self._fetch(query)
        for row in rows:
            row["date"] = row["date"].isoformat(sep=" ") if row["date"] else False
            row["partner_id"] = row["partner_id"] or False
            row["partner"] = row["partner"] or False
            row["picking_id"] = row["picking_id"] or False
        return rows

    def _productions(self, edges):
        """Manufacturing orders and unbuilds on the traversed edges."""
        by_document = defaultdict(lambda: {"consumed": set(), "produced": set()})
        for edge in edges:
            key = (edge["production_id"], edge["unbuild_id"])
            by_document[key]["consumed"].add(edge["src"])
            by_document[key]["produced"].add(edge["dst"])
        production_ids = [key[0] for key in by_document if key[0]]
        unbuild_ids = [key[1] for key in by_document if key[1] and not key[0]]
        names = {}
        if production_ids or unbuild_ids:
            for row in self._fetch(
                SQL(
                    """
                    SELECT 'mrp.production' AS model, id, name, date_finished AS date
                      FROM mrp_production WHERE id = ANY(%(p)s)
                    UNION ALL
                    SELECT 'mrp.unbuild', id, name, write_date
                      FROM mrp_unbuild WHERE id = ANY(%(u)s)
                    """,
                    p=production_ids,
                    u=unbuild_ids,
                )
            ):
                names[row["model"], row["id"]] = row
        result = []
        for (production_id, unbuild_id), lots in by_document.items():
            model, res_id = (
                ("mrp.production", production_id)
                if production_id
                else ("mrp.unbuild", unbuild_id)
            )
            info = names.get((model, res_id), {})
            result.append(
                {
                    "production_id": res_id or False,
                    "model": model,
                    "name": info.get("name", False),
                    "consumed_lot_ids": sorted(lots["consumed"]),
                    "produced_lot_ids": sorted(lots["produced"]),
                    "date": info["date"].isoformat(sep=" ")
                    if info.get("date")
                    else False,
                }
            )
        result.sort(key=lambda row: (row["date"] or "", row["production_id"]))
        return result

    def _links(self, edges):
        """The lot-to-lot edges walked: what was consumed into what, and where."""
        links = [
            {
                "src": edge["src"],
                "dst": edge["dst"],
                "quantity": edge["quantity"],
                "production_id": edge["production_id"] or edge["unbuild_id"] or False,
                "model": "mrp.production" if edge["production_id"] else "mrp.unbuild",
            }
            for edge in edges
        ]
        links.sort(key=lambda link: (link["src"], link["dst"], link["production_id"]))
        return links

    def _on_hand(self, lot_ids, companies):
        rows = self._fetch(
            SQL(
                """
                SELECT q.lot_id, q.location_id, loc.complete_name AS location,
                       sum(q.quantity) AS quantity
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE q.lot_id = ANY(%(ids)s) AND loc.usage = 'internal'
                   AND q.company_id = ANY(%(c)s)
                 GROUP BY q.lot_id, q.location_id, loc.complete_name
                HAVING sum(q.quantity) <> 0
                 ORDER BY q.lot_id, loc.complete_name
                """,
                ids=lot_ids,
                c=companies,
            )
        )
        return rows

    def _gaps(self, gap_keys):
        if not gap_keys:
            return []
        product_ids = list({key[2] for key in gap_keys})
        products = {
            row["id"]: row["product"]
            for row in self._fetch(
                SQL(
                    """
                    SELECT pp.id, %(product)s AS product
                      FROM product_product pp
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE pp.id = ANY(%(ids)s)
                    """,
                    product=self._name_sql("pt"),
                    ids=product_ids,
                )
            )
        }
        gaps = []
        for (production_id, unbuild_id, product_id), side in gap_keys.items():
            product = products.get(product_id, "")
            if side == "forward":
                reason = _(
                    "%(product)s was produced without a lot: the trace cannot "
                    "follow the lot further downstream.",
                    product=product,
                )
            else:
                reason = _(
                    "%(product)s was consumed without a lot: its origin cannot be "
                    "traced upstream.",
                    product=product,
                )
            gaps.append(
                {
                    "production_id": production_id or unbuild_id or False,
                    "model": "mrp.production" if production_id else "mrp.unbuild",
                    "product_id": product_id,
                    "product": product,
                    "direction": side,
                    "reason": reason,
                }
            )
        gaps.sort(key=lambda gap: (gap["production_id"], gap["product_id"]))
        return gaps
