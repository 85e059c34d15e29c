# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Synthetic but valid stock history, written in bulk.

Master data (partners, products, BOMs) and one prototype of every kind of
document (receipt, manufacturing order, delivery, return, scrap) are made with
the ORM through Odoo's own flows (``tests/flows.py``). Everything else is
planned in Python and written with ``COPY`` into temporary plan tables, then
``INSERT … SELECT`` that clones the prototype row of each kind and overrides
only the columns that differ (ids, product, lot, quantity, partner, dates,
names). Every column the ORM fills (company, UoM, picking type, locations,
flags, the procurement group of an MO …) is therefore exactly what Odoo writes
for that kind of document. Quants are then aggregated from the done move lines
per product, lot and location (Odoo keeps quants in every location, negative
in the vendor and production locations), and sequences are moved past the ids
and names used.

Shape (per scale; lines ≈ 10 per lot):

* level 0: raw products received from suppliers (lot per receipt line, with a
  supplier lot); one of them, the *hub* (sea salt), has a lot so big it goes
  into a share of all level-1 manufacturing orders;
* levels 1..depth: each product's BOM takes one product of the level below
  (1 or 2 of its most recent lots, as a plant consumes what it just made) and
  1 or 2 raw products; every MO makes one lot;
* deliveries of manufactured lots to customers (most of them at the last
  level), 2 % of them partly returned (``origin_returned_move_id``), 2 % of the
  lots partly scrapped.
"""

import io
import logging
import random
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta

from odoo import Command
from odoo.tools import SQL

_logger = logging.getLogger("lt_bench")

# lots per manufacturing level; raw lots = 3/7 of that x depth
SCALES = {
    "small": {"per_level": 70, "depth": 10, "products": 2, "customers": 30},
    "medium": {"per_level": 1400, "depth": 10, "products": 4, "customers": 300},
    "large": {"per_level": 7000, "depth": 10, "products": 6, "customers": 1500},
}
SPAN_DAYS = 730
RAW_PRODUCTS = 12  # including the hub
SUPPLIERS = 12
LOT_QTY = 1000  # manufactured lot
RAW_LOT_QTY = 5000
HUB_SHARE = 0.05  # share of level-1 MOs using the hub lot (raised until reached)
HUB_MIN_SHARE = 0.1  # the hub reaches at least this share of all lots downstream
HUB_MIN_DOWNSTREAM = {"large": 10000}  # and at large scale at least 10k lots
DELIVERIES_PER_LOT = 6  # intermediate levels
DELIVERIES_PER_FINAL_LOT = 45
RETURN_RATE = 0.02
SCRAP_RATE = 0.02
WINDOW = 4  # an MO picks among the 4 most recent lots of a component


def log(msg, *args):
    print("[bench] " + (msg % args if args else msg), flush=True)


class Plan:
    """Rows to insert, by table, as tuples in the column order of ``COLUMNS``."""

    COLUMNS = {
        "lot": "id int, name text, product_id int, supplier_id int, "
        "supplier_lot_name text, date timestamp",
        "grp": "id int, name text, date timestamp",
        "production": "id int, name text, product_id int, qty numeric, lot_id int, "
        "bom_id int, group_id int, date timestamp",
        "picking": "id int, kind text, name text, partner_id int, origin text, "
        "date timestamp",
        "scrap": "id int, name text, product_id int, lot_id int, qty numeric, "
        "date timestamp",
        "move": "id int, kind text, picking_id int, production_id int, "
        "scrap_id int, product_id int, name text, reference text, qty numeric, "
        "partner_id int, returned_move_id int, group_id int, bom_line_id int, "
        "finished_lot_id int, unit_factor numeric, date timestamp",
        "line": "id int, kind text, move_id int, picking_id int, product_id int, "
        "lot_id int, qty numeric, reference text, date timestamp",
        "rel": "consume_line_id int, produce_line_id int",
    }

    def __init__(self):
        self.rows = {table: [] for table in self.COLUMNS}


class Generator:
    def __init__(self, env, scale, seed=8):
        self.env = env
        self.cr = env.cr
        self.scale = scale
        self.conf = SCALES[scale]
        self.rnd = random.Random(seed)
        self.plan = Plan()
        self.now = datetime.now().replace(microsecond=0)
        self.start = self.now - timedelta(days=SPAN_DAYS + 10)

    # ------------------------------------------------------------ master data
    def master_data(self):
        env = self.env
        from tests.flows import Flows  # the ORM flows of the test suite

        self.flows = Flows(env)
        company = env.company
        self.company = company
        Partner = env["res.partner"]
        self.suppliers = Partner.create(
            [
                {"name": f"Bench Supplier {i:03d}", "company_id": company.id}
                for i in range(SUPPLIERS)
            ]
        )
        self.customers = Partner.create(
            [
                {"name": f"Bench Customer {i:04d}", "company_id": company.id}
                for i in range(self.conf["customers"])
            ]
        )
        Product = env["product.product"]

        def products(names):
            return Product.create(
                [
                    {
                        "name": name,
                        "default_code": code,
                        "is_storable": True,
                        "tracking": "lot",
                        "company_id": company.id,
                    }
                    for code, name in names
                ]
            )

        raw_names = [("SALT", "Bench Sea Salt (hub)")] + [
            (f"RAW{i:02d}", f"Bench Raw Material {i:02d}")
            for i in range(1, RAW_PRODUCTS)
        ]
        self.raws = list(products(raw_names))
        self.levels = [self.raws]
        depth, per = self.conf["depth"], self.conf["products"]
        for level in range(1, depth + 1):
            self.levels.append(
                list(
                    products(
                        [
                            (f"L{level:02d}P{j}", f"Bench Level {level} Product {j}")
                            for j in range(per)
                        ]
                    )
                )
            )
        self.supplier_of = {
            raw.id: self.suppliers[i % len(self.suppliers)].id
            for i, raw in enumerate(self.raws)
        }

    def make_boms(self):
        """One product of the level below (same column), 1-2 raws; every level-1
        BOM takes the hub (salt). Made after the prototypes, whose MO has none."""
        depth = self.conf["depth"]
        company = self.company
        env = self.env
        self.boms = {}
        Bom = env["mrp.bom"]
        for level in range(1, depth + 1):
            for j, product in enumerate(self.levels[level]):
                if level == 1:
                    components = [self.raws[0], *self.rnd.sample(self.raws[1:], 2)]
                else:
                    below = self.levels[level - 1][j % len(self.levels[level - 1])]
                    components = [
                        below,
                        *self.rnd.sample(self.raws[1:], self.rnd.choice((1, 2))),
                    ]
                bom = Bom.create(
                    {
                        "product_tmpl_id": product.product_tmpl_id.id,
                        "product_qty": LOT_QTY,
                        "company_id": company.id,
                        "bom_line_ids": [
                            Command.create({"product_id": c.id, "product_qty": 150})
                            for c in components
                        ],
                    }
                )
                self.boms[product.id] = (
                    bom.id,
                    [
                        (c.id, line.id)
                        for c, line in zip(components, bom.bom_line_ids, strict=True)
                    ],
                )

    def prototypes(self):
        """One document of each kind through Odoo's flows: the rows to clone."""
        f = self.flows
        raw, product = self.raws[1], self.levels[1][0]
        supplier, customer = self.suppliers[0], self.customers[0]
        raw_lot = f.lot(raw, "PROTO-RAW")
        receipt = f.receive(supplier, raw, [(raw_lot, 100)])
        lot, production = f.produce(product, "PROTO-MO", 10, [(raw, [(raw_lot, 20)])])
        delivery = f.deliver(customer, product, [(lot, 5)])
        ret = f.return_delivery(delivery, lot, 1)
        scrap = f.scrap(lot, 1)
        raw_move = production.move_raw_ids
        fin_move = production.move_finished_ids
        self.proto = {
            "lot": lot.id,
            "grp": production.procurement_group_id.id,
            "production": production.id,
            "scrap": scrap.id,
            "picking": {"in": receipt.id, "out": delivery.id, "ret": ret.id},
            "move": {
                "in": receipt.move_ids.id,
                "out": delivery.move_ids.id,
                "ret": ret.move_ids.id,
                "raw": raw_move.id,
                "fin": fin_move.id,
                "scrap": scrap.move_ids.id,
            },
            "line": {
                "in": receipt.move_line_ids.id,
                "out": delivery.move_line_ids.id,
                "ret": ret.move_line_ids.id,
                "raw": raw_move.move_line_ids.id,
                "fin": fin_move.move_line_ids.id,
                "scrap": scrap.move_ids.move_line_ids.id,
            },
        }
        wh = f.warehouse
        self.sequences = {
            "in": wh.in_type_id.sequence_id,
            "out": wh.out_type_id.sequence_id,
            "mo": wh.manu_type_id.sequence_id,
            "scrap": self.env["ir.sequence"].search(
                [
                    ("code", "=", "stock.scrap"),
                    ("company_id", "in", (False, wh.company_id.id)),
                ],
                limit=1,
            ),
        }
        self.counters = {
            key: seq.number_next_actual for key, seq in self.sequences.items()
        }
        self.env.flush_all()

    def _seq_name(self, key):
        seq = self.sequences[key]
        number = self.counters[key]
        self.counters[key] += 1
        return f"{seq.prefix or ''}{number:0{seq.padding}d}"

    # ------------------------------------------------------------------- plan
    def _next_ids(self):
        ids = {}
        for key, table in (
            ("lot", "stock_lot"),
            ("grp", "procurement_group"),
            ("production", "mrp_production"),
            ("picking", "stock_picking"),
            ("scrap", "stock_scrap"),
            ("move", "stock_move"),
            ("line", "stock_move_line"),
        ):
            self.cr.execute(
                SQL("SELECT COALESCE(max(id), 0) + 1 FROM %s", SQL.identifier(table))
            )
            ids[key] = self.cr.fetchone()[0]
        return ids

    def _id(self, key):
        value = self.ids[key]
        self.ids[key] += 1
        return value

    def _date(self, days):
        return self.start + timedelta(seconds=int(days * 86400))

    def build_plan(self, hub_share):
        self.plan = Plan()
        self.ids = self._next_ids()
        rows = self.plan.rows
        rnd = random.Random(self.rnd.random())
        depth, per_level = self.conf["depth"], self.conf["per_level"]
        remaining = {}
        lot_product = {}
        lot_level = {}
        lot_time = {}
        self.children = defaultdict(set)
        self.parents = defaultdict(set)

        def new_lot(product, level, when, supplier=None):
            lot_id = self._id("lot")
            code = product.default_code
            rows["lot"].append(
                (
                    lot_id,
                    f"{code}-{lot_id:07d}",
                    product.id,
                    supplier,
                    f"S{supplier}-{lot_id:07d}" if supplier else None,
                    when,
                )
            )
            lot_product[lot_id] = product.id
            lot_level[lot_id] = level
            lot_time[lot_id] = when
            return lot_id

        # Raw receipts: pickings of 1-3 lots of one product.
        raw_lots = int(per_level * depth * 3 / 7)
        recent = defaultdict(list)  # product -> [lot ids] in time order
        receipts = []
        count = 0
        hub_product = self.raws[0]
        while count < raw_lots:
            product = rnd.choice(self.raws)
            size = rnd.randint(1, 3)
            receipts.append((rnd.uniform(0, SPAN_DAYS), product, size))
            count += size
        # the hub lot: received first, huge.
        receipts.append((0.0, hub_product, 0))
        receipts.sort(key=lambda r: r[0])
        events = []
        for day, product, size in receipts:
            events.append((day, 0, "receipt", (product, size)))
        for level in range(1, depth + 1):
            for __ in range(per_level):
                product = self.levels[level][rnd.randrange(self.conf["products"])]
                events.append((rnd.uniform(level * 6, SPAN_DAYS), level, "mo", product))
        events.sort(key=lambda e: (e[0], e[1]))
        self.hub_lot = None
        self.mo_count = 0
        raw_ids = {raw.id for raw in self.raws}
        for day, level, kind, data in events:
            when = self._date(day)
            if kind == "receipt":
                product, size = data
                supplier = self.supplier_of[product.id]
                picking_id = self._id("picking")
                name = self._seq_name("in")
                rows["picking"].append((picking_id, "in", name, supplier, None, when))
                lot_ids = []
                if size == 0:  # the hub
                    self.hub_lot = new_lot(product, 0, when, supplier)
                    lot_ids = [(self.hub_lot, 10**7)]
                else:
                    lot_ids = [
                        (new_lot(product, 0, when, supplier), RAW_LOT_QTY)
                        for __ in range(size)
                    ]
                move_id = self._id("move")
                rows["move"].append(
                    (move_id, "in", picking_id, None, None, product.id,
                     product.display_name, name, sum(q for __, q in lot_ids),
                     supplier, None, None, None, None, 1, when)
                )  # fmt: skip
                for lot_id, qty in lot_ids:
                    rows["line"].append(
                        (self._id("line"), "in", move_id, picking_id, product.id,
                         lot_id, qty, name, when)
                    )  # fmt: skip
                    remaining[lot_id] = qty
                    if lot_id != self.hub_lot:
                        recent[product.id].append(lot_id)
                continue
            # a manufacturing order
            product = data
            bom_id, components = self.boms[product.id]
            inputs = []  # (component product, bom line, [(lot, qty)])
            for component_id, bom_line_id in components:
                if component_id == hub_product.id and rnd.random() < hub_share:
                    qty = rnd.randint(5, 20)
                    inputs.append((component_id, bom_line_id, [(self.hub_lot, qty)]))
                    continue
                is_raw = component_id in raw_ids
                wanted = 1 if is_raw else rnd.choice((1, 1, 2))
                picked = []
                candidates = recent[component_id][-WINDOW * 3 :]
                rnd.shuffle(candidates)
                for lot_id in candidates:
                    if len(picked) == wanted:
                        break
                    qty = rnd.randint(50, 150) if is_raw else rnd.randint(100, 200)
                    qty = min(qty, remaining[lot_id])
                    if qty <= 0:
                        continue
                    remaining[lot_id] -= qty
                    picked.append((lot_id, qty))
                if picked:
                    inputs.append((component_id, bom_line_id, picked))
            if not inputs:
                continue
            self.mo_count += 1
            production_id = self._id("production")
            name = self._seq_name("mo")
            group_id = self._id("grp")
            lot_id = new_lot(product, level, when)
            rows["grp"].append((group_id, name, when))
            rows["production"].append(
                (
                    production_id,
                    name,
                    product.id,
                    LOT_QTY,
                    lot_id,
                    bom_id,
                    group_id,
                    when,
                )
            )
            fin_move = self._id("move")
            rows["move"].append(
                (fin_move, "fin", None, production_id, None, product.id, name, name,
                 LOT_QTY, None, None, group_id, None, None, LOT_QTY, when)
            )  # fmt: skip
            fin_line = self._id("line")
            rows["line"].append(
                (
                    fin_line,
                    "fin",
                    fin_move,
                    None,
                    product.id,
                    lot_id,
                    LOT_QTY,
                    name,
                    when,
                )
            )
            for component_id, bom_line_id, picked in inputs:
                total = sum(q for __, q in picked)
                move_id = self._id("move")
                rows["move"].append(
                    (move_id, "raw", None, production_id, None, component_id, name,
                     name, total, None, None, group_id, bom_line_id, lot_id,
                     round(total / LOT_QTY, 4), when)
                )  # fmt: skip
                for in_lot, qty in picked:
                    line_id = self._id("line")
                    rows["line"].append(
                        (line_id, "raw", move_id, None, component_id, in_lot, qty,
                         name, when)
                    )  # fmt: skip
                    rows["rel"].append((fin_line, line_id))
                    self.children[in_lot].add(lot_id)
                    self.parents[lot_id].add(in_lot)
            remaining[lot_id] = LOT_QTY
            recent[product.id].append(lot_id)

        # Scraps, deliveries, returns of manufactured lots.
        deliveries = []  # (day, lot, product, qty)
        for lot_id, level in lot_level.items():
            if level == 0:
                continue
            born = (lot_time[lot_id] - self.start).total_seconds() / 86400
            if rnd.random() < SCRAP_RATE and remaining[lot_id] > 5:
                qty = rnd.randint(1, 5)
                remaining[lot_id] -= qty
                when = self._date(rnd.uniform(born, SPAN_DAYS + 5))
                scrap_id = self._id("scrap")
                name = self._seq_name("scrap")
                rows["scrap"].append(
                    (scrap_id, name, lot_product[lot_id], lot_id, qty, when)
                )
                move_id = self._id("move")
                rows["move"].append(
                    (move_id, "scrap", None, None, scrap_id, lot_product[lot_id],
                     name, name, qty, None, None, None, None, None, 1, when)
                )  # fmt: skip
                rows["line"].append(
                    (self._id("line"), "scrap", move_id, None, lot_product[lot_id],
                     lot_id, qty, name, when)
                )  # fmt: skip
            count = DELIVERIES_PER_FINAL_LOT if level == depth else DELIVERIES_PER_LOT
            qty = int(remaining[lot_id] * 0.8 / count)
            if qty < 1:
                continue
            for __ in range(count):
                deliveries.append(
                    (rnd.uniform(born, SPAN_DAYS + 5), lot_id, lot_product[lot_id], qty)
                )
                remaining[lot_id] -= qty
        deliveries.sort()
        index = 0
        returns = []
        while index < len(deliveries):
            chunk = deliveries[index : index + rnd.randint(1, 8)]
            index += len(chunk)
            when = self._date(chunk[-1][0])
            customer = rnd.choice(self.customers).id
            picking_id = self._id("picking")
            name = self._seq_name("out")
            rows["picking"].append((picking_id, "out", name, customer, None, when))
            for __, lot_id, product_id, qty in chunk:
                move_id = self._id("move")
                rows["move"].append(
                    (move_id, "out", picking_id, None, None, product_id,
                     self.product_names[product_id], name, qty, customer, None, None,
                     None, None, 1, when)
                )  # fmt: skip
                rows["line"].append(
                    (self._id("line"), "out", move_id, picking_id, product_id, lot_id,
                     qty, name, when)
                )  # fmt: skip
                if rnd.random() < RETURN_RATE:
                    returns.append(
                        (when, name, customer, move_id, product_id, lot_id, qty)
                    )
        for when, origin, customer, out_move, product_id, lot_id, qty in returns:
            when = when + timedelta(days=rnd.randint(1, 10))
            qty = max(1, qty // 10)
            picking_id = self._id("picking")
            name = self._seq_name("in")
            rows["picking"].append(
                (picking_id, "ret", name, customer, f"Return of {origin}", when)
            )
            move_id = self._id("move")
            rows["move"].append(
                (move_id, "ret", picking_id, None, None, product_id,
                 self.product_names[product_id], name, qty, customer, out_move, None,
                 None, None, 1, when)
            )  # fmt: skip
            rows["line"].append(
                (self._id("line"), "ret", move_id, picking_id, product_id, lot_id, qty,
                 name, when)
            )  # fmt: skip
        self.lot_level = lot_level

    def closure(self, lot_id, graph):
        seen = {lot_id}
        queue = deque([lot_id])
        while queue:
            for nxt in graph.get(queue.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def plan_history(self):
        self.product_names = {
            p.id: p.display_name for level in self.levels for p in level
        }
        share = HUB_SHARE
        for __ in range(5):
            started = time.perf_counter()
            self.counters = dict(self.counters_start)
            self.build_plan(share)
            reached = len(self.closure(self.hub_lot, self.children))
            lots = len(self.plan.rows["lot"])
            log(
                "planned %d lots, %d move lines, %d MOs in %.1fs; hub reaches %d lots "
                "(share %.2f)",
                lots,
                len(self.plan.rows["line"]),
                self.mo_count,
                time.perf_counter() - started,
                reached,
                share,
            )
            downstream = reached - 1
            if downstream >= max(
                HUB_MIN_SHARE * lots, HUB_MIN_DOWNSTREAM.get(self.scale, 0)
            ):
                break
            share *= 2
        else:
            raise RuntimeError("the hub lot does not reach enough lots downstream")
        self.hub_reach = reached
        # The typical lot: a mid-level lot whose full genealogy is the median
        # of a sample (with lots both upstream and downstream).
        rnd = random.Random(4)
        mid = [
            lot for lot, lvl in self.lot_level.items() if lvl == self.conf["depth"] // 2
        ]
        sample = rnd.sample(mid, min(101, len(mid)))
        sizes = sorted(
            (len(down | up), lot)
            for lot in sample
            for down, up in [
                (self.closure(lot, self.children), self.closure(lot, self.parents))
            ]
            if len(down) > 1 and len(up) > 1
        )
        self.typical_reach, self.typical_lot = sizes[len(sizes) // 2]

    # ------------------------------------------------------------------ write
    def _copy(self, table):
        buf = io.StringIO()
        for row in self.plan.rows[table]:
            buf.write(
                "\t".join(
                    "\\N" if v is None else str(v).replace("\t", " ") for v in row
                )
            )
            buf.write("\n")
        buf.seek(0)
        self.cr.execute(
            SQL(
                "CREATE TEMP TABLE %s (%s) ON COMMIT DROP",
                SQL.identifier(f"plan_{table}"),
                SQL(self.plan.COLUMNS[table]),
            )  # fmt: skip
        )
        self.cr._obj.copy_expert(f"COPY plan_{table} FROM STDIN", buf)

    def _columns(self, table):
        self.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in self.cr.fetchall()]

    def _clone(self, table, plan, proto_id, overrides, where=None):
        """INSERT INTO table SELECT prototype row with overrides, per plan row."""
        columns = self._columns(table)
        unknown = set(overrides) - set(columns)
        assert not unknown, (table, unknown)
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
        query = (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"SELECT {select} FROM plan_{plan} p, "
            f"(SELECT * FROM {table} WHERE id = %s) t"
        )
        if where:
            query += f" WHERE {where}"
        started = time.perf_counter()
        self.cr.execute(query, [proto_id])
        log("  %s %s: %d rows in %.1fs", table, where or "", self.cr.rowcount,
            time.perf_counter() - started)  # fmt: skip

    def write(self):
        cr = self.cr
        started = time.perf_counter()
        for table in self.plan.rows:
            self._copy(table)
        log("copied the plan in %.1fs", time.perf_counter() - started)
        stamp = {"create_date": "p.date", "write_date": "p.date"}
        self._clone("procurement_group", "grp", self.proto["grp"],
                    {"id": "p.id", "name": "p.name", **stamp})  # fmt: skip
        self._clone(
            "stock_lot", "lot", self.proto["lot"],
            {"id": "p.id", "name": "p.name", "product_id": "p.product_id",
             "supplier_id": "p.supplier_id", "supplier_lot_name": "p.supplier_lot_name",
             "location_id": "NULL", **stamp},
        )  # fmt: skip
        self._clone(
            "mrp_production", "production", self.proto["production"],
            {"id": "p.id", "name": "p.name", "product_id": "p.product_id",
             "product_qty": "p.qty", "qty_producing": "p.qty",
             "product_uom_qty": "p.qty", "lot_producing_id": "p.lot_id",
             "bom_id": "p.bom_id", "procurement_group_id": "p.group_id",
             "date_start": "p.date - interval '2 hours'", "date_finished": "p.date",
             "date_deadline": "NULL", **stamp},
        )  # fmt: skip
        self._clone(
            "stock_scrap", "scrap", self.proto["scrap"],
            {"id": "p.id", "name": "p.name", "product_id": "p.product_id",
             "lot_id": "p.lot_id", "scrap_qty": "p.qty", "date_done": "p.date",
             **stamp},
        )  # fmt: skip
        for kind, proto in self.proto["picking"].items():
            self._clone(
                "stock_picking", "picking", proto,
                {"id": "p.id", "name": "p.name", "partner_id": "p.partner_id",
                 "origin": "p.origin", "date": "p.date", "date_done": "p.date",
                 "scheduled_date": "p.date", "date_deadline": "NULL", **stamp},
                where=f"p.kind = '{kind}'",
            )  # fmt: skip
        for kind, proto in self.proto["move"].items():
            self._clone(
                "stock_move", "move", proto,
                {"id": "p.id", "picking_id": "p.picking_id",
                 "raw_material_production_id":
                     "CASE WHEN p.kind = 'raw' THEN p.production_id END",
                 "production_id": "CASE WHEN p.kind = 'fin' THEN p.production_id END",
                 "scrap_id": "p.scrap_id", "product_id": "p.product_id",
                 "name": "p.name", "reference": "p.reference",
                 "origin": "CASE WHEN t.origin IS NOT NULL THEN p.reference END",
                 "description_picking":
                     "CASE WHEN t.description_picking IS NOT NULL THEN p.name END",
                 "product_qty": "p.qty", "product_uom_qty": "p.qty",
                 "quantity": "p.qty", "partner_id": "p.partner_id",
                 "origin_returned_move_id": "p.returned_move_id",
                 "group_id": "p.group_id", "bom_line_id": "p.bom_line_id",
                 "order_finished_lot_id": "p.finished_lot_id",
                 "unit_factor": "p.unit_factor", "date": "p.date",
                 "date_deadline": "NULL", "reservation_date": "p.date::date",
                 **stamp},
                where=f"p.kind = '{kind}'",
            )  # fmt: skip
        for kind, proto in self.proto["line"].items():
            self._clone(
                "stock_move_line", "line", proto,
                {"id": "p.id", "move_id": "p.move_id", "picking_id": "p.picking_id",
                 "product_id": "p.product_id", "lot_id": "p.lot_id",
                 "quantity": "p.qty", "quantity_product_uom": "p.qty",
                 "reference": "p.reference", "date": "p.date", **stamp},
                where=f"p.kind = '{kind}'",
            )  # fmt: skip
        cr.execute(
            "INSERT INTO stock_move_line_consume_rel "
            "(consume_line_id, produce_line_id) "
            "SELECT consume_line_id, produce_line_id FROM plan_rel"
        )
        log("  consume/produce links: %d", cr.rowcount)
        self.write_quants()
        for table in (
            "stock_lot", "procurement_group", "mrp_production", "stock_picking",
            "stock_scrap", "stock_move", "stock_move_line", "stock_quant",
        ):  # fmt: skip
            cr.execute(
                SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "(SELECT max(id) FROM %s))",
                    table,
                    SQL.identifier(table),
                )
            )
        for key, seq in self.sequences.items():
            seq.sudo().write({"number_next": self.counters[key]})
        self.env.flush_all()
        log("wrote the history in %.1fs", time.perf_counter() - started)

    def write_quants(self):
        """Quants per product, lot and location = done moves in - out, as Odoo's
        ``_update_available_quantity`` keeps them (every location, negative at
        the vendor and production locations)."""
        started = time.perf_counter()
        self.cr.execute(
            """
            CREATE TEMP TABLE plan_quant ON COMMIT DROP AS
            SELECT product_id, lot_id, location_id, sum(qty) AS qty, min(date) AS date
              FROM (
                SELECT ml.product_id, ml.lot_id, ml.location_dest_id AS location_id,
                       ml.quantity AS qty, ml.date
                  FROM stock_move_line ml JOIN plan_line p ON p.id = ml.id
                UNION ALL
                SELECT ml.product_id, ml.lot_id, ml.location_id, -ml.quantity, ml.date
                  FROM stock_move_line ml JOIN plan_line p ON p.id = ml.id
              ) s
             GROUP BY product_id, lot_id, location_id
            HAVING sum(qty) <> 0
            """
        )
        self.cr.execute("SELECT location_id, min(id) FROM stock_quant GROUP BY 1")
        protos = dict(self.cr.fetchall())
        columns = self._columns("stock_quant")
        overrides = {
            "id": "nextval('stock_quant_id_seq')",
            "product_id": "p.product_id",
            "lot_id": "p.lot_id",
            "quantity": "p.qty",
            "reserved_quantity": "0",
            "inventory_diff_quantity": "-p.qty",
            "in_date": "p.date",
            "create_date": "p.date",
            "write_date": "p.date",
        }
        select = ", ".join(overrides.get(c, f"t.{c}") for c in columns)
        for location_id, proto in protos.items():
            self.cr.execute(
                f"INSERT INTO stock_quant ({', '.join(columns)}) SELECT {select} "
                "FROM plan_quant p, (SELECT * FROM stock_quant WHERE id = %s) t "
                "WHERE p.location_id = %s",
                [proto, location_id],
            )
        self.cr.execute("SELECT count(*) FROM plan_quant")
        total = self.cr.fetchone()[0]
        self.cr.execute(
            "SELECT count(*) FROM plan_quant WHERE NOT location_id = ANY(%s)",
            [list(protos)],
        )
        missing = self.cr.fetchone()[0]
        assert not missing, f"{missing} quants in locations without a prototype"
        # stock.lot.location_id (stored compute): the one location holding it.
        self.cr.execute(
            """
            UPDATE stock_lot l SET location_id = s.location_id
              FROM (SELECT lot_id, min(location_id) AS location_id FROM plan_quant
                     WHERE qty > 0 GROUP BY lot_id HAVING count(*) = 1) s
             WHERE l.id = s.lot_id
            """
        )
        log("  quants: %d in %.1fs", total, time.perf_counter() - started)

    def run(self):
        started = time.perf_counter()
        self.master_data()
        self.prototypes()
        self.make_boms()
        self.counters_start = dict(self.counters)
        self.plan_history()
        self.write()
        self.cr.execute("ANALYZE")
        info = {
            "scale": self.scale,
            "hub_lot_id": self.hub_lot,
            "hub_reach_planned": self.hub_reach,
            "typical_lot_id": self.typical_lot,
            "typical_reach_planned": self.typical_reach,
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        params = self.env["ir.config_parameter"].sudo()
        for key, value in info.items():
            params.set_param(f"lt_bench.{key}", str(value))
        log("built the %s history in %.0fs", self.scale, info["build_seconds"])
        return info
