# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lot_hold_four_eyes = fields.Boolean(
        related="company_id.lot_hold_four_eyes", readonly=False
    )
    lot_recall_target_hours = fields.Float(
        related="company_id.lot_recall_target_hours", readonly=False
    )
    lot_recall_exercise_months = fields.Integer(
        related="company_id.lot_recall_exercise_months", readonly=False
    )
    lot_ledger_anchor_emails = fields.Char(
        related="company_id.lot_ledger_anchor_emails", readonly=False
    )
