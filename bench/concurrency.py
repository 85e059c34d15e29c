# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Concurrency step of the benchmark: the ledger under parallel validations.

    python bench/concurrency.py --db lt_bench_small --scale small --http-port 8172
    (or ./bench/run --scale small --concurrency-only)

On a throwaway copy of the bench database (validations commit): prepares
one-line deliveries of lot-tracked stock (confirmed, reserved, picked), starts
a multi-worker Odoo (``--workers=4``) and has N XML-RPC clients (8, then 16)
validate them (``button_validate``), each client one delivery after the
other, after a warm-up (every worker loads its registry). The same runs again
with the ledger switched off in the server process
(``bench/odoo_without_ledger.py``: the ledger's append and the move lines'
event hook replaced by no-ops; nothing else changes). Runs alternate (on, off,
on, off) so the machine's drift hits both. Reports throughput, p50/p95
latency, the failures users saw, and, with the ledger on, that the seal chains
exactly one ``shipped`` event per line done. Then it inserts
``--seal-events`` synthetic events (default 1,000,000) and times the seal and
the verification of them.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import traceback
import uuid
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, Command, api  # noqa: E402
from odoo.sql_db import db_connect  # noqa: E402
from odoo.tools import SQL  # noqa: E402

ODOO_BIN = os.path.join(os.environ.get("ODOO_SRC", "/opt/odoo"), "odoo-bin")


def log(message, *args):
    print(f"[concurrency] {message % args}", file=sys.stderr, flush=True)


def admin_sql(query):
    with db_connect("postgres").cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(query)


def nearest_rank(values, share):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(round(share * len(ordered) + 0.4999)))
    return ordered[min(rank, len(ordered)) - 1]


class Concurrency:
    def __init__(self, args):
        self.args = args
        self.db = f"{args.db}_conc_{uuid.uuid4().hex[:6]}"
        self.password = uuid.uuid4().hex
        self.runs = []
        self.seal = {}

    # ------------------------------------------------------------ database
    def registry(self):
        return odoo.modules.registry.Registry(self.db)

    def env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def prepare(self, count):
        """``count`` one-line deliveries of distinct lots in stock, reserved
        and picked: each validation is one ``button_validate``."""
        with self.registry().cursor() as cr:
            env = self.env(cr)
            warehouse = env["stock.warehouse"].search([], limit=1)
            stock = warehouse.lot_stock_id
            customer = env.ref("stock.stock_location_customers")
            partner = env["res.partner"].create({"name": "Concurrency Customer"})
            cr.execute(
                SQL(
                    """
                    SELECT q.product_id, q.lot_id FROM stock_quant q
                      JOIN stock_lot l ON l.id = q.lot_id
                      JOIN product_product p ON p.id = q.product_id
                      JOIN product_template t ON t.id = p.product_tmpl_id
                     WHERE q.location_id = %s AND q.quantity - q.reserved_quantity >= 1
                       AND t.tracking = 'lot'
                       AND COALESCE(l.hold_state, 'free') <> 'held'
                     ORDER BY q.id DESC LIMIT %s
                    """,
                    stock.id,
                    count,
                )
            )
            rows = cr.fetchall()
            if len(rows) < count:
                raise RuntimeError(f"only {len(rows)} lots in stock for {count}")
            products = env["product.product"].browse({r[0] for r in rows})
            uom = {p.id: p.uom_id.id for p in products}
            pickings = env["stock.picking"].create(
                [
                    {
                        "picking_type_id": warehouse.out_type_id.id,
                        "partner_id": partner.id,
                        "location_id": stock.id,
                        "location_dest_id": customer.id,
                        "move_ids": [
                            Command.create(
                                {
                                    "name": "concurrency",
                                    "product_id": product_id,
                                    "product_uom_qty": 1.0,
                                    "product_uom": uom[product_id],
                                    "location_id": stock.id,
                                    "location_dest_id": customer.id,
                                }
                            )
                        ],
                    }
                    for product_id, __ in rows
                ]
            )
            pickings.action_confirm()
            for picking, (__, lot_id) in zip(pickings, rows, strict=True):
                move = picking.move_ids
                move.move_line_ids.unlink()
                env["stock.move.line"].create(
                    {
                        "move_id": move.id,
                        "product_id": move.product_id.id,
                        "product_uom_id": move.product_uom.id,
                        "location_id": stock.id,
                        "location_dest_id": customer.id,
                        "picking_id": picking.id,
                        "lot_id": lot_id,
                        "quantity": 1.0,
                        "picked": True,
                    }
                )
                move.picked = True
            env.ref("base.user_admin").password = self.password
            return pickings.ids

    # -------------------------------------------------------------- server
    def start_server(self, ledger):
        command = [
            sys.executable,
            os.path.join(HERE, "odoo_without_ledger.py"),
            "-c",
            self.args.conf,
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            "--workers=4",
            "--max-cron-threads=0",
            f"--http-port={self.args.http_port}",
            "--limit-time-real=600",
            "--limit-time-cpu=300",
            "--log-level=warn",
            f"--logfile={os.path.join(ROOT, '.local', 'log', 'bench-concurrency.log')}",
        ]
        process = subprocess.Popen(
            command,
            start_new_session=True,
            env=dict(os.environ, LT_BENCH_LEDGER="on" if ledger else "off"),
        )
        url = f"http://127.0.0.1:{self.args.http_port}/xmlrpc/2/common"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                uid = xmlrpc.client.ServerProxy(url).authenticate(
                    self.db, "admin", self.password, {}
                )
                if uid:
                    self.warm_up(uid)
                    return process, uid
            except (OSError, xmlrpc.client.Error):
                pass
            if process.poll() is not None:
                raise RuntimeError("the Odoo server stopped at start")
            time.sleep(1)
        self.stop_server(process)
        raise RuntimeError("the Odoo server did not answer within 180 s")

    def warm_up(self, uid):
        """Every worker loads the registry at its first request: not timed."""
        url = f"http://127.0.0.1:{self.args.http_port}/xmlrpc/2/object"

        def call():
            proxy = xmlrpc.client.ServerProxy(url, allow_none=True)
            for __ in range(3):
                proxy.execute_kw(
                    self.db, uid, self.password, "stock.picking", "search_count", [[]]
                )

        threads = [threading.Thread(target=call) for __ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop_server(self, process):
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)

    # ---------------------------------------------------------------- runs
    def run(self, clients, ledger):
        per_client = self.args.per_client
        picking_ids = self.prepare(clients * per_client)
        process, uid = self.start_server(ledger)
        latencies, failures, done = [], [], []
        lock = threading.Lock()
        url = f"http://127.0.0.1:{self.args.http_port}/xmlrpc/2/object"

        def client(ids):
            proxy = xmlrpc.client.ServerProxy(url, allow_none=True)
            for picking_id in ids:
                started = time.monotonic()
                try:
                    result = proxy.execute_kw(
                        self.db,
                        uid,
                        self.password,
                        "stock.picking",
                        "button_validate",
                        [[picking_id]],
                    )
                    elapsed = time.monotonic() - started
                    with lock:
                        latencies.append(elapsed)
                        if result is True:
                            done.append(picking_id)
                        else:
                            failures.append(f"{picking_id}: returned {result!r}")
                except xmlrpc.client.Fault as fault:
                    with lock:
                        failures.append(f"{picking_id}: {fault.faultString[-600:]}")
                except OSError as error:  # the server went away: the run is void
                    with lock:
                        failures.append(f"{picking_id}: connection: {error}")

        try:
            threads = [
                threading.Thread(target=client, args=(picking_ids[n::clients],))
                for n in range(clients)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
        finally:
            self.stop_server(process)
        run = {
            "clients": clients,
            "ledger": ledger,
            "validations": len(picking_ids),
            "done": len(done),
            "seconds": round(wall, 2),
            "throughput": round(len(done) / wall, 3),
            "p50": round(statistics.median(latencies), 3) if latencies else None,
            "p95": round(nearest_rank(latencies, 0.95), 3) if latencies else None,
            "failures": len(failures),
            "failure_messages": failures[:10],
            "module_failures": sum(
                1
                for failure in failures
                if "lot_traceability" in failure or "stock_lot_event" in failure
            ),
        }
        run.update(self.check(picking_ids, ledger))
        log("%s", {k: v for k, v in run.items() if k != "failure_messages"})
        self.runs.append(run)

    def check(self, picking_ids, ledger):
        """Lines done, and (ledger on) the shipped events the seal chained."""
        with self.registry().cursor() as cr:
            env = self.env(cr)
            sealed = env["stock.lot.ledger"]._seal() if ledger else {}
            cr.execute(
                SQL(
                    "SELECT count(*), count(e.id), count(e.sequence) "
                    "FROM stock_move_line ml LEFT JOIN stock_lot_event e "
                    "ON e.move_line_id = ml.id AND e.event_type = 'shipped' "
                    "WHERE ml.picking_id = ANY(%s) AND ml.state = 'done'",
                    picking_ids,
                )
            )
            lines, events, chained = cr.fetchone()
            result = {"lines_done": lines, "events": events, "events_sealed": chained}
            if ledger:
                company = env.company
                verified = env["stock.lot.ledger"]._verify(company)[0]
                result["chain_ok"] = verified["ok"]
                result["sealed_now"] = sum(sealed.values())
            return result

    # -------------------------------------------------------- seal timing
    def seal_timing(self, count):
        with self.registry().cursor() as cr:
            env = self.env(cr)
            company = env.company
            started = time.monotonic()
            cr.execute(
                SQL(
                    """
                    INSERT INTO stock_lot_event (
                        company_id, date, user_id, event_type, res_model, res_id,
                        document_name, lot_names, payload, move_line_id,
                        create_uid, create_date, write_uid, write_date)
                    SELECT %(c)s, now() AT TIME ZONE 'UTC', %(u)s, 'moved',
                           'stock.picking', g, 'WH/SYN/' || g, 'SYN-' || g,
                           '{"lots":[{"id":' || g || ',"name":"SYN-' || g
                           || '"}],"quantity":' || mod(g, 97) || '.0}',
                           NULL, %(u)s, now() AT TIME ZONE 'UTC', %(u)s,
                           now() AT TIME ZONE 'UTC'
                      FROM generate_series(1, %(n)s) AS g
                    """,
                    c=company.id,
                    u=SUPERUSER_ID,
                    n=count,
                )
            )
            insert = time.monotonic() - started
        with self.registry().cursor() as cr:
            env = self.env(cr)
            started = time.monotonic()
            sealed = env["stock.lot.ledger"]._seal()
            seal = time.monotonic() - started
        with self.registry().cursor() as cr:
            env = self.env(cr)
            started = time.monotonic()
            result = env["stock.lot.ledger"]._verify(env.company)[0]
            verify = time.monotonic() - started
        self.seal = {
            "events": count,
            "insert_seconds": round(insert, 1),
            "sealed": sum(sealed.values()),
            "seal_seconds": round(seal, 1),
            "verified": result["count"],
            "verify_ok": result["ok"],
            "verify_seconds": round(verify, 1),
        }
        log("seal timing: %s", self.seal)

    # -------------------------------------------------------------- report
    def markdown(self):
        lines = [
            f"### Concurrency: validations over XML-RPC, 4 workers ({self.args.scale})",
            "",
            "| clients | ledger | done/asked | throughput (/s) | ratio on/off "
            "| p50 (s) | p95 (s) | failures (module's) | events sealed = lines done |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for clients in self.args.clients:
            runs = [r for r in self.runs if r["clients"] == clients]
            on = [r for r in runs if r["ledger"]]
            off = [r for r in runs if not r["ledger"]]
            ratio = None
            if on and off:
                ratio = statistics.median(r["throughput"] for r in on) / max(
                    statistics.median(r["throughput"] for r in off), 1e-9
                )
            for run in runs:
                sealed = (
                    f"{run['events_sealed']} = {run['lines_done']}"
                    f" {'yes' if run['events_sealed'] == run['lines_done'] else 'NO'}"
                    f", chain {'ok' if run.get('chain_ok') else 'BROKEN'}"
                    if run["ledger"]
                    else f"(off: {run['events']} events)"
                )
                lines.append(
                    f"| {clients} | {'on' if run['ledger'] else 'off'} "
                    f"| {run['done']}/{run['validations']} | {run['throughput']} "
                    f"| {f'{ratio:.2f}' if ratio and run['ledger'] else ''} "
                    f"| {run['p50']} | {run['p95']} "
                    f"| {run['failures']} ({run['module_failures']}) | {sealed} |"
                )
        if self.seal:
            s = self.seal
            lines += [
                "",
                f"Seal of {s['events']:,} synthetic events: {s['seal_seconds']} s "
                f"({s['sealed']:,} sealed); verification: {s['verify_seconds']} s "
                f"({s['verified']:,} entries, "
                f"{'intact' if s['verify_ok'] else 'BROKEN'})"
                f"; inserting them took {s['insert_seconds']} s.",
            ]
        return "\n".join(lines) + "\n"

    def main(self):
        admin_sql(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(self.db),
                SQL.identifier(self.args.db),
            )
        )
        errors = []
        try:
            for _round in range(self.args.rounds):
                for clients in self.args.clients:
                    for ledger in (True, False):
                        self.run(clients, ledger)
            if self.args.seal_events:
                self.seal_timing(self.args.seal_events)
        except Exception as error:  # reported, and the exit status says so
            traceback.print_exc()
            errors.append(repr(error))
        finally:
            odoo.modules.registry.Registry.delete(self.db)
            odoo.sql_db.close_db(self.db)
            admin_sql(
                SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(self.db))
            )
        os.makedirs(self.args.results, exist_ok=True)
        table = self.markdown()
        result = {
            "scale": self.args.scale,
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "runs": self.runs,
            "seal": self.seal,
            "errors": errors,
        }
        base = os.path.join(self.args.results, f"concurrency-{self.args.scale}-latest")
        with open(base + ".json", "w") as f:
            json.dump(result, f, indent=2)
        with open(base + ".md", "w") as f:
            f.write(table)
        print()
        print(table)
        broken = errors or any(
            r["ledger"] and r["events_sealed"] != r["lines_done"] for r in self.runs
        )
        return 1 if broken else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--conf", default=os.path.join(ROOT, ".local", "odoo.conf"))
    parser.add_argument("--http-port", type=int, default=8069)
    parser.add_argument(
        "--clients", type=lambda v: [int(n) for n in v.split(",")], default=[8, 16]
    )
    parser.add_argument("--per-client", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--seal-events", type=int, default=1_000_000)
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    return Concurrency(args).main()


if __name__ == "__main__":
    sys.exit(main())
