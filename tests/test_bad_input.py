# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Bad input: every case asserts what was written and what was not.

Lot names are normalised on save (surrounding blanks, CR, LF and tabs
removed, case kept); other control characters and case variants of an
existing lot are refused.
"""

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, mute_logger

from .common import LotTraceabilityCase
from .flows import Flows


class BadInputCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = Flows(cls.env)
        cls.product = cls.flows.product("Bad Input Salt")
        cls.other_product = cls.flows.product("Bad Input Pepper")
        cls.Lot = cls.env["stock.lot"]
        cls.Event = cls.env["stock.lot.event"]

    def lots(self, name, product=None, operator="="):
        return self.Lot.with_context(active_test=False).search(
            [
                ("name", operator, name),
                ("product_id", "=", (product or self.product).id),
            ]
        )

    def event_count(self):
        return self.Event.search_count([])

    def create(self, name, product=None, **vals):
        return self.Lot.create(
            {"name": name, "product_id": (product or self.product).id, **vals}
        )


class TestLotNames(BadInputCase):
    def test_duplicate_refused_with_message(self):
        self.create("BI-DUP-1")
        events = self.event_count()
        with self.assertRaisesRegex(ValidationError, "BI-DUP-1"):
            self.create("BI-DUP-1")
        self.assertEqual(len(self.lots("BI-DUP-1")), 1)
        self.assertEqual(self.event_count(), events)  # no lot_created logged
        # the same name on another product is another lot
        self.create("BI-DUP-1", self.other_product)
        self.assertEqual(len(self.lots("BI-DUP-1", self.other_product)), 1)

    def test_rename_onto_existing_refused(self):
        self.create("BI-REN-1")
        lot = self.create("BI-REN-2")
        with self.assertRaisesRegex(ValidationError, "BI-REN-1"):
            lot.name = "BI-REN-1"
        lot.invalidate_recordset()
        self.assertEqual(lot.name, "BI-REN-2")
        self.assertEqual(len(self.lots("BI-REN-1")), 1)

    def test_duplicates_within_one_import_write_nothing(self):
        events = self.event_count()
        with mute_logger("odoo.sql_db", "odoo.models"):
            result = self.Lot.load(
                ["name", "product_id"],
                [
                    ["BI-IMP-1", self.product.display_name],
                    ["BI-IMP-2", self.product.display_name],
                    ["BI-IMP-1", self.product.display_name],
                ],
            )
        self.assertFalse(result["ids"])
        self.assertTrue(
            any("BI-IMP-1" in message["message"] for message in result["messages"]),
            result["messages"],
        )
        self.assertFalse(self.lots("BI-IMP-%", operator="=like"))
        self.assertEqual(self.event_count(), events)

    def test_clean_import_logged(self):
        result = self.Lot.load(
            ["name", "product_id"],
            [
                ["BI-OK-1", self.product.display_name],
                ["007", self.product.display_name],
            ],
        )
        self.assertEqual(len(result["ids"]), 2, result["messages"])
        lots = self.Lot.browse(result["ids"])
        self.assertEqual(sorted(lots.mapped("name")), ["007", "BI-OK-1"])
        self.assertEqual(lots.mapped("event_count"), [1, 1])

    def test_leading_zeros_kept_and_distinct(self):
        lots = self.create("007") | self.create("7") | self.create("0007")
        self.assertEqual(lots.mapped("name"), ["007", "7", "0007"])
        self.assertEqual(len(self.lots("007")), 1)
        self.assertEqual(len(self.lots("7")), 1)

    def test_line_breaks_and_tabs_removed_other_controls_refused(self):
        lots = self.create("BI\r\nCR-1") | self.create("BI\tTAB-1")
        self.assertEqual(lots.mapped("name"), ["BICR-1", "BITAB-1"])
        events = self.event_count()
        for name in ("BI\x00NUL-1", "BI\x1bESC-1"):
            with self.assertRaisesRegex(ValidationError, "control character"):
                self.create(name)
        self.assertFalse(self.lots("BI%ESC%", operator="=like"))
        self.assertEqual(self.event_count(), events)
        lot = self.create("BI-OK-2")
        with self.assertRaisesRegex(ValidationError, "control character"):
            lot.name = "BI-OK\x07-2"
        lot.invalidate_recordset()
        self.assertEqual(lot.name, "BI-OK-2")


class TestNormalisedNames(BadInputCase):
    """Surrounding whitespace is removed; a case variant is refused."""

    def test_surrounding_whitespace_normalised(self):
        for raw in ("  BI-SP-1  ", "\tBI-SP-2", "BI-SP-3\r\n", "\nBI-SP-4 "):
            self.assertEqual(self.create(raw).name, raw.strip())

    def test_case_variants_refused(self):
        self.create("bi-case-1")
        with self.assertRaisesRegex(ValidationError, "bi-case-1"):
            self.create("BI-CASE-1")
        self.assertEqual(self.lots("bi-case-1", operator="=ilike").name, "bi-case-1")


class TestWrongCompanyOrProduct(BadInputCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Bad Input Co B"})
        cls.product_a = cls.flows.product("Bad Input Company A Salt")

    def test_lot_of_another_company_than_its_product_refused(self):
        events = self.event_count()
        with self.assertRaises(UserError):
            self.Lot.with_context(
                allowed_company_ids=[self.company_b.id, self.env.company.id]
            ).create(
                {
                    "name": "BI-CO-1",
                    "product_id": self.product_a.id,
                    "company_id": self.company_b.id,
                }
            )
        self.assertFalse(self.lots("BI-CO-1", self.product_a))
        self.assertEqual(self.event_count(), events)

    def test_lot_of_another_product_on_a_move_refused(self):
        lot = self.create("BI-PROD-1", self.other_product)
        f = self.flows
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": f.warehouse.in_type_id.id,
                "location_id": f.supplier_location.id,
                "location_dest_id": f.stock.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "wrong lot",
                            "product_id": self.product.id,
                            "product_uom_qty": 1.0,
                            "product_uom": self.product.uom_id.id,
                            "location_id": f.supplier_location.id,
                            "location_dest_id": f.stock.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        # assertRaises (not ...Regex) rolls back to a savepoint, as a request would
        with self.assertRaises(ValidationError) as refused:
            f.set_lines(picking.move_ids, [(lot, 1.0)])
        self.assertIn("incompatible", str(refused.exception))
        self.env.invalidate_all()
        self.env.cr.execute(
            SQL("SELECT count(*) FROM stock_move_line WHERE lot_id = %s", lot.id)
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_lot_for_untracked_product_refused(self):
        untracked = self.flows.product("Bad Input Water", tracking="none")
        events = self.event_count()
        with self.assertRaisesRegex(ValidationError, "not tracked by lots"):
            self.create("BI-NT-1", untracked)
        self.assertFalse(self.lots("BI-NT-1", untracked))
        self.assertEqual(self.event_count(), events)


class TestBadValues(BadInputCase):
    """Numbers and strings no user means: a clear error, nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls.Lot.create({"name": "BI-QTY-1", "product_id": cls.product.id})
        cls.flows.receive(
            cls.flows.partner("BI Supplier"), cls.product, [(cls.lot, 10.0)]
        )
        cls.quant = cls.lot.quant_ids.filtered(
            lambda q: q.location_id == cls.flows.stock
        )

    def test_nan_inf_huge_quantities(self):
        Quant = self.env["stock.quant"].with_context(inventory_mode=True)
        for value in (float("nan"), float("inf"), float("-inf"), 1e300):
            with self.assertRaisesRegex(UserError, "finite number"):
                self.quant.with_context(inventory_mode=True).write(
                    {"inventory_quantity": value}
                )
            with self.assertRaisesRegex(UserError, "finite number"):
                Quant.create(
                    {
                        "product_id": self.product.id,
                        "location_id": self.flows.stock.id,
                        "lot_id": self.lot.id,
                        "inventory_quantity": value,
                    }
                )
            with self.assertRaisesRegex(UserError, "finite number"):
                self.env["stock.move"].create(
                    {
                        "name": "BI move",
                        "product_id": self.product.id,
                        "product_uom_qty": value,
                        "product_uom": self.product.uom_id.id,
                        "location_id": self.flows.stock.id,
                        "location_dest_id": self.flows.customer_location.id,
                    }
                )
            line = self.flows.deliver(
                self.flows.partner("BI Customer"), self.product, [(self.lot, 1.0)]
            ).move_line_ids
            with self.assertRaisesRegex(UserError, "finite number"):
                line.write({"quantity": value})
        self.env.invalidate_all()
        self.assertEqual(self.quant.quantity, 6.0)
        self.assertFalse(self.quant.inventory_quantity_set)

    def test_control_and_bidi_characters(self):
        events = self.event_count()
        for bad in ("BI\x00NUL", "BI\u202eLOT", "BI\u2066X\u2069", "x" * 100_000):
            with self.assertRaises(ValidationError):
                self.create(bad)
            with self.assertRaises(ValidationError):
                self.create("BI-SUP-OK", supplier_lot_name=bad)
            with self.assertRaises(ValidationError):
                self.lot.supplier_lot_name = bad
            with self.assertRaises(ValidationError):
                self.env["stock.lot.numbering.rule"].create(
                    {"name": "BI rule", "pattern": "{SEQ:4}" + bad}
                )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.flows.warehouse.in_type_id.id,
                "location_id": self.flows.supplier_location.id,
                "location_dest_id": self.flows.stock.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "Supplier lot"):
            self.env["stock.move.line"].create(
                {
                    "picking_id": picking.id,
                    "product_id": self.product.id,
                    "product_uom_id": self.product.uom_id.id,
                    "location_id": self.flows.supplier_location.id,
                    "location_dest_id": self.flows.stock.id,
                    "supplier_lot_name": "BI\u202eX",
                    "quantity": 1.0,
                }
            )
        self.assertFalse(self.lots("BI-SUP-OK"))
        self.assertFalse(self.lot.supplier_lot_name)
        self.assertEqual(self.event_count(), events)

    def test_unbounded_counter_width(self):
        for pattern in ("{SEQ:100000}", "{SEQ:13}", "LOT-{SEQ:999999999999}"):
            with self.assertRaisesRegex(ValidationError, "too wide"):
                self.env["stock.lot.numbering.rule"].create(
                    {"name": "BI wide", "pattern": pattern}
                )
        self.assertFalse(
            self.env["stock.lot.numbering.rule"].search([("name", "=", "BI wide")])
        )

    def test_huge_hold_description(self):
        reason = self.env.ref("lot_traceability.hold_reason_contamination")
        with self.assertRaisesRegex(UserError, "keep it under"):
            self.env["stock.lot.hold"].create(
                {
                    "lot_ids": [Command.set(self.lot.ids)],
                    "reason_id": reason.id,
                    "description": "x" * 100_000,
                }
            )
        self.assertEqual(self.lot.hold_state, "free")

    def test_hold_placed_by_user_without_email(self):
        from odoo.tests import new_test_user

        user = new_test_user(
            self.env,
            "bi.noemail",
            groups="lot_traceability.group_lot_traceability_user",
        )
        user.partner_id.email = False
        new_test_user(
            self.env,
            "bi.manager",
            groups="lot_traceability.group_lot_traceability_manager",
        )
        hold = (
            self.env["stock.lot.hold"]
            .with_user(user)
            .create(
                {
                    "lot_ids": [Command.set(self.lot.ids)],
                    "reason_id": self.env.ref(
                        "lot_traceability.hold_reason_contamination"
                    ).id,
                }
            )
        )
        hold.action_place()
        self.assertEqual(hold.state, "active")
        self.assertEqual(hold.placed_by_id, user)
        self.assertEqual(self.lot.hold_state, "held")
