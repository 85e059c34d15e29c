# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Quant fields whose change moves, relabels or creates stock. Odoo writes them
# itself only in superuser mode (``_update_available_quantity``); a user
# writing them directly moves stock without a move.
STOCK_FIELDS = {
    "quantity",
    "reserved_quantity",
    "lot_id",
    "location_id",
    "package_id",
    "owner_id",
    "product_id",
}
QUANTITY_FIELDS = (
    "quantity",
    "reserved_quantity",
    "inventory_quantity",
    "inventory_quantity_auto_apply",
)
MAX_QUANTITY = 1e12


class StockQuant(models.Model):
    _inherit = "stock.quant"

    lot_hold_state = fields.Selection(related="lot_id.hold_state", string="Hold")

    @api.model
    def _lt_check_quantities(self, vals):
        for name in QUANTITY_FIELDS:
            value = vals.get(name)
            if isinstance(value, int | float) and (
                not math.isfinite(value) or abs(value) > MAX_QUANTITY
            ):
                # outside the _() call: babel cannot extract a call holding an f-string
                limit = f"{MAX_QUANTITY:.0e}"
                raise UserError(
                    _(
                        "%(value)s is not a quantity Odoo can store for %(field)s: "
                        "enter a finite number below %(max)s.",
                        value=value,
                        field=self._fields[name].string,
                        max=limit,
                    )
                )

    def _lt_check_held_quants(self, vals):
        """Refuse a direct change of the stock of a held lot (moving, relabelling
        or creating it without a stock move), for every user. Counting goes
        through ``inventory_quantity`` and Odoo's inventory moves instead."""
        if self.env.su or not STOCK_FIELDS.intersection(vals):
            return
        service = self.env["stock.lot.hold.service"]
        Lot = self.env["stock.lot"]
        new_lot = Lot.browse(vals.get("lot_id") or [])
        new_location = self.env["stock.location"].browse(vals.get("location_id") or [])
        held = Lot
        for quant in self or [self.browse()]:
            companies = (quant.location_id | new_location).sudo().company_id
            # a location without company (customers, vendors): any company's hold
            companies = list(companies) or [self.env["res.company"]]
            for lot in quant.lot_id | new_lot:
                if any(service._is_held(lot, company) for company in companies):
                    held |= lot
        if held:
            raise UserError(
                _(
                    "The stock of held lot %(lots)s cannot be changed directly: "
                    "move it to quarantine or scrap it with a transfer, or count it "
                    "with an inventory adjustment.\n\n%(details)s",
                    lots=", ".join(held.mapped("display_name")),
                    details=held._lt_hold_message(),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._lt_check_quantities(vals)
            if vals.get("quantity") or vals.get("reserved_quantity"):
                self.browse()._lt_check_held_quants(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._lt_check_quantities(vals)
        self._lt_check_held_quants(vals)
        return super().write(vals)

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
        """Reservations for a move do not see quants of held lots the move may
        not take (``stock.move`` sets the context key): FIFO, FEFO and every
        other removal strategy pick among the others only."""
        quants = super()._gather(
            product_id,
            location_id,
            lot_id=lot_id,
            package_id=package_id,
            owner_id=owner_id,
            strict=strict,
            qty=qty,
        )
        move_id = self.env.context.get("lt_hold_move_id")
        if move_id:
            move = self.env["stock.move"].browse(move_id)
            service = self.env["stock.lot.hold.service"]
            quants = quants.filtered(
                lambda quant: not quant.lot_id
                or not service._is_held(quant.lot_id, quant.company_id)
                or service._move_permitted(
                    quant.lot_id, quant.location_id, move.location_dest_id, move
                )
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
