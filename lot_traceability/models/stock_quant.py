# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    lot_hold_state = fields.Selection(related="lot_id.hold_state", string="Hold")

    def _gather(
        self,
        product_id,
        location_id,
        lot_id=None,
        package_id=None,
        owner_id=None,
        strict=False,
        qty=0,
    ):
        """Reservations for a move a held lot may not make do not see its quants
        (``stock.move._update_reserved_quantity`` sets the context key): FIFO,
        FEFO and every other removal strategy pick among free lots only."""
        quants = super()._gather(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            qty=qty,
        )
        if self.env.context.get("lt_skip_held_lots"):
            quants = quants.filtered(
                lambda quant: not quant.lot_id or quant.lot_id.hold_state != "held"
            )
        return quants

    def _apply_inventory(self):
        """A count applied to lots: the audit trail records the quantity Odoo
        had, the quantity counted and who counted it (the adjustment's move line
        is recorded too, as ``adjusted``)."""
        counted = [
            {
                "quant": quant,
                "quantity": quant.quantity,
                "counted": quant.inventory_quantity,
            }
            for quant in self.sudo()
            if quant.lot_id and quant.inventory_quantity_set
        ]
        result = super()._apply_inventory()
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "counted",
                    "lots": item["quant"].lot_id,
                    "document": item["quant"].location_id,
                    "company": item["quant"].company_id,
                    "payload": {
                        "quant_id": item["quant"].id,
                        "product_id": item["quant"].product_id.id,
                        "location_id": item["quant"].location_id.id,
                        "location": item["quant"].location_id.complete_name,
                        "package_id": item["quant"].package_id.id or None,
                        "quantity_before": item["quantity"],
                        "counted": item["counted"],
                        "difference": item["counted"] - item["quantity"],
                    },
                }
                for item in counted
            ]
        )
        return result
