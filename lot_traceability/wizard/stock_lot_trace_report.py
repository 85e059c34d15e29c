# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError

KINDS = [
    ("tree", "Genealogy"),
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
    tree_line_ids = fields.One2many(
        "stock.lot.trace.report.line", "report_id", domain=[("kind", "=", "tree")]
    )
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

    @api.depends("lot_ids", "direction")
    def _compute_display_name(self):
        for report in self:
            report.display_name = _(
                "Trace: %(lots)s", lots=", ".join(report.lot_ids.mapped("name"))
            )

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
                dict(
                    self._document_vals(row),
                    kind="receipt" if kind == "receipts" else "delivery",
                )
                for row in result[kind]
            ]
        vals_list += [
            {
                "kind": "production",
                "production_id": row["production_id"]
                if row["model"] == "mrp.production"
                else False,
                "unbuild_id": row["production_id"]
                if row["model"] == "mrp.unbuild"
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
        vals_list += self._tree_vals(result)
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

    @api.model
    def _document_vals(self, row):
        """A receipt or delivery row of the trace result, as line values."""
        return {
            "lot_id": row["lot_id"],
            "partner_id": row["partner_id"],
            "picking_id": row["picking_id"],
            "move_line_id": row["move_line_id"],
            "quantity": row["quantity"],
            "returned_quantity": row.get("returned_quantity", 0.0),
            "uom": row["uom"],
            "date": row["date"],
        }

    @api.model
    def _tree_vals(self, result):
        """The genealogy as an indented tree, from the one trace result.

        Each traced lot is a root; under it its upstream branch (what it was made
        of, down to the supplier receipts) and its downstream branch (what was
        made of it, down to the customer deliveries). A lot reached through
        several paths is expanded once; later occurrences say so.
        """
        lots = {row["id"]: row for row in result["lots"]}
        dates = {
            (row["model"], row["production_id"]): row["date"]
            for row in result["productions"]
        }
        parents, children = defaultdict(list), defaultdict(list)
        for link in result["links"]:
            if lots[link["dst"]]["depth"] > 0:
                children[link["src"]].append(link)
            if lots[link["src"]]["depth"] < 0:
                parents[link["dst"]].append(link)
        documents = defaultdict(list)
        for kind, key in (("receipt", "receipts"), ("delivery", "deliveries")):
            for row in result[key]:
                documents[kind, row["lot_id"]].append(row)
        vals_list = []
        expanded = set()

        def lot_vals(lot_id, level, link, side):
            row = lots[lot_id]
            vals = {
                "node": "lot",
                "side": side,
                "level": level,
                "lot_id": lot_id,
                "supplier_lot_name": row["supplier_lot_name"],
                "depth": row["depth"],
            }
            if link:
                vals["quantity"] = link["quantity"]
                vals[
                    "production_id"
                    if link["model"] == "mrp.production"
                    else "unbuild_id"
                ] = link["production_id"]
                vals["date"] = dates.get((link["model"], link["production_id"]))
            return vals

        def document_vals(kind, row, level, side):
            return dict(self._document_vals(row), node=kind, side=side, level=level)

        roots = sorted(
            (row for row in result["lots"] if row["depth"] == 0),
            key=lambda row: row["name"],
        )
        for root in roots:
            # depth-first with an explicit stack: (lot, level, link, side)
            stack = [(root["id"], 0, None, "origin")]
            while stack:
                lot_id, level, link, side = stack.pop()
                vals = lot_vals(lot_id, level, link, side)
                vals_list.append(vals)
                if side != "origin" and (lot_id, side) in expanded:
                    vals["note"] = _("Already shown above")
                    continue
                expanded.add((lot_id, side))
                branches = []
                if side in ("origin", "upstream"):
                    vals_list.extend(
                        document_vals("receipt", row, level + 1, "upstream")
                        for row in documents["receipt", lot_id]
                    )
                    branches += [
                        (parent["src"], level + 1, parent, "upstream")
                        for parent in parents[lot_id]
                    ]
                if side in ("origin", "downstream"):
                    vals_list.extend(
                        document_vals("delivery", row, level + 1, "downstream")
                        for row in documents["delivery", lot_id]
                    )
                    branches += [
                        (child["dst"], level + 1, child, "downstream")
                        for child in children[lot_id]
                    ]
                stack.extend(reversed(branches))
        for sequence, vals in enumerate(vals_list):
            vals.update(kind="tree", sequence=sequence)
        return vals_list

    def action_open_lines(self):
        """All rows of this trace in a list: filter, group and export them."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Trace lines"),
            "res_model": "stock.lot.trace.report.line",
            "view_mode": "list",
            "domain": [("report_id", "=", self.id), ("kind", "!=", "tree")],
            "context": {"search_default_group_kind": 1},
        }

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
    _order = "kind, sequence, depth, date, id"

    report_id = fields.Many2one(
        "stock.lot.trace.report", required=True, ondelete="cascade"
    )
    kind = fields.Selection(KINDS, required=True)
    sequence = fields.Integer()
    node = fields.Selection(
        [("lot", "Lot"), ("receipt", "Receipt"), ("delivery", "Delivery")]
    )
    side = fields.Selection(
        [("origin", "Traced"), ("upstream", "Upstream"), ("downstream", "Downstream")]
    )
    level = fields.Integer()
    label = fields.Char(string="Genealogy", compute="_compute_label")
    depth = fields.Integer(
        string="Level",
        help="0: a traced lot; negative: upstream (made from); positive: downstream.",
    )
    lot_id = fields.Many2one("stock.lot", string="Lot")
    hold_state = fields.Selection(related="lot_id.hold_state", string="Hold")
    product_id = fields.Many2one(related="lot_id.product_id")
    supplier_lot_name = fields.Char(string="Supplier Lot")
    partner_id = fields.Many2one("res.partner", string="Partner")
    picking_id = fields.Many2one("stock.picking", string="Transfer")
    move_line_id = fields.Many2one("stock.move.line")
    production_id = fields.Many2one("mrp.production", string="Manufacturing Order")
    unbuild_id = fields.Many2one("mrp.unbuild", string="Unbuild Order")
    gap_product_id = fields.Many2one("product.product", string="Untracked Product")
    location_id = fields.Many2one("stock.location", string="Location")
    quantity = fields.Float(digits="Product Unit of Measure")
    returned_quantity = fields.Float(digits="Product Unit of Measure")
    uom = fields.Char(string="Unit")
    date = fields.Datetime()
    note = fields.Char()

    @api.depends("level", "node", "side", "lot_id", "partner_id", "picking_id")
    def _compute_label(self):
        arrows = {"origin": "●", "upstream": "▲", "downstream": "▼"}
        for line in self:
            if line.node == "lot":
                text = f"{arrows.get(line.side, '')} {line.lot_id.name or ''}"
            elif line.node == "receipt":
                text = _("Received from %(partner)s", partner=line.partner_id.name)
            elif line.node == "delivery":
                text = _("Delivered to %(partner)s", partner=line.partner_id.name)
            else:
                text = line.lot_id.name or ""
            # non-breaking spaces: the list keeps the indentation
            line.label = "\u00a0" * 6 * line.level + text

    def action_open_document(self):
        """Open the row's document: transfer, manufacturing order or lot."""
        self.ensure_one()
        record = self.picking_id or self.production_id or self.unbuild_id or self.lot_id
        if not record:
            raise UserError(_("This row has no document to open."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }
