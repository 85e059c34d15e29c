# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

KINDS = [
    ("lot", "Lot"),
    ("receipt", "Receipt"),
    ("delivery", "Delivery"),
    ("production", "Manufacturing"),
    ("on_hand", "On hand"),
    ("gap", "Gap"),
]


class StockLotTraceReport(models.TransientModel):
    """The whole genealogy of some lots on one screen, from one trace."""

    _name = "stock.lot.trace.report"
    _description = "Lot Trace"

    lot_ids = fields.Many2many("stock.lot", string="Lots", required=True)
    direction = fields.Selection(
        [("both", "Both"), ("backward", "Upstream"), ("forward", "Downstream")],
        required=True,
        default="both",
    )
    line_ids = fields.One2many("stock.lot.trace.report.line", "report_id")
    lot_line_ids = fields.One2many(
        "stock.lot.trace.report.line", "report_id", domain=[("kind", "=", "lot")]
    )
    receipt_line_ids = fields.One2many(
        "stock.lot.trace.report.line", "report_id", domain=[("kind", "=", "receipt")]
    )
    delivery_line_ids = fields.One2many(
        "stock.lot.trace.report.line", "report_id", domain=[("kind", "=", "delivery")]
    )
    production_line_ids = fields.One2many(
        "stock.lot.trace.report.line",
        "report_id",
        domain=[("kind", "=", "production")],
    )
    on_hand_line_ids = fields.One2many(
        "stock.lot.trace.report.line", "report_id", domain=[("kind", "=", "on_hand")]
    )
    gap_line_ids = fields.One2many(
        "stock.lot.trace.report.line", "report_id", domain=[("kind", "=", "gap")]
    )
    lot_count = fields.Integer(readonly=True)
    customer_count = fields.Integer(readonly=True)
    supplier_count = fields.Integer(readonly=True)
    gap_count = fields.Integer(readonly=True)
    elapsed_ms = fields.Float(string="Trace time (ms)", readonly=True)

    @api.model
    def _open_for_lots(self, lots, direction):
        report = self.create(
            {"lot_ids": [fields.Command.set(lots.ids)], "direction": direction}
        )
        report.action_trace()
        return report._action_open()

    def action_trace(self):
        self.ensure_one()
        if not self.lot_ids:
            raise UserError(_("Select at least one lot to trace."))
        result = self.lot_ids.trace(self.direction)
        self.line_ids.unlink()
        lot_names = {row["id"]: row["name"] for row in result["lots"]}
        vals_list = [
            {
                "kind": "lot",
                "lot_id": row["id"],
                "depth": row["depth"],
                "supplier_lot_name": row["supplier_lot_name"],
            }
            for row in result["lots"]
        ]
        for kind in ("receipts", "deliveries"):
            vals_list += [
                {
                    "kind": "receipt" if kind == "receipts" else "delivery",
                    "lot_id": row["lot_id"],
                    "partner_id": row["partner_id"],
                    "picking_id": row["picking_id"],
                    "move_line_id": row["move_line_id"],
                    "quantity": row["quantity"],
                    "returned_quantity": row.get("returned_quantity", 0.0),
                    "uom": row["uom"],
                    "date": row["date"],
                }
                for row in result[kind]
            ]
        vals_list += [
            {
                "kind": "production",
                "production_id": row["production_id"]
                if row["model"] == "mrp.production"
                else False,
                "note": _(
                    "%(consumed)s → %(produced)s",
                    consumed=", ".join(
                        lot_names.get(i, "?") for i in row["consumed_lot_ids"]
                    ),
                    produced=", ".join(
                        lot_names.get(i, "?") for i in row["produced_lot_ids"]
                    ),
                ),
                "date": row["date"],
            }
            for row in result["productions"]
        ]
        vals_list += [
            {
                "kind": "on_hand",
                "lot_id": row["lot_id"],
                "location_id": row["location_id"],
                "quantity": row["quantity"],
            }
            for row in result["on_hand"]
        ]
        vals_list += [
            {
                "kind": "gap",
                "production_id": row["production_id"]
                if row["model"] == "mrp.production"
                else False,
                "gap_product_id": row["product_id"],
                "note": row["reason"],
            }
            for row in result["gaps"]
        ]
        self.env["stock.lot.trace.report.line"].create(
            [dict(vals, report_id=self.id) for vals in vals_list]
        )
        self.write(
            {
                "lot_count": result["stats"]["lot_count"],
                "customer_count": len(
                    {row["partner_id"] for row in result["deliveries"]}
                ),
                "supplier_count": len(
                    {row["partner_id"] for row in result["receipts"]}
                ),
                "gap_count": len(result["gaps"]),
                "elapsed_ms": result["stats"]["elapsed_ms"],
            }
        )
        return True

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Trace: %(lots)s", lots=", ".join(self.lot_ids.mapped("name"))),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }


class StockLotTraceReportLine(models.TransientModel):
    _name = "stock.lot.trace.report.line"
    _description = "Lot Trace Line"
    _order = "kind, depth, date, id"

    report_id = fields.Many2one(
        "stock.lot.trace.report", required=True, ondelete="cascade"
    )
    kind = fields.Selection(KINDS, required=True)
    depth = fields.Integer(
        string="Level",
        help="0: a traced lot; negative: upstream (made from); positive: downstream.",
    )
    lot_id = fields.Many2one("stock.lot", string="Lot")
    product_id = fields.Many2one(related="lot_id.product_id")
    supplier_lot_name = fields.Char(string="Supplier Lot")
    partner_id = fields.Many2one("res.partner", string="Partner")
    picking_id = fields.Many2one("stock.picking", string="Transfer")
    move_line_id = fields.Many2one("stock.move.line")
    production_id = fields.Many2one("mrp.production", string="Manufacturing Order")
    gap_product_id = fields.Many2one("product.product", string="Untracked Product")
    location_id = fields.Many2one("stock.location", string="Location")
    quantity = fields.Float(digits="Product Unit of Measure")
    returned_quantity = fields.Float(digits="Product Unit of Measure")
    uom = fields.Char(string="Unit")
    date = fields.Datetime()
    note = fields.Char()

    def action_open_document(self):
        """Open the row's document: transfer, manufacturing order or lot."""
        self.ensure_one()
        record = self.picking_id or self.production_id or self.lot_id
        if not record:
            raise UserError(_("This row has no document to open."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
