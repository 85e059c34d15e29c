# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

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
        help="Internal locations (and their children) a held lot may still move "
        "into, besides quarantine, scrap, counting and returns to its supplier. "
        "Other kinds of locations here are ignored.",
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

    @api.constrains("lot_quarantine_location_id")
    def _check_lot_quarantine_location(self):
        for warehouse in self:
            quarantine = warehouse.lot_quarantine_location_id
            if quarantine and quarantine.usage != "internal":
                raise ValidationError(
                    _(
                        "The quarantine of warehouse %(warehouse)s must be an "
                        "internal location: %(location)s is not.",
                        warehouse=warehouse.name,
                        location=quarantine.display_name,
                    )
                )

    def write(self, vals):
        if "lot_quarantine_location_id" in vals:
            for warehouse in self:
                quarantine = warehouse.lot_quarantine_location_id
                if quarantine and quarantine.id != vals["lot_quarantine_location_id"]:
                    quarantine._lt_check_no_held_stock()
        return super().write(vals)

    @api.model
    def _lt_install_hold_locations(self):
        """At installation: a quarantine location for every existing warehouse."""
        self.with_context(active_test=False).search([])._lt_ensure_hold_locations()

    def _lt_ensure_hold_locations(self):
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
                warehouse.lot_hold_location_ids = warehouse.lot_quarantine_location_id
