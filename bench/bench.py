# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark driver, run by ``bench/run`` with the project's venv.

    python bench/bench.py generate --db lt_bench_small --scale small
    python bench/bench.py measure --db lt_bench_small --scale small

``generate`` writes the synthetic history (see ``generate.py``) into a
database that already has the addon installed; ``measure`` checks the history
is consistent and readable by Odoo, then runs the measurements of issue 8 and
prints a markdown table; the JSON goes to ``bench/results/``. It exits
non-zero when the harness breaks (a check fails, a trace reaches nothing, a
step raises), never on a timing.
"""

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

from generate import Generator, log  # noqa: E402
from measure import Bench  # noqa: E402

import odoo  # noqa: E402
from odoo import SUPERUSER_ID, api  # noqa: E402


def registry_for(conf, db):
    odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
    logging.getLogger("odoo").setLevel(logging.WARNING)
    return odoo.modules.registry.Registry(db)


def cmd_generate(args):
    registry = registry_for(args.conf, args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        # the benchmark traces as the admin user with a Traceability role
        group = env.ref("lot_traceability.group_lot_traceability_auditor")
        env.ref("base.user_admin").groups_id = [(4, group.id)]
        info = Generator(env, args.scale).run()
        env["ir.config_parameter"].sudo().set_param(
            "lt_bench.addon_hash", args.addon_hash
        )
    log("generated: %s", info)
    return 0


def restart_pg():
    """Cold cache: restart our own PostgreSQL cluster (shared buffers emptied)."""
    if os.environ.get("LT_EXTERNAL_PG"):
        return False
    odoo.sql_db.close_all()
    subprocess.run(
        [
            "bash",
            "-c",
            "source setup/lib.sh && lt_pg_env && lt_stop_pg && lt_ensure_pg",
        ],
        cwd=ROOT,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return True


def machine():
    import psutil

    info = {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    info["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return info


def cmd_measure(args):
    registry = registry_for(args.conf, args.db)
    bench = Bench(
        registry,
        args.scale,
        reps=args.reps,
        cap=args.cap,
        restart=restart_pg if not args.no_cold else None,
        results_dir=args.results,
        only={key.strip() for key in args.steps.split(",") if key.strip()},
    )
    started = time.time()
    bench.run()
    result = {
        "scale": args.scale,
        "database": args.db,
        "addon_hash": args.addon_hash,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {**machine(), "postgresql": bench.pg_version},
        "reps": args.reps,
        "cap_seconds": args.cap,
        "data": bench.data,
        "checks": bench.checks,
        "steps": bench.steps,
        "errors": bench.errors,
        "seconds": round(time.time() - started, 1),
    }
    os.makedirs(args.results, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(args.results, f"{args.scale}-{stamp}.json")
    for name in (path, os.path.join(args.results, f"{args.scale}-latest.json")):
        with open(name, "w") as f:
            json.dump(result, f, indent=2, default=str)
    table = bench.markdown(result)
    with open(os.path.join(args.results, f"{args.scale}-latest.md"), "w") as f:
        f.write(table)
    print()
    print(table)
    print(f"JSON: {os.path.relpath(path, ROOT)}")
    if bench.errors:
        print(f"\nTHE HARNESS BROKE ({len(bench.errors)} error(s)):", file=sys.stderr)
        for error in bench.errors:
            print(f"- {error['step']}: {error['error']}", file=sys.stderr)
        return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("generate", "measure"))
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", choices=("small", "medium", "large"), required=True)
    parser.add_argument("--conf", default=os.path.join(ROOT, ".local", "odoo.conf"))
    parser.add_argument("--addon-hash", default="")
    parser.add_argument("--reps", type=int, default=7, help="warm repetitions")
    parser.add_argument("--cap", type=float, default=60.0, help="seconds per Odoo run")
    parser.add_argument("--no-cold", action="store_true", help="no PostgreSQL restart")
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument(
        "--steps", default="", help="only these steps, e.g. 0,1,8 (default: all)"
    )
    args = parser.parse_args()
    try:
        if args.command == "generate":
            return cmd_generate(args)
        return cmd_measure(args)
    except Exception:
        traceback.print_exc()
        return 1


if __name__ == "__main__":
    sys.exit(main())
