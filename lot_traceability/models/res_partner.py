# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from .gs1_gln import check_gln


class ResPartner(models.Model):
    _inherit = "res.partner"

    gln = fields.Char(
        string="GLN",
        size=13,
        help="GS1 Global Location Number of this party (13 digits): used as its "
        "identifier in EPCIS and FSMA 204 exports.",
    )
    fda_ffrn = fields.Char(
        string="FDA Food Facility Registration",
        help="FDA food facility registration number: a traceability lot code "
        "source reference (21 CFR 1.1310) in FSMA 204 exports.",
    )

    @api.constrains("gln")
    def _check_gln(self):
        check_gln(self)
