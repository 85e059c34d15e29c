# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""GS1-128 / DataMatrix scanning on receipts, on top of Odoo's parser."""

import calendar
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import Form

from .common import LotTraceabilityCase
from .flows import Flows, open_receipt

GTIN = "09506000134369"  # valid GS1 check digit
EAN13 = "4006381333931"  # valid EAN-13, scanned as GTIN-14 04006381333931
GS = "\x1d"
GS1_CHARS = (
    "!\"%&'()*+,-./0123456789:;<=>?"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)


def line_state(picking):
    return sorted(
        (
            ml.product_id.id,
            ml.quantity,
            ml.supplier_lot_name or "",
            str(ml.expiration_date or ""),
            bool(ml.picked),
        )
        for ml in picking.move_line_ids
    )


class Gs1Case(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = Flows(cls.env)
        cls.tomato = cls.flows.product("Tomato")
        cls.tomato.write({"barcode": GTIN, "use_expiration_date": True})
        cls.tomato_kg = cls.flows.product(
            "Tomato bulk", uom=cls.env.ref("uom.product_uom_kgm")
        )
        cls.tomato_kg.barcode = EAN13
        cls.supplier = cls.flows.partner("Sunripe Farms")
        cls.Nomenclature = cls.env["barcode.nomenclature"]

    def parse(self, barcode):
        return self.Nomenclature._lt_parse_gs1_scan(barcode)

    def scan(self, picking, barcode):
        with Form(picking) as form:
            form.gs1_scan = barcode
        return picking


class TestGs1Parsing(Gs1Case):
    def test_full_label(self):
        scan = self.parse(
            f"]C101{GTIN}17271231152712151126110110ABC-123{GS}21SN1{GS}3012"
        )
        self.assertEqual(scan["product"], self.tomato)
        self.assertEqual(scan["lot"], "ABC-123")
        self.assertEqual(scan["serial"], "SN1")
        self.assertEqual(scan["expiration_date"], date(2027, 12, 31))
        self.assertEqual(scan["use_date"], date(2027, 12, 15))
        self.assertEqual(scan["production_date"], date(2026, 11, 1))
        self.assertEqual(scan["count"], 12)

    def test_ai_11_and_16_rules_exist(self):
        scan = self.parse(f"01{GTIN}112611011627013110LOT")
        self.assertEqual(scan["production_date"], date(2026, 11, 1))
        self.assertEqual(scan["sell_by_date"], date(2027, 1, 31))

    def test_fnc1_spellings_and_symbology_prefixes(self):
        expected = None
        for prefix in ("", "]C1", "]d2", "]Q3", GS):
            for fnc1 in (GS, "#", "Alt029"):
                scan = self.parse(f"{prefix}01{GTIN}10LOT-7{fnc1}17270331")
                result = (scan["product"], scan["lot"], scan["expiration_date"])
                expected = expected or result
                self.assertEqual(result, expected, (prefix, fnc1))
        self.assertEqual(expected, (self.tomato, "LOT-7", date(2027, 3, 31)))

    def test_gtin_14_finds_an_ean_13_product_and_weight_converts(self):
        scan = self.parse(f"010{EAN13}3102000525")
        self.assertEqual(scan["product"], self.tomato_kg)
        self.assertEqual(
            scan["measures"], [(5.25, self.env.ref("uom.product_uom_kgm"))]
        )

    def test_day_00_is_last_day_and_flagged(self):
        scan = self.parse(f"01{GTIN}1728020010L1")
        self.assertEqual(scan["expiration_date"], date(2028, 2, 29))
        self.assertEqual(scan["day_00"], ["17"])

    def assertRefused(self, barcode, pattern):
        with self.assertRaisesRegex(UserError, pattern):
            self.parse(barcode)

    def test_refusals(self):
        self.assertRefused(f"01{GTIN}10{GS}17271231", r"\(10\) BATCH/LOT has ''")
        self.assertRefused(f"01{GTIN}10", r"\(10\) BATCH/LOT has ''")
        self.assertRefused(f"01{GTIN}17271301", r"month 13 does not exist")
        self.assertRefused(f"01{GTIN}17270015", r"month 00 does not exist")
        self.assertRefused(f"01{GTIN}17270230", r"day 30 does not exist")
        self.assertRefused(f"01{GTIN}17271301", r"^(?!.*Traceback)")
        self.assertRefused("0104006381333948", r"GTIN 04006381333948")
        self.assertRefused(
            "0109506000134360", r"check digit of \(01\) GTIN 09506000134360 is wrong"
        )
        self.assertRefused("", r"empty")
        self.assertRefused("hello world", r"does not start with a GS1 Application")
        self.assertRefused("hello", r"does not start with a GS1 Application")
        self.assertRefused(f"01{GTIN}10A{GS}10B", r"\(10\) BATCH/LOT appears twice")
        self.assertRefused(f"01{GTIN}30", r"\(30\) VAR. COUNT has ''")
        # GS1's invalid pairs and mandatory associations
        self.assertRefused(f"01{GTIN}02{GTIN}", r"\(02\) CONTENT together with \(01\)")
        self.assertRefused(f"01{GTIN}3712", r"\(01\) GTIN together with \(37\)")
        self.assertRefused("10LOT-ONLY", r"\(10\) BATCH/LOT needs \(01 or 02")
        self.assertRefused(
            f"01{GTIN}3102000100{GS}3103000200", r"together with \(3103\)"
        )
        self.assertRefused(f"01{GTIN}7003271231{GS}10L", r"\(7003\).*10 to 10")
        self.assertRefused(f"01{GTIN}70032712312461", r"not a time of day")

    def test_lot_at_the_end_is_taken_as_it_is(self):
        """GS1 needs no separator after the last element: what follows AI 10
        up to the end is the lot, even when it reads like other elements."""
        self.assertEqual(self.parse(f"01{GTIN}10ABC17271231")["lot"], "ABC17271231")
        scan = self.parse(f"01{GTIN}1727123110471125010")
        self.assertEqual(scan["lot"], "471125010")
        self.assertEqual(scan["expiration_date"], date(2027, 12, 31))

    def test_unknown_ais_are_skipped_by_their_length_rules(self):
        # 400 order number, 422 origin, 7003 expiry time, 90 internal data
        scan = self.parse(
            f"01{GTIN}400PO-77{GS}422250{GS}1727123170032712311530{GS}90X{GS}10LOT-9"
        )
        self.assertEqual(scan["product"], self.tomato)
        self.assertEqual(scan["lot"], "LOT-9")
        self.assertEqual(scan["expiration_date"], date(2027, 12, 31))
        self.assertEqual(
            [ai for ai, __ in scan["elements"]],
            ["01", "400", "422", "17", "7003", "90", "10"],
        )

    def test_weight_and_count_on_one_label(self):
        scan = self.parse(f"01{GTIN}3102000525{GS}3012{GS}10L")
        self.assertEqual(scan["count"], 12)
        self.assertEqual(
            scan["measures"], [(5.25, self.env.ref("uom.product_uom_kgm"))]
        )
        Nomenclature = self.Nomenclature
        self.assertEqual(
            Nomenclature._lt_scan_quantity(scan, self.tomato, self.tomato.uom_id), 12
        )
        kg = self.env.ref("uom.product_uom_kgm")
        self.assertEqual(Nomenclature._lt_scan_quantity(scan, self.tomato_kg, kg), 5.25)
        gram = self.env.ref("uom.product_uom_gram")
        self.assertEqual(
            Nomenclature._lt_scan_quantity(scan, self.tomato_kg, gram), 5250
        )

    def test_digital_link(self):
        scan = self.parse(
            f"https://id.gs1.org/01/{GTIN}/10/AB%2F7?17=271231&3102=000525"
        )
        self.assertEqual(scan["product"], self.tomato)
        self.assertEqual(scan["lot"], "AB/7")
        self.assertEqual(scan["expiration_date"], date(2027, 12, 31))
        self.assertEqual(scan["measures"][0][0], 5.25)
        # any domain, a path prefix, GTIN-13 in the URI, non-GS1 parameters
        scan = self.parse(
            f"]Q3https://example.com/shop/01/{EAN13}/10/X1?linkType=gs1:pip&17=280100"
        )
        self.assertEqual(scan["product"], self.tomato_kg)
        self.assertEqual(scan["expiration_date"], date(2028, 1, 31))
        self.assertRefused("https://example.com/products/42", r"not a GS1 Digital Link")
        self.assertRefused(
            f"https://id.gs1.org/01/{GTIN}/21/S1/10/L1",
            r"not in GS1 Digital Link order",
        )
        self.assertRefused(f"https://id.gs1.org/01/{GTIN[:-1]}0/10/L1", r"check digit")
        self.assertRefused(f"https://id.gs1.org/01/{GTIN}?17=271301", r"month 13")

    def test_unknown_gtin_names_it(self):
        with self.assertRaises(UserError) as caught:
            self.parse("0100000000000017")
        self.assertIn("00000000000017", str(caught.exception))

    def test_odoo_date_parser_no_longer_crashes(self):
        """Odoo's own gs1_date_to_date raised ValueError on 30 February."""
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.env.ref(
                "barcodes_gs1_nomenclature.default_gs1_nomenclature"
            ).gs1_date_to_date("270230")


class TestGs1Receipt(Gs1Case):
    def test_scans_fill_then_increment_then_add_lines(self):
        self.env["stock.lot.numbering.rule"].create(
            {
                "name": "Tomatoes",
                "product_tmpl_ids": [self.tomato.product_tmpl_id.id],
                "pattern": "T-{SEQ:4}",
            }
        )
        picking = open_receipt(self.flows, self.supplier, self.tomato, 24)
        planned = picking.move_line_ids
        self.scan(picking, f"]C101{GTIN}1727123111261101" f"10SRF-1{GS}3012")
        self.assertEqual(picking.move_line_ids, planned)
        self.assertEqual(planned.quantity, 12)
        self.assertEqual(planned.supplier_lot_name, "SRF-1")
        self.assertEqual(str(planned.expiration_date.date()), "2027-12-31")
        self.assertEqual(str(planned.production_date), "2026-11-01")
        self.assertTrue(planned.picked)
        # same label again: the same line grows
        self.scan(picking, f"01{GTIN}1727123110SRF-1{GS}3012")
        self.assertEqual(planned.quantity, 24)
        # another supplier lot: a new line; no quantity AI: one unit
        self.scan(picking, f"01{GTIN}17280131#10SRF-2")
        self.assertEqual(len(picking.move_line_ids), 2)
        new_line = picking.move_line_ids - planned
        self.assertEqual((new_line.supplier_lot_name, new_line.quantity), ("SRF-2", 1))
        self.assertIs(picking.button_validate(), True)
        lots = picking.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("supplier_lot_name")), ["SRF-1", "SRF-2"])
        self.assertEqual(sorted(lots.mapped("product_qty")), [1, 24])
        self.assertEqual(
            lots.filtered(lambda lot: lot.supplier_lot_name == "SRF-1").production_date,
            date(2026, 11, 1),
        )

    def test_scan_of_a_product_not_on_the_receipt_adds_it(self):
        for how in ("form", "rpc"):
            picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
            if how == "form":
                self.scan(picking, f"010{EAN13}3102000200{GS}10NEW-1")
            else:
                picking.gs1_scan = f"010{EAN13}3102000200{GS}10NEW-1"
            move = picking.move_ids.filtered(lambda m: m.product_id == self.tomato_kg)
            self.assertEqual(move.quantity, 2.0, how)
            self.assertEqual(move.product_uom, self.env.ref("uom.product_uom_kgm"))
            self.assertEqual(move.move_line_ids.supplier_lot_name, "NEW-1", how)
            self.assertIn(move.state, ("confirmed", "assigned"), how)

    def test_day_00_is_noted_on_the_receipt(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        picking.gs1_scan = f"01{GTIN}1727020010L1"  # over RPC: a note
        self.assertIn("day 00", picking.message_ids[0].body)
        self.assertEqual(
            str(picking.move_line_ids.expiration_date.date()), "2027-02-28"
        )

    def test_refused_scans_write_nothing(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        before = line_state(picking)
        messages = len(picking.message_ids)
        for barcode in (
            f"01{GTIN}10{GS}17271231",
            f"01{GTIN}17271301",
            f"01{GTIN}17270230",
            f"01{GTIN}0209506000134369",  # invalid pair
            f"01{GTIN}3712",  # invalid pair
            "0104006381333948",
            f"01{GTIN}3102000525",  # kilograms for a product counted in units
            "10LOT-ONLY",  # no product
        ):
            with self.assertRaises(UserError, msg=barcode):
                self.scan(picking, barcode)
            picking.invalidate_recordset()
            self.assertEqual(line_state(picking), before, barcode)
            self.assertEqual(len(picking.message_ids), messages, barcode)

    def test_scan_on_a_line(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        with Form(picking.move_ids, view="stock.view_stock_move_operations") as move:
            with move.move_line_ids.edit(0) as line:
                line.gs1_scan = f"]d201{GTIN}1727063010LINE-LOT{GS}305"
        line = picking.move_line_ids
        self.assertEqual(line.supplier_lot_name, "LINE-LOT")
        self.assertEqual(line.quantity, 5)
        self.assertEqual(str(line.expiration_date.date()), "2027-06-30")
        with (
            self.assertRaisesRegex(UserError, "this line is for Tomato"),
            Form(picking.move_ids, view="stock.view_stock_move_operations") as move,
        ):
            with move.move_line_ids.edit(0) as line_form:
                line_form.gs1_scan = f"010{EAN13}10X"
        self.assertEqual(picking.move_line_ids.supplier_lot_name, "LINE-LOT")

    def test_scan_fills_the_form_before_saving(self):
        """A scanner user sees the line filled as soon as the label is read."""
        self.tomato_kg.use_expiration_date = True
        self.env["stock.lot.numbering.rule"].create(
            {
                "name": "Bulk tomatoes",
                "product_tmpl_ids": [self.tomato_kg.product_tmpl_id.id],
                "pattern": "TB-{SEQ:4}",
            }
        )
        picking = open_receipt(self.flows, self.supplier, self.tomato_kg, 5)
        form = Form(picking)
        form.gs1_scan = f"]C1010{EAN13}172712313102000725{GS}10SRF-FORM"
        self.assertFalse(form.gs1_scan)
        self.assertEqual(form.move_ids_without_package.edit(0).quantity, 7.25)
        # nothing written before saving
        self.assertFalse(picking.move_line_ids.supplier_lot_name)
        form.save()
        line = picking.move_line_ids
        self.assertEqual((line.supplier_lot_name, line.quantity), ("SRF-FORM", 7.25))
        self.assertEqual(str(line.expiration_date.date()), "2027-12-31")
        self.assertTrue(line.picked)
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(line.lot_id.supplier_lot_name, "SRF-FORM")

    def test_day_00_warns_in_the_form(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        result = picking.onchange(
            {"gs1_scan": f"01{GTIN}1727020010L1"},
            ["gs1_scan"],
            {"gs1_scan": {}, "move_ids": {}},
        )
        self.assertIn("day 00", result["warning"]["message"])

    def test_scan_field_is_on_the_receipt_form(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        self.assertIn("gs1_scan", Form(picking)._view["fields"])


# ---------------------------------------------------------------------------
# Property-based tests
# ---------------------------------------------------------------------------


@st.composite
def gs1_dates(draw):
    year = draw(st.integers(2000, 2050))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(0, calendar.monthrange(year, month)[1]))
    expected = date(year, month, day or calendar.monthrange(year, month)[1])
    return f"{year % 100:02d}{month:02d}{day:02d}", expected


lot_values = st.text(alphabet=GS1_CHARS, min_size=1, max_size=20).filter(
    lambda s: not re.search(r"\d{8}", s) and "Alt029" not in s
)


@st.composite
def valid_labels(draw):
    fixed = [("01", GTIN)]
    expected = {"product": "tomato"}
    for ai, key in (
        ("17", "expiration_date"),
        ("15", "use_date"),
        ("11", "production_date"),
    ):
        if draw(st.booleans()):
            text, value = draw(gs1_dates())
            fixed.append((ai, text))
            expected[key] = value
    fixed = draw(st.permutations(fixed))
    variable = [("10", draw(lot_values))]
    expected["lot"] = variable[0][1]
    if draw(st.booleans()):
        count = draw(st.integers(1, 99999999))
        variable.append(("30", str(count)))
        expected["count"] = count
    variable = draw(st.permutations(variable))
    fnc1 = draw(st.sampled_from([GS, "#", "Alt029"]))
    prefix = draw(st.sampled_from(["", "]C1", "]d2", "]Q3"]))
    body = "".join(ai + value for ai, value in fixed)
    body += fnc1.join(ai + value for ai, value in variable)
    return prefix + body, expected


@st.composite
def corrupted_labels(draw):
    label, __ = draw(valid_labels())
    for __ in range(draw(st.integers(1, 3))):
        kind = draw(
            st.sampled_from(["delete", "insert", "replace", "truncate", "swap"])
        )
        position = draw(st.integers(0, max(len(label) - 1, 0)))
        char = draw(st.characters(codec="utf-8") | st.sampled_from("0123456789#\x1d"))
        if kind == "delete":
            label = label[:position] + label[position + 1 :]
        elif kind == "insert":
            label = label[:position] + char + label[position:]
        elif kind == "replace":
            label = label[:position] + char + label[position + 1 :]
        elif kind == "truncate":
            label = label[:position]
        else:
            label = label[position:] + label[:position]
    return label


class TestGs1Properties(Gs1Case):
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(valid_labels())
    def test_valid_labels_round_trip(self, case):
        label, expected = case
        scan = self.parse(label)
        self.assertEqual(scan.pop("product"), self.tomato)
        expected.pop("product")
        scan.pop("gtin")
        scan.pop("day_00")
        scan.pop("elements")
        self.assertEqual(scan.pop("measures"), [])
        self.assertEqual(scan, expected)

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(corrupted_labels())
    def test_corrupted_labels_give_user_errors_only(self, label):
        try:
            scan = self.parse(label)
        except UserError:
            return
        # a corruption can still be a valid label: then it is a complete read
        self.assertIn("day_00", scan)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(corrupted_labels())
    def test_corrupted_scans_on_a_receipt_write_nothing_or_a_line(self, label):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 5)
        before = line_state(picking)
        try:
            picking._apply_gs1_scan(label)
        except UserError:
            self.assertEqual(line_state(picking), before)
