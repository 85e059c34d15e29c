# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json
import random

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import YY, LotTraceabilityCase
from .flows import Flows, reference_trace


def service_view(result):
    depths = {row["id"]: row["depth"] for row in result["lots"]}
    deliveries = {
        (
            r["move_line_id"],
            r["partner_id"],
            r["lot_id"],
            r["quantity"],
            r["returned_quantity"],
        )
        for r in result["deliveries"]
    }
    receipts = {
        (r["move_line_id"], r["partner_id"], r["lot_id"], r["quantity"])
        for r in result["receipts"]
    }
    return depths, deliveries, receipts


class TestGenealogyDemo(LotTraceabilityCase):
    """The demo's shared tomato lot, end to end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()
        Lot = cls.env["stock.lot"]
        cls.tom1 = Lot.search([("name", "=", f"TOM-{YY}-0001")])
        cls.tom2 = Lot.search([("name", "=", f"TOM-{YY}-0002")])
        cls.sauce2 = Lot.search([("name", "=", f"SAUCE-{YY}-0002")])

        Production = cls.env["mrp.production"]
        cls.tom1_productions = [
            Production.search([("lot_producing_id.name", "=", name)]).name
            for name in (f"BASE-{YY}-0001", f"BASE-{YY}-0002")
        ]
        cls.sauce_productions = [
            Production.search([("lot_producing_id.name", "=", name)]).name
            for name in (f"SAUCE-{YY}-0001", f"SAUCE-{YY}-0002")
        ]

    def test_shared_tomato_lot_reaches_every_customer(self):
        result = self.tom1.trace("forward")
        self.assertEqual(
            {(r["name"], r["depth"]) for r in result["lots"]},
            {
                (f"TOM-{YY}-0001", 0),
                (f"BASE-{YY}-0001", 1),
                (f"BASE-{YY}-0002", 1),
                (f"SAUCE-{YY}-0001", 2),
                (f"SAUCE-{YY}-0002", 2),
            },
        )
        self.assertEqual(
            {r["partner"] for r in result["deliveries"]},
            {
                "Green Grocer Market",
                "Bella Cucina Restaurants",
                "FreshWay Supermarkets",
                "Corner Deli",
            },
        )
        self.assertEqual(sum(r["quantity"] for r in result["deliveries"]), 175.0)
        self.assertEqual(sum(r["returned_quantity"] for r in result["deliveries"]), 5.0)
        on_hand = {r["lot_id"]: r["quantity"] for r in result["on_hand"]}
        self.assertEqual(on_hand[self.tom1.id], 52.0)
        self.assertEqual(on_hand[self.sauce2.id], 43.0)
        self.assertEqual(len(result["productions"]), 4)
        self.assertEqual(result["gaps"], [])
        # JSON-serialisable as it is (what RPC clients receive)
        self.assertEqual(json.loads(json.dumps(result))["stats"]["lot_count"], 5)

    def test_no_false_positive_customer(self):
        result = self.tom2.trace("forward")
        partners = {r["partner"] for r in result["deliveries"]}
        self.assertNotIn("Green Grocer Market", partners)  # got SAUCE-26-0001 only
        self.assertEqual(
            partners,
            {"Bella Cucina Restaurants", "FreshWay Supermarkets", "Corner Deli"},
        )
        self.assertNotIn(f"BASE-{YY}-0001", {r["name"] for r in result["lots"]})

    def test_jar_of_sauce_back_to_its_three_suppliers(self):
        result = self.sauce2.trace("backward")
        self.assertEqual(
            {r["partner"] for r in result["receipts"]},
            {"Sunripe Farms", "Atlantic Salt Co.", "ClearGlass Packaging"},
        )
        self.assertEqual(
            {
                r["name"]: r["supplier_lot_name"]
                for r in result["lots"]
                if r["depth"] < 0
            },
            {
                f"BASE-{YY}-0002": False,
                f"TOM-{YY}-0001": "SRF-2611-A",
                f"TOM-{YY}-0002": "SRF-2611-B",
                f"SALT-{YY}-0001": "ASC-7781",
                f"JAR-{YY}-0001": "CGP-55-0912",
            },
        )
        # deliveries of the traced lot itself, nothing of other sauce lots
        self.assertEqual({r["lot_id"] for r in result["deliveries"]}, {self.sauce2.id})
        # the lot form counts direct inputs only (the trace screen has the rest)
        self.assertEqual(self.sauce2.upstream_count, 2)
        self.assertEqual(self.sauce2.downstream_count, 0)


class TestGenealogyEngine(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = Flows(cls.env)
        f = cls.flows
        cls.suppliers = [f.partner(f"Supplier {i}") for i in range(3)]
        cls.customers = [f.partner(f"Customer {i}") for i in range(4)]
        cls.raw = [f.product(f"Raw {i}") for i in range(3)]
        cls.mid = f.product("Intermediate")
        cls.fin = f.product("Finished")

    def _compare(self, lots, direction):
        expected = reference_trace(lots, direction)
        result = lots.trace(direction)
        got = service_view(result)
        self.assertEqual(got[0], expected[0], f"lots, {direction}")
        self.assertEqual(got[1], expected[1], f"deliveries, {direction}")
        self.assertEqual(got[2], expected[2], f"receipts, {direction}")
        return result

    def _random_history(self, seed):
        rnd = random.Random(seed)
        f = self.flows
        stock = {}
        raw_lots = []
        for i in range(5):
            product = rnd.choice(self.raw)
            lot = f.lot(product, f"R{seed}-{i}")
            qty = float(rnd.randint(50, 100))
            f.receive(rnd.choice(self.suppliers), product, [(lot, qty)])
            stock[lot] = qty
            raw_lots.append(lot)

        def take(candidates, count):
            chosen = rnd.sample([lot for lot in candidates if stock[lot] >= 2], count)
            lines = []
            for lot in chosen:
                qty = float(rnd.randint(1, int(stock[lot] // 2)))
                stock[lot] -= qty
                lines.append((lot, qty))
            return lines

        mid_lots, productions = [], []
        for i in range(4):
            picks = take(raw_lots, rnd.randint(1, 3))
            by_product = {}
            for lot, qty in picks:  # several lots of one component in one MO
                by_product.setdefault(lot.product_id, []).append((lot, qty))
            lot, production = f.produce(
                self.mid, f"M{seed}-{i}", 10.0, list(by_product.items())
            )
            stock[lot] = 10.0
            mid_lots.append(lot)
            productions.append(production)
        # components come back from an unbuild with the lots they were made of
        f.unbuild(productions[1], 2.0)
        stock[mid_lots[1]] -= 2.0
        fin_lots = []
        for i in range(3):
            lot, __ = f.produce(
                self.fin, f"F{seed}-{i}", 20.0, [(self.mid, take(mid_lots, 2))]
            )
            stock[lot] = 20.0
            fin_lots.append(lot)
        deliveries = []
        for lot in [*fin_lots, mid_lots[0]]:
            for __ in range(2):  # partial deliveries
                qty = float(rnd.randint(1, 4))
                customer = rnd.choice(self.customers)
                deliveries.append(
                    (f.deliver(customer, lot.product_id, [(lot, qty)]), lot, qty)
                )
                stock[lot] -= qty
        picking, lot, qty = deliveries[0]
        f.return_delivery(picking, lot, 1.0)
        f.scrap(fin_lots[1], 1.0)
        return raw_lots + mid_lots + fin_lots, productions

    def test_random_genealogies_match_the_reference(self):
        for seed in (7, 42):
            with self.subTest(seed=seed):
                lots, __ = self._random_history(seed)
                for lot in lots:
                    for direction in ("forward", "backward", "both"):
                        self._compare(lot, direction)
                # several origins at once
                self._compare(lots[0] | lots[-1], "both")

    def test_cycle_through_rework_terminates(self):
        """Raw lot -> intermediate -> reworked back into the same raw lot."""
        f = self.flows
        raw = f.lot(self.raw[0], "CYC-RAW")
        f.receive(self.suppliers[0], self.raw[0], [(raw, 10.0)])
        mid, __ = f.produce(self.mid, "CYC-MID", 5.0, [(self.raw[0], [(raw, 5.0)])])
        f.produce(self.raw[0], None, 2.0, [(self.mid, [(mid, 2.0)])], lot=raw)
        f.produce(self.mid, "CYC-MID-2", 1.0, [(self.raw[0], [(raw, 1.0)])])
        for direction in ("forward", "backward", "both"):
            self._compare(raw, direction)
            self._compare(mid, direction)
        self.assertEqual(
            {(r["name"], r["depth"]) for r in raw.trace("forward")["lots"]},
            {("CYC-RAW", 0), ("CYC-MID", 1), ("CYC-MID-2", 1)},
        )
        self.assertEqual(
            {(r["name"], r["depth"]) for r in mid.trace("both")["lots"]},
            {("CYC-MID", 0), ("CYC-RAW", 1), ("CYC-MID-2", 2)},
        )

    def test_cycle_through_unbuild(self):
        """Raw lot -> intermediate, unbuilt back into the raw lot, used again."""
        f = self.flows
        raw = f.lot(self.raw[2], "CYU-RAW")
        f.receive(self.suppliers[1], self.raw[2], [(raw, 10.0)])
        mid, production = f.produce(
            self.mid, "CYU-MID", 5.0, [(self.raw[2], [(raw, 10.0)])]
        )
        unbuild = f.unbuild(production, 2.0)
        self.assertEqual(raw.product_qty, 4.0)  # 2 of 5 unbuilt: 4 of 10 back
        mid2, __ = f.produce(self.mid, "CYU-MID-2", 1.0, [(self.raw[2], [(raw, 3.0)])])
        f.deliver(self.customers[1], self.mid, [(mid2, 1.0)])
        for lot in (raw, mid, mid2):
            for direction in ("forward", "backward", "both"):
                self._compare(lot, direction)
        result = mid.trace("forward")
        self.assertEqual(
            {(r["name"], r["depth"]) for r in result["lots"]},
            {("CYU-MID", 0), ("CYU-RAW", 1), ("CYU-MID-2", 2)},
        )
        self.assertEqual([r["partner"] for r in result["deliveries"]], ["Customer 1"])
        self.assertIn(
            ("mrp.unbuild", unbuild.id, [mid.id], [raw.id]),
            [
                (
                    p["model"],
                    p["production_id"],
                    p["consumed_lot_ids"],
                    p["produced_lot_ids"],
                )
                for p in result["productions"]
            ],
        )
        # backward from the second intermediate: the raw lot and its supplier,
        # and the first intermediate it was partly unbuilt from
        result = mid2.trace("backward")
        self.assertEqual(
            {(r["name"], r["depth"]) for r in result["lots"]},
            {("CYU-MID-2", 0), ("CYU-RAW", -1), ("CYU-MID", -2)},
        )
        self.assertEqual([r["partner"] for r in result["receipts"]], ["Supplier 1"])

    def test_twenty_level_chain(self):
        f = self.flows
        products = [f.product(f"Level {i}") for i in range(21)]
        lot = f.lot(products[0], "L-0")
        f.receive(self.suppliers[1], products[0], [(lot, 100.0)])
        first = lot
        for i in range(1, 21):
            lot, __ = f.produce(
                products[i], f"L-{i}", 1.0, [(products[i - 1], [(lot, 1.0)])]
            )
        f.deliver(self.customers[2], products[20], [(lot, 1.0)])
        result = self._compare(first, "forward")
        self.assertEqual(max(r["depth"] for r in result["lots"]), 20)
        self.assertEqual([r["partner"] for r in result["deliveries"]], ["Customer 2"])
        result = self._compare(lot, "backward")
        self.assertEqual(min(r["depth"] for r in result["lots"]), -20)
        self.assertEqual([r["partner"] for r in result["receipts"]], ["Supplier 1"])

    def test_dropship_and_return_to_supplier(self):
        f = self.flows
        lot = f.lot(self.fin, "DROP-1")
        f.dropship(self.suppliers[2], self.customers[3], self.fin, [(lot, 3.0)])
        result = lot.trace("both")
        self.assertEqual([r["partner"] for r in result["deliveries"]], ["Customer 3"])
        self.assertEqual([r["partner"] for r in result["receipts"]], ["Supplier 2"])
        self.assertEqual(result["on_hand"], [])

    def test_query_count_is_constant(self):
        """Same number of SQL statements for a 2-level and a 12-level genealogy."""
        f = self.flows

        def chain(prefix, levels, width):
            products = [f.product(f"{prefix} {i}") for i in range(levels + 1)]
            origin = f.lot(products[0], f"{prefix}-0")
            f.receive(self.suppliers[0], products[0], [(origin, 1000.0)])
            current = [origin]
            for level in range(1, levels + 1):
                made = []
                for j in range(width):
                    lot, __ = f.produce(
                        products[level],
                        f"{prefix}-{level}-{j}",
                        1.0,
                        [(products[level - 1], [(current[j % len(current)], 1.0)])],
                    )
                    made.append(lot)
                current = made
            for lot in current:
                f.deliver(self.customers[0], lot.product_id, [(lot, 1.0)])
            return origin

        small = chain("QS", 2, 1)
        large = chain("QL", 12, 3)
        self.env.invalidate_all()
        small_result = small.trace("both")
        self.env.invalidate_all()
        large_result = large.trace("both")
        self.assertEqual(small_result["stats"]["lot_count"], 3)
        self.assertEqual(large_result["stats"]["lot_count"], 1 + 12 * 3)
        self.assertEqual(len(large_result["deliveries"]), 3)
        self.assertGreater(small_result["stats"]["query_count"], 0)
        self.assertEqual(
            small_result["stats"]["query_count"], large_result["stats"]["query_count"]
        )

    def test_gap_through_untracked_product(self):
        f = self.flows
        untracked = f.product("Untracked Mix", tracking="none")
        raw = f.lot(self.raw[1], "GAP-RAW")
        f.receive(self.suppliers[0], self.raw[1], [(raw, 10.0)])
        __, mix_production = f.produce(
            untracked, None, 4.0, [(self.raw[1], [(raw, 4.0)])], untracked_finished=True
        )
        f.receive(self.suppliers[1], untracked, [(None, 5.0)])
        fin, fin_production = f.produce(
            self.fin, "GAP-FIN", 2.0, [(untracked, [(None, 2.0)])]
        )
        forward = raw.trace("forward")
        self.assertEqual({r["name"] for r in forward["lots"]}, {"GAP-RAW"})
        self.assertEqual(
            [
                (g["production_id"], g["product"], g["direction"])
                for g in forward["gaps"]
            ],
            [(mix_production.id, "Untracked Mix", "forward")],
        )
        backward = fin.trace("backward")
        self.assertEqual(
            [
                (g["production_id"], g["product_id"], g["direction"])
                for g in backward["gaps"]
            ],
            [(fin_production.id, untracked.id, "backward")],
        )
        self.assertIn("without a lot", backward["gaps"][0]["reason"])

    def test_invalid_input(self):
        Lot = self.env["stock.lot"]
        with self.assertRaisesRegex(UserError, "at least one lot"):
            Lot.trace()
        lot = self.flows.lot(self.raw[0], "BAD-1")
        with self.assertRaisesRegex(UserError, "Unknown trace direction 'sideways'"):
            lot.trace("sideways")
        other = self.env["res.company"].create({"name": "Other Foods Inc."})
        shared = self.env["product.product"].create(
            {
                "name": "Shared",
                "is_storable": True,
                "tracking": "lot",
                "company_id": False,
            }
        )
        foreign = Lot.create(
            {"name": "FOREIGN-1", "product_id": shared.id, "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, "FOREIGN-1.*company switcher"):
            foreign.with_context(allowed_company_ids=[self.env.company.id]).trace()

    def test_plain_stock_user_cannot_trace(self):
        user = new_test_user(
            self.env, login="lt_stock_only", groups="stock.group_stock_user"
        )
        lot = self.flows.lot(self.raw[0], "RIGHTS-1")
        with self.assertRaisesRegex(AccessError, "Traceability roles"):
            lot.with_user(user).trace()


class TestGenealogyCompanies(LotTraceabilityCase):
    """A user of one company never sees the lots, partners, documents of another."""

    def test_other_company_history_is_invisible(self):
        main = self.env.company
        other = self.env["res.company"].create({"name": "Sister Plant Ltd."})
        self.env.user.company_ids |= other
        here = Flows(self.env, main)
        there = Flows(self.env["res.company"].with_company(other).env, other)
        raw = here.product("Shared Raw")
        raw.company_id = False  # a product both companies use
        fin_there = there.product("Sister Sauce")
        lot = here.lot(raw, "SHARED-RAW-1")
        here.receive(here.partner("Main Supplier"), raw, [(lot, 10.0)])
        # the sister plant consumes the same lot (its own lot record) into its product
        lot_there = there.lot(raw, "SHARED-RAW-1")
        there.receive(there.partner("Sister Supplier"), raw, [(lot_there, 10.0)])
        fin, __ = there.produce(
            fin_there, "SISTER-FIN", 1.0, [(raw, [(lot_there, 1.0)])]
        )
        there.deliver(there.partner("Sister Customer"), fin_there, [(fin, 1.0)])

        user = new_test_user(
            self.env,
            login="lt_main_only",
            groups="lot_traceability.group_lot_traceability_user",
            company_id=main.id,
            company_ids=[(6, 0, main.ids)],
        )
        result = lot.with_user(user).trace("both")
        self.assertEqual([r["name"] for r in result["lots"]], ["SHARED-RAW-1"])
        self.assertEqual([r["partner"] for r in result["receipts"]], ["Main Supplier"])
        self.assertEqual(result["deliveries"], [])
        with self.assertRaises(UserError):  # AccessError is a UserError too
            lot_there.with_user(user).trace()
        # a user of both companies tracing the sister lot sees the sister history
        both = lot_there.with_context(allowed_company_ids=[main.id, other.id]).trace(
            "forward"
        )
        self.assertEqual(
            {r["name"] for r in both["lots"]}, {"SHARED-RAW-1", "SISTER-FIN"}
        )
        self.assertEqual(
            [r["partner"] for r in both["deliveries"]], ["Sister Customer"]
        )
