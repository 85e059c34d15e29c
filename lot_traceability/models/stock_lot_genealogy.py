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
  ``res_company``, ``mrp_production``, ``mrp_unbuild``.

Time rule: material that entered a lot at time *t* can only have left it at
*t* or later. Forward, a lot reached through a link dated *t* (an unbuild
giving components back, a rework into an existing lot, a new lot made at *t*)
passes the trace on only through what left it from *t* on: its later links and
deliveries. Backward, a lot reached because material left it at *t* is traced
only through what entered it up to *t*: its earlier links and receipts. Move
lines carry the second, not the order inside it, so a tie counts as reached
(never a missed customer). A new lot has no history before the order that made
it, so plain consumption keeps its meaning.

The walk is one set-based ``WITH RECURSIVE … UNION`` per side whose rows are
the edges walked plus *states* ``(lot, time)``: the lot to expand and the time
the traced material entered (forward) or left (backward) it. A state is the
date of a link, so a lot has at most as many states as links into it (one for
a lot made by one order), and the ``UNION`` expands each state once: cycles
(through an unbuild) terminate, diamonds do not multiply. ``both`` is the union
of the forward and the backward answer, with each lot's depth kept per side. A
trace costs the same small, constant number of SQL statements whatever its
size.

Company boundary: the walk follows every company the user may access (their
allowed companies, ticked in the switcher or not), with the user's rights: the
input lots are checked with the ORM in those companies. Where the history of a
reached lot continues in a company the user may not access (a link, a receipt,
a delivery, stock), the trace stops there and says so in ``gaps`` (company and
lots), never silently.
"""

import time
from collections import defaultdict
from operator import itemgetter

from psycopg2.errors import QueryCanceled

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

DIRECTIONS = ("forward", "backward", "both")
TIMEOUT = "120s"
# the columns of a walk row: an edge (kind 'e') or a state (kind 's')
EDGE_COLUMNS = (
    "in_line",
    "src",
    "dst",
    "qty",
    "in_date",
    "out_date",
    "in_product",
    "out_product",
    "in_move",
    "out_move",
    "foreign_company",
)


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
        """Only the lots reached, time rule and company boundary included:
        ``{lot_id: depth}``, the same signed depth as ``_trace``'s ``lots``
        (0 traced, > 0 downstream, < 0 upstream; a lot on both sides of a
        ``both`` trace gets the shorter distance, downstream on a tie)."""
        return self._run(lots, direction, details=False)

    def _companies(self):
        """Every company the user may access, not only the ticked ones."""
        return (self.env.user.company_ids | self.env.companies).ids

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
        self.env.flush_all()
        cr = self.env.cr
        # One statement: the timeout that protects the server, no JIT (the
        # walk's cost estimate crosses jit_above_cost and PostgreSQL spends
        # ~200 ms compiling a plan that runs in a few; see bench/README.md),
        # and the companies the user may access.
        cr.execute(
            SQL(
                "SELECT current_setting('statement_timeout'), current_setting('jit'), "
                "set_config('statement_timeout', %s, true), "
                "set_config('jit', 'off', true), "
                "ARRAY(SELECT cid FROM res_company_users_rel WHERE user_id = %s)",
                TIMEOUT,
                self.env.uid,
            )
        )
        previous_timeout, previous_jit, __, __, user_companies = cr.fetchone()
        restore = SQL(
            "SELECT set_config('statement_timeout', %s, true), "
            "set_config('jit', %s, true)",
            previous_timeout,
            previous_jit,
        )
        companies = sorted(set(user_companies) | set(self.env.companies.ids))
        try:
            self._check_lots(lots, companies)
        except UserError:
            cr.execute(restore)
            raise
        try:
            walk = self._walk(lots.ids, direction, companies)
            reached = self._sides(lots.ids, walk["forward"], walk["backward"])
            depths = {lot_id: info["depth"] for lot_id, info in reached.items()}
            if not details:
                result = depths
            else:
                since = {
                    lot_id: info["since"]
                    for lot_id, info in reached.items()
                    if info["depth_forward"] is not None
                }
                until = {
                    lot_id: info["until"]
                    for lot_id, info in reached.items()
                    if info["depth_backward"] is not None
                }
                edges = walk["forward"] + walk["backward"]
                foreign = [
                    (company_id, lot_id)
                    for company_id, lot_ids in walk["foreign"].items()
                    for lot_id in lot_ids
                ]
                receipts = self._receipts(until, companies, foreign)
                deliveries = self._deliveries(since, companies, foreign)
                on_hand = self._on_hand(list(reached), companies, foreign)
                lots_rows = self._lots(reached)
                result = {
                    "lots": lots_rows,
                    "receipts": receipts,
                    "deliveries": deliveries,
                    "productions": self._productions(edges),
                    "links": self._links(edges),
                    "on_hand": on_hand,
                    "gaps": self._gaps(walk["untracked"], foreign, lots_rows),
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
        cr.execute(restore)
        if details:
            result["stats"] = {
                "lot_count": len(depths),
                "edge_count": len(result["links"]),
                "query_count": cr.sql_log_count - queries_before,
                "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
            }
        return result

    def _check_lots(self, lots, companies):
        """The caller may read the lots, in the companies they may access."""
        # read as superuser: the lot of a company the user may not access
        # must be named in the refusal, not fail on the read
        foreign = lots.sudo().filtered(
            lambda lot: lot.company_id and lot.company_id.id not in companies
        )
        if foreign:
            raise UserError(
                _(
                    "You cannot trace lots of a company you have no access to: "
                    "%(lots)s.",
                    lots=", ".join(foreign.mapped("display_name")),
                )
            )
        lots.with_context(allowed_company_ids=companies).check_access("read")

    # ------------------------------------------------------------------ walk
    def _walk(self, lot_ids, direction, companies):
        """One statement: the time-aware forward/backward closures as edges.

        Returns ``{"forward": [...], "backward": [...], "untracked": {...},
        "foreign": {...}}``. An edge is a dict ``{src, dst, quantity, in_date,
        out_date, production_id, unbuild_id, in_line}`` oriented from the
        consumed lot to the produced lot (``quantity``: what the input line
        consumed, in its unit; ``in_date``/``out_date``: the dates of the
        consumed and produced lines).
        """
        forward = direction in ("forward", "both")
        backward = direction in ("backward", "both")
        columns = SQL(", ").join(SQL.identifier(c) for c in EDGE_COLUMNS)
        query = SQL(
            """
            WITH RECURSIVE
            fwd(kind, %(columns)s) AS (
                %(fwd_seed)s
                UNION
                %(fwd_step)s
            ),
            bwd(kind, %(columns)s) AS (
                %(bwd_seed)s
                UNION
                %(bwd_step)s
            ),
            walked AS (
                SELECT 'f' AS side, * FROM fwd WHERE kind = 'e'
                UNION ALL
                SELECT 'b', * FROM bwd WHERE kind = 'e'
            )
            SELECT w.side, w.src, w.dst, w.qty, w.in_line,
                   w.in_date, w.out_date,
                   COALESCE(om.production_id, im.raw_material_production_id),
                   COALESCE(om.unbuild_id, im.unbuild_id),
                   w.in_product, w.out_product, w.foreign_company
              FROM walked w
              JOIN stock_move im ON im.id = w.in_move
              JOIN stock_move om ON om.id = w.out_move
            """,
            columns=columns,
            fwd_seed=self._expand("forward", None, lot_ids, companies, forward),
            fwd_step=self._expand("forward", "fwd", lot_ids, companies, forward),
            bwd_seed=self._expand("backward", None, lot_ids, companies, backward),
            bwd_step=self._expand("backward", "bwd", lot_ids, companies, backward),
        )
        self.env.cr.execute(query)
        result = {
            "forward": [],
            "backward": [],
            "untracked": {},
            "foreign": defaultdict(set),
        }
        seen = {}
        for (
            side,
            src,
            dst,
            qty,
            in_line,
            in_date,
            out_date,
            production_id,
            unbuild_id,
            in_product,
            out_product,
            foreign_company,
        ) in self.env.cr.fetchall():
            side = "forward" if side == "f" else "backward"
            if foreign_company:
                # the link is in a company the user may not access: the trace
                # stops at the lot on the user's side
                own = src if side == "forward" else dst
                if own:
                    result["foreign"][foreign_company].add(own)
                continue
            if src is None or dst is None:
                # a chain through an untracked product: forward, the lot went
                # into something without a lot; backward, it was made from one.
                product_id = out_product if dst is None else in_product
                key = (production_id, unbuild_id, product_id)
                result["untracked"][key] = "forward" if dst is None else "backward"
                continue
            key = (side, in_line, src, dst, production_id, unbuild_id)
            if key in seen:
                # one consumed line feeding several produced lines of the lot
                # (its quantity is counted once)
                edge = seen[key]
                edge["out_date"] = min(edge["out_date"], out_date)
                continue
            seen[key] = edge = {
                "src": src,
                "dst": dst,
                "quantity": qty,
                "in_line": in_line,
                "in_date": in_date,
                "out_date": out_date,
                "production_id": production_id,
                "unbuild_id": unbuild_id,
            }
            result[side].append(edge)
        return result

    def _expand(self, side, source, lot_ids, companies, enabled):
        """A seed (``source`` None: the traced lots, at no time limit) or the
        recursive step (``source``: the CTE's states) of one side.

        Each lateral step yields the edge rows (kind ``'e'``) and, for the lots
        they lead to, one state row (kind ``'s'``): the lot and the date the
        traced material entered it (forward) or left it (backward). States of
        the traced lots are not added: they are expanded without a limit.
        """
        other, other_date = (
            ("dst", "out_date") if side == "forward" else ("src", "in_date")
        )
        if source is None:
            origin = SQL("unnest(%s::int[]) AS x(lot_id)", lot_ids)
            anchor, limit = SQL("x.lot_id"), None
            where = SQL("%s", enabled)
        else:
            origin = SQL.identifier(source)
            anchor = SQL("%s.%s", SQL.identifier(source), SQL.identifier(other))
            limit = SQL("%s.%s", SQL.identifier(source), SQL.identifier(other_date))
            where = SQL("%s.kind = 's'", SQL.identifier(source))
        state_columns = [
            SQL("e.%s", SQL.identifier(c)) if c in (other, other_date) else SQL("NULL")
            for c in EDGE_COLUMNS
        ]
        return SQL(
            """
            SELECT k.kind, %(columns)s
              FROM %(origin)s
             CROSS JOIN LATERAL %(step)s e
             CROSS JOIN LATERAL (
                   SELECT 'e' AS kind,
                          %(edge)s
                   UNION ALL
                   SELECT 's', %(state)s
                    WHERE e.foreign_company IS NULL
                      AND e.%(other)s IS NOT NULL
                      AND e.%(other)s <> ALL(%(ids)s)
             ) k
             WHERE %(where)s
            """,
            columns=SQL(", ").join(
                SQL("k.%s", SQL.identifier(c)) for c in EDGE_COLUMNS
            ),
            origin=origin,
            step=self._step(side, anchor, limit, companies),
            edge=SQL(", ").join(
                SQL("e.%s AS %s", SQL.identifier(c), SQL.identifier(c))
                for c in EDGE_COLUMNS
            ),
            state=SQL(", ").join(state_columns),
            other=SQL.identifier(other),
            ids=lot_ids,
            where=where,
        )

    def _step(self, side, lot, limit, companies):
        """The transformations touching one lot, as a lateral subquery.

        Forward, ``lot`` is the consumed lot (input line ``i``) and only the
        lines consumed at or after ``limit`` count; backward, ``lot`` is the
        produced lot (output line ``o``) and only the lines produced at or
        before ``limit`` count (``limit`` NULL: no limit). Two sources, both
        read by lot through the partial index on done move lines:

        * the consume/produce links of manufacturing orders (and repairs);
        * unbuilds: Odoo 18 links only by-products there, so an unbuild's input
          line (into a production location) is paired with its output lines
          (out of one) through the unbuild order of their moves.

        ``foreign_company`` is the company of a line of the link the user may
        not access (NULL when both are accessible): such links are reported,
        not followed.
        """
        if side == "forward":
            anchor = SQL("i.lot_id = %s", lot)
            if limit is not None:
                anchor = SQL("%s AND i.date >= %s", anchor, limit)
        else:
            anchor = SQL("o.lot_id = %s", lot)
            if limit is not None:
                anchor = SQL("%s AND o.date <= %s", anchor, limit)
        production = SQL(
            "ANY((SELECT array_agg(id) FROM stock_location "
            "WHERE usage = 'production')::int[])"
        )
        columns = SQL(
            "i.id AS in_line, i.lot_id AS src, o.lot_id AS dst, i.quantity AS qty, "
            "i.date AS in_date, o.date AS out_date, "
            "i.product_id AS in_product, o.product_id AS out_product, "
            "i.move_id AS in_move, o.move_id AS out_move, "
            "CASE WHEN i.company_id <> ALL(%(c)s) THEN i.company_id "
            "WHEN o.company_id <> ALL(%(c)s) THEN o.company_id END "
            "AS foreign_company",
            c=companies,
        )
        done = SQL("i.state = 'done' AND o.state = 'done'")
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
    def _sides(self, origin_ids, forward_edges, backward_edges):
        """Per lot reached: its depth on each side and the time limit of each.

        ``since``: the earliest time traced material entered the lot (forward;
        None for the traced lots: the whole lot); ``until``: the latest time
        traced material left it (backward; None for the traced lots). The
        depth of a side is the fewest links of a path that respects the time
        rule (a breadth-first walk over ``(lot, time)`` states, where a state
        is kept only when it is earlier, forward, or later, backward, than
        every state of the lot at a smaller depth)."""
        forward = self._side_walk(origin_ids, forward_edges, 1)
        backward = self._side_walk(origin_ids, backward_edges, -1)
        result = {}
        for lot_id in set(forward) | set(backward):
            depth_forward, since = forward.get(lot_id, (None, None))
            depth_backward, until = backward.get(lot_id, (None, None))
            if lot_id in origin_ids:
                depth = 0
            elif depth_backward is None or (
                depth_forward is not None and depth_forward <= depth_backward
            ):
                depth = depth_forward
            else:
                depth = -depth_backward
            result[lot_id] = {
                "depth": depth,
                "depth_forward": depth_forward,
                "depth_backward": depth_backward,
                "since": since,
                "until": until,
            }
        return result

    def _side_walk(self, origin_ids, edges, sign):
        """``{lot_id: (depth, limit)}`` for one side (see ``_sides``)."""
        origins = set(origin_ids)
        if sign > 0:
            own, other, own_date, other_date = "src", "dst", "in_date", "out_date"

            def better(new, old):
                return old is not None and new < old

            def allowed(date, limit):
                return limit is None or date >= limit

        else:
            own, other, own_date, other_date = "dst", "src", "out_date", "in_date"

            def better(new, old):
                return old is not None and new > old

            def allowed(date, limit):
                return limit is None or date <= limit

        by_lot = defaultdict(list)
        for edge in edges:
            by_lot[edge[own]].append(edge)
        reached = {lot_id: (0, None) for lot_id in origin_ids}
        frontier = [(lot_id, None) for lot_id in origin_ids]
        depth = 0
        while frontier:
            depth += 1
            candidates = {}
            for lot_id, limit in frontier:
                for edge in by_lot.get(lot_id, ()):
                    if not allowed(edge[own_date], limit):
                        continue
                    nxt, date = edge[other], edge[other_date]
                    if nxt in origins:
                        continue
                    current = candidates.get(nxt)
                    if current is None or (
                        date < current if sign > 0 else date > current
                    ):
                        candidates[nxt] = date
            frontier = []
            for lot_id, date in candidates.items():
                if lot_id not in reached:
                    reached[lot_id] = (depth, date)
                elif better(date, reached[lot_id][1]):
                    reached[lot_id] = (reached[lot_id][0], date)
                else:
                    continue
                frontier.append((lot_id, date))
        return reached

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

    @staticmethod
    def _date(value):
        # to the second, as Odoo writes them (an unbuild's date came with
        # microseconds once and broke every recall reaching it)
        return value.isoformat(sep=" ", timespec="seconds") if value else False

    def _lots(self, reached):
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
                ids=list(reached),
            )
        )
        for row in rows:
            info = reached[row["id"]]
            row["depth"] = info["depth"]
            row["depth_forward"] = (
                info["depth_forward"] if info["depth_forward"] is not None else False
            )
            row["depth_backward"] = (
                -info["depth_backward"] if info["depth_backward"] is not None else False
            )
            row["since"] = self._date(info["since"])
            row["until"] = self._date(info["until"])
            row["supplier_lot_name"] = row["supplier_lot_name"] or False
        rows.sort(key=lambda row: (row["depth"], row["name"]))
        return rows

    def _move_lines(self, lot_ids, companies, where, partner):
        """Done lines of the lots; ``visible`` is False for a line of a company
        the user may not access (reported as a gap, not listed). The date comes
        as text to the second (as Odoo writes it; an unbuild's date came with
        microseconds once and broke every recall reaching it): compared with
        the time rule's bounds in the same format, returned as it is."""
        return SQL(
            """
            SELECT ml.id AS move_line_id, ml.picking_id,
                   p.id AS partner_id, p.complete_name AS partner,
                   ml.lot_id, ml.quantity, %(uom)s AS uom,
                   to_char(ml.date, 'YYYY-MM-DD HH24:MI:SS') AS date,
                   ml.company_id, ml.company_id = ANY(%(c)s) AS visible,
                   ml.move_id
              FROM stock_move_line ml
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dest ON dest.id = ml.location_dest_id
              JOIN uom_uom u ON u.id = ml.product_uom_id
              JOIN stock_move m ON m.id = ml.move_id
              LEFT JOIN stock_picking pk ON pk.id = ml.picking_id
              LEFT JOIN res_partner p ON p.id = %(partner)s
                   AND (p.company_id IS NULL OR p.company_id = ANY(%(c)s))
             WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done' AND %(where)s
             ORDER BY ml.date, ml.id
            """,
            uom=self._name_sql("u"),
            partner=partner,
            c=companies,
            ids=lot_ids,
            where=where,
        )

    def _receipts(self, until, companies, foreign):
        """Lines received from a supplier location (receipts and dropships),
        up to the time the traced material left the lot (``until``:
        ``{lot_id: date or None}``)."""
        rows = self._rows_with_dates(
            self._move_lines(
                list(until),
                companies,
                SQL("src.usage = 'supplier'"),
                SQL("pk.partner_id"),
            ),
            foreign,
            {lot_id: self._date(date) for lot_id, date in until.items()},
            after=False,
        )
        for row in rows:
            del row["move_id"]
        return rows

    def _deliveries(self, since, companies, foreign):
        """Lines shipped to a customer location from the time the traced
        material entered the lot (``since``: ``{lot_id: date or None}``), with
        what came back of them (``returned_quantity``, on the first line of
        each move and lot)."""
        rows = self._rows_with_dates(
            self._move_lines(
                list(since),
                companies,
                SQL("dest.usage = 'customer' AND src.usage <> 'customer'"),
                # the move's partner is the delivery address, also on dropships
                SQL("COALESCE(m.partner_id, pk.partner_id)"),
            ),
            foreign,
            {lot_id: self._date(date) for lot_id, date in since.items()},
            after=True,
        )
        # returns are few and indexed: looked up by the delivered moves, or,
        # for a hub's thousands of moves, read from all the return moves
        moves = list({row["move_id"] for row in rows})
        if not moves:
            return rows
        self.env.cr.execute(
            SQL(
                """
                SELECT rm.origin_returned_move_id, rl.lot_id, sum(rl.quantity)
                  FROM stock_move rm
                  JOIN stock_move_line rl ON rl.move_id = rm.id
                 WHERE %(returns)s
                   AND rl.lot_id = ANY(%(ids)s) AND rl.state = 'done'
                 GROUP BY rm.origin_returned_move_id, rl.lot_id
                """,
                returns=SQL("rm.origin_returned_move_id = ANY(%s)", moves)
                if len(moves) <= 1000
                else SQL("rm.origin_returned_move_id IS NOT NULL"),
                ids=list(since),
            )
        )
        returned = {(move, lot): qty for move, lot, qty in self.env.cr.fetchall()}
        first = set()
        for row in sorted(rows, key=itemgetter("move_line_id")):
            key = (row.pop("move_id"), row["lot_id"])
            if key in first or key not in returned:
                row["returned_quantity"] = 0.0
            else:
                first.add(key)
                row["returned_quantity"] = returned[key]
        return rows

    def _rows_with_dates(self, query, foreign, bounds, after):
        """The rows in time: the time rule is applied here, on the dates the
        statement read (the statement stays the plain lookup by lot).
        ``bounds``: ``{lot_id: date text or False}``, the earliest (``after``)
        or latest date a line of the lot may have. Read as tuples (a hub has
        ~150,000 delivery lines), one dict per row kept."""
        cr = self.env.cr
        cr.execute(query)
        names = [column.name for column in cr.description]
        i_lot, i_date = names.index("lot_id"), names.index("date")
        i_company, i_visible = names.index("company_id"), names.index("visible")
        kept = [
            i for i, name in enumerate(names) if name not in ("company_id", "visible")
        ]
        kept_names = [names[i] for i in kept]
        values_of = itemgetter(*kept)
        rows = []
        append = rows.append
        for values in cr.fetchall():
            bound = bounds[values[i_lot]]
            if bound and (values[i_date] < bound if after else values[i_date] > bound):
                continue
            if not values[i_visible]:
                foreign.append((values[i_company], values[i_lot]))
                continue
            row = dict(zip(kept_names, values_of(values), strict=True))
            if row["partner_id"] is None:
                row["partner_id"] = False
            if row["partner"] is None:
                row["partner"] = False
            if row["picking_id"] is None:
                row["picking_id"] = False
            append(row)
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
            # an unbuild is dated by its moves (done together), not by its
            # last write
            for row in self._fetch(
                SQL(
                    """
                    SELECT 'mrp.production' AS model, id, name, date_finished AS date
                      FROM mrp_production WHERE id = ANY(%(p)s)
                    UNION ALL
                    SELECT 'mrp.unbuild', u.id, u.name,
                           (SELECT max(m.date) FROM stock_move m
                             WHERE m.unbuild_id = u.id AND m.state = 'done')
                      FROM mrp_unbuild u WHERE u.id = ANY(%(u)s)
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
                    "date": self._date(info.get("date")),
                }
            )
        result.sort(key=lambda row: (row["date"] or "", row["production_id"]))
        return result

    def _links(self, edges):
        """The lot-to-lot edges walked (on either side, once): what was consumed
        into what, when, and where."""
        merged = {}
        for edge in edges:
            key = (
                edge["src"],
                edge["dst"],
                edge["production_id"],
                edge["unbuild_id"],
            )
            lines = merged.setdefault(key, {"edge": edge, "lines": {}})
            lines["lines"][edge["in_line"]] = edge["quantity"]
            if edge["out_date"] < lines["edge"]["out_date"]:
                lines["edge"] = edge
        links = [
            {
                "src": src,
                "dst": dst,
                "quantity": sum(item["lines"].values()),
                "production_id": production_id or unbuild_id or False,
                "model": "mrp.production" if production_id else "mrp.unbuild",
                "date": self._date(item["edge"]["out_date"]),
            }
            for (src, dst, production_id, unbuild_id), item in merged.items()
        ]
        links.sort(key=lambda link: (link["src"], link["dst"], link["production_id"]))
        return links

    def _on_hand(self, lot_ids, companies, foreign):
        """Stock of the lots in internal and transit locations (``transit``:
        in transit between warehouses or companies); scrap locations are not
        stock, whatever their usage."""
        rows = []
        for row in self._fetch(
            SQL(
                """
                SELECT q.lot_id, q.location_id, loc.complete_name AS location,
                       loc.usage = 'transit' AS transit,
                       sum(q.quantity) AS quantity,
                       q.company_id,
                       q.company_id IS NULL OR q.company_id = ANY(%(c)s) AS visible
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE q.lot_id = ANY(%(ids)s)
                   AND loc.usage IN ('internal', 'transit')
                   AND NOT COALESCE(loc.scrap_location, false)
                 GROUP BY q.lot_id, q.location_id, loc.complete_name, loc.usage,
                          q.company_id
                HAVING sum(q.quantity) <> 0
                 ORDER BY q.lot_id, loc.complete_name
                """,
                ids=lot_ids,
                c=companies,
            )
        ):
            company_id = row.pop("company_id")
            if not row.pop("visible"):
                foreign.append((company_id, row["lot_id"]))
                continue
            rows.append(row)
        return rows

    def _gaps(self, untracked, foreign, lots_rows):
        """Where the trace cannot follow: an untracked product, or a company
        the user may not access (one gap per company, naming the lots)."""
        if not untracked and not foreign:
            return []
        product_ids = list({key[2] for key in untracked})
        foreign_lots = defaultdict(set)
        for company_id, lot_id in foreign:
            foreign_lots[company_id].add(lot_id)
        names = {}
        for row in self._fetch(
            SQL(
                """
                SELECT 'product' AS kind, pp.id, %(product)s AS name
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.id = ANY(%(products)s)
                UNION ALL
                SELECT 'company', id, name FROM res_company
                 WHERE id = ANY(%(companies)s)
                """,
                product=self._name_sql("pt"),
                products=product_ids,
                companies=list(foreign_lots),
            )
        ):
            names[row["kind"], row["id"]] = row["name"]
        gaps = []
        for (production_id, unbuild_id, product_id), side in untracked.items():
            product = names.get(("product", product_id), "")
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
                    "kind": "untracked",
                    "production_id": production_id or unbuild_id or False,
                    "model": "mrp.production" if production_id else "mrp.unbuild",
                    "product_id": product_id,
                    "product": product,
                    "direction": side,
                    "company_id": False,
                    "lot_ids": [],
                    "reason": reason,
                }
            )
        lot_names = {row["id"]: row["name"] for row in lots_rows}
        for company_id, lot_ids in foreign_lots.items():
            company = names.get(("company", company_id), "")
            lot_ids = sorted(lot_ids)
            gaps.append(
                {
                    "kind": "company",
                    "production_id": False,
                    "model": False,
                    "product_id": False,
                    "product": False,
                    "direction": False,
                    "company_id": company_id,
                    "company": company,
                    "lot_ids": lot_ids,
                    "reason": _(
                        "Lots %(lots)s have history in company %(company)s, which "
                        "you have no access to: the trace stops there.",
                        lots=", ".join(
                            sorted(lot_names.get(i, str(i)) for i in lot_ids)
                        ),
                        company=company,
                    ),
                }
            )
        gaps.sort(
            key=lambda gap: (
                gap["kind"],
                gap["production_id"] or 0,
                gap["product_id"] or 0,
                gap["company_id"] or 0,
            )
        )
        return gaps
