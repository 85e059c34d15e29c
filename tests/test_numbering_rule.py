# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lot numbering rules: tokens, reset periods, check characters, precedence,
preview, application on receipts / manufacturing orders / Odoo's generate
dialog, manual-entry enforcement, name normalisation and the unique index."""

from datetime import datetime

from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg2 import errors

from odoo import Command
from odoo.addons.lot_traceability.models.stock_lot_numbering_rule import (
    ALPHANUMERIC,
    gs1_mod10,
    iso7064_mod37_36,
)
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form
from odoo.tools import SQL, mute_logger

from .common import LotTraceabilityCase
from .flows import Flows, open_receipt


def iso7064_verify(text):
    product = 36
    for position, char in enumerate(text):
        total = (product + ALPHANUMERIC.index(char)) % 36 or 36
        if position == len(text) - 1:
            return total == 1
        product = (total * 2) % 37
    return False


def gs1_verify(digits):
    """GS1 mod-10 verification: weights 1, 3, 1, ... from the check digit."""
    weighted = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits)))
    return weighted % 10 == 0


class NumberingCase(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "UTC"
        cls.flows = Flows(cls.env)
        cls.warehouse = cls.flows.warehouse
        cls.warehouse.code = "ATL"
        cls.Rule = cls.env["stock.lot.numbering.rule"]
        cls.category = cls.env["product.category"].create({"name": "Vegetables"})
        cls.sub_category = cls.env["product.category"].create(
            {"name": "Tomatoes", "parent_id": cls.category.id}
        )
        cls.tomato = cls.flows.product("Tomato")
        cls.tomato.write({"default_code": "TOM", "categ_id": cls.sub_category.id})
        cls.pepper = cls.flows.product("Pepper")
        cls.pepper.write({"default_code": "PEP", "categ_id": cls.category.id})
        cls.supplier = cls.flows.partner("Sunripe Farms")
        cls.supplier.ref = "SRF"
        shifts = cls.env["lot.traceability.shift"]
        for name, start in (("1", 6.0), ("2", 14.0), ("3", 22.0)):
            shifts.create({"name": name, "start_time": start})

    def rule(self, pattern, products=None, categories=(), **vals):
        form = Form(self.Rule)
        form.name = vals.pop("name", pattern)
        form.scope = vals.pop("scope", "category" if categories else "product")
        for product in products if products is not None else self.tomato:
            form.product_tmpl_ids.add(product.product_tmpl_id)
        for category in categories:
            form.categ_ids.add(category)
        form.pattern = pattern
        for field, value in vals.items():
            setattr(form, field, value)
        return form.save()

    def next_name(self, rule, moment, product=None, **kwargs):
        values = rule._values(
            product or self.tomato, moment, warehouse=self.warehouse, **kwargs
        )
        return rule._next_names(values)[0]


class TestTokens(NumberingCase):
    def test_issue_example(self):
        rule = self.rule("{YY}{JJJ}-{SITE}-{SHIFT}-{SEQ:4}")
        # 8 November 2025 is day 312; 23:10 is in shift 3 (from 22:00)
        self.assertEqual(
            self.next_name(rule, datetime(2025, 11, 8, 23, 10)), "25312-ATL-3-0001"
        )
        self.assertEqual(
            self.next_name(rule, datetime(2025, 11, 8, 23, 15)), "25312-ATL-3-0002"
        )

    def test_every_date_token(self):
        rule = self.rule("{YYYY}|{YY}|{MM}|{DD}|{JJJ}|{WW}|{SEQ}", padding=3)
        # 2 January 2027: ISO week 53 of 2026, day 002
        self.assertEqual(
            self.next_name(rule, datetime(2027, 1, 2, 12, 0)),
            "2027|27|01|02|002|53|001",
        )

    def test_shift_token_follows_the_clock(self):
        rule = self.rule("{SHIFT}-{SEQ:2}", reset_period="never")
        names = [
            self.next_name(rule, datetime(2026, 3, 4, hour, 0))
            for hour in (5, 6, 13, 14, 21, 22)
        ]
        # before the first shift starts, the night shift of the day before runs
        self.assertEqual(names, ["3-01", "1-02", "1-03", "2-04", "2-05", "3-06"])

    def test_product_supplier_and_site_tokens_on_a_receipt(self):
        rule = self.rule("{PROD}-{SUPPLIER}-{SITE}-{SEQ:3}", applies_to="receipt")
        picking = open_receipt(self.flows, self.supplier, self.tomato, 10)
        self.assertTrue(picking.button_validate())
        self.assertEqual(picking.move_line_ids.lot_id.name, "TOM-SRF-ATL-001")
        self.assertEqual(rule.preview.splitlines()[0], "TOM-SUPP-ATL-002")

    def test_line_token_on_a_manufacturing_order(self):
        self.rule("{LINE}{SEQ:4}", products=self.pepper, applies_to="production")
        workcenter = self.env["mrp.workcenter"].create(
            {"name": "Filling line", "code": "FL2"}
        )
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.pepper.product_tmpl_id.id,
                "product_qty": 1,
                "operation_ids": [
                    Command.create({"name": "Fill", "workcenter_id": workcenter.id})
                ],
            }
        )
        production = self.env["mrp.production"].create(
            {"product_id": self.pepper.id, "bom_id": bom.id, "product_qty": 5}
        )
        production.action_confirm()
        production.action_generate_serial()
        self.assertEqual(production.lot_producing_id.name, "FL20001")
        self.assertEqual(
            production.lot_producing_id.production_date,
            production.date_start.date(),
        )

    def test_unknown_token_and_missing_counter_are_refused(self):
        with self.assertRaisesRegex(ValidationError, r"unknown tokens BATCH"):
            self.rule("{BATCH}-{SEQ}")
        with self.assertRaisesRegex(ValidationError, r"\{SEQ\}"):
            self.rule("{YY}{JJJ}")
        with self.assertRaisesRegex(ValidationError, r"check character method"):
            self.rule("{SEQ}{CHK}")


class TestResetPeriods(NumberingCase):
    def names(self, rule, moments):
        return [self.next_name(rule, moment) for moment in moments]

    def test_yearly(self):
        rule = self.rule("{YY}-{SEQ:3}", reset_period="yearly")
        moments = [
            datetime(2026, 12, 31, 12),
            datetime(2026, 1, 5),
            datetime(2027, 1, 1),
        ]
        self.assertEqual(self.names(rule, moments), ["26-001", "26-002", "27-001"])

    def test_monthly(self):
        rule = self.rule("{MM}-{SEQ:3}", reset_period="monthly")
        moments = [datetime(2026, 2, 1), datetime(2026, 2, 28), datetime(2026, 3, 1)]
        self.assertEqual(self.names(rule, moments), ["02-001", "02-002", "03-001"])
        self.assertEqual(len(rule.sequence_id.date_range_ids), 2)

    def test_daily(self):
        rule = self.rule("{DD}-{SEQ:3}", reset_period="daily")
        moments = [
            datetime(2026, 2, 1, 8),
            datetime(2026, 2, 1, 23),
            datetime(2026, 2, 2),
        ]
        self.assertEqual(self.names(rule, moments), ["01-001", "01-002", "02-001"])

    def test_never(self):
        rule = self.rule("{YY}-{SEQ:3}", reset_period="never")
        moments = [datetime(2026, 12, 31), datetime(2027, 1, 1)]
        self.assertEqual(self.names(rule, moments), ["26-001", "27-002"])
        self.assertFalse(rule.sequence_id.use_date_range)

    def test_counter_is_an_ir_sequence_with_date_ranges(self):
        rule = self.rule("{SEQ:3}", reset_period="monthly")
        self.assertEqual(rule.sequence_id.implementation, "standard")
        self.assertTrue(rule.sequence_id.use_date_range)


class TestCheckCharacters(NumberingCase):
    def test_known_values(self):
        # GTIN-13 6291041500213, GRid A1-2425G-ABC1234002-M (ISO 7064 MOD 37,36)
        self.assertEqual(gs1_mod10("629104150021"), "3")
        self.assertEqual(iso7064_mod37_36("A12425GABC1234002"), "M")

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet="0123456789", min_size=1, max_size=20))
    def test_gs1_mod10_round_trip_and_single_digit_errors(self, digits):
        full = digits + gs1_mod10(digits)
        self.assertTrue(gs1_verify(full))
        for position in range(len(full)):
            for digit in "0123456789":
                if digit != full[position]:
                    wrong = full[:position] + digit + full[position + 1 :]
                    self.assertFalse(gs1_verify(wrong), wrong)

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=ALPHANUMERIC, min_size=1, max_size=20))
    def test_iso7064_round_trip_and_single_character_errors(self, text):
        full = text + iso7064_mod37_36(text)
        self.assertTrue(iso7064_verify(full))
        position = len(full) // 2
        for char in ALPHANUMERIC:
            if char != full[position]:
                wrong = full[:position] + char + full[position + 1 :]
                self.assertFalse(iso7064_verify(wrong), wrong)

    def test_rules_append_or_place_the_check_character(self):
        gs1 = self.rule("{YY}{SEQ:5}", check_character="gs1_mod10")
        name = self.next_name(gs1, datetime(2026, 5, 1))
        self.assertEqual(name, "2600001" + gs1_mod10("2600001"))
        iso = self.rule(
            "LOT-{SEQ:4}{CHK}-{SITE}",
            products=self.pepper,
            check_character="iso7064_mod37_36",
        )
        name = self.next_name(iso, datetime(2026, 5, 1), product=self.pepper)
        self.assertEqual(name, f"LOT-0001{iso7064_mod37_36('LOT-0001')}-ATL")


class TestPrecedence(NumberingCase):
    def test_product_then_nearest_category_then_company(self):
        company_rule = self.rule("CO-{SEQ:3}", products=[], scope="company")
        top = self.rule("VEG-{SEQ:3}", products=[], categories=self.category)
        self.assertEqual(self.Rule._find_rule(self.tomato), top)
        nearest = self.rule("TOMCAT-{SEQ:3}", products=[], categories=self.sub_category)
        self.assertEqual(self.Rule._find_rule(self.tomato), nearest)
        self.assertEqual(self.Rule._find_rule(self.pepper), top)
        product_rule = self.rule("TOM-{SEQ:3}", priority=50)
        self.assertEqual(self.Rule._find_rule(self.tomato), product_rule)
        other = self.flows.product("Salt")
        self.assertEqual(self.Rule._find_rule(other), company_rule)
        company_rule.active = False
        self.assertFalse(self.Rule._find_rule(other))

    def test_usage_filters_rules(self):
        self.rule("IN-{SEQ:3}", applies_to="receipt")
        self.assertTrue(self.Rule._find_rule(self.tomato, usage="receipt"))
        self.assertFalse(self.Rule._find_rule(self.tomato, usage="production"))

    def test_product_without_rule_keeps_odoo_numbering(self):
        production = self.env["mrp.production"].create(
            {"product_id": self.pepper.id, "product_qty": 1}
        )
        production.action_confirm()
        production.action_generate_serial()
        # Odoo's global lot sequence (stock.lot.serial): seven digits
        self.assertRegex(production.lot_producing_id.name, r"^\d{7}$")
        self.assertFalse(self.Rule.search([]).sequence_id.date_range_ids)


class TestPreview(NumberingCase):
    def test_preview_shows_three_numbers_without_using_them(self):
        form = Form(self.Rule)
        form.name = "Tomatoes"
        form.product_tmpl_ids.add(self.tomato.product_tmpl_id)
        form.pattern = "T-{SEQ:3}"
        form.reset_period = "never"
        self.assertEqual(form.preview, "T-001\nT-002\nT-003")
        form.pattern = "T{YYYY}-{SEQ:2}"
        year = datetime.now().year
        self.assertEqual(form.preview.splitlines()[2], f"T{year}-03")
        rule = form.save()
        self.assertEqual(rule.preview.splitlines()[0], f"T{year}-01")
        self.assertEqual(self.next_name(rule, datetime.now()), f"T{year}-01")
        rule.invalidate_recordset(["preview"])
        self.assertEqual(
            rule.preview.splitlines(), [f"T{year}-02", f"T{year}-03", f"T{year}-04"]
        )
        # reading the preview again uses nothing
        rule.invalidate_recordset(["preview"])
        self.assertEqual(rule.preview.splitlines()[0], f"T{year}-02")

    def test_preview_explains_a_bad_pattern(self):
        form = Form(self.Rule)
        form.name = "Bad"
        form.pattern = "{FOO}"
        self.assertIn("unknown tokens FOO", form.preview)


class TestApplication(NumberingCase):
    def test_receipt_without_typed_lot_gets_rule_number(self):
        self.rule("R-{YY}-{SEQ:4}", applies_to="receipt")
        picking = open_receipt(self.flows, self.supplier, self.tomato, 10)
        picking.button_validate()
        year = picking.date_done.year % 100
        lot = picking.move_line_ids.lot_id
        self.assertEqual(lot.name, f"R-{year:02d}-0001")
        self.assertEqual(lot.supplier_id, self.supplier)
        self.assertTrue(lot.receipt_date)

    def test_receipt_with_typed_lot_keeps_it(self):
        self.rule("R-{SEQ:4}", applies_to="receipt")
        picking = open_receipt(self.flows, self.supplier, self.tomato, 10)
        picking.move_line_ids.lot_name = "MY-OWN-LOT"
        picking.button_validate()
        self.assertEqual(picking.move_line_ids.lot_id.name, "MY-OWN-LOT")

    def test_production_rule_does_not_number_receipts(self):
        self.rule("MO-{SEQ:4}", applies_to="production")
        picking = open_receipt(self.flows, self.supplier, self.tomato, 10)
        with self.assertRaisesRegex(UserError, "supply a Lot/Serial Number"):
            picking.button_validate()

    def test_marking_an_order_done_without_lot_numbers_it(self):
        self.rule("MO-{SEQ:4}", products=self.pepper, applies_to="production")
        production = self.env["mrp.production"].create(
            {"product_id": self.pepper.id, "product_qty": 3}
        )
        production.action_confirm()
        production.qty_producing = 3
        self.assertFalse(production.lot_producing_id)
        self.assertTrue(production.button_mark_done())
        self.assertEqual(production.state, "done")
        self.assertEqual(production.lot_producing_id.name, "MO-0001")
        self.assertEqual(
            production.move_finished_ids.move_line_ids.lot_id,
            production.lot_producing_id,
        )

    def test_generate_lots_dialog_uses_the_rule(self):
        self.rule("G-{SEQ:3}", applies_to="receipt")
        picking = open_receipt(self.flows, self.supplier, self.tomato, 30)
        move = picking.move_ids
        context = {
            "default_product_id": self.tomato.id,
            "default_location_dest_id": move.location_dest_id.id,
            "default_location_id": move.location_id.id,
            "default_tracking": "lot",
            "default_quantity": 30,
            "default_picking_id": picking.id,
            "default_picking_type_id": picking.picking_type_id.id,
            "default_company_id": picking.company_id.id,
        }
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "generate", "", 10, False
        )
        self.assertEqual(
            [v["lot_name"] for v in vals if v.get("lot_name")]
            or [v["lot_id"]["display_name"] for v in vals],
            ["G-001", "G-002", "G-003"],
        )
        # a typed first number keeps Odoo's behaviour
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "generate", "X-07", 10, False
        )
        names = [v.get("lot_name") or v["lot_id"]["display_name"] for v in vals]
        self.assertEqual(names, ["X-07", "X-08", "X-09"])


class TestManualEntry(NumberingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enforced = cls.Rule.create(
            {
                "name": "Tomatoes",
                "scope": "product",
                "product_tmpl_ids": [Command.link(cls.tomato.product_tmpl_id.id)],
                "pattern": "T{YY}{MM}-{SEQ:4}{CHK}",
                "check_character": "gs1_mod10",
                "enforce_manual_entry": True,
            }
        )

    def lot_form(self, name, product=None):
        form = Form(self.env["stock.lot"])
        form.product_id = product or self.tomato
        form.name = name
        return form

    def test_wrong_format_is_refused_with_format_and_example(self):
        with self.assertRaises(ValidationError) as caught:
            self.lot_form("TOMATO-1").save()
        message = str(caught.exception)
        self.assertIn("TOMATO-1", message)
        self.assertIn("T{YY}{MM}-{SEQ:4}{CHK}", message)
        self.assertRegex(message, r"for example T\d{4}-\d{5}")
        example = message.split("for example ")[1].split(".")[0]
        # the example itself is accepted
        self.assertTrue(self.lot_form(example).save())

    def test_wrong_check_character_is_refused(self):
        body = "T2611-0042"
        good = body + gs1_mod10(body)
        bad = body + str((int(gs1_mod10(body)) + 1) % 10)
        with self.assertRaisesRegex(ValidationError, "does not follow"):
            self.lot_form(bad).save()
        self.assertEqual(self.lot_form(good).save().name, good)

    def test_renaming_is_checked_too(self):
        lot = self.lot_form("T2611-0042" + gs1_mod10("T2611-0042")).save()
        with self.assertRaisesRegex(ValidationError, "does not follow"):
            lot.name = "whatever"

    def test_not_enforced_without_the_flag(self):
        self.enforced.enforce_manual_entry = False
        self.assertTrue(self.lot_form("anything").save())

    def test_generated_names_pass(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        picking.button_validate()
        self.assertRegex(picking.move_line_ids.lot_id.name, r"^T\d{4}-0001\d$")

    def test_typed_name_on_a_receipt_is_checked(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        picking.move_line_ids.lot_name = "BAD"
        with self.assertRaisesRegex(ValidationError, "expected format"):
            picking.button_validate()


class TestNormalisation(NumberingCase):
    def test_names_are_normalised_case_kept(self):
        lot = self.flows.lot(self.pepper, "  Lot-7\r\n")
        self.assertEqual(lot.name, "Lot-7")
        lot.name = "\tLot-\n8 "
        self.assertEqual(lot.name, "Lot-8")
        # case is kept, but a case variant of an existing lot is refused
        with self.assertRaisesRegex(ValidationError, "differ only by case"):
            self.flows.lot(self.pepper, "lot-8")
        self.assertEqual(self.flows.lot(self.pepper, "lot-9").name, "lot-9")

    def test_duplicate_after_normalisation_is_refused(self):
        self.flows.lot(self.pepper, "P-1")
        with self.assertRaisesRegex(ValidationError, "Lot/Serial Number: P-1"):
            self.flows.lot(self.pepper, " P-1\r\n")
        other = self.flows.lot(self.pepper, "P-0")
        with self.assertRaisesRegex(ValidationError, "Lot/Serial Number: P-1"):
            other.name = "P-1\t"
        other.name = "P-0 "  # itself is no duplicate
        self.assertEqual(other.name, "P-0")

    def test_database_index_refuses_duplicates_written_in_sql(self):
        lot = self.flows.lot(self.pepper, "P-2")
        self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO stock_lot (name, product_id, company_id, create_date) "
                    "VALUES (%s, %s, %s, now())",
                    " P-2\t",
                    lot.product_id.id,
                    lot.company_id.id,
                )
            )
        # another product may use the same name
        self.assertTrue(self.flows.lot(self.tomato, "P-2"))

    @freeze_time("2026-06-15 10:00:00")
    def test_search_by_supplier_lot_everywhere(self):
        lot = self.flows.lot(self.pepper, "P-3")
        lot.supplier_lot_name = "SUP-XYZ-1"
        found = self.env["stock.lot"].name_search("SUP-XYZ")
        self.assertEqual([lot_id for lot_id, __ in found], lot.ids)
        self.assertEqual(
            self.env["stock.lot"].search([("display_name", "ilike", "XYZ-1")]), lot
        )
