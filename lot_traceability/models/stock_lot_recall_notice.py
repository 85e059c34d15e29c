# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import _, fields, models
from odoo.exceptions import UserError


class StockLotRecallNotice(models.Model):
    """The message to one customer: drafted from the recall template; only a
    real recall may send it."""

    _name = "stock.lot.recall.notice"
    _description = "Lot Recall Customer Notice"
    _inherit = ["mail.thread"]
    _order = "id"

    recall_id = fields.Many2one("stock.lot.recall", required=True, ondelete="cascade")
    customer_id = fields.Many2one(
        "stock.lot.recall.customer", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="customer_id.partner_id")
    email = fields.Char(related="customer_id.email")
    subject = fields.Char()
    body_html = fields.Html(sanitize_style=True)
    state = fields.Selection(
        [("draft", "Draft"), ("sent", "Sent")], default="draft", required=True
    )

    def action_send(self):
        for notice in self:
            if notice.recall_id.kind != "real":
                raise UserError(
                    _(
                        "%(recall)s is a mock recall: its notices are drafts and are "
                        "never sent.",
                        recall=notice.recall_id.name,
                    )
                )
            if not notice.partner_id.email:
                raise UserError(
                    _(
                        "%(customer)s has no email address: add one or contact them "
                        "by phone.",
                        customer=notice.customer_id.name,
                    )
                )
            notice.message_post(
                subject=notice.subject,
                body=notice.body_html,
                partner_ids=notice.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            notice.state = "sent"
        return True
