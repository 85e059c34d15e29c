# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The measurements of issue 8, each a named step.

Every run of a measured operation gets a fresh cursor and environment (as an
HTTP request would) and is rolled back. The first run of each measurement is
*cold*: it follows a restart of the project-local PostgreSQL cluster (shared
buffers empty; the operating system's file cache is not dropped) and a new
connection; the next ``reps`` runs are *warm* and give p50/p95 (nearest rank).
Odoo's own traceability is capped: a run over the cap is stopped and reported
as "> cap".

Steps whose feature is not merged yet (recalls, holds, the audit trail) are
skipped with the reason, and run as soon as the model exists.
"""

import glob
import json
import logging
import math
import os
import signal
import statistics
import time
import tracemalloc
from contextlib import contextmanager

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def lot_done_index():
    """The addon's index name (importable once the registry set the addons path)."""
    from odoo.addons.lot_traceability.models.stock_move_line import LOT_DONE_INDEX

    return LOT_DONE_INDEX


def full_scans(node):
    """Scans reading all of stock_move_line: a (parallel) Seq Scan, or an index
    scan without an index condition (the whole table in index order)."""
    found = []
    if node.get("Relation Name") == "stock_move_line":
        kind = node.get("Node Type")
        if kind == "Seq Scan":
            found.append("Parallel Seq Scan" if node.get("Parallel Aware") else kind)
        elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node:
            found.append(f"{kind} using {node.get('Index Name')} without condition")
    for child in node.get("Plans", []):
        found += full_scans(child)
    return found


# The addon's hold enforcement, switched off for the "holds disabled" variant of
# step 4 (in this process only): no restriction on reservation, no check on
# move lines, no row locks at validation, no receipt quarantine.
HOLD_HOOKS = (
    ("stock.move", "_lt_hold_restricted", lambda self: False),
    ("stock.move.line", "_lt_hold_restricted", lambda self: False),
    ("stock.move.line", "_lt_check_holds", lambda self: None),
    ("stock.move", "_lt_hold_received_lots", lambda self: None),
    ("stock.lot.hold", "_lock_lots", lambda self, *args, **kwargs: None),
)


@contextmanager
def holds_disabled(registry):
    saved = []
    try:
        for model, name, replacement in HOLD_HOOKS:
            cls = registry[model]
            saved.append((cls, name, cls.__dict__.get(name)))
            setattr(cls, name, replacement)
        yield
    finally:
        for cls, name, previous in reversed(saved):
            if previous is None:
                delattr(cls, name)
            else:
                setattr(cls, name, previous)


class Skip(Exception):
    pass


class OverCap(Exception):
    pass


class HarnessError(Exception):
    pass


def percentile(values, pct):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


@contextmanager
def time_limit(seconds, cr):
    """Stop the block after ``seconds``: SIGALRM between Python statements, and
    the same statement timeout in PostgreSQL."""

    def handler(signum, frame):
        raise OverCap()

    cr.execute(
        SQL(
            "SELECT set_config('statement_timeout', %s, false)",
            f"{int(seconds * 1000)}",
        )
    )
    previous = signal.signal(signal.SIGALRM, handler)
    # a query stopped by the cap is expected: not an error worth a log line
    sql_logger = logging.getLogger("odoo.sql_db")
    level = sql_logger.level
    sql_logger.setLevel(logging.CRITICAL)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sql_logger.setLevel(level)


def expand_traceability_report(env, lot):
    """Odoo's traceability report of ``lot`` fully unfolded, as the browser
    does it: ``get_main_lines`` with the lot form's context, then ``get_lines``
    on every unfoldable line (``stock_traceability_report_backend.js``,
    ``toggleLine``), every level. Returns (lines, get_lines calls)."""
    report = env["stock.traceability.report"]
    context = {"active_id": lot.id, "model": "stock.lot", "lot_name": False}
    todo = list(report.get_main_lines(context))
    count, calls = len(todo), 1
    while todo:
        line = todo.pop()
        if not line.get("unfoldable"):
            continue
        children = report.get_lines(
            line["id"],
            model_id=line["model_id"],
            model_name=line["model"],
            level=line["level"] + 30 or 1,
        )
        calls += 1
        count += len(children)
        todo.extend(children)
    return count, calls


def lot_form_spec(env):
    """The ``web_read`` specification the web client sends when it opens a lot
    form: every field of the form view, relations with their display name."""
    from lxml import etree

    Lot = env["stock.lot"]
    arch = Lot.get_views([(False, "form")])["views"]["form"]["arch"]
    spec = {}
    for node in etree.fromstring(arch).iter("field"):
        name = node.get("name")
        field = Lot._fields.get(name)
        if field is None or name in spec:
            continue
        spec[name] = {"fields": {"display_name": {}}} if field.relational else {}
    return spec


class Bench:
    def __init__(self, registry, scale, reps, cap, restart, results_dir, only=()):
        self.registry = registry
        self.only = set(only) or {
            key for key in os.environ.get("LT_BENCH_STEPS", "").split(",") if key
        }
        self.scale = scale
        self.reps = reps
        self.odoo_reps = max(5, min(reps, 5))
        self.cap = cap
        self.restart = restart
        self.results_dir = results_dir
        self.data = {}
        self.checks = []
        self.steps = []
        self.errors = []
        self.traces = {}
        self.pg_version = ""

    # --------------------------------------------------------------- helpers
    @contextmanager
    def env(self, uid=None):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, uid or self.uid, {})
            try:
                yield env
            finally:
                cr.rollback()

    def run_once(self, fn, capped):
        with self.env() as env:
            cr = env.cr
            before = cr.sql_log_count
            started = time.perf_counter()
            try:
                if capped:
                    with time_limit(self.cap, cr):
                        result = fn(env)
                else:
                    result = fn(env)
            except OverCap:
                return None, None, None
            except odoo.exceptions.UserError as error:
                if "canceling statement" in str(error) or "took longer" in str(error):
                    return None, None, None
                raise
            except Exception as error:  # a statement timeout inside Odoo's code
                if "canceling statement due to statement timeout" in str(error):
                    return None, None, None
                raise
            elapsed = time.perf_counter() - started
            return elapsed, result, cr.sql_log_count - before

    def measure(self, fn, capped=False, reps=None):
        """Cold run after a PostgreSQL restart, then ``reps`` warm runs."""
        reps = reps or self.reps
        cold_note = "cold"
        if self.restart:
            self.restart()
        else:
            cold_note = "first run (no restart)"
        cold, result, queries = self.run_once(fn, capped)
        warm = []
        over = cold is None
        for __ in range(reps):
            elapsed, res, q = self.run_once(fn, capped)
            if elapsed is None:
                over = True
                break
            warm.append(elapsed)
            result, queries = res, q
        return {
            "cold_ms": None if cold is None else round(cold * 1000, 1),
            "cold": cold_note,
            "runs": len(warm),
            "p50_ms": round(statistics.median(warm) * 1000, 1) if warm else None,
            "p95_ms": round(percentile(warm, 95) * 1000, 1) if warm else None,
            "over_cap": over,
            "queries": queries,
            "result": result,
        }

    def step(self, key, title):
        def decorator(fn):
            def run():
                if self.only and key not in self.only:
                    return
                record = {"key": key, "title": title, "status": "ok", "rows": []}
                self.steps.append(record)
                started = time.perf_counter()
                print(f"[bench] step {key}: {title}", flush=True)
                try:
                    fn(record)
                except Skip as reason:
                    record["status"] = "skipped"
                    record["reason"] = str(reason)
                    print(f"[bench]   skipped: {reason}", flush=True)
                except Exception as error:
                    record["status"] = "error"
                    record["reason"] = f"{type(error).__name__}: {error}"
                    self.errors.append({"step": key, "error": record["reason"]})
                    import traceback

                    traceback.print_exc()
                record["seconds"] = round(time.perf_counter() - started, 1)

            return run

        return decorator

    def check(self, name, ok, detail):
        self.checks.append({"name": name, "ok": bool(ok), "detail": detail})
        print(f"[bench] check {'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        if not ok:
            self.errors.append({"step": f"check {name}", "error": detail})

    def has_model(self, model):
        with self.env(SUPERUSER_ID) as env:
            return model in env

    # ------------------------------------------------------------------ run
    def run(self):
        with self.env(SUPERUSER_ID) as env:
            self.uid = env.ref("base.user_admin").id
            params = env["ir.config_parameter"].sudo()
            self.typical = int(params.get_param("lt_bench.typical_lot_id") or 0)
            self.hub = int(params.get_param("lt_bench.hub_lot_id") or 0)
            env.cr.execute("SHOW server_version")
            self.pg_version = env.cr.fetchone()[0]
            counts = {}
            for table in (
                "stock_move_line", "stock_move", "stock_lot", "stock_picking",
                "mrp_production", "stock_move_line_consume_rel", "stock_quant",
                "stock_scrap",
            ):  # fmt: skip
                env.cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(table)))
                counts[table] = env.cr.fetchone()[0]
            lots = env["stock.lot"].browse([self.typical, self.hub]).exists()
            if len(lots) != 2:
                raise HarnessError(
                    "the benchmark lots are missing: rebuild the database"
                )
            self.data = {
                "rows": counts,
                "typical_lot": {"id": self.typical, "name": lots[0].name},
                "hub_lot": {"id": self.hub, "name": lots[1].name},
                "planned": {
                    key: params.get_param(f"lt_bench.{key}")
                    for key in (
                        "typical_reach_planned",
                        "hub_reach_planned",
                        "build_seconds",
                    )
                },  # fmt: skip
            }
        print(f"[bench] rows: {counts}", flush=True)
        for step in (
            self.step_checks,
            self.step_trace,
            self.step_odoo,
            self.step_recall,
            self.step_delivery,
            self.step_install,
            self.step_queries,
            self.step_memory,
            self.step_screen,
        ):
            step()

    # ----------------------------------------------------------------- steps
    def lots(self):
        return (("typical", self.typical), ("hub", self.hub))

    @property
    def step_checks(self):
        @self.step("0", "history consistent and readable by Odoo")
        def run(record):
            with self.env(SUPERUSER_ID) as env:
                cr = env.cr
                # every quant equals done moves in - out, and every non-zero
                # balance has its quant
                cr.execute(
                    """
                    WITH moves AS (
                        SELECT product_id, lot_id, location_id, sum(qty) AS qty
                          FROM (SELECT product_id, lot_id,
                                       location_dest_id AS location_id,
                                       quantity AS qty
                                  FROM stock_move_line WHERE state = 'done'
                                UNION ALL
                                SELECT product_id, lot_id, location_id, -quantity
                                  FROM stock_move_line WHERE state = 'done') s
                         GROUP BY 1, 2, 3),
                    quants AS (
                        SELECT product_id, lot_id, location_id, sum(quantity) AS qty
                          FROM stock_quant GROUP BY 1, 2, 3)
                    SELECT count(*) FILTER (WHERE q.qty IS NOT NULL),
                           count(*) FILTER (
                               WHERE COALESCE(q.qty, 0) <> COALESCE(m.qty, 0))
                      FROM moves m
                      FULL JOIN quants q USING (product_id, lot_id, location_id)
                    """
                )
                quants, mismatches = cr.fetchone()
                self.check(
                    "quants = done moves",
                    quants and not mismatches,
                    f"{quants} quants, {mismatches} mismatches "
                    "(product, lot, location)",
                )
                lots = env["stock.lot"].search(
                    [("product_id.default_code", "like", "L%")],
                    limit=20,
                    order="id desc",
                )
                cr.execute(
                    """
                    SELECT q.lot_id, sum(q.quantity) FROM stock_quant q
                      JOIN stock_location l ON l.id = q.location_id
                     WHERE l.usage = 'internal' AND q.lot_id = ANY(%s) GROUP BY 1
                    """,
                    [lots.ids],
                )
                on_hand = dict(cr.fetchall())
                wrong = [
                    lot.name
                    for lot in lots
                    if abs(lot.product_qty - float(on_hand.get(lot.id, 0))) > 1e-6
                ]
                self.check(
                    "stock.lot.product_qty (ORM) = quants",
                    lots and not wrong,
                    f"{len(lots)} lots read, wrong: {wrong}",
                )
                cr.execute(
                    """
                    SELECT ml.lot_id, array_agg(DISTINCT ml.picking_id)
                      FROM stock_move_line ml
                      JOIN stock_location d ON d.id = ml.location_dest_id
                     WHERE d.usage = 'customer' AND ml.state = 'done'
                       AND ml.lot_id = ANY(%s) GROUP BY 1
                    """,
                    [lots.ids],
                )
                shipped = dict(cr.fetchall())
                found = lots._find_delivery_ids_by_lot()
                missing = [
                    lot.name
                    for lot in lots
                    if not set(shipped.get(lot.id, [])) <= set(found.get(lot.id, []))
                ]
                self.check(
                    "stock.lot._find_delivery_ids_by_lot sees the deliveries",
                    shipped and not missing,
                    f"{sum(map(len, shipped.values()))} delivery pickings of "
                    f"{len(lots)} lots; missing for {missing}",
                )
                typical = env["stock.lot"].browse(self.typical)
                report = env["stock.traceability.report"]
                lines = report.get_main_lines(
                    {"active_id": typical.id, "model": "stock.lot"}
                )
                unfold = [line for line in lines if line["unfoldable"]]
                children = (
                    report.get_lines(
                        unfold[0]["id"],
                        model_id=unfold[0]["model_id"],
                        model_name=unfold[0]["model"],
                        level=unfold[0]["level"] + 30,
                    )
                    if unfold
                    else []
                )
                self.check(
                    "stock.traceability.report get_lines",
                    lines and unfold and children,
                    f"{len(lines)} lines for {typical.name}, {len(unfold)} unfoldable, "
                    f"first unfolds into {len(children)}",
                )
                production = env["mrp.production"].search(
                    [("lot_producing_id", "=", self.typical)]
                )
                consumed = production.move_raw_ids.move_line_ids
                self.check(
                    "mrp.production (ORM): consumed lots linked to the produced line",
                    production.state == "done"
                    and consumed
                    and all(ml.produce_line_ids.lot_id == typical for ml in consumed),
                    f"{production.name}: {len(consumed)} consumed lines",
                )
            with self.env() as env:
                planned = self.data["planned"]
                for name, lot_id, direction, key in (
                    ("typical", self.typical, "both", "typical_reach_planned"),
                    ("hub", self.hub, "forward", "hub_reach_planned"),
                ):
                    trace = env["stock.lot"].browse(lot_id).trace(direction)
                    got = trace["stats"]["lot_count"]
                    self.check(
                        f"trace {name} {direction} reaches the planned genealogy",
                        got > 1 and str(got) == planned[key],
                        f"{got} lots reached, {planned[key]} planned",
                    )

        return run

    @property
    def step_trace(self):
        @self.step("1", "our trace (stock.lot.trace)")
        def run(record):
            for name, lot_id in self.lots():
                for direction in ("forward", "backward", "both"):

                    def fn(env, lot_id=lot_id, direction=direction):
                        return env["stock.lot"].browse(lot_id).trace(direction)

                    m = self.measure(fn)
                    trace = m.pop("result")
                    if not trace["lots"]:
                        raise HarnessError(f"trace {name} {direction} returned no lots")
                    m.update(
                        what=f"ours {direction}",
                        lot=name,
                        reached=trace["stats"]["lot_count"],
                        edges=trace["stats"]["edge_count"],
                        query_count=trace["stats"]["query_count"],
                        deliveries=len(trace["deliveries"]),
                    )
                    self.traces[name, direction] = m
                    record["rows"].append(m)
                    print(
                        f"[bench]   {name} {direction}: {self.fmt_row(m)}", flush=True
                    )

        return run

    @property
    def step_odoo(self):
        @self.step("2", "Odoo's traceability (capped)")
        def run(record):
            for name, lot_id in self.lots():

                def report(env, lot_id=lot_id):
                    return expand_traceability_report(
                        env, env["stock.lot"].browse(lot_id)
                    )

                m = self.measure(report, capped=True, reps=self.odoo_reps)
                result = m.pop("result")
                ours = self.traces.get((name, "both"))
                m.update(
                    what="Odoo report fully expanded",
                    lot=name,
                    lines=result[0] if result else None,
                    get_lines_calls=result[1] if result else None,
                    versus="ours both",
                    ratio=self.ratio(ours, m),
                )
                record["rows"].append(m)
                print(f"[bench]   {name} report: {self.fmt_row(m)}", flush=True)

                def report_stock(env, lot_id=lot_id):
                    # Odoo as users have it before installing the addon: without
                    # its index on done lines by lot (dropped in this transaction,
                    # which is rolled back)
                    env.cr.execute(
                        SQL("DROP INDEX IF EXISTS %s", SQL.identifier(lot_done_index()))
                    )
                    return expand_traceability_report(
                        env, env["stock.lot"].browse(lot_id)
                    )

                m = self.measure(report_stock, capped=True, reps=self.odoo_reps)
                result = m.pop("result")
                m.update(
                    what="Odoo report fully expanded, without the addon's index",
                    lot=name,
                    lines=result[0] if result else None,
                    get_lines_calls=result[1] if result else None,
                    versus="ours both",
                    ratio=self.ratio(ours, m),
                )
                record["rows"].append(m)
                print(
                    f"[bench]   {name} report w/o index: {self.fmt_row(m)}", flush=True
                )

                def deliveries(env, lot_id=lot_id):
                    lot = env["stock.lot"].browse(lot_id)
                    return len(lot._find_delivery_ids_by_lot()[lot.id])

                m = self.measure(deliveries, capped=True, reps=self.odoo_reps)
                result = m.pop("result")
                ours = self.traces.get((name, "forward"))
                m.update(
                    what="Odoo _find_delivery_ids_by_lot",
                    lot=name,
                    pickings=result,
                    versus="ours forward",
                    ratio=self.ratio(ours, m),
                )
                record["rows"].append(m)
                print(f"[bench]   {name} deliveries: {self.fmt_row(m)}", flush=True)

        return run

    @property
    def step_recall(self):
        @self.step("3", "mock recall, its PDF (summary + XLSX annex), FSMA spreadsheet")
        def run(record):
            if not self.has_model("stock.lot.recall"):
                raise Skip("feature not installed (model stock.lot.recall missing)")
            with self.env(SUPERUSER_ID) as env:
                pdf_name = env.ref("lot_traceability.action_report_recall").report_name
                has_export = "stock.lot.trace.export" in env
                threshold = env["ir.config_parameter"].get_param(
                    "lot_traceability.recall_background_lines", 20000
                )

            def recall(env, lot_id, background=True):
                """A mock recall run as the user starts it: ``action_run``, then,
                when the result is large enough to be queued, the background job
                that the cron trigger starts at once."""
                rec = env["stock.lot.recall"].create(
                    {"lot_ids": [(6, 0, [lot_id])], "kind": "mock"}
                )
                rec.action_run()
                queued = rec.state == "queued"
                if queued and background:
                    env["stock.lot.recall"]._cron_run_queued()
                env.flush_all()
                return rec, queued

            for name, lot_id in self.lots():
                reps = 5 if name == "typical" else 3

                def wait(env, lot_id=lot_id):
                    rec, queued = recall(env, lot_id, background=False)
                    return queued, rec.estimated_lines

                m = self.measure(wait, capped=True, reps=reps)
                queued, estimate = m.pop("result") or (None, None)
                m.update(
                    what="mock recall: action_run (what the user waits for)",
                    lot=name,
                    note=f"{'queued' if queued else 'ran in the foreground'}: "
                    f"{estimate} move lines estimated, threshold {threshold}",
                )
                record["rows"].append(m)
                print(f"[bench]   {name} recall wait: {self.fmt_row(m)}", flush=True)

                def full(env, lot_id=lot_id):
                    rec, queued = recall(env, lot_id)
                    env.cr.execute(
                        "SELECT count(*) FROM stock_lot_recall_line "
                        "WHERE recall_id = %s",
                        [rec.id],
                    )
                    return rec.lot_count, env.cr.fetchone()[0], rec.customer_count

                m = self.measure(full, capped=True, reps=reps)
                lots, rows, customers = m.pop("result") or (None, None, None)
                m.update(
                    what="mock recall: traced, stored and sealed"
                    + (" (background job included)" if queued else ""),
                    lot=name,
                    reached=lots,
                    note=f"{rows} result rows, {customers} customers",
                )
                record["rows"].append(m)
                print(f"[bench]   {name} recall: {self.fmt_row(m)}", flush=True)

                pdf_runs = []

                def pdf(env, lot_id=lot_id, pdf_runs=pdf_runs):
                    rec, __ = recall(env, lot_id)
                    started = time.perf_counter()
                    content, __ = (
                        env["ir.actions.report"]
                        .with_context(force_report_rendering=True)
                        ._render_qweb_pdf(pdf_name, rec.ids)
                    )
                    pdf_runs.append(time.perf_counter() - started)
                    annex = env["ir.attachment"].search(
                        [("res_model", "=", rec._name), ("res_id", "=", rec.id)]
                    )
                    return len(content), sum(annex.mapped("file_size"))

                m = self.measure(pdf, capped=True, reps=reps)
                size, annex_size = m.pop("result") or (0, 0)
                # the PDF alone (with its annex), without the recall before it
                only = {
                    "cold_ms": round(pdf_runs[0] * 1000, 1) if pdf_runs else None,
                    "p50_ms": round(statistics.median(pdf_runs[1:]) * 1000, 1)
                    if len(pdf_runs) > 1
                    else None,
                    "p95_ms": round(percentile(pdf_runs[1:], 95) * 1000, 1)
                    if len(pdf_runs) > 1
                    else None,
                    "runs": max(len(pdf_runs) - 1, 0),
                    "cold": m["cold"],
                }
                only.update(
                    what=f"recall PDF ({pdf_name}) with its XLSX annex",
                    lot=name,
                    note=f"PDF {size / 1024:.0f} KiB, "
                    f"annex {annex_size / 1024:.0f} KiB",
                )
                record["rows"].append(only)
                print(f"[bench]   {name} recall PDF: {self.fmt_row(only)}", flush=True)
            if has_export:
                m = self.measure(
                    lambda env: env["stock.lot.trace.export"]
                    .create(
                        {
                            "recall_id": recall(env, self.typical)[0].id,
                            "file_format": "fsma_xlsx",
                        }
                    )
                    ._fsma_xlsx(),
                    capped=True,
                    reps=5,
                )
                m.pop("result")
                m.update(
                    what="FSMA 204 spreadsheet (stock.lot.trace.export, XLSX) "
                    "incl. recall",
                    lot="typical",
                )
                record["rows"].append(m)

        return run

    @property
    def step_delivery(self):
        @self.step("4", "reservation + validation of a 500-line delivery")
        def run(record):
            with self.env(SUPERUSER_ID) as env:
                # lots with stock, product by product, until 500 lines
                env.cr.execute(
                    """
                    SELECT q.product_id, q.quantity
                      FROM stock_quant q
                      JOIN stock_location l ON l.id = q.location_id
                      JOIN product_product pp ON pp.id = q.product_id
                     WHERE l.usage = 'internal' AND q.quantity > 0
                       AND q.lot_id IS NOT NULL
                       AND pp.default_code LIKE 'L%%'
                     ORDER BY q.product_id, q.in_date, q.lot_id
                    """
                )
                demand = {}
                lines = 0
                for product_id, qty in env.cr.fetchall():
                    if lines == 500:
                        break
                    demand[product_id] = demand.get(product_id, 0) + float(qty)
                    lines += 1
                warehouse = env["stock.warehouse"].search(
                    [("company_id", "=", env.company.id)], limit=1
                )
                out_type_id = warehouse.out_type_id.id
                stock_id = warehouse.lot_stock_id.id
                customer_id = (
                    env["res.partner"]
                    .search([("name", "like", "Bench Customer")], limit=1)
                    .id
                )
            if lines < 500:
                raise HarnessError(f"only {lines} lots in stock for the delivery")

            def deliver(env, context=None):
                env = env(context=dict(env.context, **(context or {})))
                picking = env["stock.picking"].create(
                    {
                        "picking_type_id": out_type_id,
                        "partner_id": customer_id,
                        "location_id": stock_id,
                        "location_dest_id": env.ref(
                            "stock.stock_location_customers"
                        ).id,
                        "move_ids": [
                            (
                                0,
                                0,
                                {
                                    "name": "bench",
                                    "product_id": product_id,
                                    "product_uom_qty": qty,
                                    "location_id": stock_id,
                                    "location_dest_id": env.ref(
                                        "stock.stock_location_customers"
                                    ).id,
                                },
                            )
                            for product_id, qty in demand.items()
                        ],  # fmt: skip
                    }
                )
                picking.action_confirm()
                env.flush_all()
                queries = env.cr.sql_log_count
                started = time.perf_counter()
                picking.action_assign()
                count = len(picking.move_line_ids)
                picking.move_ids.picked = True
                result = picking.button_validate()
                env.flush_all()
                elapsed = time.perf_counter() - started
                queries = env.cr.sql_log_count - queries
                if result is not True or picking.state != "done" or count != 500:
                    raise HarnessError(
                        f"the delivery was not validated ({picking.state}, "
                        f"{count} lines)"
                    )
                return elapsed, queries

            def measure_variant(what, context=None, disabled=False):
                runs = []

                def fn(env):
                    runs.append(deliver(env, context))
                    return runs[-1]

                if disabled:
                    with holds_disabled(self.registry):
                        m = self.measure(fn, reps=5)
                else:
                    m = self.measure(fn, reps=5)
                m.pop("result")
                # reservation + validation only (not the picking's creation)
                cold, warm = runs[0][0], [run[0] for run in runs[1:]]
                m.update(
                    what=what,
                    lot="500 lines",
                    queries=runs[-1][1],
                    cold_ms=round(cold * 1000, 1),
                    p50_ms=round(statistics.median(warm) * 1000, 1),
                    p95_ms=round(percentile(warm, 95) * 1000, 1),
                )
                record["rows"].append(m)
                print(f"[bench]   {what}: {self.fmt_row(m)}", flush=True)
                return m

            measure_variant("reserve + validate (module installed)")
            if not self.has_model("stock.lot.hold"):
                record["rows"].append(
                    {
                        "what": "reserve + validate, hold enforcement disabled",
                        "note": "skipped: feature not installed (model stock.lot.hold "
                        "missing)",
                    }
                )
                return
            enforced = record["rows"][-1]
            missing = [
                f"{model}.{name}"
                for model, name, __ in HOLD_HOOKS
                if not hasattr(self.registry[model], name)
            ]
            if missing:
                record["rows"].append(
                    {
                        "what": "reserve + validate, hold enforcement disabled",
                        "note": "skipped: the hold hooks this step switches off are "
                        f"missing ({', '.join(missing)})",
                    }
                )
                return
            disabled = measure_variant(
                "reserve + validate, hold enforcement disabled", disabled=True
            )
            enforced["ratio"] = round(enforced["p50_ms"] / disabled["p50_ms"], 3)
            enforced["note"] = (
                f"hold overhead {100 * (enforced['ratio'] - 1):+.1f} % (p50)"
            )
            # The two series above ran one after the other: on a shared machine
            # the load drifts more than 5 %. Pairs run back to back compare
            # better: the overhead is the median of the pairs' ratios.
            ratios = []
            for __ in range(7):
                with self.env() as env:
                    with_holds = deliver(env)[0]
                with holds_disabled(self.registry), self.env() as env:
                    without = deliver(env)[0]
                ratios.append(with_holds / without)
            overhead = statistics.median(ratios)
            record["rows"].append(
                {
                    "what": "hold overhead, 7 interleaved pairs",
                    "lot": "500 lines",
                    "ratio": round(overhead, 3),
                    "note": f"median {100 * (overhead - 1):+.1f} % (pairs from "
                    f"{100 * (min(ratios) - 1):+.1f} % to "
                    f"{100 * (max(ratios) - 1):+.1f} %)",
                }
            )
            print(f"[bench]   {record['rows'][-1]['note']}", flush=True)

        return run

    @property
    def step_install(self):
        @self.step("5", "install-time work on existing history")
        def run(record):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute(
                    SQL("DROP INDEX IF EXISTS %s", SQL.identifier(lot_done_index()))
                )
                started = time.perf_counter()
                env["stock.move.line"].init()
                elapsed = time.perf_counter() - started
                cr.execute(
                    "SELECT 1 FROM pg_indexes WHERE indexname = %s", [lot_done_index()]
                )
                if not cr.fetchone():
                    raise HarnessError(
                        "stock.move.line.init() did not create the index"
                    )
                cr.commit()
            record["rows"].append(
                {
                    "what": f"index creation ({lot_done_index()})",
                    "lot": "-",
                    "cold_ms": round(elapsed * 1000, 1),
                    "runs": 1,
                    "note": "stock.move.line init() on the whole table",
                }
            )
            if not self.has_model("stock.lot.event"):
                record["rows"].append(
                    {
                        "what": "event backfill",
                        "note": "skipped: feature not installed (model stock.lot.event "
                        "missing)",
                    }
                )
                return
            with self.env(SUPERUSER_ID) as env:
                Event = env["stock.lot.event"]
                method = next((m for m in dir(Event) if "backfill" in m), None)
                if not method:
                    record["rows"].append(
                        {"what": "event backfill", "note": "no *backfill* method found"}
                    )
                    return
                env.cr.execute("SELECT count(*) FROM stock_lot_event")
                existing = env.cr.fetchone()[0]
                # the table is append-only (a trigger refuses DELETE): lift it
                # inside this transaction, which is rolled back at the end
                env.cr.execute("ALTER TABLE stock_lot_event DISABLE TRIGGER USER")
                env.cr.execute("DELETE FROM stock_lot_event")
                env.cr.execute("ALTER TABLE stock_lot_event ENABLE TRIGGER USER")
                started = time.perf_counter()
                getattr(Event, method)()
                env.flush_all()
                elapsed = time.perf_counter() - started
                env.cr.execute("SELECT count(*) FROM stock_lot_event")
                created = env.cr.fetchone()[0]
            record["rows"].append(
                {
                    "what": f"event backfill ({method})",
                    "lot": "-",
                    "cold_ms": round(elapsed * 1000, 1),
                    "runs": 1,
                    "note": f"{created} events (had {existing}; rolled back)",
                }
            )

        return run

    @property
    def step_queries(self):
        @self.step("6", "SQL queries per trace, plan of the walk")
        def run(record):
            counts = {
                f"{name} {direction}": m["query_count"]
                for (name, direction), m in self.traces.items()
            }
            # within this database: the same count for a lot reaching 20 lots
            # and one reaching thousands (traces without any edge skip the
            # manufacturing-orders query, so they are compared apart)
            by_direction = {}
            for (__, direction), m in self.traces.items():
                by_direction.setdefault((direction, m["edges"] > 0), set()).add(
                    m["query_count"]
                )
            same = all(len(v) == 1 for v in by_direction.values())
            record["rows"].append(
                {
                    "what": "queries per trace, typical vs hub lot",
                    "lot": "-",
                    "note": ", ".join(f"{k}: {v}" for k, v in counts.items()),
                    "ok": same,
                }
            )
            # the other scales' latest results, if any
            others = {}
            for path in glob.glob(os.path.join(self.results_dir, "*-latest.json")):
                with open(path) as f:
                    other = json.load(f)
                if other.get("scale") == self.scale:
                    continue
                for step in other.get("steps", []):
                    if step["key"] == "1":
                        others[other["scale"]] = {
                            f"{row['lot']} {row['what'].split()[-1]}": (
                                row["query_count"],
                                row["edges"] > 0,
                            )
                            for row in step["rows"]
                        }
            mine = {
                f"{name} {direction}": (m["query_count"], m["edges"] > 0)
                for (name, direction), m in self.traces.items()
            }
            for scale, theirs in sorted(others.items()):
                # compared where both traces have edges or both have none
                pairs = {
                    key: (mine[key][0], theirs[key][0])
                    for key in mine.keys() & theirs.keys()
                    if mine[key][1] == theirs[key][1]
                }
                differ = {k: pair for k, pair in pairs.items() if pair[0] != pair[1]}
                record["rows"].append(
                    {
                        "what": f"queries per trace, {self.scale} vs {scale}",
                        "lot": "-",
                        "note": f"equal on {len(pairs)} comparable traces"
                        if not differ
                        else f"differ ({self.scale}, {scale}): {differ}",
                        "ok": not differ,
                    }
                )
            # EXPLAIN (ANALYZE, BUFFERS) of every statement of the trace,
            # captured from the cursor while the trace runs
            for name, lot_id in self.lots():
                statements = self.capture_trace_statements(lot_id)
                walk = [q for q in statements if "WITH RECURSIVE" in q.code]
                if len(walk) != 1:
                    raise HarnessError(f"{len(walk)} walk statements captured")
                texts, details = [], []
                for query in statements:
                    with self.env() as env:
                        env.cr.execute(
                            SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s", query)
                        )
                        plan = env.cr.fetchone()[0][0]
                        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
                        text = "\n".join(row[0] for row in env.cr.fetchall())
                    head = " ".join(query.code.split())[:70]
                    texts.append(f"-- {head}\n{text}\n")
                    scans = full_scans(plan["Plan"])
                    if query is walk[0]:
                        walk_plan, walk_scans = plan, scans
                    elif scans:
                        details.append(f"{head[:40]}…: {', '.join(scans)}")
                os.makedirs(self.results_dir, exist_ok=True)
                path = os.path.join(
                    self.results_dir, f"explain-{self.scale}-{name}.txt"
                )
                with open(path, "w") as f:
                    f.write("\n".join(texts))
                record["rows"].append(
                    {
                        "what": "walk plan: full scan of stock_move_line",
                        "lot": name,
                        "p50_ms": round(walk_plan["Execution Time"], 1),
                        "note": (
                            "YES: " + ", ".join(walk_scans) if walk_scans else "no"
                        )
                        + f" (shared hit {walk_plan['Plan'].get('Shared Hit Blocks')}, "
                        f"read {walk_plan['Plan'].get('Shared Read Blocks')}; "
                        f"plans: bench/results/{os.path.basename(path)})",
                        "ok": not walk_scans,
                    }
                )
                record["rows"].append(
                    {
                        "what": "detail statements: full scans of stock_move_line",
                        "lot": name,
                        "note": "; ".join(details) or "none",
                    }
                )

        return run

    @property
    def step_memory(self):
        @self.step("7", "peak memory of the hub-lot trace")
        def run(record):
            import psutil

            process = psutil.Process()
            with self.env() as env:
                lot = env["stock.lot"].browse(self.hub)
                rss = process.memory_info().rss
                tracemalloc.start()
                trace = lot.trace("both")
                __, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rss_after = process.memory_info().rss
            size = len(json.dumps(trace, default=str))
            record["rows"].append(
                {
                    "what": "hub trace both: Python peak (tracemalloc)",
                    "lot": "hub",
                    "reached": trace["stats"]["lot_count"],
                    "memory_mib": round(peak / 2**20, 1),
                    "note": f"{round(peak / 2**20, 1)} MiB peak, RSS growth "
                    f"{round((rss_after - rss) / 2**20, 1)} MiB, JSON "
                    f"{round(size / 2**20, 1)} MiB",
                }
            )

        return run

    @property
    def step_screen(self):
        @self.step("8", "trace screen first paint and lot form")
        def run(record):
            if not self.has_model("stock.lot.trace.screen"):
                raise Skip(
                    "feature not installed (model stock.lot.trace.screen missing)"
                )
            with self.env() as env:
                spec = lot_form_spec(env)
            for name, lot_id in self.lots():

                def first_paint(env, lot_id=lot_id):
                    screen = env["stock.lot.trace.screen"].get_screen([lot_id], "both")
                    return len(json.dumps(screen, default=str)), screen

                m = self.measure(first_paint)
                size, screen = m.pop("result")
                m.update(
                    what="screen first paint (get_screen, both)",
                    lot=name,
                    reached=screen["totals"]["lots"],
                    json_bytes=size,
                    note=f"JSON {size / 2**20:.2f} MiB, "
                    f"{len(screen['graph']['nodes'])} graph nodes, "
                    f"{screen['totals']['customers']} customers, "
                    f"{screen['totals']['deliveries']} delivery lines, "
                    f"trace {screen['stats']['elapsed_ms']:g} ms",
                )
                record["rows"].append(m)
                print(f"[bench]   {name} first paint: {self.fmt_row(m)}", flush=True)

                def page(env, lot_id=lot_id, token=screen["token"]):
                    return env["stock.lot.trace.screen"].get_table(
                        [lot_id], "both", "deliveries", 50, 50, token=token
                    )

                m = self.measure(page)
                answer = m.pop("result")
                m.update(
                    what="screen next page (get_table deliveries, same snapshot)",
                    lot=name,
                    note="served from the snapshot"
                    if answer["token"] == screen["token"]
                    else "snapshot missed: traced again",
                )
                record["rows"].append(m)

                def form(env, lot_id=lot_id):
                    return env["stock.lot"].browse(lot_id).web_read(spec)

                m = self.measure(form)
                values = m.pop("result")[0]
                m.update(
                    what="lot form read (web_read of the form's fields)",
                    lot=name,
                    note=f"{len(spec)} fields; upstream {values['upstream_count']}, "
                    f"downstream {values['downstream_count']} (direct)",
                )
                record["rows"].append(m)
                print(f"[bench]   {name} lot form: {self.fmt_row(m)}", flush=True)

        return run

    def capture_trace_statements(self, lot_id):
        """The SQL statements a trace runs (but the statement-timeout ones)."""
        captured = []
        original = odoo.sql_db.Cursor.execute

        def spy(cr, query, params=None, log_exceptions=True):
            if isinstance(query, SQL):
                sql = query
            elif isinstance(params, dict):
                sql = SQL(query, **params)
            else:
                sql = SQL(query, *(params or ()))
            if "statement_timeout" not in sql.code:
                captured.append(sql)
            return original(cr, query, params, log_exceptions)

        with self.env() as env:
            lot = env["stock.lot"].browse(lot_id)
            lot.check_access("read")
            env.flush_all()
            odoo.sql_db.Cursor.execute = spy
            try:
                lot.trace("both")
            finally:
                odoo.sql_db.Cursor.execute = original
        return [
            q
            for q in captured
            if q.code.lstrip().upper().startswith(("SELECT", "WITH"))
        ]

    # ---------------------------------------------------------------- output
    @staticmethod
    def ratio(ours, theirs):
        if not ours or not ours.get("p50_ms"):
            return None
        if theirs.get("over_cap") and not theirs.get("p50_ms"):
            return "cap"
        return round(theirs["p50_ms"] / ours["p50_ms"], 1) if theirs["p50_ms"] else None

    def fmt_ms(self, value, over=False):
        if over and value is None:
            return f"> {self.cap:g} s"
        if value is None:
            return "-"
        return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"

    def fmt_row(self, m):
        return (
            f"cold {self.fmt_ms(m.get('cold_ms'), m.get('over_cap'))}, "
            f"p50 {self.fmt_ms(m.get('p50_ms'), m.get('over_cap'))}, "
            f"p95 {self.fmt_ms(m.get('p95_ms'), m.get('over_cap'))} "
            f"({m.get('runs')} runs)"
        )

    def markdown(self, result):
        data = result["data"]
        rows = data["rows"]
        m = result["machine"]
        out = [
            f"### Scale `{result['scale']}` — {rows['stock_move_line']:,} move lines, "
            f"{rows['stock_lot']:,} lots, {rows['mrp_production']:,} MOs, "
            f"{rows['stock_picking']:,} pickings",
            "",
            f"{result['date']}, {m['cpus']} cores, {m['memory_gib']} GiB, "
            f"{m.get('os', m['platform'])}, PostgreSQL {m['postgresql']}, "
            f"Python {m['python']}; {result['reps']} warm runs (Odoo: "
            f"{self.odoo_reps}), cap {self.cap:g} s per Odoo run. Typical lot "
            f"`{data['typical_lot']['name']}`, hub lot `{data['hub_lot']['name']}`. "
            "Cold = first run after a PostgreSQL restart (OS file cache kept).",
            "",
            "| # | measurement | lot | lots reached | queries | cold | p50 warm "
            "| p95 warm | runs | Odoo / ours (p50) | note |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for step in result["steps"]:
            if step["status"] != "ok":
                out.append(
                    f"| {step['key']} | {step['title']} | | | | | | | | | "
                    f"{step['status']}: {step.get('reason', '')} |"
                )
                continue
            for row in step["rows"]:
                over = row.get("over_cap")
                ratio = row.get("ratio")
                if ratio == "cap":
                    ratio = "Odoo > cap"
                elif ratio is not None:
                    ratio = f"{ratio:g}x" if step["key"] == "2" else f"{ratio:g}"
                note = row.get("note", "")
                if "lines" in row and row["lines"] is not None:
                    calls = row["get_lines_calls"]
                    note = f"{row['lines']} lines, {calls} get_lines calls"
                if "pickings" in row and row["pickings"] is not None:
                    note = f"{row['pickings']} pickings"
                if "deliveries" in row:
                    note = f"{row['edges']} edges, {row['deliveries']} delivery lines"
                if "ok" in row and not row["ok"]:
                    note = f"**FAILED** {note}"
                out.append(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                        step["key"],
                        row.get("what", ""),
                        row.get("lot", ""),
                        row.get("reached", ""),
                        row.get("query_count", row.get("queries", "")) or "",
                        self.fmt_ms(row.get("cold_ms"), over)
                        if "cold_ms" in row
                        else "",
                        self.fmt_ms(row.get("p50_ms"), over) if "p50_ms" in row else "",
                        self.fmt_ms(row.get("p95_ms"), over) if "p95_ms" in row else "",
                        row.get("runs", ""),
                        ratio if ratio is not None else "",
                        note,
                    )
                )
        failed = [c for c in result["checks"] if not c["ok"]]
        out.append("")
        out.append(
            f"Checks: {len(result['checks']) - len(failed)}/{len(result['checks'])} "
            "passed"
            + (
                ""
                if not failed
                else " — FAILED: "
                + "; ".join(f"{c['name']} ({c['detail']})" for c in failed)
            )  # fmt: skip
        )
        return "\n".join(out) + "\n"
