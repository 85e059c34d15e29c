# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .lt_groups import MANAGER_GROUP, USER_GROUP
from .stock_lot_recall_evidence import sealed


class StockLotRecallCustomer(models.Model):
    _name = "stock.lot.recall.customer"
    _inherit = ["stock.lot.recall.result.mixin"]
    _description = "Lot Recall Customer"
    _order = "name"

    recall_id = fields.Many2one(
        "stock.lot.recall", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer")
    name = fields.Char(required=True)
    email = fields.Char()
    phone = fields.Char()
    address = fields.Text()
    quantity = fields.Float(string="Shipped", digits="Product Unit of Measure")
    returned_quantity = fields.Float(
        string="Returned", digits="Product Unit of Measure"
    )
    deliveries = fields.Char()
    verified = fields.Boolean(
        readonly=True, help="The customer was reached and confirmed the stock."
    )
    verified_by_id = fields.Many2one("res.users", string="Verified By", readonly=True)
    verified_at = fields.Datetime(readonly=True)
    line_ids = fields.One2many(
        "stock.lot.recall.line", compute="_compute_line_ids", string="Deliveries"
    )

    @api.depends("partner_id", "recall_id.delivery_line_ids.partner_id")
    def _compute_line_ids(self):
        for customer in self:
            customer.line_ids = customer.recall_id.delivery_line_ids.filtered(
                lambda line, c=customer: line.partner_id == c.partner_id
            )

    def action_verify(self):
        """The customer was reached: a fact of its own in the audit trail, with
        who and when, not an edit of the sealed results."""
        for customer in self:
            recall = customer.recall_id
            recall._check_traced()
            recall.check_access("write")
            self.env["stock.lot.hold"]._check_group(
                MANAGER_GROUP if recall.kind == "real" else USER_GROUP
            )
            if recall.state == "completed" or customer.verified:
                raise UserError(
                    _(
                        "%(customer)s is already verified on recall %(recall)s.",
                        customer=customer.name,
                        recall=recall.name,
                    )
                    if customer.verified
                    else _(
                        "Recall %(recall)s is completed: nothing more to verify.",
                        recall=recall.name,
                    )
                )
            now = fields.Datetime.now()
            sealed(customer).write(
                {"verified": True, "verified_by_id": self.env.uid, "verified_at": now}
            )
            self.env["stock.lot.event"]._append(
                "recall_customer_verified",
                lots=recall.origin_lot_ids,
                document=recall,
                payload={
                    "recall": recall.name,
                    "customer": customer.name,
                    "partner_id": customer.partner_id.id,
                    "verified_at": fields.Datetime.to_string(now),
                },
                company=recall.company_id,
            )
        return True
