# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Mock and real recalls, and the reports auditors ask for."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.addons.lot_traceability.wizard.stock_lot_trace_export_fsma import (
    FSMA_HEADERS,
)
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user

from .common import YY, LotTraceabilityCase, pdf_text, render_pdf
from .flows import Flows

CUSTOMERS = {
    "Green Grocer Market",
    "Bella Cucina Restaurants",
    "FreshWay Supermarkets",
    "Corner Deli",
}


def attachment_of(env, action):
    attachment_id = int(re.search(r"/web/content/(\d+)", action["url"]).group(1))
    return env["ir.attachment"].browse(attachment_id)


class TestRecallMassBalance(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = Flows(cls.env)
        cls.supplier = f.partner("MB Supplier")
        cls.c1 = f.partner("MB Customer One")
        cls.c2 = f.partner("MB Customer Two")
        cls.c1.write({"email": "one@example.com", "phone": "+1 555 0101"})
        cls.product = f.product("MB Cocoa")
        cls.finished = f.product("MB Chocolate")
        cls.lot = f.lot(cls.product, "COCOA-1")
        f.receive(cls.supplier, cls.product, [(cls.lot, 100.0)])
        first = f.deliver(cls.c1, cls.product, [(cls.lot, 30.0)])  # partial
        f.deliver(cls.c2, cls.product, [(cls.lot, 20.0)])  # partial
        f.return_delivery(first, cls.lot, 5.0)
        f.scrap(cls.lot, 4.0)
        cls.choc, __ = f.produce(
            cls.finished, "CHOC-1", 5.0, [(cls.product, [(cls.lot, 10.0)])]
        )
        # counted 39 where 41 were expected: an inventory adjustment of -2
        quant = cls.lot.quant_ids.filtered(lambda q: q.location_id == f.stock)
        quant.inventory_quantity = 39.0
        quant.action_apply_inventory()
        cls.signer = new_test_user(
            cls.env,
            "mb.signer",
            groups="lot_traceability.group_lot_traceability_manager",
            password="mb-signer-1",
        )

    def complete(self, recall):
        """Mark Complete, signed by a Quality Manager with their password."""
        recall.with_user(self.signer).action_mark_complete(password="mb-signer-1")

    def recall(self, **vals):
        vals.setdefault("lot_ids", [Command.set(self.lot.ids)])
        recall = self.env["stock.lot.recall"].create(vals)
        recall.action_run()
        return recall

    def test_mass_balance_exact(self):
        recall = self.recall()
        # the origin lot first, then the lots made from it
        self.assertEqual(recall.balance_ids.mapped("role"), ["origin", "derived"])
        balance = recall.balance_ids[0]
        self.assertRecordValues(
            balance,
            [
                {
                    "lot_name": "COCOA-1",
                    "quantity_in": 100.0,
                    "on_hand": 39.0,
                    "shipped": 45.0,  # 30 + 20 - 5 returned
                    "consumed": 10.0,
                    "scrapped": 4.0,
                    "adjusted": 2.0,
                    "unaccounted": 0.0,
                    "accounted_percent": 100.0,
                }
            ],
        )
        self.assertTrue(recall.balance_ok)
        self.assertEqual(recall.accounted_percent, 100.0)
        self.assertEqual(
            {(c.name, c.quantity, c.returned_quantity) for c in recall.customer_ids},
            {("MB Customer One", 30.0, 5.0), ("MB Customer Two", 20.0, 0.0)},
        )
        one = recall.customer_ids.filtered(lambda c: c.name == "MB Customer One")
        self.assertEqual((one.email, one.phone), ("one@example.com", "+1 555 0101"))
        self.assertEqual(
            set(recall.lot_line_ids.mapped("lot_name")), {"COCOA-1", "CHOC-1"}
        )
        self.assertEqual(recall.receipt_line_ids.partner_name, "MB Supplier")
        self.assertEqual(len(recall.result_hash), 64)
        self.assertEqual(recall.result_hash, recall._results_digest())

    def test_unexplained_quantity_is_flagged(self):
        # stock written off without a move (a bad import, a manual SQL fix)
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.flows.stock, -3.0, lot_id=self.lot
        )
        recall = self.recall()
        balance = recall.balance_ids.filtered(lambda b: b.role == "origin")
        self.assertEqual(balance.unaccounted, 3.0)
        self.assertEqual(balance.accounted_percent, 97.0)
        self.assertFalse(recall.balance_ok)

    def test_results_stay_true_when_stock_moves_later(self):
        recall = self.recall()
        digest = recall.result_hash
        self.flows.deliver(self.c2, self.product, [(self.lot, 9.0)])
        recall.invalidate_recordset()
        stock = recall.stock_line_ids.filtered(lambda line: line.lot_name == "COCOA-1")
        self.assertEqual(stock.quantity, 39.0)
        self.assertEqual(recall._results_digest(), digest)

    def test_scopes(self):
        self.lot.write({"supplier_id": self.supplier.id, "supplier_lot_name": "SL-9"})
        by_supplier = self.recall(
            scope="supplier_lot",
            supplier_id=self.supplier.id,
            supplier_lot_name=" sl-9 ",
            lot_ids=False,
        )
        self.assertEqual(by_supplier.origin_lot_ids, self.lot)
        today = fields.Date.today()
        by_dates = self.recall(
            scope="product_dates",
            product_id=self.finished.id,
            date_kind="production",
            date_from=today - timedelta(days=1),
            date_to=today,
            lot_ids=False,
        )
        self.assertEqual(by_dates.origin_lot_ids, self.choc)
        receipt = (
            self.env["stock.move.line"]
            .search(
                [("lot_id", "=", self.lot.id), ("location_id.usage", "=", "supplier")]
            )
            .picking_id
        )
        by_receipt = self.recall(scope="receipt", picking_id=receipt.id, lot_ids=False)
        self.assertEqual(by_receipt.origin_lot_ids, self.lot)

    def test_empty_scope_refused_and_nothing_written(self):
        other = self.flows.partner("Nobody Supplies")
        recall = self.env["stock.lot.recall"].create(
            {"scope": "supplier_lot", "supplier_id": other.id, "supplier_lot_name": "X"}
        )
        with self.assertRaisesRegex(UserError, "Nobody Supplies"):
            recall.action_run()
        self.assertEqual(recall.state, "draft")
        self.assertFalse(recall.line_ids)
        self.assertFalse(recall.started_at)
        recall.write({"scope": "product_dates", "product_id": self.product.id})
        with self.assertRaisesRegex(UserError, "date range"):
            recall.action_run()

    def test_malformed_scope_dates_refused_by_name(self):
        count = self.env["stock.lot.recall"].search_count([])
        for bad in ("2026-13-45", "yesterday", "2026-02-30", "\x00"):
            with self.assertRaisesRegex(UserError, "is not a date; give it as YYYY"):
                self.env["stock.lot.recall"].create(
                    {"scope": "product_dates", "date_from": bad}
                )
        self.assertEqual(self.env["stock.lot.recall"].search_count([]), count)
        recall = self.env["stock.lot.recall"].create(
            {"scope": "product_dates", "product_id": self.product.id}
        )
        with self.assertRaisesRegex(UserError, recall.name):
            recall.write({"date_to": "31/12/2026"})
        self.assertFalse(recall.date_to)

    def test_completion_against_target(self):
        recall = self.recall()
        self.assertEqual(recall.target_hours, 4.0)
        one = recall.customer_ids.filtered(lambda c: c.name == "MB Customer One")
        one.action_verify()
        with self.assertRaisesRegex(UserError, "MB Customer Two"):
            self.complete(recall)
        (recall.customer_ids - one).action_verify()
        self.complete(recall)
        self.assertEqual(recall.state, "completed")
        self.assertTrue(recall.within_target)
        self.assertLess(recall.duration_hours, 1.0)

    def test_completion_over_target(self):
        recall = self.recall()
        recall.customer_ids.action_verify()
        with freeze_time(recall.started_at + timedelta(hours=5)):
            self.complete(recall)
        self.assertAlmostEqual(recall.duration_hours, 5.0)
        self.assertFalse(recall.within_target)

    def test_mock_recall_never_sends_mail(self):
        recall = self.recall()
        mails_before = self.env["mail.mail"].search_count([])
        messages_before = self.env["mail.message"].search_count(
            [("message_type", "=", "comment"), ("subtype_id.internal", "=", False)]
        )
        recall.action_prepare_notices()
        self.assertEqual(len(recall.notice_ids), 2)
        notice = recall.notice_ids.filtered(
            lambda n: n.customer_id.name == "MB Customer One"
        )
        self.assertEqual(notice.state, "draft")
        self.assertIn("COCOA-1", notice.body_html)
        self.assertIn("30.0", notice.body_html)
        with self.assertRaisesRegex(UserError, "mock recall"):
            notice.action_send()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("message_type", "=", "comment"), ("subtype_id.internal", "=", False)]
            ),
            messages_before,
        )

    def test_real_recall_holds_and_sends(self):
        open_delivery = self.env["stock.picking"].create(
            {
                "picking_type_id": self.flows.warehouse.out_type_id.id,
                "partner_id": self.c2.id,
                "location_id": self.flows.stock.id,
                "location_dest_id": self.flows.customer_location.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "cocoa",
                            "product_id": self.product.id,
                            "product_uom_qty": 5.0,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.flows.stock.id,
                            "location_dest_id": self.flows.customer_location.id,
                        }
                    )
                ],
            }
        )
        open_delivery.action_confirm()
        open_delivery.action_assign()
        self.assertEqual(open_delivery.move_line_ids.lot_id, self.lot)
        recall = self.recall(kind="real")
        self.assertTrue(recall.name.startswith("RECALL/"))
        self.assertEqual(recall.open_move_line_ids.document, open_delivery.name)
        # a real recall holds the affected stock on confirmation
        self.assertEqual(recall.hold_id.reason_id.code, "RECALL")
        self.assertEqual(self.lot.hold_state, "held")
        self.assertFalse(open_delivery.move_line_ids)
        recall.action_prepare_notices()
        notice = recall.notice_ids.filtered(
            lambda n: n.customer_id.name == "MB Customer One"
        )
        notice.action_send()
        self.assertEqual(notice.state, "sent")
        self.assertIn(self.c1, notice.message_ids[0].partner_ids)

    def test_stop_open_deliveries(self):
        recall = self.recall()
        with self.assertRaisesRegex(UserError, "no open delivery"):
            recall.action_stop_open_deliveries()
        recall.action_hold_affected()
        self.assertEqual(recall.hold_id.lot_ids, self.lot | self.choc)
        self.assertEqual(self.choc.hold_state, "held")

    def test_customer_list_xlsx(self):
        recall = self.recall()
        action = recall.action_export_customers()
        workbook = openpyxl.load_workbook(
            io.BytesIO(attachment_of(self.env, action).raw)
        )
        rows = list(workbook.active.values)
        self.assertEqual(rows[0][:3], ("Customer", "Email", "Phone"))
        self.assertEqual(
            {(row[0], row[4], row[5]) for row in rows[1:]},
            {("MB Customer One", 30, 5), ("MB Customer Two", 20, 0)},
        )

    def test_long_period_exported_in_background(self):
        self.env["ir.config_parameter"].set_param(
            "lot_traceability.export_background_lines", 0
        )
        user = new_test_user(
            self.env,
            "export.background",
            groups="lot_traceability.group_lot_traceability_auditor",
        )
        export = (
            self.env["stock.lot.trace.export"]
            .with_user(user)
            .create(
                {
                    "date_from": fields.Date.today() - timedelta(days=1),
                    "date_to": fields.Date.today(),
                    "file_format": "fsma_csv",
                }
            )
        )
        action = export.action_export()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(export.state, "queued")
        self.env["stock.lot.trace.export"]._cron_run_queued()
        self.assertEqual(export.state, "done")
        message = user.partner_id.message_ids[0]
        self.assertIn(user.partner_id, message.partner_ids)
        content = message.attachment_ids.raw.decode("utf-8-sig")
        self.assertEqual(next(csv.reader(io.StringIO(content))), FSMA_HEADERS)
        self.assertIn("COCOA-1", content)

    def test_scheduled_exercise(self):
        self.env.company.lot_recall_exercise_months = 6
        Recall = self.env["stock.lot.recall"]
        Recall._cron_schedule_exercises()
        recall = Recall.search([("scheduled", "=", True)])
        self.assertEqual(len(recall), 1)
        self.assertEqual(recall.kind, "mock")
        self.assertEqual(recall.state, "traced")
        self.assertEqual(recall.origin_lot_ids, self.choc)  # the only finished lot
        self.assertTrue(recall.activity_ids)
        Recall._cron_schedule_exercises()
        self.assertEqual(Recall.search_count([("scheduled", "=", True)]), 1)

    def test_large_scope_runs_in_background_and_notifies(self):
        self.env["ir.config_parameter"].set_param(
            "lot_traceability.recall_background_lines", 0
        )
        user = new_test_user(
            self.env,
            "recall.background",
            groups="lot_traceability.group_lot_traceability_user",
        )
        recall = (
            self.env["stock.lot.recall"]
            .with_user(user)
            .create({"lot_ids": [Command.set(self.lot.ids)]})
        )
        recall.action_run()
        self.assertEqual(recall.state, "queued")
        self.assertFalse(recall.line_ids)
        cron = self.env.ref("lot_traceability.ir_cron_run_queued_recalls")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )
        self.env["stock.lot.recall"]._cron_run_queued()
        self.assertEqual(recall.state, "traced")
        self.assertEqual(recall.accounted_percent, 100.0)
        notice = recall.message_ids[0]
        self.assertIn(user.partner_id, notice.partner_ids)
        self.assertIn("is ready", notice.body)

    def test_recall_from_lot_form(self):
        action = self.lot.action_new_recall()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        recall = form.save()
        self.assertEqual(recall.lot_ids, self.lot)
        self.assertTrue(recall.name.startswith("MOCK/"))


class TestRecallDemo(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()
        cls.tomato = cls.env["stock.lot"].search([("name", "=", f"TOM-{YY}-0001")])

    def test_mock_recall_of_shared_tomato_lot(self):
        """Done criterion: every customer of the sauce made from the tomato lot,
        100 % accounted for, in the recall report PDF."""
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(self.tomato.ids)]}
        )
        recall.action_run()
        self.assertEqual(set(recall.customer_ids.mapped("name")), CUSTOMERS)
        self.assertEqual(recall.accounted_percent, 100.0)
        self.assertRecordValues(
            recall.balance_ids.filtered(lambda b: b.role == "origin"),
            [
                {
                    "quantity_in": 200.0,
                    "on_hand": 52.0,
                    "consumed": 148.0,
                    "unaccounted": 0.0,
                }
            ],
        )
        text = pdf_text(
            render_pdf(self.env, "lot_traceability.action_report_recall", recall.ids)
        )
        for part in [*CUSTOMERS, f"TOM-{YY}-0001", f"SAUCE-{YY}-0002", recall.name]:
            self.assertIn("".join(part.split()), text)
        self.assertIn("Accountedfor100.0%", text)
        self.assertIn(recall.result_hash, text)

    def test_lot_dossier_pdf(self):
        sauce = self.env["stock.lot"].search([("name", "=", f"SAUCE-{YY}-0002")])
        text = pdf_text(
            render_pdf(
                self.env, "lot_traceability.action_report_lot_dossier", sauce.ids
            )
        )
        for part in (
            f"SAUCE-{YY}-0002",
            f"TOM-{YY}-0001",
            "SRF-2611-A",  # a supplier lot upstream
            "Corner Deli",
            "FreshWay Supermarkets",
        ):
            self.assertIn("".join(part.split()), text)
