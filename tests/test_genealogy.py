# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The genealogy service against an independent, physical reference.

``physical_trace`` reads the done move lines with the ORM and follows material
in time, one ``(lot, time)`` state at a time and without pruning: material that
entered a lot at *t* reaches only what left the lot at *t* or later (forward),
material that left a lot at *t* came only from what entered it up to *t*
(backward); ``both`` is the union of the two. It shares no SQL and no depth
rule with the service: slow and obviously right.
"""

import json
import random
from collections import deque
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import YY, LotTraceabilityCase
from .flows import Flows

T0 = datetime(2026, 11, 10, 6, 0, 0)


def physical_trace(lots, direction):
    """``{"forward": {lot_id: depth}, "backward": {...}, "deliveries": {...},
    "receipts": {...}}`` by the physical rules (see the module docstring)."""
    env = lots.env(su=True)
    lines = env["stock.move.line"].search(
        [("state", "=", "done"), ("lot_id", "!=", False)]
    )
    links = []  # (consumed lot, consumed at, produced lot, produced at)
    for line in lines:
        for produced in line.produce_line_ids:
            if produced.state == "done" and produced.lot_id:
                links.append(
                    (line.lot_id.id, line.date, produced.lot_id.id, produced.date)
                )
        unbuild = line.move_id.unbuild_id
        if unbuild and line.location_dest_id.usage == "production":
            for move in env["stock.move"].search([("unbuild_id", "=", unbuild.id)]):
                if move.location_id.usage != "production":
                    continue
                for produced in move.move_line_ids:
                    if produced.state == "done" and produced.lot_id:
                        links.append(
                            (
                                line.lot_id.id,
                                line.date,
                                produced.lot_id.id,
                                produced.date,
                            )
                        )

    def walk(forward):
        """Breadth-first over (lot, time) states: depth = fewest links of a path
        that respects time; limit = every time the lot was reached at."""
        start = [(lot.id, None) for lot in lots]
        depth = {lot.id: 0 for lot in lots}
        times = {lot.id: [None] for lot in lots}
        seen = set(start)
        queue = deque((state, 0) for state in start)
        while queue:
            (lot_id, limit), dist = queue.popleft()
            for src, src_date, dst, dst_date in links:
                if forward:
                    ok = src == lot_id and (limit is None or src_date >= limit)
                    state = (dst, dst_date)
                else:
                    ok = dst == lot_id and (limit is None or dst_date <= limit)
                    state = (src, src_date)
                if ok and state not in seen:
                    seen.add(state)
                    depth.setdefault(state[0], dist + 1)
                    times.setdefault(state[0], []).append(state[1])
                    queue.append((state, dist + 1))
        return depth, times

    untouched = ({lot.id: 0 for lot in lots}, {lot.id: [None] for lot in lots})
    forward, since = walk(True) if direction != "backward" else untouched
    backward, until = walk(False) if direction != "forward" else untouched
    deliveries, receipts = set(), set()
    for line in lines:
        lot_id = line.lot_id.id
        if (
            lot_id in since
            and line.location_dest_id.usage == "customer"
            and line.location_id.usage != "customer"
            and any(t is None or line.date >= t for t in since[lot_id])
        ):
            partner = line.move_id.partner_id or line.picking_id.partner_id
            deliveries.add((line.id, partner.id or False, lot_id, line.quantity))
        if (
            lot_id in until
            and line.location_id.usage == "supplier"
            and any(t is None or line.date <= t for t in until[lot_id])
        ):
            receipts.add(
                (line.id, line.picking_id.partner_id.id or False, lot_id, line.quantity)
            )
    return {
        "forward": forward,
        "backward": backward,
        "deliveries": deliveries,
        "receipts": receipts,
    }


def service_view(result):
    forward = {
        r["id"]: r["depth_forward"]
        for r in result["lots"]
        if r["depth_forward"] is not False
    }
    backward = {
        r["id"]: -r["depth_backward"]
        for r in result["lots"]
        if r["depth_backward"] is not False
    }
    return {
        "forward": forward,
        "backward": backward,
        "deliveries": {
            (r["move_line_id"], r["partner_id"], r["lot_id"], r["quantity"])
            for r in result["deliveries"]
        },
        "receipts": {
            (r["move_line_id"], r["partner_id"], r["lot_id"], r["quantity"])
            for r in result["receipts"]
        },
    }


class TimedFlows(Flows):
    """Flows at given times (move lines are dated when they are done)."""

    def at(self, when):
        return freeze_time(when)

    def transit(self, lot, qty):
        """Ship ``qty`` of ``lot`` to the company's transit location (the
        first leg of an inter-warehouse transfer) and open the receipt that
        will take it out."""
        transit = self.company.internal_transit_location_id
        self._picking(
            self.warehouse.int_type_id,
            None,
            self.stock,
            transit,
            lot.product_id,
            [(lot, qty)],
        )
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": transit.id,
                "location_dest_id": self.stock.id,
                "company_id": self.company.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": lot.product_id.display_name,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": qty,
                            "product_uom": lot.product_id.uom_id.id,
                            "location_id": transit.id,
                            "location_dest_id": self.stock.id,
                            "company_id": self.company.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        receipt.action_assign()
        return receipt


class GenealogyCase(LotTraceabilityCase):
    def assert_matches_reference(self, lots, direction, user=None):
        expected = physical_trace(lots, direction)
        traced = lots.with_user(user) if user else lots
        result = traced.trace(direction)
        got = service_view(result)
        for key in ("forward", "backward", "deliveries", "receipts"):
            self.assertEqual(
                got[key], expected[key], f"{key}, {direction}, {lots.mapped('name')}"
            )
        # both is the union: every lot with the depth of its sides
        by_id = {row["id"]: row for row in result["lots"]}
        self.assertEqual(
            set(by_id), set(expected["forward"]) | set(expected["backward"])
        )
        return result


class TestGenealogyDemo(GenealogyCase):
    """The demo's shared tomato lot, end to end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_demo_scenario()
        Lot = cls.env["stock.lot"]
        cls.tom1 = Lot.search([("name", "=", f"TOM-{YY}-0001")])
        cls.sauce2 = Lot.search([("name", "=", f"SAUCE-{YY}-0002")])

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
        json.dumps(result)  # JSON-ready for RPC clients

    def test_demo_lots_match_the_reference(self):
        for lot in self.tom1 | self.sauce2:
            for direction in ("forward", "backward", "both"):
                self.assert_matches_reference(lot, direction)

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


class TestGenealogyTime(GenealogyCase):
    """The cases of a food plant where time decides what a link reaches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = TimedFlows(cls.env)
        cls.farm = f.partner("Sunny Farm")
        cls.saltworks = f.partner("Salt Works")
        cls.customers = [f.partner(f"Shop {i}") for i in range(4)]
        cls.tomato = f.product("Tomato")
        cls.salt = f.product("Salt")
        cls.sauce = f.product("Sauce")
        cls.soup = f.product("Soup")
        cls.base = f.product("Base")
        cls.jar = f.product("Jar")

    def test_unbuild_reaches_only_what_left_the_lot_later(self):
        """An unbuild at 23:00 gives salt back to SALT-L: the tomato of that
        sauce does not reach SOUP-A (made from SALT-L at 18:00) nor the customer
        whose salt shipped at 20:00; it reaches what SALT-L feeds after 23:00."""
        f = self.flows
        day = T0.date()
        tomato = f.lot(self.tomato, "TOM-T")
        salt = f.lot(self.salt, "SALT-L")
        with f.at(f"{day} 08:00:00"):
            f.receive(self.farm, self.tomato, [(tomato, 50.0)])
            f.receive(self.saltworks, self.salt, [(salt, 100.0)])
        with f.at(f"{day} 12:00:00"):
            sauce, sauce_mo = f.produce(
                self.sauce,
                "SAUCE-T",
                10.0,
                [(self.tomato, [(tomato, 20.0)]), (self.salt, [(salt, 10.0)])],
            )
        with f.at(f"{day} 18:00:00"):
            soup_a, __ = f.produce(
                self.soup, "SOUP-A", 5.0, [(self.salt, [(salt, 5.0)])]
            )
        with f.at(f"{day} 19:00:00"):
            f.deliver(self.customers[0], self.soup, [(soup_a, 2.0)])
        with f.at(f"{day} 20:00:00"):
            f.deliver(self.customers[1], self.salt, [(salt, 3.0)])
        with f.at(f"{day} 23:00:00"):
            f.unbuild(sauce_mo, 4.0)  # 4 kg of salt back into SALT-L
        with f.at(f"{day + timedelta(days=1)} 07:00:00"):
            soup_b, __ = f.produce(
                self.soup, "SOUP-B", 5.0, [(self.salt, [(salt, 5.0)])]
            )
            f.deliver(self.customers[2], self.soup, [(soup_b, 1.0)])
            f.deliver(self.customers[3], self.salt, [(salt, 1.0)])
        self.assertEqual(
            salt.quant_ids.filtered(lambda q: q.location_id == f.stock).quantity, 80.0
        )

        result = self.assert_matches_reference(tomato, "forward")
        self.assertEqual(
            {r["name"] for r in result["lots"]},
            {"TOM-T", "SAUCE-T", "SALT-L", "SOUP-B"},
        )
        self.assertEqual(
            {r["partner"] for r in result["deliveries"]}, {"Shop 2", "Shop 3"}
        )
        salt_row = next(r for r in result["lots"] if r["name"] == "SALT-L")
        self.assertEqual(salt_row["since"], f"{day} 23:00:00")
        unbuilds = [p for p in result["productions"] if p["model"] == "mrp.unbuild"]
        self.assertEqual([p["date"] for p in unbuilds], [f"{day} 23:00:00"])

        # backward: SOUP-A's salt left SALT-L at 18:00, before the unbuild
        result = self.assert_matches_reference(soup_a, "backward")
        self.assertEqual({r["name"] for r in result["lots"]}, {"SOUP-A", "SALT-L"})
        self.assertEqual([r["partner"] for r in result["receipts"]], ["Salt Works"])
        # SOUP-B's salt may come from the unbuilt sauce, and so from the farm
        result = self.assert_matches_reference(soup_b, "backward")
        self.assertEqual(
            {r["name"] for r in result["lots"]},
            {"SOUP-B", "SALT-L", "SAUCE-T", "TOM-T"},
        )
        self.assertEqual(
            {r["partner"] for r in result["receipts"]}, {"Salt Works", "Sunny Farm"}
        )
        for lot in (tomato, salt, sauce, soup_a, soup_b):
            for direction in ("forward", "backward", "both"):
                self.assert_matches_reference(lot, direction)

        # a recall reaching the unbuild runs, and holds only what is at risk
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(tomato.ids)], "direction": "forward"}
        )
        recall.action_run()
        self.assertEqual(recall.state, "traced")
        self.assertEqual(set(recall.customer_ids.mapped("name")), {"Shop 2", "Shop 3"})

    def test_both_is_forward_union_backward_through_rework(self):
        """A rework MO puts jars of SAUCE-1 back into the existing base lot:
        both(SAUCE-1) lists the customer forward(SAUCE-1) lists, and the
        supplier backward(SAUCE-1) lists."""
        f = self.flows
        tomato = f.lot(self.tomato, "TOM-R")
        with f.at(T0):
            f.receive(self.farm, self.tomato, [(tomato, 100.0)])
        with f.at(T0 + timedelta(hours=1)):
            base, __ = f.produce(
                self.base, "BASE-R", 50.0, [(self.tomato, [(tomato, 50.0)])]
            )
        with f.at(T0 + timedelta(hours=2)):
            sauce1, __ = f.produce(
                self.jar, "SAUCE-R1", 20.0, [(self.base, [(base, 20.0)])]
            )
        with f.at(T0 + timedelta(hours=3)):
            f.deliver(self.customers[0], self.jar, [(sauce1, 5.0)])
        with f.at(T0 + timedelta(hours=4)):  # rework: jars back into the base
            f.produce(self.base, None, 4.0, [(self.jar, [(sauce1, 4.0)])], lot=base)
        with f.at(T0 + timedelta(hours=5)):
            sauce2, __ = f.produce(
                self.jar, "SAUCE-R2", 10.0, [(self.base, [(base, 10.0)])]
            )
        with f.at(T0 + timedelta(hours=6)):
            f.deliver(self.customers[1], self.jar, [(sauce2, 3.0)])

        forward = self.assert_matches_reference(sauce1, "forward")
        backward = self.assert_matches_reference(sauce1, "backward")
        both = self.assert_matches_reference(sauce1, "both")
        self.assertEqual(
            {r["partner"] for r in forward["deliveries"]}, {"Shop 0", "Shop 1"}
        )
        self.assertEqual(
            {r["partner"] for r in both["deliveries"]}, {"Shop 0", "Shop 1"}
        )
        self.assertEqual([r["partner"] for r in backward["receipts"]], ["Sunny Farm"])
        self.assertEqual([r["partner"] for r in both["receipts"]], ["Sunny Farm"])
        base_row = next(r for r in both["lots"] if r["id"] == base.id)
        self.assertEqual(
            (base_row["depth_forward"], base_row["depth_backward"]), (1, -1)
        )
        self.assertEqual(
            {r["id"] for r in both["lots"]},
            {r["id"] for r in forward["lots"]} | {r["id"] for r in backward["lots"]},
        )
        # SAUCE-R2 was made after the rework: upstream it has SAUCE-R1, not the
        # other way round
        result = self.assert_matches_reference(sauce2, "backward")
        self.assertIn(sauce1.id, {r["id"] for r in result["lots"]})
        for lot in (tomato, base, sauce1, sauce2):
            self.assert_matches_reference(lot, "both")

    def test_cycle_through_unbuild_lists_the_supplier(self):
        """Raw lot -> intermediate, unbuilt back into the raw lot, used again:
        both lists the supplier."""
        f = self.flows
        raw = f.lot(self.salt, "CYU-RAW")
        with f.at(T0):
            f.receive(self.saltworks, self.salt, [(raw, 10.0)])
        with f.at(T0 + timedelta(hours=1)):
            mid, production = f.produce(
                self.base, "CYU-MID", 5.0, [(self.salt, [(raw, 10.0)])]
            )
        with f.at(T0 + timedelta(hours=2)):
            f.unbuild(production, 2.0)
        with f.at(T0 + timedelta(hours=3)):
            mid2, __ = f.produce(
                self.base, "CYU-MID-2", 1.0, [(self.salt, [(raw, 3.0)])]
            )
            f.deliver(self.customers[1], self.base, [(mid2, 1.0)])
        result = self.assert_matches_reference(mid, "both")
        self.assertEqual([r["partner"] for r in result["receipts"]], ["Salt Works"])
        self.assertEqual([r["partner"] for r in result["deliveries"]], ["Shop 1"])
        self.assertEqual(
            {(r["name"], r["depth"]) for r in result["lots"]},
            {("CYU-MID", 0), ("CYU-RAW", 1), ("CYU-MID-2", 2)},
        )
        for lot in (raw, mid, mid2):
            for direction in ("forward", "backward", "both"):
                self.assert_matches_reference(lot, direction)

    def test_transit_stock_is_on_hand_held_and_open(self):
        f = self.flows
        lot = f.lot(self.salt, "SALT-TRANSIT")
        f.receive(self.saltworks, self.salt, [(lot, 10.0)])
        receipt = f.transit(lot, 6.0)
        result = lot.trace("forward")
        self.assertEqual(
            sorted((r["quantity"], r["transit"]) for r in result["on_hand"]),
            [(4.0, False), (6.0, True)],
        )
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(lot.ids)], "kind": "real"}
        )
        recall.action_run()
        self.assertEqual(sum(recall.stock_line_ids.mapped("quantity")), 10.0)
        self.assertIn(
            receipt.name, recall.open_move_line_ids.mapped("document"), "open receipt"
        )
        self.assertEqual(lot.hold_state, "held")
        balance = recall.balance_ids
        self.assertRecordValues(
            balance,
            [
                {
                    "quantity_in": 10.0,
                    "on_hand": 10.0,
                    "transit": 6.0,
                    "unaccounted": 0.0,
                }
            ],
        )

    def test_query_count_is_constant(self):
        """Same number of SQL statements for a 2-level and a 12-level genealogy."""
        f = self.flows

        def chain(prefix, levels, width):
            products = [f.product(f"{prefix} {i}") for i in range(levels + 1)]
            origin = f.lot(products[0], f"{prefix}-0")
            f.receive(self.farm, products[0], [(origin, 1000.0)])
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
        raw = f.lot(self.tomato, "GAP-RAW")
        f.receive(self.farm, self.tomato, [(raw, 10.0)])
        __, mix_production = f.produce(
            untracked, None, 4.0, [(self.tomato, [(raw, 4.0)])], untracked_finished=True
        )
        f.receive(self.saltworks, untracked, [(None, 5.0)])
        fin, fin_production = f.produce(
            self.sauce, "GAP-FIN", 2.0, [(untracked, [(None, 2.0)])]
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
        lot = self.flows.lot(self.tomato, "BAD-1")
        with self.assertRaisesRegex(UserError, "Unknown trace direction 'sideways'"):
            lot.trace("sideways")

    def test_plain_stock_user_cannot_trace(self):
        user = new_test_user(
            self.env, login="lt_stock_only", groups="stock.group_stock_user"
        )
        lot = self.flows.lot(self.tomato, "RIGHTS-1")
        with self.assertRaisesRegex(AccessError, "Traceability roles"):
            lot.with_user(user).trace()


class TestGenealogyRandom(GenealogyCase):
    """Random histories (reworks, unbuilds, returns, transit, two companies)
    against the physical reference."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.company
        cls.sister = cls.env["res.company"].create({"name": "Sister Plant Ltd."})
        cls.env.user.company_ids |= cls.sister
        cls.here = TimedFlows(cls.env, cls.main)
        cls.there = TimedFlows(
            cls.env(context={"allowed_company_ids": cls.sister.ids}), cls.sister
        )
        f = cls.here
        cls.suppliers = [f.partner(f"Supplier {i}") for i in range(3)]
        cls.customers = [f.partner(f"Customer {i}") for i in range(4)]
        cls.raw = [f.product(f"Raw {i}") for i in range(2)]
        cls.mid = f.product("Intermediate")
        cls.fin = f.product("Finished")
        # a product both companies use, and its lots without a company
        cls.shared = f.product("Shared Salt")
        cls.shared.company_id = False
        cls.sister_fin = cls.there.product("Sister Sauce")
        # the salt works supply both plants (a partner of no company)
        cls.salt_works = cls.env["res.partner"].create({"name": "Shared Salt Works"})
        cls.sister_customer = cls.there.partner("Sister Customer")
        cls.both_user = new_test_user(
            cls.env,
            login="lt_two_companies",
            groups="lot_traceability.group_lot_traceability_user",
            company_id=cls.main.id,
            company_ids=[Command.set((cls.main | cls.sister).ids)],
        )
        cls.main_user = new_test_user(
            cls.env,
            login="lt_main_company",
            groups="lot_traceability.group_lot_traceability_user",
            company_id=cls.main.id,
            company_ids=[Command.set(cls.main.ids)],
        )

    def _history(self, seed):
        rnd = random.Random(seed)
        f, there = self.here, self.there
        clock = [T0 + timedelta(days=seed % 7)]

        def tick():
            clock[0] += timedelta(minutes=rnd.choice((1, 10, 60)))
            return f.at(clock[0])

        stock = {}
        lots = []

        def take(candidates, count):
            usable = [lot for lot in candidates if stock[lot] >= 2]
            chosen = rnd.sample(usable, min(count, len(usable)))
            lines = []
            for lot in chosen:
                qty = float(rnd.randint(1, int(stock[lot] // 2)))
                stock[lot] -= qty
                lines.append((lot, qty))
            return lines

        raw_lots = []
        for i in range(4):
            product = self.raw[i % 2]
            lot = f.lot(product, f"R{seed}-{i}")
            with tick():
                f.receive(rnd.choice(self.suppliers), product, [(lot, 100.0)])
            stock[lot] = 100.0
            raw_lots.append(lot)
        salt = self.env["stock.lot"].create(
            {"name": f"SALT{seed}", "product_id": self.shared.id, "company_id": False}
        )
        with tick():
            f.receive(self.salt_works, self.shared, [(salt, 50.0)])
        stock[salt] = 50.0
        raw_lots.append(salt)
        mid_lots, productions = [], []
        for i in range(4):
            picks = take(raw_lots, rnd.randint(1, 2))
            by_product = {}
            for lot, qty in picks:
                by_product.setdefault(lot.product_id, []).append((lot, qty))
            with tick():
                lot, production = f.produce(
                    self.mid, f"M{seed}-{i}", 10.0, list(by_product.items())
                )
            stock[lot] = 10.0
            mid_lots.append(lot)
            productions.append(production)
        fin_lots = []
        for i in range(3):
            with tick():
                lot, production = f.produce(
                    self.fin, f"F{seed}-{i}", 20.0, [(self.mid, take(mid_lots, 2))]
                )
            stock[lot] = 20.0
            fin_lots.append(lot)
            productions.append(production)
            # unbuilds and reworks interleaved with the rest, at random times
            if rnd.random() < 0.6:
                mo = rnd.choice(
                    [p for p in productions if stock[p.lot_producing_id] >= 2]
                )
                with tick():
                    f.unbuild(mo, 1.0)
                stock[mo.lot_producing_id] -= 1.0
                for move in mo.move_raw_ids:
                    for line in move.move_line_ids:
                        if line.lot_id in stock:
                            stock[line.lot_id] += line.quantity / mo.product_qty
            if rnd.random() < 0.6:
                target = rnd.choice(mid_lots)
                source = rnd.choice([lot for lot in fin_lots if stock[lot] >= 2])
                with tick():
                    f.produce(
                        self.mid, None, 1.0, [(self.fin, [(source, 1.0)])], lot=target
                    )
                stock[source] -= 1.0
                stock[target] += 1.0
        # the sister plant receives the shared salt lot and uses it
        with tick():
            there.receive(self.salt_works, self.shared, [(salt, 20.0)])
        with tick():
            sister_lot, __ = there.produce(
                self.sister_fin, f"SIS{seed}", 2.0, [(self.shared, [(salt, 5.0)])]
            )
        with tick():
            there.deliver(self.sister_customer, self.sister_fin, [(sister_lot, 1.0)])
        deliveries = []
        for lot in [*fin_lots, *rnd.sample(mid_lots, 2), salt]:
            with tick():
                qty = 1.0
                deliveries.append(
                    (
                        f.deliver(
                            rnd.choice(self.customers), lot.product_id, [(lot, qty)]
                        ),
                        lot,
                    )
                )
            stock[lot] -= qty
        picking, lot = deliveries[0]
        with tick():
            f.return_delivery(picking, lot, 1.0)
        with tick():
            f.transit(fin_lots[-1], 2.0)
        lots = raw_lots + mid_lots + fin_lots + [sister_lot]
        return lots, salt

    def test_random_histories_match_the_physical_reference(self):
        for seed in (3, 11):
            lots, salt = self._history(seed)
            for lot in lots:
                for direction in ("forward", "backward", "both"):
                    # allowed in both companies, only the first one ticked
                    self.assert_matches_reference(
                        lot.with_context(allowed_company_ids=self.main.ids),
                        direction,
                        user=self.both_user,
                    )
            self.assert_matches_reference(lots[0] | lots[-2], "both")

    def test_company_boundary_is_a_gap_never_a_silent_cut(self):
        lots, salt = self._history(5)
        full = (
            salt.with_user(self.both_user)
            .with_context(allowed_company_ids=self.main.ids)
            .trace("forward")
        )
        names = {r["name"] for r in full["lots"]}
        self.assertIn("SIS5", names)
        self.assertIn("Sister Customer", {r["partner"] for r in full["deliveries"]})
        self.assertFalse([g for g in full["gaps"] if g["kind"] == "company"])
        cut = salt.with_user(self.main_user).trace("forward")
        self.assertNotIn("SIS5", {r["name"] for r in cut["lots"]})
        self.assertNotIn("Sister Customer", {r["partner"] for r in cut["deliveries"]})
        gaps = [g for g in cut["gaps"] if g["kind"] == "company"]
        self.assertEqual(
            [(g["company"], g["lot_ids"]) for g in gaps],
            [("Sister Plant Ltd.", [salt.id])],
        )
        self.assertIn("SALT5", gaps[0]["reason"])
        self.assertIn("Sister Plant Ltd.", gaps[0]["reason"])
        # a lot of the sister plant itself is refused to a user who may not see it
        with self.assertRaisesRegex(UserError, "SIS5"):
            self.env["stock.lot"].with_user(self.main_user).browse(lots[-1].id).trace()


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
        self.assertEqual(result["gaps"], [])
        with self.assertRaisesRegex(UserError, "SHARED-RAW-1"):
            self.env["stock.lot"].with_user(user).browse(lot_there.id).trace()
        # a user of both companies with only the main one ticked sees the
        # sister history too: the switcher is not a boundary
        user.company_ids |= other
        both = (
            lot_there.with_user(user)
            .with_context(allowed_company_ids=main.ids)
            .trace("forward")
        )
        self.assertEqual(
            {r["name"] for r in both["lots"]}, {"SHARED-RAW-1", "SISTER-FIN"}
        )
        self.assertEqual(
            [r["partner"] for r in both["deliveries"]], ["Sister Customer"]
        )


class TestMassBalanceAndScopes(LotTraceabilityCase):
    """The recall's mass balance (stock.lot.mass.balance) and scopes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = TimedFlows(cls.env)
        cls.vendor = f.partner("Balance Vendor")
        cls.customer = f.partner("Balance Customer")
        cls.component = f.product("Balance Cocoa")
        cls.finished = f.product("Balance Bar")

    def balance(self, lots):
        return self.env["stock.lot.mass.balance"]._compute(lots)

    def test_dropship_returned_to_the_vendor(self):
        f = self.flows
        lot = f.lot(self.finished, "DROP-RET")
        dropship = f.dropship(self.vendor, self.customer, self.finished, [(lot, 10.0)])
        f._picking(
            f.warehouse.in_type_id,
            self.vendor,
            f.customer_location,
            f.supplier_location,
            self.finished,
            [(lot, 4.0)],
            origin_move=dropship.move_ids,
        )
        row = self.balance(lot)[lot.id]
        self.assertEqual(
            (row["quantity_in"], row["shipped"], row["on_hand"], row["unaccounted"]),
            (6.0, 6.0, 0.0, 0.0),
        )

    def test_internal_scrap_location_is_scrapped_not_on_hand(self):
        f = self.flows
        lot = f.lot(self.component, "SCRAP-INT")
        f.receive(self.vendor, self.component, [(lot, 10.0)])
        bin_ = self.env["stock.location"].create(
            {
                "name": "Damaged goods",
                "usage": "internal",
                "scrap_location": True,
                "location_id": f.warehouse.view_location_id.id,
            }
        )
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": self.component.id,
                "lot_id": lot.id,
                "scrap_qty": 3.0,
                "location_id": f.stock.id,
                "scrap_location_id": bin_.id,
            }
        )
        scrap.action_validate()
        row = self.balance(lot)[lot.id]
        self.assertEqual(
            (row["quantity_in"], row["on_hand"], row["scrapped"], row["unaccounted"]),
            (10.0, 7.0, 3.0, 0.0),
        )
        trace = lot.trace("forward")
        self.assertEqual([r["quantity"] for r in trace["on_hand"]], [7.0])

    def test_unbuild_returns_are_not_received_again(self):
        """100 received, 10 consumed, 4 given back by an unbuild: 100 received,
        6 consumed; the unbuilt bar is consumed too. The recall lists the
        origin lot first, then the bar made from it."""
        f = self.flows
        lot = f.lot(self.component, "UNB-COMP")
        f.receive(self.vendor, self.component, [(lot, 100.0)])
        bar, production = f.produce(
            self.finished, "UNB-BAR", 5.0, [(self.component, [(lot, 10.0)])]
        )
        f.unbuild(production, 2.0)
        f.deliver(self.customer, self.finished, [(bar, 1.0)])
        rows = self.balance(lot | bar)
        self.assertEqual(
            (
                rows[lot.id]["quantity_in"],
                rows[lot.id]["consumed"],
                rows[lot.id]["on_hand"],
            ),
            (100.0, 6.0, 94.0),
        )
        self.assertEqual(
            (
                rows[bar.id]["quantity_in"],
                rows[bar.id]["consumed"],
                rows[bar.id]["shipped"],
                rows[bar.id]["on_hand"],
                rows[bar.id]["unaccounted"],
            ),
            (5.0, 2.0, 1.0, 2.0, 0.0),
        )
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(lot.ids)]}
        )
        recall.action_run()
        self.assertEqual(
            [(b.lot_name, b.role) for b in recall.balance_ids],
            [("UNB-COMP", "origin"), ("UNB-BAR", "derived")],
        )
        self.assertTrue(recall.balance_ok)
        self.assertEqual(recall.accounted_percent, 100.0)

    def test_supplier_lot_wildcards_match_literally(self):
        f = self.flows
        lots = {}
        for name in ("SRF-2611-A", "SRF-2611-_", "SRF%"):
            lot = f.lot(self.component, f"L-{name}")
            f.receive(self.vendor, self.component, [(lot, 1.0)])
            lot.write({"supplier_id": self.vendor.id, "supplier_lot_name": name})
            lots[name] = lot

        def scope(name):
            recall = self.env["stock.lot.recall"].create(
                {
                    "scope": "supplier_lot",
                    "supplier_id": self.vendor.id,
                    "supplier_lot_name": name,
                }
            )
            return recall._scope_lots()

        self.assertEqual(scope("SRF-2611-_"), lots["SRF-2611-_"])
        self.assertEqual(scope("srf%"), lots["SRF%"])
        with self.assertRaisesRegex(UserError, "has supplier lot %"):
            scope("%")

    def test_date_range_in_the_user_time_zone(self):
        """Los Angeles: received at 23:30 local time on the 15th (07:30 UTC on
        the 16th) is a receipt of the 15th."""
        f = self.flows
        lot = f.lot(self.component, "TZ-LOT")
        with f.at("2026-11-16 07:30:00"):
            f.receive(self.vendor, self.component, [(lot, 1.0)])
        user = new_test_user(
            self.env,
            login="lt_los_angeles",
            groups="lot_traceability.group_lot_traceability_manager,stock.group_stock_user",
            tz="America/Los_Angeles",
        )

        def scope(day):
            recall = (
                self.env["stock.lot.recall"]
                .with_user(user)
                .create(
                    {
                        "scope": "product_dates",
                        "product_id": self.component.id,
                        "date_kind": "receipt",
                        "date_from": day,
                        "date_to": day,
                    }
                )
            )
            return recall._scope_lots()

        self.assertEqual(scope("2026-11-15"), lot)
        with self.assertRaisesRegex(UserError, "No lot of Balance Cocoa was received"):
            scope("2026-11-16")
        recall = self.env["stock.lot.recall"].create(
            {
                "scope": "product_dates",
                "product_id": self.component.id,
                "date_from": "2026-11-16",
                "date_to": "2026-11-15",
            }
        )
        with self.assertRaisesRegex(UserError, "start date is after the end date"):
            recall._scope_lots()
