# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .lt_groups import MANAGER_GROUP
from .stock_lot_recall_evidence import is_service, sealed


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
    sent_by_id = fields.Many2one("res.users", string="Sent By", readonly=True)
    sent_at = fields.Datetime(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not is_service(self.env):
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or vals.get("sent_at"):
                    raise UserError(_("A recall notice is created as a draft."))
        notices = super().create(vals_list)
        for recall in notices.recall_id:
            recall._check_traced()
        return notices

    def write(self, vals):
        if not is_service(self.env):
            self._check_draft(set(vals) & {"state", "sent_by_id", "sent_at"})
        return super().write(vals)

    def unlink(self):
        if not is_service(self.env):
            self._check_draft()
        return super().unlink()

    def _check_draft(self, service_fields=()):
        if service_fields:
            raise UserError(
                _(
                    "A recall notice is marked sent by sending it (Send), never "
                    "edited."
                )
            )
        sent = self.filtered(lambda n: n.state == "sent")
        if sent:
            raise UserError(
                _(
                    "The notices to %(customers)s were sent: they are part of the "
                    "recall's record and cannot be changed or deleted.",
                    customers=", ".join(sent.customer_id.mapped("name")),
                )
            )

    def action_send(self):
        for notice in self:
            notice.recall_id.check_access("write")
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
            self.env["stock.lot.hold"]._check_group(MANAGER_GROUP)
            if notice.state == "sent":
                raise UserError(
                    _(
                        "The notice to %(customer)s was already sent.",
                        customer=notice.customer_id.name,
                    )
                )
            notice.message_post(
                subject=notice.subject,
                body=notice.body_html,
                partner_ids=notice.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            now = fields.Datetime.now()
            sealed(notice).write(
                {"state": "sent", "sent_by_id": self.env.uid, "sent_at": now}
            )
            recall = notice.recall_id
            self.env["stock.lot.event"]._append(
                "recall_notice_sent",
                lots=recall.origin_lot_ids,
                document=recall,
                payload={
                    "recall": recall.name,
                    "customer": notice.customer_id.name,
                    "email": notice.partner_id.email,
                    "subject": notice.subject,
                    "sent_at": fields.Datetime.to_string(now),
                },
                company=recall.company_id,
            )
        return True
