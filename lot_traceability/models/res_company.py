# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    lot_hold_four_eyes = fields.Boolean(
        string="Four Eyes on Holds",
        default=True,
        help="The person who placed a hold cannot release or reject it.",
    )
