# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The data behind the trace screen: aggregated, paged views of one trace.

The screen (``static/src/trace_screen``) never receives the raw trace: the hub
lot of the large benchmark reaches ~12,000 lots and ~156,000 delivery lines.
It gets totals, a collapsed genealogy graph and the first page of each table;
the rest comes page by page.

One walk per screen: ``get_screen`` calls the genealogy service once
(``stock.lot.genealogy._trace``) and keeps the aggregated result in a small
per-process LRU under a random token, bound to the user, the companies, the
lots and the direction. Pages, graph expansions and exports pass the token
back and are served from that snapshot, so totals and pages agree. When the
token is unknown (expired after ``SNAPSHOT_TTL``, evicted, or another worker
process serves the request) the trace is run again with the caller's rights
and the answer carries the new token and time: a page never mixes two
snapshots silently.

Every entry point only reads, and is marked ``@api.readonly``: with
``--db_replica_host`` set, Odoo 18 runs them on the read replica.

Tables read (besides the genealogy service's): ``stock_lot`` (hold state),
``product_product``/``product_template``/``uom_uom`` (units),
``stock_move_line``/``stock_location`` (quantity produced or received of the
lots drawn in the graph).
"""

import io
import secrets
import threading
import time
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.lru import LRU
from odoo.tools.translate import LazyTranslate

from .lt_groups import AUDITOR_GROUP

_lt = LazyTranslate(__name__)

TRACE_GROUP = AUDITOR_GROUP  # tracing is open to auditors and up
PAGE_SIZE = 50
SNAPSHOT_TTL = 600  # seconds
# Graph: lots drawn on the first paint, children or customers shown per lot
# before "+ N more", and how many more one click reveals.
GRAPH_LOT_BUDGET = 60
GRAPH_FANOUT = 8
GRAPH_EXPAND_BATCH = 25
# Up to this many lots in the trace, a customer or supplier is one node shared
# by all its lots; above, one node per lot and partner, so that every edge
# spans one rank (shared nodes pull long edges across the levels, which the
# layout splits into thousands of dummy nodes: 20 s to lay out the hub).
GRAPH_SHARED_PARTNERS = 40

# A snapshot of the hub at 1M move lines is ~40 MB of Python objects: keep few.
_snapshots = LRU(6)
_snapshots_lock = threading.Lock()

TABLES = {
    "customers": [
        ("partner", _lt("Customer"), "char"),
        ("products", _lt("Products"), "char"),
        ("lot_count", _lt("Lots"), "integer"),
        ("lots", _lt("Lot numbers"), "char"),
        ("quantity", _lt("Delivered"), "quantity"),
        ("returned", _lt("Returned"), "quantity"),
        ("delivery_count", _lt("Deliveries"), "integer"),
        ("first_date", _lt("First delivery"), "datetime"),
        ("last_date", _lt("Last delivery"), "datetime"),
    ],
    "deliveries": [
        ("date", _lt("Date"), "datetime"),
        ("picking", _lt("Delivery"), "char"),
        ("partner", _lt("Customer"), "char"),
        ("lot", _lt("Lot"), "char"),
        ("product", _lt("Product"), "char"),
        ("quantity", _lt("Quantity"), "float"),
        ("returned_quantity", _lt("Returned"), "float"),
        ("uom", _lt("Unit"), "char"),
    ],
    "suppliers": [
        ("partner", _lt("Supplier"), "char"),
        ("lot", _lt("Lot"), "char"),
        ("supplier_lot_name", _lt("Supplier lot"), "char"),
        ("product", _lt("Product"), "char"),
        ("quantity", _lt("Received"), "float"),
        ("uom", _lt("Unit"), "char"),
        ("receipt_count", _lt("Receipts"), "integer"),
        ("first_date", _lt("First receipt"), "datetime"),
        ("last_date", _lt("Last receipt"), "datetime"),
    ],
    "lots": [
        ("name", _lt("Lot"), "char"),
        ("product", _lt("Product"), "char"),
        ("depth", _lt("Level"), "integer"),
        ("supplier_lot_name", _lt("Supplier lot"), "char"),
        ("hold", _lt("Hold"), "char"),
        ("on_hand", _lt("On hand"), "float"),
        ("uom", _lt("Unit"), "char"),
    ],
    "on_hand": [
        ("lot", _lt("Lot"), "char"),
        ("product", _lt("Product"), "char"),
        ("location", _lt("Location"), "char"),
        ("quantity", _lt("Quantity"), "float"),
        ("uom", _lt("Unit"), "char"),
        ("hold", _lt("Hold"), "char"),
    ],
    "productions": [
        ("name", _lt("Order"), "char"),
        ("date", _lt("Date"), "datetime"),
        ("consumed", _lt("Lots consumed"), "char"),
        ("produced", _lt("Lots produced"), "char"),
    ],
    "gaps": [
        ("document", _lt("Order"), "char"),
        ("product", _lt("Untracked product"), "char"),
        ("direction", _lt("Direction"), "char"),
        ("reason", _lt("Reason"), "char"),
    ],
}


def _names(env, values, limit=5):
    """``values`` joined, the first ``limit`` of them and "+ N more"."""
    values = sorted(values)
    text = ", ".join(values[:limit])
    if len(values) > limit:
        text += env._(" + %(count)s more", count=len(values) - limit)
    return text


def _quantities(by_uom):
    return ", ".join(
        f"{round(quantity, 3):g} {uom}" for uom, quantity in sorted(by_uom.items())
    )


class StockLotTraceScreen(models.AbstractModel):
    _name = "stock.lot.trace.screen"
    _description = "Lot Trace Screen Data"

    # ------------------------------------------------------------ public API
    @api.model
    @api.readonly
    def get_screen(self, lot_ids, direction="both"):
        """First paint: totals, the collapsed graph and the first page of
        every table, from one fresh trace."""
        snapshot = self._snapshot(lot_ids, direction, token=None)
        return {
            "token": snapshot["token"],
            "traced_at": snapshot["traced_at"],
            "title": snapshot["title"],
            "origins": snapshot["origins"],
            "direction": direction,
            "totals": snapshot["totals"],
            "stats": snapshot["stats"],
            "graph": self._graph_first_paint(snapshot),
            "tables": {
                name: self._page(snapshot, name, 0, PAGE_SIZE) for name in TABLES
            },
        }

    @api.model
    @api.readonly
    def get_table(
        self, lot_ids, direction, table, offset=0, limit=PAGE_SIZE, token=None
    ):
        """One page of one table (``customers``, ``deliveries``, ``suppliers``,
        ``lots``, ``on_hand``, ``productions``, ``gaps``)."""
        if table not in TABLES:
            raise UserError(
                _(
                    "Unknown trace table %(table)r: use one of %(tables)s.",
                    table=table,
                    tables=", ".join(TABLES),
                )
            )
        offset, limit = max(self._int(offset), 0), min(max(self._int(limit), 1), 500)
        snapshot = self._snapshot(lot_ids, direction, token)
        return dict(
            self._page(snapshot, table, offset, limit),
            token=snapshot["token"],
            traced_at=snapshot["traced_at"],
            totals=snapshot["totals"],
        )

    @api.model
    @api.readonly
    def get_graph_expand(
        self, lot_ids, direction, lot_id, side, kind, offset, token=None
    ):
        """The next lots, customers or suppliers of a collapsed fan-out: the
        "+ N more" node of ``lot_id`` on ``side`` (``down``/``up``)."""
        snapshot = self._snapshot(lot_ids, direction, token)
        graph = _GraphBuilder(self, snapshot)
        graph.expand(self._int(lot_id), side, kind, max(self._int(offset), 0))
        return dict(graph.payload(), token=snapshot["token"])

    @api.model
    @api.readonly
    def get_partner_documents(self, lot_ids, direction, partner_id, kind, token=None):
        """Open the deliveries (``kind="customer"``) or receipts
        (``"supplier"``) of one partner in this trace: the form when there is
        one, else a list."""
        snapshot = self._snapshot(lot_ids, direction, token)
        key = "deliveries" if kind == "customer" else "receipts"
        picking_ids = sorted(
            {
                row["picking_id"]
                for row in snapshot["result"][key]
                if row["partner_id"] == partner_id and row["picking_id"]
            }
        )
        if not picking_ids:
            raise UserError(_("This partner has no transfer in this trace."))
        action = {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "name": _("Deliveries") if kind == "customer" else _("Receipts"),
            "target": "current",
        }
        if len(picking_ids) == 1:
            return dict(action, res_id=picking_ids[0], views=[[False, "form"]])
        return dict(
            action,
            domain=[("id", "in", picking_ids)],
            views=[[False, "list"], [False, "form"]],
        )

    # ------------------------------------------------------------- snapshot
    def _int(self, value):
        """An integer argument of an RPC call, or a clear error."""
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise UserError(
                _(
                    "%(value)r is not a number: pass lot ids, offsets and limits "
                    "as integers.",
                    value=value,
                )
            ) from error

    def _check_access(self):
        self.env["stock.lot"]._check_trace_access()

    def _snapshot(self, lot_ids, direction, token):
        """The aggregated trace of ``lot_ids``: the cached one for ``token``,
        else a new trace."""
        self._check_access()
        if not isinstance(lot_ids, list | tuple):
            raise UserError(_("Give the lots to trace as a list of lot ids."))
        lots = self.env["stock.lot"].browse(sorted({self._int(i) for i in lot_ids}))
        if not lots:
            raise UserError(_("Select at least one lot to trace."))
        key = (
            self.env.cr.dbname,
            self.env.uid,
            tuple(sorted(self.env.companies.ids)),
            tuple(lots.ids),
            direction,
        )
        if token:
            with _snapshots_lock:
                cached = _snapshots.get(key)
            if (
                cached
                and secrets.compare_digest(
                    cached["token"].encode(), str(token).encode()
                )
                and time.monotonic() - cached["created"] < SNAPSHOT_TTL
            ):
                lots.check_access("read")
                return cached
        snapshot = self._build(lots, direction)
        with _snapshots_lock:
            _snapshots[key] = snapshot
        return snapshot

    def _build(self, lots, direction):
        result = self.env["stock.lot.genealogy"]._trace(lots, direction)
        lot_rows = {row["id"]: row for row in result["lots"]}
        self._add_lot_details(lot_rows)
        snapshot = {
            "token": secrets.token_hex(16),
            "created": time.monotonic(),
            "traced_at": fields.Datetime.to_string(fields.Datetime.now()),
            "title": _(
                "Trace: %(lots)s", lots=_names(self.env, lots.mapped("name"), 3)
            ),
            "origins": [{"id": lot.id, "name": lot.name} for lot in lots],
            "direction": direction,
            "result": result,
            "lots": lot_rows,
            "stats": result["stats"],
        }
        snapshot["tables"] = self._tables(result, lot_rows)
        snapshot["totals"] = self._totals(result, lot_rows, snapshot["tables"])
        snapshot["adjacency"] = self._adjacency(result)
        return snapshot

    def _add_lot_details(self, lot_rows):
        """Hold state and unit of every lot reached, in one statement."""
        lang = self.env.lang or "en_US"
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id, l.hold_state,
                       COALESCE(u.name->>%(lang)s, u.name->>'en_US')
                  FROM stock_lot l
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom u ON u.id = pt.uom_id
                 WHERE l.id = ANY(%(ids)s)
                """,
                lang=lang,
                ids=list(lot_rows),
            )
        )
        for lot_id, hold_state, uom in self.env.cr.fetchall():
            lot_rows[lot_id]["held"] = hold_state == "held"
            lot_rows[lot_id]["uom"] = uom
        for row in lot_rows.values():
            row.setdefault("held", False)
            row.setdefault("uom", "")
            row["on_hand"] = 0.0

    def _tables(self, result, lot_rows):
        held_label = _("On hold")
        for row in result["on_hand"]:
            lot_rows[row["lot_id"]]["on_hand"] += row["quantity"]
        customers = {}
        for row in result["deliveries"]:
            lot = lot_rows[row["lot_id"]]
            entry = customers.get(row["partner_id"])
            if entry is None:
                entry = customers[row["partner_id"]] = {
                    "partner_id": row["partner_id"],
                    "partner": row["partner"] or _("(no partner)"),
                    "_products": set(),
                    "_lots": set(),
                    "_quantity": defaultdict(float),
                    "_returned": defaultdict(float),
                    "_pickings": set(),
                    "first_date": row["date"],
                    "last_date": row["date"],
                }
            entry["_products"].add(lot["product"])
            entry["_lots"].add(lot["name"])
            entry["_quantity"][row["uom"]] += row["quantity"]
            if row.get("returned_quantity"):
                entry["_returned"][row["uom"]] += row["returned_quantity"]
            entry["_pickings"].add(row["picking_id"])
            if row["date"] and (
                not entry["first_date"] or row["date"] < entry["first_date"]
            ):
                entry["first_date"] = row["date"]
            if row["date"] and (
                not entry["last_date"] or row["date"] > entry["last_date"]
            ):
                entry["last_date"] = row["date"]
        customer_rows = []
        for entry in customers.values():
            customer_rows.append(
                {
                    "partner_id": entry["partner_id"],
                    "partner": entry["partner"],
                    "products": _names(self.env, entry["_products"], 3),
                    "lot_count": len(entry["_lots"]),
                    "lots": _names(self.env, entry["_lots"]),
                    "quantity": _quantities(entry["_quantity"]),
                    "returned": _quantities(entry["_returned"]),
                    "delivery_count": len(entry["_pickings"] - {False}),
                    "first_date": entry["first_date"],
                    "last_date": entry["last_date"],
                }
            )
        customer_rows.sort(key=lambda row: row["partner"].casefold())
        suppliers = {}
        for row in result["receipts"]:
            entry = suppliers.setdefault(
                (row["partner_id"], row["lot_id"]),
                {
                    "partner_id": row["partner_id"],
                    "partner": row["partner"] or _("(no partner)"),
                    "lot_id": row["lot_id"],
                    "quantity": 0.0,
                    "uom": row["uom"],
                    "_pickings": set(),
                    "first_date": row["date"],
                    "last_date": row["date"],
                },
            )
            entry["quantity"] += row["quantity"]
            entry["_pickings"].add(row["picking_id"])
            if row["date"]:
                entry["first_date"] = min(
                    entry["first_date"] or row["date"], row["date"]
                )
                entry["last_date"] = max(entry["last_date"] or row["date"], row["date"])
        supplier_rows = []
        for entry in suppliers.values():
            lot = lot_rows[entry.pop("lot_id")]
            pickings = entry.pop("_pickings")
            supplier_rows.append(
                dict(
                    entry,
                    lot_id=lot["id"],
                    lot=lot["name"],
                    supplier_lot_name=lot["supplier_lot_name"] or "",
                    product=lot["product"],
                    receipt_count=len(pickings - {False}),
                )
            )
        supplier_rows.sort(key=lambda row: (row["partner"].casefold(), row["lot"]))
        lot_table = [
            {
                "lot_id": row["id"],
                "name": row["name"],
                "product": row["product"],
                "depth": row["depth"],
                "supplier_lot_name": row["supplier_lot_name"] or "",
                "hold": held_label if row["held"] else "",
                "on_hand": round(row["on_hand"], 6),
                "uom": row["uom"],
            }
            for row in result["lots"]
        ]
        on_hand_rows = [
            {
                "lot_id": row["lot_id"],
                "lot": lot_rows[row["lot_id"]]["name"],
                "product": lot_rows[row["lot_id"]]["product"],
                "location": row["location"],
                "quantity": row["quantity"],
                "uom": lot_rows[row["lot_id"]]["uom"],
                "hold": held_label if lot_rows[row["lot_id"]]["held"] else "",
            }
            for row in result["on_hand"]
        ]
        production_rows = [
            {
                "production_id": row["production_id"],
                "model": row["model"],
                "name": row["name"] or "",
                "date": row["date"],
                "consumed": _names(
                    self.env,
                    [
                        lot_rows[i]["name"]
                        for i in row["consumed_lot_ids"]
                        if i in lot_rows
                    ],
                ),
                "produced": _names(
                    self.env,
                    [
                        lot_rows[i]["name"]
                        for i in row["produced_lot_ids"]
                        if i in lot_rows
                    ],
                ),
            }
            for row in result["productions"]
        ]
        production_names = {
            (row["model"], row["production_id"]): row["name"] for row in production_rows
        }
        directions = {"forward": _("Downstream"), "backward": _("Upstream")}
        gap_rows = [
            {
                "production_id": row["production_id"],
                "model": row["model"],
                "document": production_names.get(
                    (row["model"], row["production_id"]), ""
                ),
                "product": row["product"],
                "direction": directions.get(row["direction"], row["direction"]),
                "reason": row["reason"],
            }
            for row in result["gaps"]
        ]
        return {
            "customers": customer_rows,
            # delivery lines stay the trace's rows (the hub has ~156,000): a
            # page is made readable when it is asked for (_delivery_rows)
            "deliveries": result["deliveries"],
            "suppliers": supplier_rows,
            "lots": lot_table,
            "on_hand": on_hand_rows,
            "productions": production_rows,
            "gaps": gap_rows,
        }

    def _delivery_rows(self, snapshot, rows):
        """Trace delivery rows as table rows: picking, lot and product names."""
        picking_ids = list({row["picking_id"] for row in rows if row["picking_id"]})
        names = {}
        if picking_ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id, name FROM stock_picking WHERE id = ANY(%s)", picking_ids
                )
            )
            names = dict(self.env.cr.fetchall())
        lots = snapshot["lots"]
        return [
            {
                "move_line_id": row["move_line_id"],
                "picking_id": row["picking_id"],
                "picking": names.get(row["picking_id"], ""),
                "partner_id": row["partner_id"],
                "partner": row["partner"] or "",
                "lot_id": row["lot_id"],
                "lot": lots[row["lot_id"]]["name"],
                "product": lots[row["lot_id"]]["product"],
                "quantity": row["quantity"],
                "returned_quantity": row.get("returned_quantity") or 0.0,
                "uom": row["uom"],
                "date": row["date"],
            }
            for row in rows
        ]

    def _totals(self, result, lot_rows, tables):
        depths = [row["depth"] for row in lot_rows.values()]
        return {
            "lots": len(lot_rows),
            "upstream": sum(1 for depth in depths if depth < 0),
            "downstream": sum(1 for depth in depths if depth > 0),
            "held": sum(1 for row in lot_rows.values() if row["held"]),
            "customers": len(tables["customers"]),
            "deliveries": len(tables["deliveries"]),
            "suppliers": len({row["partner_id"] for row in tables["suppliers"]}),
            "receipts": len(result["receipts"]),
            "on_hand": len(tables["on_hand"]),
            "productions": len(tables["productions"]),
            "gaps": len(tables["gaps"]),
            "rows": {name: len(rows) for name, rows in tables.items()},
        }

    def _adjacency(self, result):
        """Children, parents, customers and suppliers of each lot, each list
        sorted the way the graph reveals them (largest first)."""
        children, parents = defaultdict(list), defaultdict(list)
        for link in result["links"]:
            children[link["src"]].append(link)
            parents[link["dst"]].append(link)
        for links in (*children.values(), *parents.values()):
            links.sort(key=lambda link: -(link["quantity"] or 0))
        customers = defaultdict(lambda: defaultdict(float))
        for row in result["deliveries"]:
            customers[row["lot_id"]][row["partner_id"], row["partner"], row["uom"]] += (
                row["quantity"]
            )
        suppliers = defaultdict(lambda: defaultdict(float))
        for row in result["receipts"]:
            suppliers[row["lot_id"]][row["partner_id"], row["partner"], row["uom"]] += (
                row["quantity"]
            )

        def ranked(by_lot):
            return {
                lot_id: sorted(
                    (
                        {
                            "partner_id": key[0],
                            "partner": key[1],
                            "uom": key[2],
                            "quantity": qty,
                        }
                        for key, qty in partners.items()
                    ),
                    key=lambda row: -row["quantity"],
                )
                for lot_id, partners in by_lot.items()
            }

        return {
            "children": dict(children),
            "parents": dict(parents),
            "customers": ranked(customers),
            "suppliers": ranked(suppliers),
        }

    def _page(self, snapshot, table, offset, limit):
        rows = snapshot["tables"][table]
        page = rows[offset : offset + limit]
        if table == "deliveries":
            page = self._delivery_rows(snapshot, page)
        return {
            "name": table,
            "columns": self._columns(table),
            "count": len(rows),
            "offset": offset,
            "rows": page,
        }

    def _columns(self, table):
        return [
            {"name": name, "string": self.env._(string), "type": kind}
            for name, string, kind in TABLES[table]
        ]

    def _graph_first_paint(self, snapshot):
        graph = _GraphBuilder(self, snapshot)
        graph.first_paint()
        return graph.payload()

    # ------------------------------------------------------- dossier tree
    @api.model
    def _document_vals(self, row):
        """A receipt or delivery row of the trace result, as line values."""
        return {
            "lot_id": row["lot_id"],
            "partner_id": row["partner_id"],
            "picking_id": row["picking_id"],
            "move_line_id": row["move_line_id"],
            "quantity": row["quantity"],
            "returned_quantity": row.get("returned_quantity", 0.0),
            "uom": row["uom"],
            "date": row["date"],
        }

    @api.model
    def _tree_rows(self, result):
        """The genealogy as an indented tree, from the one trace result (the
        lot dossier prints it).

        Each traced lot is a root; under it its upstream branch (what it was made
        of, down to the supplier receipts) and its downstream branch (what was
        made of it, down to the customer deliveries). A lot reached through
        several paths is expanded once; later occurrences say so.
        """
        lots = {row["id"]: row for row in result["lots"]}
        dates = {
            (row["model"], row["production_id"]): row["date"]
            for row in result["productions"]
        }
        parents, children = defaultdict(list), defaultdict(list)
        for link in result["links"]:
            if lots[link["dst"]]["depth"] > 0:
                children[link["src"]].append(link)
            if lots[link["src"]]["depth"] < 0:
                parents[link["dst"]].append(link)
        documents = defaultdict(list)
        for kind, key in (("receipt", "receipts"), ("delivery", "deliveries")):
            for row in result[key]:
                documents[kind, row["lot_id"]].append(row)
        vals_list = []
        expanded = set()

        def lot_vals(lot_id, level, link, side):
            row = lots[lot_id]
            vals = {
                "node": "lot",
                "side": side,
                "level": level,
                "lot_id": lot_id,
                "supplier_lot_name": row["supplier_lot_name"],
                "depth": row["depth"],
            }
            if link:
                vals["quantity"] = link["quantity"]
                vals[
                    "production_id"
                    if link["model"] == "mrp.production"
                    else "unbuild_id"
                ] = link["production_id"]
                vals["date"] = dates.get((link["model"], link["production_id"]))
            return vals

        def document_vals(kind, row, level, side):
            return dict(self._document_vals(row), node=kind, side=side, level=level)

        roots = sorted(
            (row for row in result["lots"] if row["depth"] == 0),
            key=lambda row: row["name"],
        )
        for root in roots:
            # depth-first with an explicit stack: (lot, level, link, side)
            stack = [(root["id"], 0, None, "origin")]
            while stack:
                lot_id, level, link, side = stack.pop()
                vals = lot_vals(lot_id, level, link, side)
                vals_list.append(vals)
                if side != "origin" and (lot_id, side) in expanded:
                    vals["note"] = _("Already shown above")
                    continue
                expanded.add((lot_id, side))
                branches = []
                if side in ("origin", "upstream"):
                    vals_list.extend(
                        document_vals("receipt", row, level + 1, "upstream")
                        for row in documents["receipt", lot_id]
                    )
                    branches += [
                        (parent["src"], level + 1, parent, "upstream")
                        for parent in parents[lot_id]
                    ]
                if side in ("origin", "downstream"):
                    vals_list.extend(
                        document_vals("delivery", row, level + 1, "downstream")
                        for row in documents["delivery", lot_id]
                    )
                    branches += [
                        (child["dst"], level + 1, child, "downstream")
                        for child in children[lot_id]
                    ]
                stack.extend(reversed(branches))
        for sequence, vals in enumerate(vals_list):
            vals.update(kind="tree", sequence=sequence)
        return vals_list

    # --------------------------------------------------------------- export
    def _xlsx(self, lot_ids, direction, table, token=None):
        """One table of the trace, every row, as an XLSX file: ``(name, bytes)``."""
        import xlsxwriter

        if table not in TABLES:
            raise UserError(_("Unknown trace table %(table)r.", table=table))
        snapshot = self._snapshot(lot_ids, direction, token)
        rows = snapshot["tables"][table]
        if table == "deliveries":
            rows = self._delivery_rows(snapshot, rows)
        columns = self._columns(table)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(table[:31])
        bold = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet.write_row(0, 0, [column["string"] for column in columns], bold)
        for index, row in enumerate(rows, start=1):
            for col, column in enumerate(columns):
                value = row.get(column["name"])
                if column["type"] == "datetime" and value:
                    sheet.write_datetime(
                        index, col, fields.Datetime.to_datetime(value), date_format
                    )
                elif value in (None, False):
                    sheet.write_blank(index, col, None)
                else:
                    sheet.write(index, col, value)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        sheet.freeze_panes(1, 0)
        meta = workbook.add_worksheet(_("Trace"))
        meta.write_row(
            0, 0, [_("Lots traced"), ", ".join(o["name"] for o in snapshot["origins"])]
        )
        meta.write_row(1, 0, [_("Direction"), direction])
        meta.write_row(2, 0, [_("Traced at (UTC)"), snapshot["traced_at"]])
        meta.write_row(3, 0, [_("Rows"), len(rows)])
        workbook.close()
        names = "-".join(o["name"] for o in snapshot["origins"][:3])
        return f"trace-{names}-{table}.xlsx", output.getvalue()


class _GraphBuilder:
    """The visible part of the genealogy graph: nodes and edges for the
    client's layout (dagre), with "+ N more" nodes for what is folded."""

    def __init__(self, service, snapshot):
        self.service = service
        self.snapshot = snapshot
        self.adjacency = snapshot["adjacency"]
        self.lots = snapshot["lots"]
        self.direction = snapshot["direction"]
        self.env = service.env
        self.nodes = {}
        self.edges = {}
        self.removed = []
        self.new_lots = []

    # nodes
    def lot_node(self, lot_id):
        key = f"lot-{lot_id}"
        if key not in self.nodes:
            row = self.lots[lot_id]
            self.nodes[key] = {
                "id": key,
                "type": "lot",
                "lot_id": lot_id,
                "name": row["name"],
                "product": row["product"],
                "depth": row["depth"],
                "held": row["held"],
                "uom": row["uom"],
                "on_hand": round(row["on_hand"], 6),
                "supplier_lot_name": row["supplier_lot_name"] or "",
            }
            self.new_lots.append(lot_id)
        return key

    def partner_node(self, kind, partner_id, name, lot_id):
        key = f"{kind}-{partner_id or 0}"
        if len(self.lots) > GRAPH_SHARED_PARTNERS:
            key += f"-{lot_id}"
        self.nodes.setdefault(
            key,
            {
                "id": key,
                "type": kind,
                "partner_id": partner_id,
                "name": name or self.env._("(no partner)"),
            },
        )
        return key

    def edge(self, src, dst, **values):
        key = f"{src}>{dst}"
        if key in self.edges:
            if "quantity" in values and self.edges[key].get("quantity") is not None:
                self.edges[key]["quantity"] += values["quantity"]
            return
        self.edges[key] = dict(values, id=key, source=src, target=dst)

    def more_node(self, lot_id, side, kind, shown, total):
        key = f"more-{side}-{kind}-{lot_id}"
        if shown >= total:
            if total:
                self.removed.append(key)
            self.nodes.pop(key, None)
            self.edges = {
                k: e
                for k, e in self.edges.items()
                if key not in (e["source"], e["target"])
            }
            return
        self.nodes[key] = {
            "id": key,
            "type": "more",
            "lot_id": lot_id,
            "side": side,
            "kind": kind,
            "offset": shown,
            "count": total - shown,
        }
        lot_key = f"lot-{lot_id}"
        if side == "down":
            self.edge(lot_key, key, more=True)
        else:
            self.edge(key, lot_key, more=True)

    # the lists each lot can fold
    def items(self, lot_id, side, kind):
        if kind == "lots":
            source = self.adjacency["children" if side == "down" else "parents"]
            return source.get(lot_id, [])
        source = self.adjacency["customers" if kind == "customers" else "suppliers"]
        return source.get(lot_id, [])

    def sides(self, lot_id):
        """What a lot can unfold: downstream lots and customers, upstream lots
        and suppliers (a traced lot's own customers and suppliers always)."""
        depth = self.lots[lot_id]["depth"]
        sides = []
        if depth >= 0:
            if self.direction != "backward":
                sides.append(("down", "lots"))
            sides.append(("down", "customers"))
        if depth <= 0:
            if self.direction != "forward":
                sides.append(("up", "lots"))
            sides.append(("up", "suppliers"))
        return sides

    def reveal(self, lot_id, side, kind, offset, count):
        """Draw items ``offset`` to ``offset + count`` of a lot's list; return
        the lots newly drawn."""
        items = self.items(lot_id, side, kind)
        lot_key = self.lot_node(lot_id)
        revealed = []
        for item in items[offset : offset + count]:
            if kind == "lots":
                other = item["dst"] if side == "down" else item["src"]
                fresh = f"lot-{other}" not in self.nodes
                other_key = self.lot_node(other)
                if fresh:
                    revealed.append(other)
                src, dst = (
                    (lot_key, other_key) if side == "down" else (other_key, lot_key)
                )
                self.edge(
                    src,
                    dst,
                    quantity=item["quantity"],
                    uom=self.lots[item["src"]]["uom"],
                    production_id=item["production_id"],
                    model=item["model"],
                )
            else:
                partner_key = self.partner_node(
                    "customer" if kind == "customers" else "supplier",
                    item["partner_id"],
                    item["partner"],
                    lot_id,
                )
                src, dst = (
                    (lot_key, partner_key) if side == "down" else (partner_key, lot_key)
                )
                self.edge(src, dst, quantity=item["quantity"], uom=item["uom"])
        self.more_node(lot_id, side, kind, min(offset + count, len(items)), len(items))
        return revealed

    def fold(self, lot_id):
        """A lot drawn at the edge of the budget: every list folded."""
        for side, kind in self.sides(lot_id):
            self.more_node(lot_id, side, kind, 0, len(self.items(lot_id, side, kind)))

    def first_paint(self):
        budget = GRAPH_LOT_BUDGET
        fanout = self.fanout()
        queue = [row["id"] for row in self.snapshot["origins"]]
        for lot_id in queue:
            self.lot_node(lot_id)
        expanded = set()
        while queue:
            lot_id = queue.pop(0)
            if lot_id in expanded:
                continue
            expanded.add(lot_id)
            if len(self.new_lots) >= budget:
                self.fold(lot_id)
                continue
            for side, kind in self.sides(lot_id):
                # partners get half the lots' fan-out: they are leaves
                count = fanout if kind == "lots" else max(fanout // 2, 1)
                queue += self.reveal(lot_id, side, kind, 0, count)
        for lot_id in set(queue) - expanded:
            self.fold(lot_id)

    def expand(self, lot_id, side, kind, offset):
        if lot_id not in self.lots or (side, kind) not in self.sides(lot_id):
            raise UserError(self.env._("This node cannot be expanded in this trace."))
        for new in self.reveal(lot_id, side, kind, offset, GRAPH_EXPAND_BATCH):
            self.fold(new)

    def fanout(self):
        value = (
            self.service.env["ir.config_parameter"]
            .sudo()
            .get_param("lot_traceability.trace_graph_fanout", GRAPH_FANOUT)
        )
        try:
            return max(int(value), 1)
        except ValueError:
            return GRAPH_FANOUT

    def payload(self):
        self.add_quantities()
        return {
            "nodes": list(self.nodes.values()),
            "edges": list(self.edges.values()),
            "removed": self.removed,
        }

    def add_quantities(self):
        """Quantity produced or received of the lots drawn (one statement for
        all of them; the trace itself does not carry it)."""
        lot_ids = [lot_id for lot_id in self.new_lots if lot_id in self.lots]
        if not lot_ids:
            return
        cr = self.service.env.cr
        cr.execute(
            SQL(
                """
                SELECT ml.lot_id, sum(ml.quantity)
                  FROM stock_move_line ml
                  JOIN stock_location src ON src.id = ml.location_id
                 WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done'
                   AND ml.company_id = ANY(%(c)s)
                   AND src.usage IN ('supplier', 'production')
                 GROUP BY ml.lot_id
                """,
                ids=lot_ids,
                c=self.service.env.companies.ids,
            )
        )
        made = dict(cr.fetchall())
        for lot_id in lot_ids:
            self.nodes[f"lot-{lot_id}"]["quantity"] = round(made.get(lot_id, 0.0), 6)
