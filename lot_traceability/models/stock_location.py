# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .gs1_gln import check_gln


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
