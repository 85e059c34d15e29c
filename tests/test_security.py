# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Roles, company isolation and the addon's attack surface (SQL built from
strings, public methods callable over RPC)."""

import ast
import inspect
import pathlib

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import LotTraceabilityCase
from .flows import Flows

AUDITOR = "lot_traceability.group_lot_traceability_auditor"
USER = "lot_traceability.group_lot_traceability_user"
MANAGER = "lot_traceability.group_lot_traceability_manager"
ADDON = pathlib.Path(__file__).resolve().parent.parent / "lot_traceability"

# Every public method of the addon's models, i.e. callable by any client over
# RPC (subject to access rights). Adding one is a conscious decision: add it
# here after checking it checks the caller's rights itself.
CLIENT_CALLABLE = {
    "mrp.production": {"action_trace_lots", "action_print_lot_labels"},
    "stock.picking": {
        "action_trace_lots",
        "action_print_lot_labels",
        "action_open_epcis_import",
        "import_epcis",
    },
    "stock.lot.epcis.import": {"action_import"},
    "stock.lot": {
        "action_new_recall",
        "action_print_dossier",
        "action_view_recalls",
        "trace",
        "action_open_trace",
        "action_open_upstream",
        "action_open_downstream",
        "action_place_hold",
        "action_view_holds",
        "action_view_events",
    },
    "stock.lot.hold": {
        "action_place",
        "action_open_decision",
        "action_decide",
        "action_move_to_quarantine",
        "action_view_lots",
    },
    "stock.lot.event": {
        "action_verify_audit_trail",
        "action_seal_now",
        "get_head_hash",
        "action_open_document",
    },
    "stock.lot.event.verification": {"action_verify"},
    "stock.lot.hold.wizard": {"action_confirm"},
    "stock.lot.hold.decision": {"action_confirm"},
    # the abstract signing dialog both of them inherit (checks the signer)
    "lot.signature.dialog": {"action_confirm"},
    "stock.lot.hold.register": {"action_print"},
    "stock.lot.trace.screen": {
        "get_screen",
        "get_table",
        "get_graph_expand",
        "get_partner_documents",
    },
    "stock.lot.numbering.rule": {"action_reset_counter"},
    "stock.lot.recall": {
        "action_run",
        "action_hold_affected",
        "action_stop_open_deliveries",
        "action_prepare_notices",
        "action_mark_complete",
        "action_open_complete",
        "action_export_customers",
        "action_print_report",
        "action_download_annex",
    },
    "stock.lot.recall.customer": {"action_verify"},
    "stock.lot.recall.complete": {"action_confirm"},
    "stock.lot.recall.notice": {"action_send"},
    "stock.lot.trace.export": {"action_export"},
}
# ORM and framework entry points the addon overrides (guarded by ACLs).
FRAMEWORK = {"init", "create", "write", "unlink", "copy"}


def overrides_odoo(cls, name):
    """``name`` is a method Odoo itself already exposes on the model: the addon
    extends it, it does not open a new entry point."""
    return any(
        name in vars(klass)
        for klass in cls.__mro__
        if klass.__module__.startswith("odoo.addons.")
        and not klass.__module__.startswith("odoo.addons.lot_traceability.")
    )


class SecurityCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Isolated Co B"})
        cls.f_a = Flows(cls.env)
        cls.f_b = Flows(cls.env(context={"allowed_company_ids": [cls.company_b.id]}))
        cls.f_b.company = cls.company_b
        cls.product_a = cls.f_a.product("Sec Flour A")
        cls.product_b = cls.f_b.product("Sec Flour B")
        cls.lot_a = cls.f_a.lot(cls.product_a, "SEC-A-1")
        cls.lot_b = cls.f_b.lot(cls.product_b, "SEC-B-1")
        cls.f_a.receive(
            cls.f_a.partner("Sec Supplier A"), cls.product_a, [(cls.lot_a, 10.0)]
        )
        cls.f_b.receive(
            cls.f_b.partner("Sec Supplier B"), cls.product_b, [(cls.lot_b, 10.0)]
        )
        cls.reason = cls.env.ref("lot_traceability.hold_reason_contamination")
        cls.hold_a = cls.env["stock.lot.hold"].create(
            {"lot_ids": [Command.set(cls.lot_a.ids)], "reason_id": cls.reason.id}
        )
        cls.hold_a.action_place()
        cls.hold_b = (
            cls.env["stock.lot.hold"]
            .with_company(cls.company_b)
            .create(
                {
                    "lot_ids": [Command.set(cls.lot_b.ids)],
                    "reason_id": cls.reason.id,
                    "company_id": cls.company_b.id,
                }
            )
        )
        cls.hold_draft_a = cls.env["stock.lot.hold"].create(
            {"lot_ids": [Command.set(cls.lot_a.ids)], "reason_id": cls.reason.id}
        )
        common = {"company_id": cls.company_a.id, "company_ids": [cls.company_a.id]}
        cls.auditor = new_test_user(cls.env, "sec.auditor", groups=AUDITOR, **common)
        cls.tracer = new_test_user(cls.env, "sec.user", groups=USER, **common)
        cls.stock_user = new_test_user(
            cls.env, "sec.stock", groups="stock.group_stock_user", **common
        )
        cls.events_a = cls.env["stock.lot.event"].search(
            [("company_id", "=", cls.company_a.id)]
        )
        cls.events_b = cls.env["stock.lot.event"].search(
            [("company_id", "=", cls.company_b.id)]
        )


class TestAuditor(SecurityCase):
    def test_reads_everything(self):
        env = self.env(user=self.auditor)
        lot = env["stock.lot"].browse(self.lot_a.id)
        self.assertEqual(lot.name, "SEC-A-1")
        self.assertEqual(lot.hold_state, "held")
        self.assertGreaterEqual(lot.event_count, 3)
        trace = lot.trace()
        self.assertEqual([row["name"] for row in trace["lots"]], ["SEC-A-1"])
        self.assertEqual(len(trace["receipts"]), 1)
        self.assertEqual(env["stock.lot.hold"].browse(self.hold_a.id).state, "active")
        self.assertTrue(env["stock.lot.hold.reason"].search([]))
        events = env["stock.lot.event"].search([])
        self.assertEqual(events, self.events_a)
        events.read(["payload", "hash", "lot_names"])
        self.assertIn(self.company_a.id, env["stock.lot.event"].get_head_hash())
        action = env["stock.lot.event"].action_verify_audit_trail()
        self.assertTrue(env[action["res_model"]].browse(action["res_id"]).all_ok)
        # reports: the trace screen and the hold register
        trace_action = lot.action_open_trace()
        self.assertEqual(trace_action["tag"], "lot_traceability.trace_screen")
        screen = env["stock.lot.trace.screen"].get_screen(lot.ids)
        self.assertEqual(screen["totals"]["lots"], 1)
        register = env["stock.lot.hold.register"].create(
            {"date_from": "2026-01-01", "date_to": "2026-12-31"}
        )
        self.assertEqual(register.action_print()["type"], "ir.actions.report")

    def test_changes_nothing(self):
        env = self.env(user=self.auditor)
        records = {
            "stock.lot": self.lot_a,
            "stock.lot.hold": self.hold_draft_a,
            "stock.lot.hold.reason": self.reason,
            "stock.lot.event": self.events_a[:1],
        }
        create_vals = {
            "stock.lot": {"name": "SEC-NEW", "product_id": self.product_a.id},
            "stock.lot.hold": {
                "lot_ids": [Command.set(self.lot_a.ids)],
                "reason_id": self.reason.id,
            },
            "stock.lot.hold.reason": {"name": "Auditor's reason", "code": "aud"},
            "stock.lot.event": {"event_type": "received"},
        }
        write_vals = {
            "stock.lot": {"name": "SEC-RENAMED"},
            "stock.lot.hold": {"description": "edited"},
            "stock.lot.hold.reason": {"name": "edited"},
            "stock.lot.event": {"payload": "{}"},
        }
        for model, record in records.items():
            with self.assertRaises(AccessError, msg=f"create {model}"):
                env[model].create(create_vals[model])
            with self.assertRaises(AccessError, msg=f"write {model}"):
                record.with_user(self.auditor).write(write_vals[model])
            with self.assertRaises(AccessError, msg=f"unlink {model}"):
                record.with_user(self.auditor).unlink()
        self.assertTrue(self.hold_draft_a.exists())
        with self.assertRaises(AccessError):
            self.lot_a.with_user(self.auditor).action_place_hold()
        with self.assertRaises(AccessError):
            self.hold_b.with_user(self.auditor).action_place()
        self.assertEqual(self.lot_a.name, "SEC-A-1")


class TestStockUserWithoutRole(SecurityCase):
    def test_cannot_call_traceability_methods(self):
        lot = self.lot_a.with_user(self.stock_user)
        self.assertEqual(lot.name, "SEC-A-1")  # Odoo's normal flows still work
        for call in (
            lot.trace,
            lot.action_open_trace,
            lot.action_open_upstream,
            lot.action_place_hold,
            self.hold_a.with_user(self.stock_user).action_move_to_quarantine,
            self.hold_a.with_user(self.stock_user).action_open_decision,
            self.env["stock.lot.event"].with_user(self.stock_user).get_head_hash,
            self.env["stock.lot.event"]
            .with_user(self.stock_user)
            .action_verify_audit_trail,
        ):
            with self.assertRaises(AccessError, msg=call.__name__):
                call()
        with self.assertRaises(AccessError):
            self.env["stock.lot.event"].with_user(self.stock_user).search([])
        self.assertEqual(lot.event_count, 0)

    def test_traceability_user_cannot_decide(self):
        with self.assertRaises(AccessError):
            self.hold_a.with_user(self.tracer)._decide("release", "why not")
        self.assertEqual(self.hold_a.state, "active")


class TestCompanyIsolation(SecurityCase):
    def test_events_of_other_company_invisible(self):
        self.assertTrue(self.events_b)
        for user in (self.auditor, self.tracer):
            Event = self.env["stock.lot.event"].with_user(user)
            self.assertFalse(Event.search([("company_id", "=", self.company_b.id)]))
            with self.assertRaises(AccessError):
                self.events_b[:1].with_user(user).read(["payload"])
            self.assertEqual(list(Event.get_head_hash()), [self.company_a.id])

    def test_verification_only_of_own_companies(self):
        action = (
            self.env["stock.lot.event"]
            .with_user(self.auditor)
            .action_verify_audit_trail()
        )
        verification = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(verification.line_ids.company_id, self.company_a)

    def test_lots_holds_and_traces_of_other_company_refused(self):
        for user in (self.auditor, self.tracer):
            env = self.env(user=user)
            self.assertFalse(env["stock.lot"].search([("name", "=", "SEC-B-1")]))
            self.assertFalse(
                env["stock.lot.hold"].search([("id", "=", self.hold_b.id)])
            )
            # AccessError (record rule) or UserError (company check): both refuse
            with self.assertRaises(UserError):
                env["stock.lot"].browse(self.lot_b.id).trace()
        # a trace never leaks the other company's partners or documents
        trace = self.lot_a.with_user(self.auditor).trace()
        partners = {row["partner_id"] for row in trace["receipts"]}
        self.assertNotIn(self.lot_b.id, {row["id"] for row in trace["lots"]})
        self.assertEqual(
            self.env["res.partner"].browse(partners).mapped("company_id"),
            self.company_a,
        )

    def test_chains_are_separate_per_company(self):
        self.env["stock.lot.ledger"]._seal(include_current_transaction=True)
        self.assertEqual(
            self.events_b.mapped("sequence"),
            sorted(self.events_b.mapped("sequence"), reverse=True),
        )
        self.assertEqual(min(self.events_b.mapped("sequence")), 1)
        for company in (self.company_a, self.company_b):
            self.assertTrue(self.env["stock.lot.event"]._verify_chain(company)["ok"])

    def test_every_new_model_has_a_company_rule(self):
        ours = self.env["ir.model"].search(
            [("model", "in", ["stock.lot.hold", "stock.lot.event"])]
        )
        for model in ours:
            rules = self.env["ir.rule"].search([("model_id", "=", model.id)])
            self.assertTrue(
                any("company_ids" in rule.domain_force for rule in rules), model.model
            )


# ---------------------------------------------------------------- source scan
def unsafe_sql_calls(source, filename="<source>"):
    """``cr.execute``/``SQL`` calls whose query is built with an f-string, ``%``,
    ``+`` or ``.format``: (file, line) pairs."""

    def built_from_strings(node):
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            return True
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
        )

    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else ""
        )
        if name in ("execute", "executemany", "SQL") and built_from_strings(
            node.args[0]
        ):
            found.append((filename, node.lineno))
    return found


class TestSourceScan(LotTraceabilityCase):
    def test_scanner_catches_string_built_sql(self):
        bad = (
            "cr.execute(f'SELECT * FROM t WHERE id = {x}')\n"
            "self.env.cr.execute('SELECT * FROM t WHERE name = %s' % name)\n"
            "cr.execute('SELECT ' + column + ' FROM t')\n"
            "cr.execute(SQL(f'DELETE FROM {table}'))\n"
            "cr.execute('SELECT {}'.format(x))\n"
        )
        self.assertEqual(len(unsafe_sql_calls(bad)), 5)
        good = "cr.execute(SQL('SELECT * FROM t WHERE id = %s', x))\n"
        self.assertEqual(unsafe_sql_calls(good), [])

    def test_no_sql_built_from_strings_in_the_addon(self):
        files = sorted(ADDON.rglob("*.py"))
        self.assertGreater(len(files), 10)
        found = []
        for path in files:
            found += unsafe_sql_calls(path.read_text(), str(path.relative_to(ADDON)))
        self.assertEqual(found, [], "SQL built from strings: use odoo.tools.SQL")

    def test_public_methods_are_meant_for_clients(self):
        public = {}
        for model_name in self.env.registry:
            cls = type(self.env[model_name])
            for klass in cls.__mro__:
                if not klass.__module__.startswith("odoo.addons.lot_traceability."):
                    continue
                for name, member in vars(klass).items():
                    if (
                        name.startswith("_")
                        or name in FRAMEWORK
                        or overrides_odoo(cls, name)
                        or not inspect.isfunction(member)
                        or getattr(member, "_api_private", False)
                    ):
                        continue
                    public.setdefault(model_name, set()).add(name)
        self.assertEqual(
            public,
            CLIENT_CALLABLE,
            "A public method is callable by any client over RPC: make helpers "
            "private (_name or @api.private) or add the method to CLIENT_CALLABLE "
            "after checking it checks the caller's rights.",
        )
