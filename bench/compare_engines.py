"""Two genealogy engines on the same bench database, interleaved.

Run in an Odoo shell on a bench database, with the path of another version's
``stock_lot_genealogy.py`` (e.g. ``git show 11e083b:lot_traceability/models/
stock_lot_genealogy.py > /tmp/old.py``)::

    LT_OLD_ENGINE=/tmp/old.py ./setup/odoo shell -d lt_bench_medium --no-http \
        < bench/compare_engines.py

Each repetition traces the hub and the typical lot with both engines, one
after the other in alternating order, each in a fresh cursor as an HTTP
request would: on a shared machine whose load drifts, the ratio of each pair
is fairer than two series measured minutes apart. Prints the p50 of each, the
median of the pairs' ratios, and whether both engines gave the same lots,
deliveries and receipts.
"""

import os
import statistics
import time

from odoo import api

env = globals()["env"]  # given by the Odoo shell

src = open(os.environ["LT_OLD_ENGINE"]).read()
src = src.replace(
    "class StockLotGenealogy(models.AbstractModel):", "class MainGenealogy:"
)
ns = {"__name__": "lt_main_genealogy"}
exec(compile(src, "old_genealogy", "exec"), ns)


class Proxy(ns["MainGenealogy"]):
    """The old engine's methods on a plain object (not a registry model)."""

    def __init__(self, env):
        self.env = env


registry = env.registry
env.cr.execute("SELECT id FROM stock_lot WHERE name = 'SALT-0000003'")
hub = env.cr.fetchone()[0]
env.cr.execute(
    "SELECT value FROM ir_config_parameter WHERE key = 'lt_bench.typical_lot_id'"
)
row = env.cr.fetchone()
typical = int(row[0]) if row else 11900
engines = {
    "branch": lambda e: e["stock.lot.genealogy"],
    "main": lambda e: Proxy(e),
}
reps = int(os.environ.get("LT_REPS", 7))
for name, lot_id in (("hub", hub), ("typical", typical)):
    for direction in ("forward", "both", "backward"):
        times = {"branch": [], "main": []}
        answers = {}
        for i in range(reps):
            order = ("branch", "main") if i % 2 == 0 else ("main", "branch")
            for engine in order:
                with registry.cursor() as cr:
                    e = api.Environment(cr, 2, {})
                    lot = e["stock.lot"].browse(lot_id)
                    start = time.perf_counter()
                    result = engines[engine](e)._trace(lot, direction)
                    times[engine].append(time.perf_counter() - start)
                    answers[engine] = (
                        sorted(r["id"] for r in result["lots"]),
                        sorted(r["move_line_id"] for r in result["deliveries"]),
                        sorted(r["move_line_id"] for r in result["receipts"]),
                        result["stats"]["query_count"],
                    )
                    cr.rollback()
        same = answers["branch"][:3] == answers["main"][:3]
        b, m = statistics.median(times["branch"]), statistics.median(times["main"])
        ratios = sorted(
            bt / mt for bt, mt in zip(times["branch"], times["main"], strict=True)
        )
        print(
            f"AB {name} {direction}: lots {len(answers['branch'][0])} "
            f"deliveries {len(answers['branch'][1])} same_answer={same} "
            f"queries main {answers['main'][3]} branch {answers['branch'][3]} | "
            f"p50 main {m*1000:.0f} ms, branch {b*1000:.0f} ms, "
            f"ratio of p50 {b / m:.3f}, "
            f"median pair ratio {statistics.median(ratios):.3f} "
            f"(pairs {ratios[0]:.2f}-{ratios[-1]:.2f})",
            flush=True,
        )
