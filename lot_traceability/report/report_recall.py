# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import hashlib

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Rows printed per section; the annex (XLSX) has every row.
LIMIT = 50


class ReportRecall(models.AbstractModel):
    """The recall report: a readable summary of the sealed results, whatever
    their size, with every row in the XLSX annex attached to the recall. The
    fingerprint is recomputed from the stored results and checked against the
    one sealed in the audit trail."""

    _name = "report.lot_traceability.report_recall"
    _description = "Recall Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        recalls = self.env["stock.lot.recall"].browse(docids)
        recalls.check_access("read")
        summaries = {}
        for recall in recalls:
            if recall.state in ("draft", "queued"):
                raise UserError(_("Run recall %(recall)s first.", recall=recall.name))
            summaries[recall.id] = self._summary(recall)
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot.recall",
            "docs": recalls,
            "summaries": summaries,
            "limit": LIMIT,
        }

    def _query(self, query):
        self.env.cr.execute(query)
        columns = [column.name for column in self.env.cr.description]
        return [dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()]

    def _summary(self, recall):
        Evidence = self.env["stock.lot.recall.evidence"]
        self.env.flush_all()
        verification = Evidence._verify(recall)
        annex = Evidence._annex(recall)
        counts = {
            row["kind"]: row["n"]
            for row in self._query(
                SQL(
                    "SELECT kind, count(*) AS n FROM stock_lot_recall_line "
                    "WHERE recall_id = %s GROUP BY kind",
                    recall.id,
                )
            )
        }
        deliveries = {
            row["partner_id"]: row
            for row in self._query(
                SQL(
                    """
                    SELECT partner_id, count(*) AS lines,
                           count(DISTINCT document) AS documents,
                           count(DISTINCT lot_name) AS lots,
                           (array_agg(DISTINCT lot_name ORDER BY lot_name))[1:5]
                               AS lot_names,
                           min(date) AS first, max(date) AS last
                      FROM stock_lot_recall_line
                     WHERE recall_id = %s AND kind = 'delivery'
                     GROUP BY partner_id
                    """,
                    recall.id,
                )
            )
        }
        customers = [
            {
                "customer": customer,
                **deliveries.get(customer.partner_id.id or None, {}),
            }
            for customer in recall.customer_ids
        ]
        stock = self._query(
            SQL(
                """
                SELECT product_name, count(DISTINCT lot_name) AS lots,
                       sum(quantity) AS quantity
                  FROM stock_lot_recall_line
                 WHERE recall_id = %s AND kind = 'stock'
                 GROUP BY product_name ORDER BY product_name
                """,
                recall.id,
            )
        )
        suppliers = self._query(
            SQL(
                """
                SELECT partner_name, count(DISTINCT lot_name) AS lots,
                       count(DISTINCT document) AS receipts,
                       sum(quantity) AS quantity, min(uom) AS uom
                  FROM stock_lot_recall_line
                 WHERE recall_id = %s AND kind = 'receipt'
                 GROUP BY partner_name ORDER BY partner_name
                """,
                recall.id,
            )
        )
        depths = self._query(
            SQL(
                """
                SELECT depth, count(*) AS lots FROM stock_lot_recall_line
                 WHERE recall_id = %s AND kind = 'lot' GROUP BY depth ORDER BY depth
                """,
                recall.id,
            )
        )
        lines = self.env["stock.lot.recall.line"]
        balances = recall.balance_ids
        origins = set(recall.origin_lot_ids.ids)
        shown = balances.filtered(
            lambda b: b.lot_id.id in origins or b.accounted_percent < 100.0
        )[:LIMIT]
        events = (
            self.env["stock.lot.event"]
            .sudo()
            .search(
                [("res_model", "=", recall._name), ("res_id", "=", recall.id)],
                order="id",
            )
        )
        return {
            "verification": verification,
            "annex": annex,
            "annex_sha256": hashlib.sha256(annex.raw or b"").hexdigest(),
            "counts": counts,
            "customers": customers,
            "customer_totals": {
                "quantity": sum(recall.customer_ids.mapped("quantity")),
                "returned": sum(recall.customer_ids.mapped("returned_quantity")),
                "verified": len(recall.customer_ids.filtered("verified")),
            },
            "depths": depths,
            "stock": stock,
            "suppliers": suppliers,
            "balances": shown,
            "balance_hidden": len(balances) - len(shown),
            "open_moves": lines.search(
                [("recall_id", "=", recall.id), ("kind", "=", "open_move")],
                limit=LIMIT,
            ),
            "gaps": lines.search(
                [("recall_id", "=", recall.id), ("kind", "=", "gap")], limit=LIMIT
            ),
            "held_lots": recall.hold_id.lot_ids[:LIMIT].mapped("name"),
            "events": events,
            "run_event": events.filtered(lambda e: e.event_type == "recall_run")[:1],
        }
