# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models

from .gs1_gln import check_gln


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    lot_quarantine_location_id = fields.Many2one(
        "stock.location",
        string="Quarantine Location",
        check_company=True,
        help="Held lots are moved here; a hold does not stop moves into it.",
    )
    lot_hold_location_ids = fields.Many2many(
        "stock.location",
        "stock_warehouse_hold_location_rel",
        "warehouse_id",
        "location_id",
        string="Destinations Allowed for Held Lots",
        help="A held lot may still move into these locations (and their children): "
        "by default the quarantine location and the vendors location, for returns. "
        "Scrapping and inventory adjustments are always allowed.",
    )
    gln = fields.Char(
        string="GLN",
        size=13,
        help="GS1 Global Location Number of this site: the read point and "
        "business location of its EPCIS events and its FSMA 204 location "
        "identifier (else the company's GLN).",
    )

    @api.constrains("gln")
    def _check_gln(self):
        check_gln(self)

    def _get_locations_values(self, vals, code=False):
        values = super()._get_locations_values(vals, code=code)
        code = (vals.get("code") or code or "").replace(" ", "").upper()
        company_id = vals.get(
            "company_id", self.default_get(["company_id"])["company_id"]
        )
        values["lot_quarantine_location_id"] = {
            "name": _("Quarantine"),
            "active": True,
            "usage": "internal",
            "barcode": self._valid_barcode(code + "QUARANTINE", company_id),
        }
        return values

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._lt_ensure_hold_locations()
        return warehouses

    @api.model
    def _lt_install_hold_locations(self):
        """At installation: a quarantine location for every existing warehouse."""
        self.with_context(active_test=False).search([])._lt_ensure_hold_locations()

    def _lt_ensure_hold_locations(self):
        suppliers = self.env.ref("stock.stock_location_suppliers")
        for warehouse in self:
            if not warehouse.lot_quarantine_location_id:
                warehouse.lot_quarantine_location_id = self.env[
                    "stock.location"
                ].create(
                    {
                        "name": _("Quarantine"),
                        "usage": "internal",
                        "location_id": warehouse.view_location_id.id,
                        "company_id": warehouse.company_id.id,
                    }
                )
            if not warehouse.lot_hold_location_ids:
                warehouse.lot_hold_location_ids = (
                    warehouse.lot_quarantine_location_id | suppliers
                )

    def _lt_hold_permits(self, location):
        """May a held lot move into ``location`` from this warehouse?"""
        if location.usage == "inventory":
            return True  # scrap and inventory adjustments
        allowed = self.lot_hold_location_ids
        return any(
            location.parent_path.startswith(permitted.parent_path)
            for permitted in allowed
        )

    @api.model
    def _lt_hold_restricts(self, source, destination, warehouse=None, company=None):
        """Does moving from ``source`` to ``destination`` use a lot in a way a hold
        forbids? Moves out of stock (reserving, picking, shipping, consuming) and
        anything delivered to a customer (dropship) do, unless the destination is
        allowed for held lots; receipts and production output do not."""
        if not (
            source.usage in ("internal", "transit") or destination.usage == "customer"
        ):
            return False
        warehouse = source.warehouse_id or warehouse
        if not warehouse:
            company = company or source.company_id or self.env.company
            warehouse = self.search([("company_id", "=", company.id)])
        return not any(wh._lt_hold_permits(destination) for wh in warehouse)
