# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The ledger: odd lot names verify, every break is reported, anchors catch a
re-chain, anchors leave the database (file, mail, reports), every change to a
lot's stock is recorded (done-line edits, counts), and who may seal."""

import base64
import json

from odoo.addons.lot_traceability.hooks import uninstall_hook
from odoo.addons.lot_traceability.models.stock_lot_ledger import (
    entry_hash,
    parse_anchors,
)
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import SQL

from .test_audit_trail import AuditCase

STOCK_USER = "stock.group_stock_user"
AUDITOR = "lot_traceability.group_lot_traceability_auditor"
USER = "lot_traceability.group_lot_traceability_user"
MANAGER = "lot_traceability.group_lot_traceability_manager"

ODD_NAMES = [
    "   ",
    "trailing blanks   ",
    "   leading blanks",
    "Ünïcødé-ß-Ωμέγα-日本語",
    "🍯 honey 🐝 lot",
    'O\'Brien "quoted" lot',
    "back\\slash\\\\lot\\",
    "semi;colon,comma%percent_under",
    "L" * 300,
    "nbsp\u00a0inside",
    "null-ish \\u0000 text",
    "<b>html</b> & ampersand",
]


class TestOddNames(AuditCase):
    def test_any_name_odoo_accepts_verifies(self):
        accepted = []
        stock_user = new_test_user(self.env, "ledger.odd", groups=STOCK_USER)
        Lot = self.env["stock.lot"].with_user(stock_user)
        for index, name in enumerate(ODD_NAMES):
            product = self.flows.product(f"Odd Product {index}")
            try:
                with self.env.cr.savepoint():
                    lot = Lot.create({"name": name, "product_id": product.id})
            except (UserError, ValidationError):
                continue  # refused with a message: nothing written, fine too
            accepted.append(lot)
            self.flows.receive(self.supplier, product, [(lot, 1.0)])
            lot.sudo().write({"name": f"{name} renamed", "ref": name})
        # the names a user can type must not be refused as a whole
        self.assertGreaterEqual(len(accepted), len(ODD_NAMES) - 3)
        result = self.verify()
        self.assertTrue(result["ok"], result["breaks"])
        self.assertEqual(result["pending"], 0)
        names = {
            name
            for event in self.events()
            for name in (event.lot_names or "").split(", ")
        }
        for lot in accepted:
            self.assertIn(lot.name, names)
        # and it keeps verifying: the next seal chains on
        self.flows.lot(self.product, "AFTER-ODD-1")
        self.assertTrue(self.verify()["ok"])


class TestEveryBreak(AuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        lot = cls.flows.lot(cls.product, "LEDGER-BRK-1")
        for qty in (1.0, 2.0, 3.0, 4.0, 5.0):
            cls.flows.receive(cls.supplier, cls.product, [(lot, qty)])
        cls.seal()
        cls.chain = cls.env["stock.lot.event"].search(
            [("company_id", "=", cls.env.company.id)], order="sequence"
        )

    def tamper(self, query):
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE stock_lot_event DISABLE TRIGGER USER"))
        cr.execute(query)
        cr.execute(SQL("ALTER TABLE stock_lot_event ENABLE TRIGGER USER"))
        self.Event.invalidate_model()

    def anchor_text(self):
        return self.env["stock.lot.ledger"]._anchor_text(self.company)

    def test_two_edits_and_a_deletion_all_reported(self):
        edited = [self.chain[-6], self.chain[-2]]
        deleted = self.chain[-4]
        expected = [
            (edited[0].sequence, "edited"),
            (deleted.sequence, "missing"),
            (edited[1].sequence, "edited"),
        ]
        self.tamper(
            SQL(
                "UPDATE stock_lot_event SET document_name = 'forged' "
                "WHERE id IN %s; DELETE FROM stock_lot_event WHERE id = %s",
                tuple(e.id for e in edited),
                deleted.id,
            )
        )
        result = self.verify()
        self.assertFalse(result["ok"])
        self.assertEqual(result["break_count"], 3)
        found = [(b["sequence"], b["problem"]) for b in result["breaks"]]
        self.assertEqual(found, expected)
        self.assertEqual(result["broken_sequence"], expected[0][0])
        # the screen lists every one of them
        action = self.Event.action_verify_audit_trail()
        verification = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(
            verification.break_ids.mapped("sequence"), [s for s, __ in found]
        )
        self.assertEqual(verification.line_ids.break_count, 3)

    def test_delete_and_rechain_detected_against_the_anchor(self):
        """A database owner deletes an entry with its trigger disabled and
        re-chains everything after it: the chain alone verifies, the anchor
        taken before does not."""
        head = self.anchor_text()  # the mail of this morning
        early, victim, after = (
            {
                "id": e.id,
                "sequence": e.sequence,
                "hash": e.hash,
                "link": e.previous_hash,
            }
            for e in (self.chain[-6], self.chain[-4], self.chain[-3])
        )
        last = self.chain[-1].sequence
        older = "\n".join(  # anchors of earlier days, kept on printed reports
            f"LT-ANCHOR v1 company={self.company.id} sequence={e['sequence']} "
            f"hash={e['hash']} sealed=2026-01-0{n}T00:00:00Z"
            for n, e in ((1, early), (2, after))
        )
        cr = self.env.cr
        cr.execute(SQL("ALTER TABLE stock_lot_event DISABLE TRIGGER USER"))
        cr.execute(SQL("DELETE FROM stock_lot_event WHERE id = %s", victim["id"]))
        cr.execute(
            SQL(
                "SELECT * FROM stock_lot_event WHERE company_id = %s "
                "AND sequence > %s ORDER BY sequence",
                self.company.id,
                victim["sequence"],
            )
        )
        later = cr.dictfetchall()
        previous = victim["link"]
        for row in later:
            row["sequence"] -= 1
            new_hash = entry_hash(previous, row)
            cr.execute(
                SQL(
                    "UPDATE stock_lot_event SET sequence = %s, previous_hash = %s, "
                    "hash = %s WHERE id = %s",
                    row["sequence"],
                    previous,
                    new_hash,
                    row["id"],
                )
            )
            previous = new_hash
        cr.execute(
            SQL(
                "UPDATE stock_lot_event_head SET sequence = sequence - 1, hash = %s "
                "WHERE company_id = %s",
                previous,
                self.company.id,
            )
        )
        cr.execute(SQL("ALTER TABLE stock_lot_event ENABLE TRIGGER USER"))
        self.Event.invalidate_model()
        self.assertTrue(self.verify()["ok"])  # the rebuilt chain alone passes
        result = self.verify(head + older)
        self.assertFalse(result["ok"])
        checked = {a["sequence"]: a for a in result["anchors"]}
        self.assertTrue(checked[early["sequence"]]["ok"])  # before the deletion
        self.assertFalse(checked[after["sequence"]]["ok"])
        self.assertIn("re-chained", checked[after["sequence"]]["message"])
        self.assertFalse(checked[last]["ok"])
        self.assertIn("no longer exists", checked[last]["message"])
        self.assertEqual([b["problem"] for b in result["breaks"]], ["anchor", "anchor"])

    def test_anchor_file_through_the_screen(self):
        verification = self.env["stock.lot.event.verification"].browse(
            self.Event.action_verify_audit_trail()["res_id"]
        )
        exported = base64.b64decode(verification.export_file).decode()
        anchors = parse_anchors(exported)
        self.assertEqual(
            [(a["company_id"], a["sequence"], a["hash"]) for a in anchors],
            [(self.company.id, self.chain[-1].sequence, self.chain[-1].hash)],
        )
        verification.anchor_file = verification.export_file
        verification.action_verify()
        self.assertTrue(verification.all_ok)
        self.assertEqual(verification.anchor_count, 1)
        self.tamper(
            SQL(
                "UPDATE stock_lot_event SET hash = %s WHERE id = %s",
                "0" * 64,
                self.chain[-1].id,
            )
        )
        verification.action_verify()
        self.assertFalse(verification.all_ok)
        self.assertIn("anchor", verification.break_ids.mapped("problem"))
        verification.write(
            {
                "anchor_file": False,
                "anchor_text": anchors[0]["hash"].join(
                    ["LT-ANCHOR v1 db=another-database company=1 sequence=1 hash=", ""]
                ),
            }
        )
        with self.assertRaisesRegex(UserError, "None of the 1 anchor"):
            verification.action_verify()
        verification.anchor_text = "no anchor here"
        with self.assertRaisesRegex(UserError, "No anchor found"):
            verification.action_verify()


class TestAnchorsLeave(AuditCase):
    def test_mail_to_quality_addresses_and_event(self):
        self.flows.lot(self.product, "LEDGER-MAIL-1")
        self.seal()
        head = self.Event.get_head_hash()[self.company.id]
        self.company.lot_ledger_anchor_emails = "qa@example.com, qp@example.com"
        self.env["stock.lot.ledger"]._cron_send_anchors()
        mail = self.env["mail.mail"].search(
            [("email_to", "=", "qa@example.com, qp@example.com")]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(head["hash"], mail.body_html)
        self.assertIn(f"sequence={head['sequence']}", mail.body_html)
        anchors = parse_anchors(base64.b64decode(mail.attachment_ids.datas).decode())
        self.assertEqual(anchors[0]["hash"], head["hash"])
        sent = self.events(event_type="anchor_sent")
        self.assertEqual(json.loads(sent.payload)["hash"], head["hash"])

    def test_dossier_prints_the_head(self):
        lot = self.flows.lot(self.product, "LEDGER-DOSSIER-1")
        self.seal()
        head = self.Event.get_head_hash()[self.company.id]
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("lot_traceability.action_report_lot_dossier", lot.ids)[0]
            .decode()
        )
        self.assertIn(f"sequence={head['sequence']} hash={head['hash']}", html)


class TestStockChanges(AuditCase):
    def test_done_line_edit_old_and_new_values(self):
        f = self.flows
        lot_a = f.lot(self.product, "LEDGER-EDIT-A")
        lot_b = f.lot(self.product, "LEDGER-EDIT-B")
        receipt = f.receive(self.supplier, self.product, [(lot_a, 10.0)])
        line = receipt.move_line_ids
        # (Odoo lets only users with accounting rights edit a done line: its
        # valuation changes too)
        line.write({"quantity": 8.0})
        line.write({"lot_id": lot_b.id})
        edits = self.events(event_type="line_edited")
        self.assertEqual(len(edits), 2)
        quantity, lot = (json.loads(e.payload)["changes"] for e in edits)
        self.assertEqual(quantity, {"quantity": [10.0, 8.0]})
        self.assertEqual(lot["lot_id"], [lot_a.id, lot_b.id])
        self.assertEqual(lot["lot"], ["LEDGER-EDIT-A", "LEDGER-EDIT-B"])
        self.assertEqual(edits[1].lot_ids, lot_a | lot_b)
        self.assertEqual(edits[0].user_id, self.env.user)
        self.assertEqual(edits[0].res_id, receipt.id)
        # the stock really moved: the lots' quantities follow the edit
        self.assertEqual(lot_a.product_qty, 0.0)
        self.assertEqual(lot_b.product_qty, 8.0)
        line.write({"location_dest_id": f.stock.id})  # same value: nothing
        self.assertEqual(len(self.events(event_type="line_edited")), 2)
        self.assertIntact()

    def test_count_records_before_and_counted(self):
        f = self.flows
        lot = f.lot(self.product, "LEDGER-COUNT-1")
        f.receive(self.supplier, self.product, [(lot, 10.0)])
        quant = self.env["stock.quant"].search(
            [("lot_id", "=", lot.id), ("location_id", "=", f.stock.id)]
        )
        quant.with_context(inventory_mode=True).inventory_quantity = 7.0
        quant.action_apply_inventory()
        counted = self.events(lot, event_type="counted")
        payload = json.loads(counted.payload)
        self.assertEqual(
            (payload["quantity_before"], payload["counted"], payload["difference"]),
            (10.0, 7.0, -3.0),
        )
        self.assertEqual(payload["location_id"], f.stock.id)
        self.assertEqual(len(self.events(lot, event_type="adjusted")), 1)
        self.assertIntact()


class TestSealRights(AuditCase):
    def test_only_a_quality_manager_seals_now(self):
        self.flows.lot(self.product, "LEDGER-SEAL-1")
        for groups in (
            STOCK_USER,
            AUDITOR,
            "lot_traceability.group_lot_traceability_user",
        ):
            user = new_test_user(self.env, f"ledger.{groups[-8:]}", groups=groups)
            with self.assertRaises(AccessError):
                self.Event.with_user(user).action_seal_now()
        manager = new_test_user(self.env, "ledger.manager", groups=MANAGER)
        action = self.Event.with_user(manager).action_seal_now()
        self.assertEqual(action["tag"], "display_notification")
        # its own transaction's events are not its to seal: the next run does
        self.assertEqual(
            self.Event.with_user(manager).get_head_hash()[self.company.id]["pending"],
            len(self.events().filtered(lambda e: not e.sequence)),
        )


class TestForcedRemovalKeepsTheTrail(AuditCase):
    def test_uninstall_hook_keeps_the_table(self):
        """Should the module be removed anyway (its state written by hand, the
        refusal bypassed), the hook moves the trail out of Odoo's reach
        instead of letting Odoo drop it (a rolled back test transaction)."""
        lot = self.flows.lot(self.product, "LEDGER-KEEP-1")
        self.seal()
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("SELECT count(*) FROM stock_lot_event"))
        (count,) = cr.fetchone()
        uninstall_hook(self.env)
        cr.execute(SQL("SELECT to_regclass('stock_lot_event') IS NULL"))
        self.assertTrue(cr.fetchone()[0])
        cr.execute(
            SQL(
                "SELECT relname FROM pg_class WHERE relkind = 'r' "
                "AND relname LIKE 'stock_lot_event_kept_%%'"
            )
        )
        (kept,) = cr.fetchone()
        cr.execute(
            SQL(
                "SELECT count(*), bool_or(lot_names = %s) FROM %s",
                lot.name,
                SQL.identifier(kept),
            )
        )
        self.assertEqual(cr.fetchone(), (count, True))
        cr.execute(SQL("SELECT to_regclass('stock_lot_event_head') IS NOT NULL"))
        self.assertTrue(cr.fetchone()[0])
