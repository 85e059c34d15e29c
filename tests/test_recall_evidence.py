# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A traced recall is sealed evidence: nobody rewrites it, over RPC or not;
later facts are events of the audit trail; the report recomputes and checks
the fingerprint; large results run in the background and are stored in bulk.

"Over RPC" here is ``odoo.api.call_kw`` on an environment of the user: the
function ``/xmlrpc/2/object`` and ``/web/dataset/call_kw`` end in, with the
arguments a client sends (ids and values), so the ORM's access rights, record
rules and the models' guards apply exactly as for a remote client.
"""

import io
import json

import openpyxl

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import LotTraceabilityCase, pdf_text, render_pdf
from .flows import Flows

# AccessError (no access right) is a UserError, as are the models' guards
REFUSED = UserError


class RecallEvidenceCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = Flows(cls.env)
        cls.supplier = f.partner("EV Supplier")
        cls.alice = f.partner("EV Alice Foods")
        cls.bob = f.partner("EV Bob Bakery")
        cls.alice.email = "alice@example.com"
        cls.bob.email = "bob@example.com"
        cls.flour = f.product("EV Flour")
        cls.bread = f.product("EV Bread")
        cls.lot = f.lot(cls.flour, "FLOUR-1")
        f.receive(cls.supplier, cls.flour, [(cls.lot, 100.0)])
        cls.loaf, __ = f.produce(
            cls.bread, "BREAD-1", 40.0, [(cls.flour, [(cls.lot, 60.0)])]
        )
        f.deliver(cls.alice, cls.bread, [(cls.loaf, 25.0)])
        f.deliver(cls.bob, cls.bread, [(cls.loaf, 10.0)])
        f.deliver(cls.bob, cls.flour, [(cls.lot, 15.0)])
        cls.user = new_test_user(
            cls.env,
            "ev.user",
            groups="lot_traceability.group_lot_traceability_user",
            password="ev-user-pass-1",
        )
        cls.manager = new_test_user(
            cls.env,
            "ev.manager",
            groups="lot_traceability.group_lot_traceability_manager",
            password="ev-manager-pass-1",
        )
        cls.admin = cls.env.ref("base.user_admin")
        cls.roles = {"user": cls.user, "manager": cls.manager, "admin": cls.admin}

    def run_recall(self, kind="mock", user=None):
        Recall = self.env["stock.lot.recall"].with_user(user or self.manager)
        recall = Recall.create({"kind": kind, "lot_ids": [Command.set(self.lot.ids)]})
        recall.action_run()
        self.assertEqual(recall.state, "traced")
        return recall

    def rpc(self, user, model, method, *args):
        return call_kw(self.env(user=user)[model], method, list(args), {})

    def events(self, recall, event_type):
        return self.env["stock.lot.event"].search(
            [
                ("res_model", "=", "stock.lot.recall"),
                ("res_id", "=", recall.id),
                ("event_type", "=", event_type),
            ]
        )

    # ------------------------------------------------------------- the seal


class TestRecallEvidence(RecallEvidenceCase):
    def test_run_appends_sealed_results_to_the_ledger(self):
        recall = self.run_recall()
        event = self.events(recall, "recall_run")
        self.assertEqual(len(event), 1)
        self.assertEqual(event.user_id, self.manager)
        payload = json.loads(event.payload)
        self.assertEqual(payload["result_hash"], recall.result_hash)
        self.assertEqual(payload["kind"], "mock")
        self.assertEqual(payload["origins"], ["FLOUR-1"])
        self.assertIn("FLOUR-1", payload["scope"])
        self.assertEqual(payload["trace_ms"], recall.trace_ms)
        self.assertEqual(
            sorted(payload["customers"]),
            [["EV Alice Foods", 25.0, 0.0], ["EV Bob Bakery", 25.0, 0.0]],
        )
        # every affected lot: the origin first, then the bread made from it
        self.assertEqual(
            payload["balance"],
            [["FLOUR-1", 100.0, 0.0, 100.0], ["BREAD-1", 40.0, 0.0, 100.0]],
        )
        self.assertEqual(payload["lines"]["delivery"], 3)
        self.assertEqual(payload["lines"]["lot"], 2)
        check = self.env["stock.lot.recall.evidence"]._verify(recall)
        self.assertTrue(check["ok"], check["message"])

    def test_results_models_refuse_every_role_over_rpc(self):
        recall = self.run_recall()
        line = recall.delivery_line_ids[0]
        customer = recall.customer_ids[0]
        balance = recall.balance_ids[0]
        attempts = [
            ("stock.lot.recall.line", "write", [line.id], {"quantity": 1.0}),
            ("stock.lot.recall.line", "unlink", [line.id]),
            (
                "stock.lot.recall.line",
                "create",
                [{"recall_id": recall.id, "kind": "delivery", "quantity": 9.0}],
            ),
            ("stock.lot.recall.customer", "write", [customer.id], {"name": "Nobody"}),
            ("stock.lot.recall.customer", "write", [customer.id], {"verified": True}),
            ("stock.lot.recall.customer", "unlink", [customer.id]),
            ("stock.lot.recall.balance", "write", [balance.id], {"unaccounted": 0.5}),
            ("stock.lot.recall.balance", "unlink", [balance.id]),
        ]
        for role, user in self.roles.items():
            for model, method, *args in attempts:
                with self.assertRaises(REFUSED, msg=f"{role} {model}.{method}"):
                    self.rpc(user, model, method, *args)
        # sudo() alone (a server action) or the service's key alone: refused too
        for Line in (
            self.env["stock.lot.recall.line"].sudo(),
            self.env(user=self.admin)["stock.lot.recall.line"].with_context(
                lt_recall_evidence=True
            ),
        ):
            with self.assertRaises(REFUSED):
                Line.browse(line.id).write({"quantity": 1.0})
        recall.invalidate_recordset()
        self.env["stock.lot.recall.line"].invalidate_model()
        self.assertEqual(len(recall.customer_ids), 2)
        self.assertFalse(recall.customer_ids.filtered("verified"))
        self.assertEqual(
            sorted(recall.delivery_line_ids.mapped("quantity")), [10.0, 15.0, 25.0]
        )
        self.assertTrue(self.env["stock.lot.recall.evidence"]._verify(recall)["ok"])

    def test_recall_fields_refuse_every_role_over_rpc(self):
        recall = self.run_recall()
        fields = ["kind", "state", "completed_at", "result_hash", "lot_ids", "trace_ms"]
        stored = recall.read(fields)[0]
        line_count = len(recall.line_ids)
        attempts = [
            {"kind": "real"},
            {"state": "completed"},
            {"completed_at": "2026-01-01 00:00:00"},
            {"result_hash": "0" * 64},
            {"trace_ms": 1.0},
            {"lot_ids": [Command.set(self.loaf.ids)]},
            {"direction": "forward"},
            {"target_hours": 100.0},
            {"line_ids": [Command.clear()]},
            {
                "customer_ids": [
                    Command.update(recall.customer_ids[0].id, {"name": "X"})
                ]
            },
        ]
        for role, user in self.roles.items():
            for vals in attempts:
                with self.assertRaises(REFUSED, msg=f"{role} write {vals}"):
                    self.rpc(user, "stock.lot.recall", "write", [recall.id], vals)
            with self.assertRaises(REFUSED, msg=f"{role} unlink"):
                self.rpc(user, "stock.lot.recall", "unlink", [recall.id])
            with self.assertRaises(REFUSED, msg=f"{role} create traced"):
                self.rpc(
                    user,
                    "stock.lot.recall",
                    "create",
                    [{"state": "traced", "result_hash": "f" * 64}],
                )
        recall.invalidate_recordset()
        self.assertEqual(recall.read(fields)[0], stored)
        self.assertEqual(len(recall.line_ids), line_count)
        # the description is a note, not evidence: it may be edited
        self.rpc(
            self.user,
            "stock.lot.recall",
            "write",
            [recall.id],
            {"description": "Audit"},
        )
        self.assertEqual(recall.description, "Audit")

    def test_kind_fixed_at_creation(self):
        draft = (
            self.env["stock.lot.recall"]
            .with_user(self.user)
            .create({"lot_ids": [Command.set(self.lot.ids)]})
        )
        self.assertTrue(draft.name.startswith("MOCK/"))
        for user in self.roles.values():
            with self.assertRaisesRegex(UserError, "fixed when the recall is created"):
                self.rpc(
                    user, "stock.lot.recall", "write", [draft.id], {"kind": "real"}
                )
        self.assertEqual(draft.kind, "mock")
        # the scope of a draft may still change
        self.rpc(
            self.user,
            "stock.lot.recall",
            "write",
            [draft.id],
            {"lot_ids": [Command.set(self.loaf.ids)]},
        )
        self.assertEqual(draft.lot_ids, self.loaf)

    def test_auditor_cannot_run_or_complete(self):
        auditor = new_test_user(
            self.env,
            "ev.auditor",
            groups="lot_traceability.group_lot_traceability_auditor",
        )
        recall = self.run_recall()
        draft = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(self.lot.ids)]}
        )
        for method, record in (
            ("action_run", draft),
            ("action_mark_complete", recall),
            ("action_hold_affected", recall),
        ):
            with self.assertRaises(AccessError):
                self.rpc(auditor, "stock.lot.recall", method, [record.id])
        with self.assertRaises(AccessError):
            self.rpc(
                auditor,
                "stock.lot.recall.customer",
                "action_verify",
                recall.customer_ids[:1].ids,
            )
        self.assertEqual(draft.state, "draft")
        self.assertFalse(recall.customer_ids.filtered("verified"))

    # ------------------------------------------------------- later facts
    def test_verification_and_completion_are_events(self):
        recall = self.run_recall(user=self.user)
        alice = recall.customer_ids.filtered(lambda c: c.name == "EV Alice Foods")
        self.rpc(self.user, "stock.lot.recall.customer", "action_verify", alice.ids)
        self.assertTrue(alice.verified)
        self.assertEqual(alice.verified_by_id, self.user)
        event = self.events(recall, "recall_customer_verified")
        self.assertEqual(event.user_id, self.user)
        self.assertEqual(json.loads(event.payload)["customer"], "EV Alice Foods")
        with self.assertRaisesRegex(UserError, "already verified"):
            self.rpc(self.user, "stock.lot.recall.customer", "action_verify", alice.ids)
        # verifying is a fact, not a change of the sealed results
        self.assertTrue(self.env["stock.lot.recall.evidence"]._verify(recall)["ok"])
        self.rpc(
            self.user,
            "stock.lot.recall.customer",
            "action_verify",
            (recall.customer_ids - alice).ids,
        )
        self.rpc(
            self.user,
            "stock.lot.recall",
            "action_mark_complete",
            [recall.id],
            "ev-user-pass-1",
        )
        self.assertEqual(recall.state, "completed")
        completed = self.events(recall, "recall_completed")
        self.assertEqual(completed.user_id, self.user)
        payload = json.loads(completed.payload)
        self.assertEqual(payload["result_hash"], recall.result_hash)
        # the completion is signed: the event carries the signature
        self.assertEqual(recall.signature_user_id, self.user)
        self.assertTrue(recall.signature_valid)
        self.assertEqual(payload["signature"]["hash"], recall.signature_hash)
        self.assertEqual(payload["signature"]["signer"], self.user.name)
        self.assertTrue(payload["fingerprint_verified"])
        self.assertEqual(len(payload["customers_verified"]), 2)
        with self.assertRaisesRegex(UserError, "already completed"):
            recall.with_user(self.user).action_mark_complete()
        for user in self.roles.values():
            with self.assertRaises(REFUSED):
                self.rpc(
                    user, "stock.lot.recall", "write", [recall.id], {"state": "traced"}
                )
        self.assertEqual(len(self.events(recall, "recall_completed")), 1)

    def test_notices_of_a_real_recall_need_a_quality_manager(self):
        recall = self.run_recall(kind="real")
        recall.with_user(self.manager).action_prepare_notices()
        notice = recall.notice_ids.filtered(
            lambda n: n.customer_id.name == "EV Alice Foods"
        )
        with self.assertRaisesRegex(AccessError, "Quality Manager"):
            self.rpc(self.user, "stock.lot.recall.notice", "action_send", notice.ids)
        self.assertEqual(notice.state, "draft")
        with self.assertRaises(REFUSED):
            self.rpc(
                self.user,
                "stock.lot.recall.notice",
                "write",
                notice.ids,
                {"state": "sent"},
            )
        self.rpc(self.manager, "stock.lot.recall.notice", "action_send", notice.ids)
        self.assertEqual(notice.state, "sent")
        self.assertEqual(notice.sent_by_id, self.manager)
        event = self.events(recall, "recall_notice_sent")
        self.assertEqual(event.user_id, self.manager)
        self.assertEqual(json.loads(event.payload)["email"], "alice@example.com")
        for user in self.roles.values():
            for method, args in (
                ("write", [notice.ids, {"subject": "Nothing happened"}]),
                ("unlink", [notice.ids]),
            ):
                with self.assertRaises(REFUSED):
                    self.rpc(user, "stock.lot.recall.notice", method, *args)
        self.assertEqual(notice.state, "sent")
        self.assertIn("recall", notice.subject.lower())

    # ------------------------------------------------ frozen and verified
    def test_frozen_results_survive_later_stock_moves(self):
        recall = self.run_recall()
        digest = recall.result_hash
        self.flows.deliver(self.alice, self.flour, [(self.lot, 20.0)])
        self.flows.scrap(self.lot, 1.0)
        recall.invalidate_recordset()
        self.env["stock.lot.recall.line"].invalidate_model()
        self.assertEqual(len(recall.delivery_line_ids), 3)
        stock = recall.stock_line_ids.filtered(lambda line: line.lot_name == "FLOUR-1")
        self.assertEqual(stock.quantity, 25.0)  # 100 - 60 - 15, on the day
        origin = recall.balance_ids.filtered(lambda b: b.lot_name == "FLOUR-1")
        self.assertEqual(origin.shipped, 15.0)
        check = self.env["stock.lot.recall.evidence"]._verify(recall)
        self.assertTrue(check["ok"], check["message"])
        self.assertEqual(check["recomputed"], digest)
        # a new recall sees the new stock
        later = self.run_recall()
        later_origin = later.balance_ids.filtered(lambda b: b.lot_name == "FLOUR-1")
        self.assertEqual(later_origin.shipped, 35.0)
        self.assertNotEqual(later.result_hash, digest)

    def test_tampering_in_the_database_shows_on_the_report(self):
        recall = self.run_recall()
        text = pdf_text(
            render_pdf(self.env, "lot_traceability.action_report_recall", recall.ids)
        )
        self.assertIn("Fingerprintverified", text)
        self.assertNotIn("MISMATCH", text)
        # what only the database owner can do: rewrite a stored row in SQL
        line = recall.delivery_line_ids.filtered(lambda line: line.quantity == 25.0)
        self.env.cr.execute(
            "UPDATE stock_lot_recall_line SET quantity = 2.5 WHERE id = %s", [line.id]
        )
        self.env["stock.lot.recall.line"].invalidate_model()
        check = self.env["stock.lot.recall.evidence"]._verify(recall)
        self.assertFalse(check["ok"])
        self.assertEqual(check["sealed"], recall.result_hash)
        text = pdf_text(
            render_pdf(self.env, "lot_traceability.action_report_recall", recall.ids)
        )
        self.assertIn("FINGERPRINTMISMATCH", text)
        self.assertIn(check["recomputed"], text)

    # ------------------------------------------------------ report, annex
    def test_report_is_a_summary_with_an_xlsx_annex(self):
        recall = self.run_recall(kind="real")
        # attached when traced: printing (a read-only request) writes nothing
        attached = self.env["ir.attachment"].search_count(
            [("res_model", "=", recall._name), ("res_id", "=", recall.id)]
        )
        self.assertEqual(attached, 1)
        text = pdf_text(
            render_pdf(self.env, "lot_traceability.action_report_recall", recall.ids)
        )
        for part in (
            recall.name,
            "Lots:FLOUR-1",  # the scope
            "Massbalance",
            "EVAliceFoods",
            "EVBobBakery",
            "Total:2customers,0verified",
            "50.0",  # shipped to the two customers
            recall.hold_id.name,
            "Openoperations",
            "EVSupplier",
            "Signatures",
            "Recallrun",
            recall.result_hash,
            "Fingerprintverified",
            f"{recall.name.replace('/', '-')}-annex.xlsx",
        ):
            self.assertIn(part, text)
        annex = self.env["ir.attachment"].search(
            [("res_model", "=", "stock.lot.recall"), ("res_id", "=", recall.id)]
        )
        self.assertEqual(len(annex), 1)
        workbook = openpyxl.load_workbook(io.BytesIO(annex.raw))
        self.assertEqual(
            workbook.sheetnames[:3], ["Summary", "Customers", "Mass balance"]
        )
        deliveries = list(workbook["Delivery"].values)
        self.assertEqual(deliveries[0][0], "Partner Name")
        self.assertEqual(
            sorted((row[0], row[1], row[3]) for row in deliveries[1:]),
            [
                ("EV Alice Foods", "BREAD-1", 25),
                ("EV Bob Bakery", "BREAD-1", 10),
                ("EV Bob Bakery", "FLOUR-1", 15),
            ],
        )
        lots = {row[1] for row in list(workbook["Affected lot"].values)[1:]}
        self.assertEqual(lots, {"FLOUR-1", "BREAD-1"})
        summary = dict(workbook["Summary"].values)
        self.assertEqual(summary["Results fingerprint (SHA-256)"], recall.result_hash)
        # printing again reuses the annex
        action = recall.action_download_annex()
        self.assertIn(f"/web/content/{annex.id}", action["url"])

    # ------------------------------------------------------------- size
    def test_background_depends_on_the_size_of_the_result(self):
        done_lines = self.env["stock.move.line"].search_count(
            [("lot_id", "in", (self.lot | self.loaf).ids), ("state", "=", "done")]
        )
        Param = self.env["ir.config_parameter"]
        Param.set_param("lot_traceability.recall_background_lines", done_lines)
        small = self.run_recall(user=self.user)  # exactly at the threshold
        self.assertEqual(small.estimated_lines, done_lines)
        Param.set_param("lot_traceability.recall_background_lines", done_lines - 1)
        large = (
            self.env["stock.lot.recall"]
            .with_user(self.user)
            .create({"lot_ids": [Command.set(self.lot.ids)]})
        )
        large.action_run()
        self.assertEqual(large.state, "queued")
        self.assertEqual(large.estimated_lines, done_lines)
        self.assertFalse(large.line_ids)
        self.assertIn("waiting", large.progress_phase)
        with self.assertRaisesRegex(UserError, "background"):
            large.with_user(self.user).action_run()
        # a forward recall of the finished lot is smaller: it stays in the foreground
        forward = (
            self.env["stock.lot.recall"]
            .with_user(self.user)
            .create({"direction": "forward", "lot_ids": [Command.set(self.loaf.ids)]})
        )
        forward.action_run()
        self.assertEqual(forward.state, "traced")
        self.env["stock.lot.recall"]._cron_run_queued()
        self.assertEqual(large.state, "traced")
        self.assertEqual(len(large.delivery_line_ids), 3)
        # the progress is committed on a cursor of its own, as it happens: read
        # it as the next request of the screen would, from another transaction
        with self.env.registry.cursor() as cr:
            progress = self.env(cr=cr)["stock.lot.recall.evidence"]._progress(large)
        self.assertEqual(progress[large.id][:2], ("done", 100))
        self.assertEqual(self.events(large, "recall_run").user_id, self.user)

    def test_results_stored_in_bulk_match_the_trace(self):
        recall = self.run_recall()
        trace = self.env["stock.lot.genealogy"]._trace(self.lot, "both")
        self.assertEqual(
            sorted(
                (
                    line.lot_id.id,
                    line.partner_id.id,
                    line.quantity,
                    line.move_line_id.id,
                )
                for line in recall.delivery_line_ids
            ),
            sorted(
                (row["lot_id"], row["partner_id"], row["quantity"], row["move_line_id"])
                for row in trace["deliveries"]
            ),
        )
        self.assertEqual(
            sorted(recall.lot_line_ids.mapped("depth")),
            sorted(row["depth"] for row in trace["lots"]),
        )
        self.assertEqual(self.events(recall, "recall_run").user_id, self.manager)
        self.assertEqual(
            {c.partner_id: c.email for c in recall.customer_ids},
            {self.alice: "alice@example.com", self.bob: "bob@example.com"},
        )


class TestRecallCompletion(RecallEvidenceCase):
    """Completing a recall is an electronic signature."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # failed signatures are recorded on a cursor of their own (kept when
        # the refused request rolls back); in test mode that cursor is this
        # test's transaction, as for Odoo's HttpCase
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)

    def complete_dialog(self, recall, user, password):
        """Mark Complete as the screen does it: the dialog, then Sign with the
        password in the button's context."""
        action = recall.with_user(user).action_open_complete()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(action["context"])
            .create({})
        )
        return wizard.with_context(lt_signature_password=password).action_confirm()

    def test_completion_is_a_signature(self):
        recall = self.run_recall()
        recall.customer_ids.with_user(self.user).action_verify()
        count = len(self.env["stock.lot.event"].search([]))
        # no password, a wrong one, someone else's: refused, nothing written
        for password, message in (
            (None, "electronic signature"),
            ("", "Wrong password"),
            ("not-my-password", "Wrong password"),
            ("ev-manager-pass-1", "Wrong password"),
        ):
            with self.assertRaisesRegex(UserError, message):
                args = [recall.id] if password is None else [recall.id, password]
                self.rpc(self.user, "stock.lot.recall", "action_mark_complete", *args)
            self.assertEqual(recall.state, "traced")
            self.assertFalse(recall.signature_hash)
        self.assertEqual(len(self.env["stock.lot.event"].search([])), count)
        # nobody stamps a signature by writing it
        for user in self.roles.values():
            with self.assertRaises(REFUSED):
                self.rpc(
                    user,
                    "stock.lot.recall",
                    "write",
                    [recall.id],
                    {"signature_name": user.name, "signature_hash": "0" * 64},
                )
        self.assertFalse(recall.signature_hash)
        with self.assertRaisesRegex(UserError, "created as a draft"):
            self.rpc(
                self.user,
                "stock.lot.recall",
                "create",
                {"signature_hash": "0" * 64, "lot_ids": [Command.set(self.lot.ids)]},
            )
        # the dialog keeps no password and signs once
        self.complete_dialog(recall, self.user, "ev-user-pass-1")
        self.assertEqual(recall.state, "completed")
        self.assertEqual(recall.signature_user_id, self.user)
        self.assertEqual(recall.signature_meaning, "Recall completed")
        self.assertTrue(recall.signature_valid)
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'stock_lot_recall_complete'"
        )
        self.assertNotIn("password", [row[0] for row in self.env.cr.fetchall()])
        # the report prints the signature
        text = pdf_text(
            render_pdf(self.env, "lot_traceability.action_report_recall", recall.ids)
        )
        self.assertIn(f"Signedelectronicallyby{self.user.name}".replace(" ", ""), text)
        self.assertIn("Recallcompleted", text)
        self.assertIn(recall.signature_hash[:16], text)
        # content changed behind the signature (in the database): no longer valid
        customer = recall.customer_ids[:1]
        self.env.cr.execute(
            "UPDATE stock_lot_recall_customer SET verified_at = verified_at "
            "- interval '1 day' WHERE id = %s",
            [customer.id],
        )
        customer.invalidate_recordset(["verified_at"])
        recall.invalidate_recordset(["signature_valid"])
        self.assertFalse(recall.signature_valid)

    def test_completing_a_real_recall_needs_a_quality_manager(self):
        recall = self.run_recall(kind="real")
        recall.customer_ids.with_user(self.manager).action_verify()
        with self.assertRaises(AccessError):
            self.complete_dialog(recall, self.user, "ev-user-pass-1")
        with self.assertRaises(AccessError):
            self.rpc(
                self.user,
                "stock.lot.recall",
                "action_mark_complete",
                [recall.id],
                "ev-user-pass-1",
            )
        self.assertEqual(recall.state, "traced")
        self.complete_dialog(recall, self.manager, "ev-manager-pass-1")
        self.assertEqual(recall.state, "completed")
        self.assertEqual(recall.signature_user_id, self.manager)
