# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Manufacturing orders: trace their lots; finished lots numbered by the
numbering rules.
"""

from odoo import _, fields, models
from odoo.exceptions import UserError


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def action_trace_lots(self):
        """Trace the lots these manufacturing orders consumed and produced."""
        lots = (
            self.lot_producing_id
            | self.move_raw_ids.move_line_ids.lot_id
            | self.move_finished_ids.move_line_ids.lot_id
        )
        if not lots:
            raise UserError(
                _(
                    "%(documents)s has no lot to trace.",
                    documents=", ".join(self.mapped("name")),
                )
            )
        return lots.action_open_trace()

    def action_print_lot_labels(self):
        """GS1 DataMatrix labels of the lots these orders produced."""
        lots = self.lot_producing_id | self.move_finished_ids.move_line_ids.lot_id
        if not lots:
            raise UserError(
                _(
                    "%(documents)s produced no lot to label.",
                    documents=", ".join(self.mapped("name")),
                )
            )
        # labels have no company letterhead: no layout configurator first
        return self.env.ref("lot_traceability.action_report_lot_label").report_action(
            lots, config=False
        )

    def _numbering_rule(self):
        self.ensure_one()
        return self.env["stock.lot.numbering.rule"]._find_rule(
            self.product_id, self.company_id, "production"
        )

    def _prepare_stock_lot_values(self):
        rule = self._numbering_rule()
        if not rule:
            return super()._prepare_stock_lot_values()
        workcenter = (
            self.workorder_ids[:1].workcenter_id
            or self.bom_id.operation_ids[:1].workcenter_id
        )
        moment = self.date_start or fields.Datetime.now()
        values = rule._values(
            self.product_id, moment, self.warehouse_id, workcenter=workcenter
        )
        name = rule._next_names(values)[0]
        return {
            "product_id": self.product_id.id,
            "name": name,
            "production_date": values["date"].date(),
        }

    def _set_lot_producing(self):
        return super(
            MrpProduction, self.with_context(lt_lot_usage="production")
        )._set_lot_producing()

    def pre_button_mark_done(self):
        """Marking done without a finished lot: number it by the rule (without
        a rule, Odoo's standard behaviour)."""
        for production in self.filtered(
            lambda p: not p.lot_producing_id
            and (
                p.product_tracking == "lot"
                or (p.product_tracking == "serial" and p.product_qty == 1)
            )
            and p._numbering_rule()
        ):
            production.action_generate_serial()
        return super().pre_button_mark_done()
