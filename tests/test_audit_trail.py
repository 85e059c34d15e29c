# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The tamper-evident audit trail: what is appended, that nothing can change
it, and that verification names every broken entry after tampering.

Events are appended unsealed and chained by the seal; in one test transaction
the seal takes this transaction's own rows too (``include_current_transaction``,
as the install hook does): the tests of the seal's choice of rows, with real
concurrent transactions, are in ``test_audit_concurrency.py``."""

import hashlib
import json
from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.addons.lot_traceability.models.stock_lot_event import (
    LAST_VERIFICATION_PARAM,
    canonical_json,
    entry_hash,
)
from odoo.addons.lot_traceability.models.stock_move_line import StockMoveLine
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user
from odoo.tools import SQL, mute_logger

from .common import LotTraceabilityCase
from .flows import Flows

USER = "lot_traceability.group_lot_traceability_user"
MANAGER = "lot_traceability.group_lot_traceability_manager"


class AuditCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Event = cls.env["stock.lot.event"]
        cls.flows = Flows(cls.env)
        cls.company = cls.env.company
        cls.supplier = cls.flows.partner("Audit Supplier")
        cls.customer = cls.flows.partner("Audit Customer")
        cls.product = cls.flows.product("Audit Sugar")

    def events(self, lot=None, **domain):
        dom = [("company_id", "=", self.company.id)]
        if lot:
            dom.append(("lot_ids", "in", lot.ids))
        dom += [(key, "=", value) for key, value in domain.items()]
        return self.Event.search(dom, order="id")

    @classmethod
    def seal(cls):
        return cls.env["stock.lot.ledger"]._seal(include_current_transaction=True)

    def verify(self, anchors=None):
        self.seal()
        return self.Event._verify_chain(self.company, anchors)

    def assertIntact(self):
        result = self.verify()
        self.assertTrue(result["ok"], result["message"])
        return result


class TestAppend(AuditCase):
    def test_movements_are_recorded_with_their_type(self):
        f = self.flows
        lot = f.lot(self.product, "AUD-MOVE-1")
        receipt = f.receive(self.supplier, self.product, [(lot, 50.0)])
        delivery = f.deliver(self.customer, self.product, [(lot, 20.0)])
        f.return_delivery(delivery, lot, 5.0)
        scrap = f.scrap(lot, 2.0)
        sauce = f.product("Audit Syrup")
        syrup_lot, production = f.produce(
            sauce, "AUD-SYRUP-1", 1.0, [(self.product, [(lot, 10.0)])]
        )
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", f.stock.id)]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = 20.0
        quant.action_apply_inventory()
        types = self.events(lot).mapped("event_type")
        self.assertEqual(
            types,
            [
                "lot_created",
                "received",
                "lot_changed",  # the receipt filled its supplier and receipt date
                "shipped",
                "returned",
                "scrapped",
                "consumed",
                "adjusted",  # the count's move line
                "counted",  # the count itself: before and counted
            ],
        )
        received = self.events(lot, event_type="received")
        self.assertEqual(received.res_model, "stock.picking")
        self.assertEqual(received.res_id, receipt.id)
        self.assertEqual(received.document_name, receipt.name)
        self.assertEqual(received.lot_names, "AUD-MOVE-1")
        self.assertEqual(received.user_id, self.env.user)
        payload = json.loads(received.payload)
        self.assertEqual(payload["quantity"], 50.0)
        self.assertEqual(payload["lot"], "AUD-MOVE-1")
        self.assertEqual(payload["partner_id"], self.supplier.id)
        self.assertEqual(payload["location_dest_id"], f.stock.id)
        self.assertEqual(received.payload, canonical_json(payload))
        self.assertEqual(self.events(lot, event_type="shipped").res_id, delivery.id)
        self.assertEqual(self.events(lot, event_type="scrapped").res_id, scrap.id)
        consumed = self.events(lot, event_type="consumed")
        self.assertEqual(consumed.res_model, "mrp.production")
        self.assertEqual(consumed.res_id, production.id)
        produced = self.events(syrup_lot, event_type="produced")
        self.assertEqual(produced.res_id, production.id)
        self.assertIn(
            "adjusted", self.events(lot).mapped("event_type")
        )  # inventory count
        self.assertEqual(lot.event_count, 9)
        self.assertIntact()

    def test_sequence_gapless_and_hash_chained(self):
        f = self.flows
        lot = f.lot(self.product, "AUD-CHAIN-1")
        f.receive(self.supplier, self.product, [(lot, 5.0)])
        lot.name = "AUD-CHAIN-1B"
        mine = self.events(lot)
        # appended, not chained yet: no lock was taken, no hash computed
        self.assertEqual(mine.mapped("sequence"), [0, 0, 0, 0])
        self.assertFalse(any(mine.mapped("hash")))
        before = self.Event.get_head_hash()[self.company.id]
        self.assertEqual(
            before["pending"], len(self.events().filtered(lambda e: not e.sequence))
        )
        self.seal()
        self.env.cr.execute(
            SQL(
                "SELECT id, company_id, sequence, txid, date, user_id, event_type, "
                "res_model, res_id, document_name, lot_names, payload, "
                "move_line_id, sealed_date, previous_hash, hash FROM stock_lot_event "
                "WHERE company_id = %s ORDER BY sequence",
                self.company.id,
            )
        )
        rows = self.env.cr.dictfetchall()
        self.assertEqual([r["sequence"] for r in rows], list(range(1, len(rows) + 1)))
        # created, received, completed by the receipt (supplier, date), renamed:
        # chained in the order they were appended
        self.assertEqual(
            [r["id"] for r in rows if r["id"] in mine.ids], sorted(mine.ids)
        )
        self.assertEqual(rows[-1]["id"], mine[-1].id)
        previous = ""
        for row in rows:
            self.assertEqual(row["previous_hash"], previous)
            if row["txid"] is None:  # sealed before the ledger had a seal
                previous = row["hash"]
                continue
            content = json.dumps(
                {
                    key: value.isoformat() if hasattr(value, "isoformat") else value
                    for key, value in row.items()
                    if key not in ("previous_hash", "hash")
                },
                sort_keys=True,
                separators=(",", ":"),
            )
            # the documented formula, recomputed independently
            self.assertEqual(
                row["hash"],
                hashlib.sha256((previous + content).encode()).hexdigest(),
            )
            previous = row["hash"]
        head = self.Event.get_head_hash()[self.company.id]
        self.assertEqual(head["hash"], rows[-1]["hash"])
        self.assertEqual(head["sequence"], rows[-1]["sequence"])
        self.assertEqual(head["pending"], 0)

    def test_lot_changes_old_to_new_even_without_tracking(self):
        lot = self.flows.lot(self.product, "AUD-REN-1")
        created = self.events(lot, event_type="lot_created")
        self.assertEqual(json.loads(created.payload)["values"]["name"], "AUD-REN-1")
        lot.with_context(tracking_disable=True).name = "AUD-REN-2"
        lot.with_context(mail_notrack=True).supplier_lot_name = "SUP-9"
        lot.with_context(tracking_disable=True, mail_notrack=True).write(
            {"expiration_date": "2027-01-31 10:00:00", "supplier_id": self.supplier.id}
        )
        changes = [
            json.loads(event.payload)["changes"]
            for event in self.events(lot, event_type="lot_changed")
        ]
        self.assertEqual(
            changes,
            [
                {"name": ["AUD-REN-1", "AUD-REN-2"]},
                {"supplier_lot_name": [None, "SUP-9"]},
                {
                    "expiration_date": [None, "2027-01-31 10:00:00"],
                    "supplier_id": [None, self.supplier.id],
                },
            ],
        )
        # writing the same value again logs nothing
        lot.name = "AUD-REN-2"
        self.assertEqual(len(self.events(lot, event_type="lot_changed")), 3)
        self.assertIntact()

    def test_log_survives_deleting_the_lot(self):
        lot = self.flows.lot(self.product, "AUD-DEL-1")
        lot.name = "AUD-DEL-2"
        ids = self.events(lot).ids
        lot_id = lot.id
        lot.unlink()
        events = self.Event.browse(ids).exists()
        self.assertEqual(len(events), 2)
        self.assertFalse(events.lot_ids)  # the lot is gone, its names are not
        self.assertEqual(events.mapped("lot_names"), ["AUD-DEL-1", "AUD-DEL-2"])
        deleted = self.events(event_type="lot_deleted").filtered(
            lambda e: json.loads(e.payload)["lots"][0]["id"] == lot_id
        )
        self.assertEqual(deleted.lot_names, "AUD-DEL-2")
        self.assertIntact()

    def test_hold_events_carry_the_signature(self):
        placer = new_test_user(self.env, "aud.placer", groups=USER)
        manager = new_test_user(
            self.env, "aud.manager", groups=MANAGER, password="aud-manager-pass-1"
        )
        lot = self.flows.lot(self.product, "AUD-HOLD-1")
        reason = self.env.ref("lot_traceability.hold_reason_contamination")
        hold = (
            self.env["stock.lot.hold"]
            .with_user(placer)
            .create({"lot_ids": [Command.set(lot.ids)], "reason_id": reason.id})
        )
        hold.action_place()
        placed = self.events(lot, event_type="hold_placed")
        self.assertEqual(placed.user_id, placer)
        self.assertEqual(placed.res_model, "stock.lot.hold")
        self.assertEqual(json.loads(placed.payload)["placed_by_id"], placer.id)
        hold.with_user(manager)._decide(
            "release", "Lab says fine", password="aud-manager-pass-1"
        )
        released = self.events(lot, event_type="hold_released")
        payload = json.loads(released.payload)
        self.assertEqual(released.user_id, manager)
        self.assertEqual(payload["signature_name"], manager.name)
        self.assertEqual(payload["signature_meaning"], "Released")
        self.assertEqual(payload["signature_hash"], hold.signature_hash)
        self.assertEqual(payload["decision_note"], "Lab says fine")
        hold2 = (
            self.env["stock.lot.hold"]
            .with_user(placer)
            .create({"lot_ids": [Command.set(lot.ids)], "reason_id": reason.id})
        )
        hold2.action_place()
        hold2.with_user(manager)._decide(
            "reject", "Contaminated", "keep", password="aud-manager-pass-1"
        )
        rejected = self.events(lot, event_type="hold_rejected")
        self.assertEqual(json.loads(rejected.payload)["disposition"], "keep")
        self.assertEqual(
            json.loads(rejected.payload)["signature_meaning"], "Rejected: keep held"
        )
        self.assertIntact()

    def test_generic_append_api(self):
        lot = self.flows.lot(self.product, "AUD-API-1")
        event = self.Event._append(
            "recall_run",
            lots=lot,
            document=lot,
            payload={"mode": "mock", "lot_count": 1},
        )
        self.assertEqual(event.event_type, "recall_run")
        self.assertEqual(event.company_id, self.company)
        self.assertEqual(json.loads(event.payload)["mode"], "mock")
        with self.assertRaisesRegex(UserError, "Unknown audit event type"):
            self.Event._append("coffee_break", lots=lot)
        self.assertIntact()

    def test_each_done_line_logged_once(self):
        lot = self.flows.lot(self.product, "AUD-ONCE-1")
        receipt = self.flows.receive(self.supplier, self.product, [(lot, 3.0)])
        receipt.move_line_ids._lt_append_events()  # again: nothing new
        self.assertEqual(len(self.events(lot, event_type="received")), 1)


class TestAppendOnly(AuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lot = cls.flows.lot(cls.product, "AUD-RO-1")
        cls.flows.receive(cls.supplier, cls.product, [(lot, 5.0)])
        cls.event = cls.env["stock.lot.event"].search(
            [("lot_ids", "in", lot.ids)], limit=1
        )

    def test_orm_refuses_everyone(self):
        for event in (self.event, self.event.sudo()):
            with self.assertRaises(AccessError):
                event.write({"payload": "{}"})
            with self.assertRaises(AccessError):
                event.unlink()
            with self.assertRaises(AccessError):
                event.copy()
            with self.assertRaises(AccessError):
                event.create({"event_type": "received"})
        self.assertIntact()

    def test_no_acl_grants_changes(self):
        access = self.env["ir.model.access"].search(
            [("model_id.model", "=", "stock.lot.event")]
        )
        self.assertTrue(access)
        self.assertFalse(
            access.filtered(lambda a: a.perm_write or a.perm_create or a.perm_unlink)
        )

    @mute_logger("odoo.sql_db")
    def test_database_trigger_refuses_update_and_delete(self):
        for statement in (
            SQL(
                "UPDATE stock_lot_event SET payload = '{}' WHERE id = %s", self.event.id
            ),
            SQL("DELETE FROM stock_lot_event WHERE id = %s", self.event.id),
            SQL("TRUNCATE stock_lot_event CASCADE"),
        ):
            with self.assertRaisesRegex(
                psycopg2.errors.InsufficientPrivilege, "append-only"
            ):
                with self.env.cr.savepoint():
                    self.env.cr.execute(statement)
        self.assertIntact()

    @mute_logger("odoo.sql_db")
    def test_trigger_lets_the_seal_and_upgrades_through_only(self):
        """The seal fills an unsealed row's chain columns once; an upgrade may
        fill a column added later; nothing else is ever updated."""
        self.seal()
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE stock_lot_event ADD COLUMN lt_probe integer"))
        cr.execute(
            SQL("UPDATE stock_lot_event SET lt_probe = 1 WHERE id = %s", self.event.id)
        )
        for statement in (
            SQL("UPDATE stock_lot_event SET hash = 'x' WHERE id = %s", self.event.id),
            SQL(
                "UPDATE stock_lot_event SET sequence = sequence + 1000 WHERE id = %s",
                self.event.id,
            ),
            SQL(
                "UPDATE stock_lot_event SET sealed_date = now() WHERE id = %s",
                self.event.id,
            ),
            SQL("UPDATE stock_lot_event SET txid = 1 WHERE id = %s", self.event.id),
            SQL(
                "UPDATE stock_lot_event SET lot_names = 'X' WHERE id = %s",
                self.event.id,
            ),
        ):
            with self.assertRaisesRegex(
                psycopg2.errors.InsufficientPrivilege, "append-only"
            ):
                with self.env.cr.savepoint():
                    self.env.cr.execute(statement)
        self.assertIntact()


class TestVerification(AuditCase):
    """Tampering as a database superuser: trigger disabled, row changed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lot = cls.flows.lot(cls.product, "AUD-TAMPER-1")
        for qty in (1.0, 2.0, 3.0):
            cls.flows.receive(cls.supplier, cls.product, [(lot, qty)])
        cls.seal()
        cls.chain = cls.env["stock.lot.event"].search(
            [("company_id", "=", cls.env.company.id)], order="sequence"
        )
        assert len(cls.chain) >= 4

    def tamper(self, query):
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE stock_lot_event DISABLE TRIGGER USER"))
        cr.execute(query)
        cr.execute(SQL("ALTER TABLE stock_lot_event ENABLE TRIGGER USER"))
        self.Event.invalidate_model()

    def test_intact_chain_and_screen(self):
        result = self.assertIntact()
        self.assertEqual(result["count"], self.chain[-1].sequence)
        self.assertEqual(result["head_hash"], self.chain[-1].hash)
        action = self.Event.action_verify_audit_trail()
        verification = self.env[action["res_model"]].browse(action["res_id"])
        self.assertTrue(verification.all_ok)
        line = verification.line_ids.filtered(
            lambda line: line.company_id == self.company
        )
        self.assertEqual(line.head_hash, self.chain[-1].hash)
        self.assertEqual(line.event_count, len(self.chain))

    def test_edited_entry_named(self):
        target = self.chain[-2]
        sequence, target_id = target.sequence, target.id
        self.tamper(
            SQL(
                "UPDATE stock_lot_event SET payload = replace(payload, %s, %s) "
                "WHERE id = %s",
                '"quantity":2.0',
                '"quantity":20.0',
                target.id,
            )
        )
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(result["problem"], "edited")
        self.assertEqual(result["broken_sequence"], sequence)
        self.assertEqual(result["broken_event_id"], target_id)
        self.assertIn(f"#{sequence}", result["message"])
        action = self.Event.action_verify_audit_trail()
        verification = self.env[action["res_model"]].browse(action["res_id"])
        self.assertFalse(verification.all_ok)
        line = verification.line_ids.filtered(
            lambda line: line.company_id == self.company
        )
        self.assertEqual(line.broken_event_id.id, target_id)

    def test_rehashed_entry_breaks_the_next_link(self):
        """An attacker who edits an entry and recomputes its own hash breaks
        the link of the entry after it."""
        target, after = self.chain[-3], self.chain[-2]
        self.env.cr.execute(
            SQL("SELECT * FROM stock_lot_event WHERE id = %s", target.id)
        )
        forged = self.env.cr.dictfetchone()
        forged["user_id"] = self.env.ref("base.user_admin").id
        self.tamper(
            SQL(
                "UPDATE stock_lot_event SET user_id = %s, hash = %s WHERE id = %s",
                forged["user_id"],
                entry_hash(target.previous_hash, forged),
                target.id,
            )
        )
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(result["problem"], "reordered")
        self.assertEqual(result["broken_sequence"], after.sequence)
        self.assertEqual(result["broken_event_id"], after.id)

    def test_deleted_entry_named(self):
        target = self.chain[-3]
        sequence = target.sequence
        self.tamper(SQL("DELETE FROM stock_lot_event WHERE id = %s", target.id))
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(result["problem"], "missing")
        self.assertEqual(result["broken_sequence"], sequence)
        self.assertIn(f"Entry #{sequence} is missing", result["message"])

    def test_reordered_entries_named(self):
        first, second = self.chain[-3], self.chain[-2]
        first_sequence, second_id = first.sequence, second.id
        self.tamper(
            SQL(
                "UPDATE stock_lot_event SET sequence = -1 WHERE id = %(a)s; "
                "UPDATE stock_lot_event SET sequence = %(sa)s WHERE id = %(b)s; "
                "UPDATE stock_lot_event SET sequence = %(sb)s WHERE id = %(a)s",
                a=first.id,
                b=second.id,
                sa=first.sequence,
                sb=second.sequence,
            )
        )
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(result["problem"], "reordered")
        self.assertEqual(result["broken_sequence"], first_sequence)
        self.assertEqual(result["broken_event_id"], second_id)

    def test_deleted_tail_detected(self):
        last = self.chain[-1]
        sequence = last.sequence
        self.tamper(SQL("DELETE FROM stock_lot_event WHERE id = %s", last.id))
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(result["problem"], "missing")
        self.assertEqual(result["broken_sequence"], sequence)
        self.assertIn("missing at the end", result["message"])

    def test_weekly_cron_reports_and_keeps_result(self):
        cron = self.env.ref("lot_traceability.ir_cron_verify_audit_trail")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "weeks"))
        self.assertTrue(cron.active)
        sequence = self.chain[-2].sequence
        self.tamper(SQL("DELETE FROM stock_lot_event WHERE id = %s", self.chain[-2].id))
        with mute_logger("odoo.addons.lot_traceability.models.stock_lot_event"):
            results = self.Event._cron_verify_audit_trail()
        mine = next(r for r in results if r["company_id"] == self.company.id)
        self.assertEqual(mine["broken_sequence"], sequence)
        stored = json.loads(
            self.env["ir.config_parameter"].sudo().get_param(LAST_VERIFICATION_PARAM)
        )
        self.assertFalse(
            next(r for r in stored["results"] if r["company_id"] == self.company.id)[
                "ok"
            ]
        )


class TestBackfill(AuditCase):
    def test_imported_history_in_one_batch_verifies(self):
        f = self.flows
        lots = [f.lot(self.product, f"AUD-BF-{i}") for i in range(3)]
        # history written while the module did not log it (before installation)
        with patch.object(StockMoveLine, "_lt_append_events", lambda self: None):
            for lot in lots:
                receipt = f.receive(self.supplier, self.product, [(lot, 10.0)])
                f.deliver(self.customer, self.product, [(lot, 4.0)])
            f.scrap(lots[0], 1.0)
        lines = self.env["stock.move.line"].search(
            [("lot_id", "in", [lot.id for lot in lots]), ("state", "=", "done")]
        )
        self.assertEqual(len(lines), 7)
        count = self.Event._backfill_imported()
        self.assertGreaterEqual(count, 7)
        imported = self.Event.search([("move_line_id", "in", lines.ids)])
        self.assertEqual(len(imported), 7)
        self.assertEqual(set(imported.mapped("event_type")), {"imported"})
        movements = sorted(json.loads(e.payload)["movement"] for e in imported)
        self.assertEqual(movements, ["received"] * 3 + ["scrapped"] + ["shipped"] * 3)
        receipt_event = imported.filtered(lambda e: e.res_id == receipt.id)
        self.assertEqual(receipt_event.res_model, "stock.picking")
        self.assertEqual(receipt_event.lot_ids, lots[-1])
        self.assertIntact()
        self.assertEqual(self.Event._backfill_imported(), 0)  # idempotent
        # new events chain on after the imported ones
        f.deliver(self.customer, self.product, [(lots[1], 1.0)])
        self.assertIntact()

    def test_backfill_is_batched(self):
        """A constant handful of statements, whatever the number of lines."""
        f = self.flows
        lots = [f.lot(self.product, f"AUD-BF-Q{i}") for i in range(40)]
        with patch.object(StockMoveLine, "_lt_append_events", lambda self: None):
            f.receive(self.supplier, self.product, [(lot, 1.0) for lot in lots])
        queries = self.env.cr.sql_log_count
        self.assertEqual(self.Event._backfill_imported(), 40)
        # flush, select, head insert/lock/last, one insert, one lot insert,
        # head update: not one statement per line
        self.assertLessEqual(self.env.cr.sql_log_count - queries, 20)
        self.assertIntact()


class TestScreens(AuditCase):
    def test_audit_trail_screens_read_only_and_menu(self):
        auditor = new_test_user(
            self.env,
            "aud.screen",
            groups="lot_traceability.group_lot_traceability_auditor",
        )
        Event = self.Event.with_user(auditor)
        views = Event.get_views([(False, "list"), (False, "form"), (False, "search")])
        list_arch = views["views"]["list"]["arch"]
        self.assertIn('create="false"', list_arch)
        self.assertIn('delete="false"', list_arch)
        self.assertIn("action_verify_audit_trail", list_arch)
        self.assertIn('edit="false"', views["views"]["form"]["arch"])
        for name in ("group_type", "group_company", "filter_date", "holds"):
            self.assertIn(f'name="{name}"', views["views"]["search"]["arch"])
        menu = self.env.ref("lot_traceability.stock_lot_event_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("lot_traceability.lot_traceability_menu_root")
        )
        visible = self.env["ir.ui.menu"].with_user(auditor)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        stock_user = new_test_user(
            self.env, "aud.stock", groups="stock.group_stock_user"
        )
        hidden = self.env["ir.ui.menu"].with_user(stock_user)._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)

    def test_events_button_on_lot_form(self):
        lot = self.flows.lot(self.product, "AUD-BTN-1")
        arch = lot.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_view_events"', arch)
        action = lot.action_view_events()
        self.assertEqual(action["res_model"], "stock.lot.event")
        events = self.Event.search(action["domain"])
        self.assertEqual(events.mapped("event_type"), ["lot_created"])

    def test_verify_menu_action_for_auditor(self):
        auditor = new_test_user(
            self.env,
            "aud.verify",
            groups="lot_traceability.group_lot_traceability_auditor",
        )
        server_action = self.env.ref("lot_traceability.stock_lot_event_verify_action")
        result = server_action.with_user(auditor).run()
        self.assertEqual(result["res_model"], "stock.lot.event.verification")
        verification = self.env[result["res_model"]].browse(result["res_id"])
        self.assertTrue(verification.all_ok)
        self.assertEqual(verification.line_ids.company_id, self.company)
        self.assertEqual(
            verification.line_ids.head_hash,
            self.Event.get_head_hash()[self.company.id]["hash"],
        )
        # the document of an event opens from it
        lot = self.flows.lot(self.product, "AUD-DOC-1")
        receipt = self.flows.receive(self.supplier, self.product, [(lot, 1.0)])
        event = self.events(lot, event_type="received")
        action = event.with_user(auditor).action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("stock.picking", receipt.id)
        )
