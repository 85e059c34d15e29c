# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Stock history built through Odoo's real flows.

``Flows`` receives, manufactures, delivers, returns and scraps with
the same ORM calls a user's clicks make, so the move lines, quants and
consume/produce links are Odoo's own. The reference tracer the genealogy
service is checked against lives in ``test_genealogy.py``.
"""

from odoo import Command


class Flows:
    def __init__(self, env, company=None):
        self.env = env
        self.company = company or env.company
        self.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.stock = self.warehouse.lot_stock_id
        self.supplier_location = env.ref("stock.stock_location_suppliers")
        self.customer_location = env.ref("stock.stock_location_customers")

    def product(self, name, tracking="lot", uom=None):
        vals = {
            "name": name,
            "is_storable": True,
            "tracking": tracking,
            "company_id": self.company.id,
        }
        if uom:
            vals.update(uom_id=uom.id, uom_po_id=uom.id)
        return self.env["product.product"].create(vals)

    def partner(self, name):
        return self.env["res.partner"].create(
            {"name": name, "company_id": self.company.id}
        )

    def lot(self, product, name):
        return self.env["stock.lot"].create(
            {"name": name, "product_id": product.id, "company_id": self.company.id}
        )

    def _picking(
        self, picking_type, partner, src, dest, product, lines, origin_move=None
    ):
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id if partner else False,
                "location_id": src.id,
                "location_dest_id": dest.id,
                "company_id": self.company.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.display_name,
                            "product_id": product.id,
                            "product_uom_qty": sum(qty for __, qty in lines),
                            "product_uom": product.uom_id.id,
                            "location_id": src.id,
                            "location_dest_id": dest.id,
                            "origin_returned_move_id": origin_move.id
                            if origin_move
                            else False,
                            "company_id": self.company.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self.set_lines(picking.move_ids, lines)
        result = picking.button_validate()
        assert result is True and picking.state == "done", (picking.name, result)
        return picking

    def set_lines(self, move, lines):
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            [
                {
                    "move_id": move.id,
                    "product_id": move.product_id.id,
                    "product_uom_id": move.product_uom.id,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "picking_id": move.picking_id.id,
                    "quantity": qty,
                    "picked": True,
                    **({"lot_id": lot.id} if lot else {}),
                }
                for lot, qty in lines
            ]
        )
        move.picked = True

    def receive(self, supplier, product, lines):
        return self._picking(
            self.warehouse.in_type_id,
            supplier,
            self.supplier_location,
            self.stock,
            product,
            lines,
        )

    def deliver(self, customer, product, lines):
        return self._picking(
            self.warehouse.out_type_id,
            customer,
            self.stock,
            self.customer_location,
            product,
            lines,
        )

    def dropship(self, supplier_partner, customer, product, lines):
        picking = self._picking(
            self.warehouse.in_type_id,
            supplier_partner,
            self.supplier_location,
            self.customer_location,
            product,
            lines,
        )
        picking.move_ids.partner_id = customer
        return picking

    def return_delivery(self, delivery, lot, qty):
        move = delivery.move_ids
        return self._picking(
            self.warehouse.in_type_id,
            delivery.partner_id,
            self.customer_location,
            self.stock,
            move.product_id,
            [(lot, qty)],
            origin_move=move,
        )

    def produce(
        self, product, lot_name, qty, components, untracked_finished=False, lot=None
    ):
        """components: [(product, [(lot or None, qty)])]; ``lot``: produce into an
        existing lot (rework) instead of a new one named ``lot_name``."""
        production = self.env["mrp.production"].create(
            {
                "product_id": product.id,
                "product_qty": qty,
                "product_uom_id": product.uom_id.id,
                "company_id": self.company.id,
                "move_raw_ids": [
                    Command.create(
                        {
                            "product_id": component.id,
                            "product_uom_qty": sum(q for __, q in lines),
                            "product_uom": component.uom_id.id,
                        }
                    )
                    for component, lines in components
                ],
            }
        )
        production.action_confirm()
        vals = {"qty_producing": qty}
        lot = lot or self.env["stock.lot"]
        if not untracked_finished:
            lot = lot or self.lot(product, lot_name)
            vals["lot_producing_id"] = lot.id
        production.write(vals)
        for component, lines in components:
            move = production.move_raw_ids.filtered(
                lambda m, c=component: m.product_id == c
            )
            self.set_lines(move, lines)
        result = production.button_mark_done()
        assert result is True and production.state == "done", (production.name, result)
        return lot, production

    def unbuild(self, production, qty):
        """Unbuild ``qty`` of what ``production`` made, as the Unbuild button does:
        the components come back with the lots the order consumed."""
        unbuild = self.env["mrp.unbuild"].create(
            {
                "product_id": production.product_id.id,
                "mo_id": production.id,
                "lot_id": production.lot_producing_id.id,
                "product_qty": qty,
                "product_uom_id": production.product_uom_id.id,
                "location_id": self.stock.id,
                "location_dest_id": self.stock.id,
                "company_id": self.company.id,
            }
        )
        unbuild.action_unbuild()
        assert unbuild.state == "done"
        return unbuild

    def scrap(self, lot, qty):
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "scrap_qty": qty,
                "location_id": self.stock.id,
                "company_id": self.company.id,
            }
        )
        scrap.action_validate()
        assert scrap.state == "done"
        return scrap


def open_receipt(flows, supplier, product, quantity):
    """A confirmed receipt of ``quantity`` of ``product``, not validated: the
    planned move line is there for the user to complete."""
    env = flows.env
    picking = env["stock.picking"].create(
        {
            "picking_type_id": flows.warehouse.in_type_id.id,
            "partner_id": supplier.id,
            "location_id": flows.supplier_location.id,
            "location_dest_id": flows.stock.id,
            "company_id": flows.company.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.display_name,
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "product_uom": product.uom_id.id,
                        "location_id": flows.supplier_location.id,
                        "location_dest_id": flows.stock.id,
                        "company_id": flows.company.id,
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    return picking
