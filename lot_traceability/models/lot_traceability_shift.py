# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import date, datetime, time, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class LotTraceabilityShift(models.Model):
    _name = "lot.traceability.shift"
    _description = "Production Shift"
    _order = "company_id, start_time, id"

    name = fields.Char(required=True, help="Printed by the {SHIFT} token, e.g. 1, A.")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    start_time = fields.Float(
        required=True,
        help="Local time the shift starts (24 h); it ends when the " "next one starts.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "start_time_company_uniq",
            "unique (company_id, start_time)",
            "Two shifts of a company cannot start at the same time.",
        ),
    ]

    @api.constrains("start_time")
    def _check_start_time(self):
        for shift in self:
            if not 0 <= shift.start_time < 24:
                raise ValidationError(
                    _(
                        "Shift %(shift)s: the start time is between 00:00 and 23:59.",
                        shift=shift.name,
                    )
                )

    @api.model
    def _shift_at(self, company, moment):
        """The shift in force at the local datetime ``moment``: the last one
        started that day, or the day's last shift (overnight) before the first
        start."""
        shifts = self.search([("company_id", "=", company.id)])
        if not shifts:
            return self.browse()
        hours = (
            datetime.combine(date.min, moment.time())
            - datetime.combine(date.min, time())
        ) / timedelta(hours=1)
        started = shifts.filtered(lambda s: s.start_time <= hours)
        return started[-1:] or shifts[-1:]
