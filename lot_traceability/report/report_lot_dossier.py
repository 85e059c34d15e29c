# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models


class ReportLotDossier(models.AbstractModel):
    """The lot dossier: master data, holds, both trees and customers, from one
    trace per lot (the genealogy service; the tree is the trace screen's)."""

    _name = "report.lot_traceability.report_lot_dossier"
    _description = "Lot Dossier Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        lots._check_trace_access()
        Trace = self.env["stock.lot.trace.screen"]
        dossiers = []
        for lot in lots:
            result = self.env["stock.lot.genealogy"]._trace(lot, "both")
            tree = Trace._tree_rows(result)
            names = {row["id"]: row for row in result["lots"]}
            for row in tree:
                row["lot"] = names.get(row.get("lot_id"), {})
            dossiers.append(
                {
                    "lot": lot,
                    "result": result,
                    "upstream": [r for r in tree if r["side"] == "upstream"],
                    "downstream": [r for r in tree if r["side"] == "downstream"],
                    "customers": sorted(
                        {
                            row["partner"]
                            for row in result["deliveries"]
                            if row["partner"]
                        }
                    ),
                    "documents": self._documents(tree),
                }
            )
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "dossiers": dossiers,
        }

    def _documents(self, tree):
        """Display names of the transfers and orders on the tree rows."""
        pickings = self.env["stock.picking"].browse(
            {row["picking_id"] for row in tree if row.get("picking_id")}
        )
        productions = self.env["mrp.production"].browse(
            {row["production_id"] for row in tree if row.get("production_id")}
        )
        partners = self.env["res.partner"].browse(
            {row["partner_id"] for row in tree if row.get("partner_id")}
        )
        return {
            "picking": {p.id: p.name for p in pickings},
            "production": {p.id: p.name for p in productions},
            "partner": {p.id: p.display_name for p in partners},
        }
