# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Pasting lots into Odoo's "Import Lots" dialog: text from spreadsheets,
Windows, scanners."""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import UserError

from .common import LotTraceabilityCase
from .flows import Flows, open_receipt


class TestLotImport(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = Flows(cls.env)
        cls.tomato = cls.flows.product("Tomato")
        cls.tomato.use_expiration_date = True
        cls.supplier = cls.flows.partner("Sunripe Farms")
        cls.Move = cls.env["stock.move"]

    def paste(self, text, picking=None):
        """What the dialog sends when the user pastes ``text``."""
        picking = picking or open_receipt(self.flows, self.supplier, self.tomato, 10)
        move = picking.move_ids
        context = {
            "default_product_id": self.tomato.id,
            "default_location_dest_id": move.location_dest_id.id,
            "default_location_id": move.location_id.id,
            "default_tracking": "lot",
            "default_quantity": 10,
            "default_picking_id": picking.id,
            "default_picking_type_id": picking.picking_type_id.id,
            "default_company_id": picking.company_id.id,
        }
        return self.Move.action_generate_lot_line_vals(context, "import", "", 0, text)

    def names(self, vals_list):
        return [
            vals.get("lot_name") or vals["lot_id"]["display_name"] for vals in vals_list
        ]

    def test_crlf_and_byte_order_mark(self):
        vals = self.paste("\ufeffLOT-1\r\nLOT-2\r\n\r\nLOT-3\r")
        self.assertEqual(self.names(vals), ["LOT-1", "LOT-2", "LOT-3"])

    def test_leading_zeros_are_kept(self):
        vals = self.paste("000123\n0042;0007;SUP-001")
        self.assertEqual(self.names(vals), ["000123", "0042"])
        self.assertEqual(vals[1]["quantity"], 7.0)
        self.assertEqual(vals[1]["supplier_lot_name"], "SUP-001")

    def test_tab_or_semicolon_columns_with_supplier_lot_and_dates(self):
        text = (
            "LOT-A\t12\tSRF-0001\t2027-03-31\t2026-11-02\r\n"
            "LOT-B;8,5;SRF-0002;2027-04-30;2026-11-03\r\n"
            "LOT-C;;SRF-0003\r\n"
        )
        vals = self.paste(text)
        self.assertEqual(self.names(vals), ["LOT-A", "LOT-B", "LOT-C"])
        self.assertEqual([v["quantity"] for v in vals], [12.0, 8.5, 1])
        self.assertEqual(
            [v["supplier_lot_name"] for v in vals], ["SRF-0001", "SRF-0002", "SRF-0003"]
        )
        self.assertEqual(vals[0]["expiration_date"], datetime(2027, 3, 31))
        self.assertEqual(vals[1]["production_date"], date(2026, 11, 3))
        self.assertNotIn("expiration_date", vals[2])

    def test_header_row_is_skipped(self):
        vals = self.paste("Lot;Quantity;Supplier lot\nL1;2;S1\n")
        self.assertEqual(self.names(vals), ["L1"])

    def test_two_columns_keep_odoo_meaning(self):
        vals = self.paste("L1;4\nL2;2027-01-31\nL3;SUP-9")
        self.assertEqual(vals[0]["quantity"], 4.0)
        self.assertEqual(vals[1]["expiration_date"], datetime(2027, 1, 31))
        self.assertEqual(vals[2]["supplier_lot_name"], "SUP-9")

    def test_bad_cells_name_the_line(self):
        with self.assertRaisesRegex(UserError, r"Line 2: the quantity lots"):
            self.paste("L1;1;S\nL2;lots;S\n")
        with self.assertRaisesRegex(UserError, r"Line 1: 2027-13-45 is not a date"):
            self.paste("L1;1;S;2027-13-45\n")
        with self.assertRaisesRegex(UserError, r"Line 1 has 7 columns"):
            self.paste("L1;1;S;2027-01-01;2026-01-01;x;y\n")

    def test_expiry_is_dropped_for_products_without_expiration(self):
        self.tomato.use_expiration_date = False
        vals = self.paste("L1;1;S1;2027-01-31")
        self.assertNotIn("expiration_date", vals[0])

    def test_pasted_lines_reach_the_received_lots(self):
        picking = open_receipt(self.flows, self.supplier, self.tomato, 10)
        vals = self.paste(
            "A-1;6;SRF-1;2027-03-31;2026-11-02\r\nA-2;4;SRF-2\r\n", picking
        )
        commands = [Command.clear()]
        for line in vals:
            line = {
                key: value["id"] if isinstance(value, dict) else value
                for key, value in line.items()
                if key in self.env["stock.move.line"]._fields
            }
            commands.append(Command.create(dict(line, picked=True)))
        picking.move_ids.move_line_ids = commands
        self.assertIs(picking.button_validate(), True)
        lots = picking.move_line_ids.lot_id.sorted("name")
        self.assertEqual(lots.mapped("name"), ["A-1", "A-2"])
        self.assertEqual(lots.mapped("supplier_lot_name"), ["SRF-1", "SRF-2"])
        self.assertEqual(lots[0].expiration_date, datetime(2027, 3, 31))
        self.assertEqual(lots[0].production_date, date(2026, 11, 2))
        self.assertEqual(lots.mapped("product_qty"), [6.0, 4.0])
