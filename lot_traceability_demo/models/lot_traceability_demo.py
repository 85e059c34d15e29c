# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The demo scenario's documents, validated through Odoo's normal flows.

XML can create master data but cannot validate a receipt, finish a
manufacturing order or process a return; ``demo/lot_traceability_demo.xml``
calls :meth:`LotTraceabilityDemo._load_demo_scenario` for that, so the stock
move lines, quants and manufacturing consume/produce links are Odoo's own.
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

# (supplier, product, [(internal lot, supplier lot, quantity)])
RECEIPTS = [
    (
        "partner_sunripe",
        "product_tomato",
        [("TOM-26-0001", "SRF-2611-A", 200.0), ("TOM-26-0002", "SRF-2611-B", 100.0)],
    ),
    ("partner_atlantic_salt", "product_salt", [("SALT-26-0001", "ASC-7781", 20.0)]),
    ("partner_clearglass", "product_jar", [("JAR-26-0001", "CGP-55-0912", 500.0)]),
]
# (bom, produced lot, quantity, {component product: [(lot, quantity)]})
PRODUCTIONS = [
    (
        "bom_sauce_base",
        "BASE-26-0001",
        100.0,
        {
            "product_tomato": [("TOM-26-0001", 98.0)],
            "product_salt": [("SALT-26-0001", 2.0)],
        },
    ),
    # TOM-26-0001 goes into both bases: the shared ingredient lot of the demo.
    (
        "bom_sauce_base",
        "BASE-26-0002",
        100.0,
        {
            "product_tomato": [("TOM-26-0001", 50.0), ("TOM-26-0002", 48.0)],
            "product_salt": [("SALT-26-0001", 2.0)],
        },
    ),
    (
        "bom_sauce_jar",
        "SAUCE-26-0001",
        120.0,
        {
            "product_sauce_base": [("BASE-26-0001", 60.0)],
            "product_jar": [("JAR-26-0001", 120.0)],
        },
    ),
    (
        "bom_sauce_jar",
        "SAUCE-26-0002",
        150.0,
        {
            "product_sauce_base": [("BASE-26-0002", 75.0)],
            "product_jar": [("JAR-26-0001", 150.0)],
        },
    ),
]
# (customer, [(lot, quantity)]) of the finished product
DELIVERIES = [
    ("partner_green_grocer", [("SAUCE-26-0001", 40.0)]),
    ("partner_bella_cucina", [("SAUCE-26-0001", 30.0), ("SAUCE-26-0002", 20.0)]),
    ("partner_freshway", [("SAUCE-26-0002", 60.0)]),
    ("partner_corner_deli", [("SAUCE-26-0002", 25.0)]),
]
RETURN = ("partner_bella_cucina", "SAUCE-26-0001", 5.0)
SCRAP = ("SAUCE-26-0002", 2.0)
# GS1 identifiers of the demo company and its site (GS1 test prefix 0950600)
COMPANY_GLN = "0950600000101"
WAREHOUSE_GLN = "0950600000118"
COMPANY_FFRN = "19876543210"
# the demo Quality Manager who signs the release (login quality / quality)
SIGNER_PASSWORD = "quality"


class LotTraceabilityDemo(models.AbstractModel):
    _name = "lot.traceability.demo"
    _description = "Lot Traceability Demo Scenario"

    def _ref(self, xmlid):
        return self.env.ref(f"lot_traceability_demo.{xmlid}_demo")

    @api.model
    def _demo_lot_name(self, name):
        """Demo lot names are written for 2026; the numbering rules use the
        current year ({YY})."""
        return name.replace("-26-", f"-{fields.Date.today().year % 100:02d}-")

    def _lot(self, name):
        return self.env["stock.lot"].search(
            [
                ("name", "=", self._demo_lot_name(name)),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            limit=1,
        )

    def _demo_check_name(self, lot, expected, document):
        if lot.name != self._demo_lot_name(expected):
            raise UserError(
                _(
                    "Demo scenario: %(doc)s numbered its lot %(lot)s instead of "
                    "%(expected)s; is the demo loaded twice?",
                    doc=document,
                    lot=lot.name,
                    expected=self._demo_lot_name(expected),
                )
            )

    @api.model
    def _load_demo_scenario(self):
        """Receive, manufacture, deliver, take back and scrap, as a user would."""
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        for supplier, product, lots in RECEIPTS:
            self._demo_receive(warehouse, self._ref(supplier), self._ref(product), lots)
        for bom, lot_name, quantity, components in PRODUCTIONS:
            self._demo_produce(self._ref(bom), lot_name, quantity, components)
        deliveries = {}
        for customer, lots in DELIVERIES:
            deliveries[customer] = self._demo_deliver(
                self._ref(customer), self._ref("product_sauce_jar"), lots
            )
        customer, lot_name, quantity = RETURN
        self._demo_return(deliveries[customer], lot_name, quantity)
        lot_name, quantity = SCRAP
        self._demo_scrap(warehouse, self._lot(lot_name), quantity)
        self._demo_documents(warehouse)

    def _demo_documents(self, warehouse):
        """What the auditor documents show on the demo: GLNs, a lot on hold, a
        lot held and released with a signature (four eyes), a completed mock
        recall. Uses the public hold and recall methods only."""
        self.env.company.write({"gln": COMPANY_GLN, "fda_ffrn": COMPANY_FFRN})
        warehouse.gln = WAREHOUSE_GLN
        Hold = self.env["stock.lot.hold"]
        Hold._hold_lots(
            self._lot("SALT-26-0001"),
            "lot_traceability.hold_reason_supplier_notice",
            "Atlantic Salt notice on ASC-7781: moisture above specification, "
            "awaiting the laboratory's results.",
        )
        released = Hold._hold_lots(
            self._lot("JAR-26-0001"),
            "lot_traceability.hold_reason_qc_pending",
            "Incoming inspection of glass jars CGP-55-0912.",
        )
        signer = self._ref("user_quality_manager")
        decision = (
            self.env["stock.lot.hold.decision"]
            .with_user(signer)
            .create(
                {
                    "hold_id": released.id,
                    "decision": "release",
                    "note": "Inspection passed: 50 jars checked, no defect.",
                }
            )
        )
        # the password is an argument of the signing call, never a stored value
        decision.action_confirm(password=SIGNER_PASSWORD)
        recall = self.env["stock.lot.recall"].create(
            {"lot_ids": [Command.set(self._lot("TOM-26-0001").ids)], "kind": "mock"}
        )
        recall.action_run()
        recall.customer_ids.action_verify()
        # completing is signed too, by the Quality Manager, password as argument
        recall.with_user(signer).action_mark_complete(password=SIGNER_PASSWORD)

    def _demo_set_lines(self, move, lots):
        """Replace the move's lines by one picked line per (lot or None, quantity)."""
        move.move_line_ids.unlink()
        vals_list = []
        for lot, quantity in lots:
            vals = {
                "move_id": move.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "picking_id": move.picking_id.id,
                "quantity": quantity,
                "picked": True,
            }
            if lot:
                vals["lot_id"] = lot.id
            vals_list.append(vals)
        self.env["stock.move.line"].create(vals_list)
        move.picked = True

    def _demo_validate(self, picking):
        result = picking.button_validate()
        if result is not True or picking.state != "done":
            raise UserError(
                _("Demo scenario: %(doc)s could not be validated.", doc=picking.name)
            )

    def _demo_receive(self, warehouse, supplier, product, lots):
        order = self.env["purchase.order"].create(
            {
                "partner_id": supplier.id,
                "picking_type_id": warehouse.in_type_id.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_qty": sum(q for __, __, q in lots),
                            "price_unit": product.standard_price,
                        },
                    )
                ],
            }
        )
        order.button_confirm()
        picking = order.picking_ids
        # The receipt lines carry the supplier's lot numbers only: the
        # product's numbering rule numbers the lots when the receipt is validated.
        self._demo_set_lines(picking.move_ids, [(None, qty) for __, __, qty in lots])
        for line, (__, supplier_lot, __) in zip(
            picking.move_ids.move_line_ids.sorted("id"), lots, strict=True
        ):
            line.supplier_lot_name = supplier_lot
        self._demo_validate(picking)
        for name, supplier_lot, __ in lots:
            lot = picking.move_line_ids.filtered(
                lambda ml, s=supplier_lot: ml.supplier_lot_name == s
            ).lot_id
            self._demo_check_name(lot, name, picking.name)

    def _demo_produce(self, bom, lot_name, quantity, components):
        production = self.env["mrp.production"].create(
            {
                "product_id": bom.product_id.id,
                "bom_id": bom.id,
                "product_qty": quantity,
                "product_uom_id": bom.product_uom_id.id,
            }
        )
        production.action_confirm()
        # The finished lot is numbered by the product's numbering rule.
        production.action_generate_serial()
        self._demo_check_name(production.lot_producing_id, lot_name, production.name)
        production.write({"qty_producing": quantity})
        for move in production.move_raw_ids:
            product_key = (
                move.product_id.get_external_id()[move.product_id.id]
                .split(".")[1]
                .removesuffix("_demo")
            )
            self._demo_set_lines(
                move, [(self._lot(name), qty) for name, qty in components[product_key]]
            )
        result = production.button_mark_done()
        if result is not True or production.state != "done":
            raise UserError(
                _("Demo scenario: %(doc)s could not be validated.", doc=production.name)
            )

    def _demo_deliver(self, customer, product, lots):
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": sum(q for __, q in lots),
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        self._demo_set_lines(
            picking.move_ids, [(self._lot(name), qty) for name, qty in lots]
        )
        self._demo_validate(picking)
        return picking

    def _demo_return(self, delivery, lot_name, quantity):
        wizard = (
            self.env["stock.return.picking"]
            .with_context(
                active_id=delivery.id,
                active_ids=delivery.ids,
                active_model="stock.picking",
            )
            .create({})
        )
        wizard.product_return_moves.quantity = quantity
        action = wizard.action_create_returns()
        picking = self.env["stock.picking"].browse(action["res_id"])
        self._demo_set_lines(picking.move_ids, [(self._lot(lot_name), quantity)])
        self._demo_validate(picking)

    def _demo_scrap(self, warehouse, lot, quantity):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "scrap_qty": quantity,
                "location_id": warehouse.lot_stock_id.id,
            }
        )
        scrap.action_validate()
        if scrap.state != "done":
            raise UserError(
                _("Demo scenario: %(doc)s could not be validated.", doc=scrap.name)
            )
