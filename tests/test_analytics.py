# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Analytics: supplier quality scorecard and expiring lots."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tools.safe_eval import safe_eval

from .common import LotTraceabilityCase
from .flows import Flows


class TestAnalytics(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flows = f = Flows(cls.env)
        cls.supplier = f.partner("Scorecard Farms")
        cls.product = f.product("Scorecard Peppers")
        cls.lots = [f.lot(cls.product, f"SC-{i}") for i in range(4)]
        for lot in cls.lots:
            lot.supplier_id = cls.supplier
            f.receive(cls.supplier, cls.product, [(lot, 10.0)])
        cls.decider = new_test_user(
            cls.env,
            "scorecard.manager",
            groups="lot_traceability.group_lot_traceability_manager",
            password="decider-pass-1",
        )

    def hold(self, lot):
        hold = self.env["stock.lot.hold"].create(
            {
                "lot_ids": [Command.set(lot.ids)],
                "reason_id": self.env.ref("lot_traceability.hold_reason_qc_pending").id,
            }
        )
        hold.action_place()
        return hold

    def test_supplier_scorecard(self):
        released = self.hold(self.lots[0])
        rejected = self.hold(self.lots[1])
        self.hold(self.lots[2])  # still active
        released.with_user(self.decider)._decide(
            "release", "lab OK", password="decider-pass-1"
        )
        rejected.with_user(self.decider)._decide(
            "reject", "mould", "keep", password="decider-pass-1"
        )
        # 2 h and 4 h on hold
        released.sudo().with_context(lt_hold_service=True).decided_date = (
            released.placed_date + timedelta(hours=2)
        )
        rejected.sudo().with_context(lt_hold_service=True).decided_date = (
            rejected.placed_date + timedelta(hours=4)
        )
        self.env.flush_all()
        row = self.env["stock.lot.supplier.scorecard"].search(
            [("supplier_id", "=", self.supplier.id)]
        )
        self.assertRecordValues(
            row,
            [
                {
                    "lots_received": 4,
                    "lots_held": 3,
                    "lots_rejected": 1,
                    "held_percent": 75.0,
                    "rejected_percent": 25.0,
                    "average_hold_hours": 3.0,
                }
            ],
        )

    def test_expiring_lots_report(self):
        now = fields.Datetime.now()
        self.lots[0].expiration_date = now + timedelta(days=10)
        self.lots[1].expiration_date = now + timedelta(days=60)
        self.lots[2].expiration_date = now - timedelta(days=1)
        action = self.env.ref("lot_traceability.stock_quant_expiring_action")
        self.assertEqual(action.res_model, "stock.quant")
        self.assertIn("search_default_lot_expiring_30", action.context)
        # the filter's own domain, evaluated as the web client does
        arch = etree.fromstring(
            self.env.ref("lot_traceability.stock_quant_view_search").arch_db
        )
        expression = arch.xpath("//filter[@name='lot_expiring_30']")[0].get("domain")
        domain = safe_eval(
            expression,
            {"context_today": lambda: date.today(), "relativedelta": relativedelta},
        )
        quants = self.env["stock.quant"].search(safe_eval(action.domain) + domain)
        self.assertEqual(quants.lot_id, self.lots[0])
