# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .gs1_gln import check_gln

# Changing these on a location that holds stock of a held lot would move that
# stock somewhere else (another parent, a customer or scrap location) without
# a transfer.
LOCATION_FIELDS = {"location_id", "usage", "scrap_location", "company_id", "active"}


class StockLocation(models.Model):
    _inherit = "stock.location"

    gln = fields.Char(
        string="GLN",
        size=13,
        help="GS1 Global Location Number of this place: the read point and "
        "business location of EPCIS events here (else the warehouse's GLN).",
    )

    @api.constrains("gln")
    def _check_gln(self):
        check_gln(self)

    def write(self, vals):
        if (
            LOCATION_FIELDS.intersection(vals)
            and not self.env["stock.lot.hold.service"]._is_service()
        ):
            changed = self.filtered(
                lambda location: any(
                    location[name]
                    != location._fields[name].convert_to_record(
                        location._fields[name].convert_to_cache(vals[name], location),
                        location,
                    )
                    for name in LOCATION_FIELDS.intersection(vals)
                )
            )
            changed._lt_check_no_held_stock()
        return super().write(vals)

    def _lt_check_no_held_stock(self):
        service = self.env["stock.lot.hold.service"]
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search([("location_id", "child_of", self.ids), ("quantity", "!=", 0)])
        )
        held = quants.filtered(
            lambda quant: quant.lot_id
            and service._is_held(quant.lot_id, quant.company_id)
        )
        if held:
            raise UserError(
                _(
                    "Location %(locations)s holds stock of held lots %(lots)s: move "
                    "that stock with a transfer (or ask Quality to decide the holds) "
                    "before changing where or what the location is.",
                    locations=", ".join(held.location_id.mapped("complete_name")),
                    lots=", ".join(held.lot_id.mapped("display_name")),
                )
            )
