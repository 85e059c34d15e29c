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
    lot_recall_target_hours = fields.Float(
        string="Recall Target (hours)",
        default=4.0,
        help="Time allowed for a recall exercise, from start to every customer "
        "verified (BRCGS, SQF, IFS: 4 hours).",
    )
    lot_recall_exercise_months = fields.Integer(
        string="Mock Recall Every (months)",
        default=0,
        help="Create a mock recall on a random finished lot every N months and "
        "give the Quality team an activity. 0: never.",
    )
    lot_ledger_anchor_emails = fields.Char(
        string="Audit Trail Anchor Recipients",
        help="Quality addresses (comma-separated) that receive the sealed head of "
        "the audit trail by mail every day: a copy outside the database that "
        "proves later that no entry was deleted or re-chained.",
    )
    gln = fields.Char(
        related="partner_id.gln",
        readonly=False,
        help="GS1 Global Location Number of the company: the party (pgln) and, "
        "when its warehouses and locations have none, the place (sgln) of its "
        "EPCIS events.",
    )
    fda_ffrn = fields.Char(related="partner_id.fda_ffrn", readonly=False)
