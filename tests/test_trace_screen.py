# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The trace screen's data API (``stock.lot.trace.screen``): totals, the
collapsed graph, paged tables, snapshots and exports, on the demo scenario."""

import io
from collections import defaultdict
from unittest import mock

import openpyxl

from odoo.addons.lot_traceability.models.stock_lot_genealogy import (
    StockLotGenealogy,
)
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import YY, LotTraceabilityCase

CUSTOMERS = {
    "Green Grocer Market",
    "Bella Cucina Restaurants",
    "FreshWay Supermarkets",
    "Corner Deli",
}


class TestTraceScreen(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()
        Lot = cls.env["stock.lot"]
        cls.tom1 = Lot.search([("name", "=", f"TOM-{YY}-0001")])
        cls.sauce2 = Lot.search([("name", "=", f"SAUCE-{YY}-0002")])
        cls.screen = cls.env["stock.lot.trace.screen"]
        cls.auditor = new_test_user(
            cls.env,
            "screen_auditor",
            groups="stock.group_stock_user,lot_traceability.group_lot_traceability_auditor",
        )
        cls.stock_user = new_test_user(
            cls.env, "screen_stock_user", groups="stock.group_stock_user"
        )

    def _deliveries_by_customer(self):
        """What each customer got, read from Odoo's own done move lines."""
        sauces = self.env["stock.lot"].search([("name", "like", f"SAUCE-{YY}-")])
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "in", sauces.ids),
                ("state", "=", "done"),
                ("location_dest_id.usage", "=", "customer"),
            ]
        )
        expected = defaultdict(lambda: {"quantity": 0.0, "lots": set()})
        for line in lines:
            partner = line.move_id.partner_id or line.picking_id.partner_id
            expected[partner.name]["quantity"] += line.quantity
            expected[partner.name]["lots"].add(line.lot_id.name)
        return expected

    def test_first_paint_totals_graph_and_customers(self):
        data = self.screen.get_screen(self.tom1.ids, "forward")
        self.assertEqual(
            data["origins"], [{"id": self.tom1.id, "name": self.tom1.name}]
        )
        self.assertEqual(data["totals"]["lots"], 5)
        self.assertEqual(data["totals"]["downstream"], 4)
        self.assertEqual(data["totals"]["customers"], 4)
        customers = data["tables"]["customers"]
        self.assertEqual(customers["count"], 4)
        expected = self._deliveries_by_customer()
        self.assertEqual({row["partner"] for row in customers["rows"]}, CUSTOMERS)
        for row in customers["rows"]:
            want = expected[row["partner"]]
            self.assertEqual(row["quantity"], f"{want['quantity']:g} Units")
            self.assertEqual(row["lot_count"], len(want["lots"]))
            self.assertLessEqual(row["first_date"], row["last_date"])
        bella = next(r for r in customers["rows"] if r["partner"].startswith("Bella"))
        self.assertEqual(bella["returned"], "5 Units")  # the demo's return
        # the graph: one node per lot, one per customer, consumption edges
        nodes = {node["id"]: node for node in data["graph"]["nodes"]}
        lots = {n["name"] for n in nodes.values() if n["type"] == "lot"}
        self.assertEqual(
            lots,
            {
                f"TOM-{YY}-0001",
                f"BASE-{YY}-0001",
                f"BASE-{YY}-0002",
                f"SAUCE-{YY}-0001",
                f"SAUCE-{YY}-0002",
            },
        )
        self.assertEqual(
            {n["name"] for n in nodes.values() if n["type"] == "customer"}, CUSTOMERS
        )
        self.assertFalse([n for n in nodes.values() if n["type"] == "more"])
        edges = {
            (nodes[e["source"]]["name"], nodes[e["target"]]["name"]): e
            for e in data["graph"]["edges"]
        }
        base2 = self.env["stock.lot"].search([("name", "=", f"BASE-{YY}-0002")])
        consumed = sum(
            self.env["stock.move.line"]
            .search(
                [
                    ("lot_id", "=", self.tom1.id),
                    (
                        "move_id.raw_material_production_id.lot_producing_id",
                        "=",
                        base2.id,
                    ),
                    ("state", "=", "done"),
                ]
            )
            .mapped("quantity")
        )
        self.assertEqual(edges[self.tom1.name, base2.name]["quantity"], consumed)
        self.assertEqual(edges[self.tom1.name, base2.name]["model"], "mrp.production")
        self.assertIn((f"SAUCE-{YY}-0002", "Corner Deli"), edges)
        origin = nodes[f"lot-{self.tom1.id}"]
        self.assertEqual(origin["depth"], 0)
        self.assertEqual(origin["quantity"], 200.0)  # received from Sunripe
        self.assertFalse(origin["held"])

    def test_upstream_shows_suppliers(self):
        data = self.screen.get_screen(self.sauce2.ids, "backward")
        nodes = data["graph"]["nodes"]
        self.assertIn(
            "Sunripe Farms", {n["name"] for n in nodes if n["type"] == "supplier"}
        )
        suppliers = data["tables"]["suppliers"]["rows"]
        self.assertIn(
            ("Sunripe Farms", f"TOM-{YY}-0001", "SRF-2611-A"),
            {(r["partner"], r["lot"], r["supplier_lot_name"]) for r in suppliers},
        )
        # upstream, the customers are the traced lot's own
        self.assertEqual(
            {r["partner"] for r in data["tables"]["customers"]["rows"]},
            {"Bella Cucina Restaurants", "FreshWay Supermarkets", "Corner Deli"},
        )
        self.assertEqual(data["totals"]["upstream"], 5)

    def test_fan_out_collapses_and_expands(self):
        self.env["ir.config_parameter"].set_param(
            "lot_traceability.trace_graph_fanout", 1
        )
        data = self.screen.get_screen(self.tom1.ids, "forward")
        more = [n for n in data["graph"]["nodes"] if n["type"] == "more"]
        folded = next(
            n for n in more if n["lot_id"] == self.tom1.id and n["kind"] == "lots"
        )
        self.assertEqual((folded["count"], folded["offset"]), (1, 1))
        shown = {n["name"] for n in data["graph"]["nodes"] if n["type"] == "lot"}
        self.assertEqual(len(shown & {f"BASE-{YY}-0001", f"BASE-{YY}-0002"}), 1)
        with mock.patch.object(StockLotGenealogy, "_trace", autospec=True) as trace:
            expanded = self.screen.get_graph_expand(
                self.tom1.ids,
                "forward",
                self.tom1.id,
                "down",
                "lots",
                folded["offset"],
                token=data["token"],
            )
            trace.assert_not_called()  # from the snapshot, no new walk
        self.assertEqual(expanded["token"], data["token"])
        self.assertIn(folded["id"], expanded["removed"])
        new_lots = {n["name"] for n in expanded["nodes"] if n["type"] == "lot"}
        self.assertEqual(
            ({f"BASE-{YY}-0001", f"BASE-{YY}-0002"} - shown) - new_lots, set()
        )
        # the revealed lot comes folded: its own children behind "+ N more"
        self.assertTrue(
            [
                n
                for n in expanded["nodes"]
                if n["type"] == "more" and n["kind"] == "lots"
            ]
        )
        with self.assertRaises(UserError):
            self.screen.get_graph_expand(
                self.tom1.ids, "forward", self.tom1.id, "up", "lots", 0
            )

    def test_pages_come_from_the_snapshot(self):
        data = self.screen.get_screen(self.tom1.ids, "forward")
        token = data["token"]
        with mock.patch.object(
            StockLotGenealogy, "_trace", autospec=True, side_effect=AssertionError
        ):
            first = self.screen.get_table(
                self.tom1.ids, "forward", "customers", 0, 3, token=token
            )
            second = self.screen.get_table(
                self.tom1.ids, "forward", "customers", 3, 3, token=token
            )
        self.assertEqual((first["count"], len(first["rows"])), (4, 3))
        self.assertEqual(len(second["rows"]), 1)
        self.assertEqual(
            {r["partner"] for r in first["rows"] + second["rows"]}, CUSTOMERS
        )
        deliveries = self.screen.get_table(
            self.tom1.ids, "forward", "deliveries", 0, 50, token=token
        )
        self.assertTrue(
            all(r["picking"].startswith("WH/OUT/") for r in deliveries["rows"])
        )
        # an unknown token: traced again, and the answer says so
        again = self.screen.get_table(
            self.tom1.ids, "forward", "customers", 0, 3, token="forged"
        )
        self.assertNotEqual(again["token"], token)
        self.assertEqual(again["count"], 4)
        with self.assertRaises(UserError):
            self.screen.get_table(self.tom1.ids, "forward", "passwords", 0, 3)

    def test_bad_arguments_are_refused_clearly(self):
        with self.assertRaisesRegex(UserError, "list of lot ids"):
            self.screen.get_screen(str(self.tom1.id))
        with self.assertRaisesRegex(UserError, "'abc' is not a number"):
            self.screen.get_table(self.tom1.ids, "forward", "customers", "abc")
        with self.assertRaisesRegex(UserError, "Unknown trace direction"):
            self.screen.get_screen(self.tom1.ids, "sideways")
        with self.assertRaises(UserError):
            self.screen.get_screen([])

    def test_snapshot_belongs_to_its_user(self):
        data = self.screen.get_screen(self.tom1.ids, "forward")
        screen = self.screen.with_user(self.auditor)
        calls = []
        original = StockLotGenealogy._trace

        def counting(service, lots, direction="both"):
            calls.append(service.env.uid)
            return original(service, lots, direction)

        with mock.patch.object(StockLotGenealogy, "_trace", counting):
            page = screen.get_table(
                self.tom1.ids, "forward", "customers", token=data["token"]
            )
        # the admin's token gives the auditor nothing: a trace of their own
        self.assertEqual(calls, [self.auditor.id])
        self.assertNotEqual(page["token"], data["token"])
        with self.assertRaises(AccessError):
            self.screen.with_user(self.stock_user).get_screen(self.tom1.ids)
        with self.assertRaises(AccessError):
            self.screen.with_user(self.stock_user).get_table(
                self.tom1.ids, "forward", "customers", token=data["token"]
            )

    def test_partner_documents_open_the_deliveries(self):
        data = self.screen.get_screen(self.tom1.ids, "forward")
        corner = next(
            r
            for r in data["tables"]["customers"]["rows"]
            if r["partner"] == "Corner Deli"
        )
        action = self.screen.get_partner_documents(
            self.tom1.ids, "forward", corner["partner_id"], "customer", data["token"]
        )
        picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(picking.partner_id.name, "Corner Deli")
        self.assertEqual(picking.picking_type_code, "outgoing")

    def test_xlsx_export_has_every_row(self):
        for table, key, expected in (
            ("customers", "Customer", CUSTOMERS),
            ("lots", "Lot", None),
        ):
            name, content = self.screen._xlsx(self.tom1.ids, "forward", table)
            self.assertTrue(name.endswith(f"-{table}.xlsx"))
            sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
            rows = list(sheet.iter_rows(values_only=True))
            column = rows[0].index(key)
            values = {row[column] for row in rows[1:]}
            if expected:
                self.assertEqual(values, expected)
            else:
                self.assertEqual(len(values), 5)
        with self.assertRaises(AccessError):
            self.screen.with_user(self.stock_user)._xlsx(
                self.tom1.ids, "forward", "customers"
            )

    def test_screen_opens_from_lots_transfers_and_orders(self):
        action = self.tom1.action_open_downstream()
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "lot_traceability.trace_screen")
        self.assertEqual(
            action["params"], {"lot_ids": self.tom1.ids, "direction": "forward"}
        )
        self.assertIn(self.tom1.name, action["name"])
        delivery = self.env["stock.picking"].search(
            [("partner_id.name", "=", "Corner Deli"), ("state", "=", "done")], limit=1
        )
        action = delivery.action_trace_lots()
        self.assertEqual(action["params"]["lot_ids"], delivery.move_line_ids.lot_id.ids)
        self.assertEqual(action["params"]["direction"], "both")
        production = self.env["mrp.production"].search(
            [("lot_producing_id", "=", self.sauce2.id)]
        )
        self.assertIn(
            self.sauce2.id, production.action_trace_lots()["params"]["lot_ids"]
        )
        with self.assertRaises(AccessError):
            self.tom1.with_user(self.stock_user).action_open_trace()

    def test_lot_form_counts_direct_links(self):
        base1 = self.env["stock.lot"].search([("name", "=", f"BASE-{YY}-0001")])
        # TOM-0001 went into both bases; BASE-0001 is tomatoes + salt
        self.assertEqual(self.tom1.downstream_count, 2)
        self.assertEqual(self.tom1.upstream_count, 0)
        self.assertEqual(base1.upstream_count, 2)
        self.assertEqual(base1.downstream_count, 1)
        self.assertEqual(self.tom1.with_user(self.stock_user).downstream_count, 0)


class TestTraceScreenCompanies(LotTraceabilityCase):
    def test_other_company_lots_are_refused(self):
        from .flows import Flows

        company_b = self.env["res.company"].create({"name": "Screen Co B"})
        flows_b = Flows(self.env(context={"allowed_company_ids": [company_b.id]}))
        flows_b.company = company_b
        product_b = flows_b.product("Screen Flour B")
        lot_b = flows_b.lot(product_b, "SCR-B-1")
        flows_b.receive(flows_b.partner("Screen Supplier B"), product_b, [(lot_b, 5.0)])
        auditor = new_test_user(
            self.env,
            "screen_auditor_a",
            groups="stock.group_stock_user,lot_traceability.group_lot_traceability_auditor",
            company_id=self.env.company.id,
            company_ids=[self.env.company.id],
        )
        screen = self.env["stock.lot.trace.screen"].with_user(auditor)
        with self.assertRaises(UserError):
            screen.get_screen(lot_b.ids)
        with self.assertRaises(UserError):
            screen._xlsx(lot_b.ids, "both", "customers")
        # its own company's admin sees it
        data = (
            self.env["stock.lot.trace.screen"]
            .with_context(allowed_company_ids=[company_b.id])
            .get_screen(lot_b.ids)
        )
        self.assertEqual(data["tables"]["suppliers"]["rows"][0]["lot"], "SCR-B-1")
