# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lot numbers: normalisation, manual-entry rules, supplier lot data.

Lives beside ``stock_lot.py`` (same model) so that numbering and supplier lot
capture stay apart from the genealogy and hold code.
"""

import logging
import re
import unicodedata
from collections import defaultdict

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.sql import index_exists

_logger = logging.getLogger(__name__)

# One lot name per product and company, after normalisation, whatever writes
# the row (ORM, import, raw SQL). Odoo's own check is in Python only.
LOT_NAME_UNIQUE_INDEX = "stock_lot_normalised_name_product_company_uniq"
NORMALISED_NAME_SQL = "btrim(regexp_replace(name, '[\\r\\n\\t]', '', 'g'))"
CONTROL_CHARS_RE = re.compile(r"[\r\n\t]")


def escape_like(value):
    """``value`` as a literal (I)LIKE pattern."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def check_lot_name_characters(name):
    """Refuse control characters left after normalisation (NUL, ESC, BEL...):
    they do not print, scan or search."""
    if isinstance(name, str) and any(
        unicodedata.category(char) == "Cc" for char in name
    ):
        raise ValidationError(
            _(
                "Lot name %(name)r contains a control character: type it again "
                "without it.",
                name=name,
            )
        )


def normalise_lot_name(name):
    """Lot name as saved: CR, LF and tabs removed, surrounding blanks removed
    (and a byte-order mark), case kept."""
    if not isinstance(name, str):
        return name
    return CONTROL_CHARS_RE.sub("", name).replace("\ufeff", "").strip()


class StockLot(models.Model):
    _inherit = "stock.lot"
    _rec_names_search = ["name", "ref", "supplier_lot_name"]

    production_date = fields.Date(
        tracking=True, help="Date the supplier (or we) produced this lot."
    )
    receipt_date = fields.Datetime(
        tracking=True, readonly=True, help="Date the lot was first received."
    )
    supplier_origin_lot_id = fields.Many2one(
        "stock.lot",
        string="First Lot of Supplier Lot",
        readonly=True,
        index="btree_not_null",
        help="Set when the same supplier lot was received again into a new lot: "
        "the first internal lot of that supplier lot.",
    )

    def init(self):
        super().init()
        if index_exists(self.env.cr, LOT_NAME_UNIQUE_INDEX):
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                "UPDATE stock_lot SET name = %s WHERE name <> %s",
                SQL(NORMALISED_NAME_SQL),
                SQL(NORMALISED_NAME_SQL),
            )
        )
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "CREATE UNIQUE INDEX %s ON stock_lot "
                        "(%s, product_id, COALESCE(company_id, 0))",
                        SQL.identifier(LOT_NAME_UNIQUE_INDEX),
                        SQL(NORMALISED_NAME_SQL),
                    )
                )
        except errors.UniqueViolation:
            cr.execute(
                SQL(
                    "SELECT %s, product_id, company_id FROM stock_lot "
                    "GROUP BY 1, 2, 3 HAVING count(*) > 1 LIMIT 20",
                    SQL(NORMALISED_NAME_SQL),
                )
            )
            _logger.error(
                "Lot names are not unique per product and company, the unique "
                "index %s was not created; rename these lots and update the module: "
                "%s",
                LOT_NAME_UNIQUE_INDEX,
                cr.fetchall(),
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "name" in vals:
                vals["name"] = normalise_lot_name(vals["name"])
                check_lot_name_characters(vals["name"])
            if "supplier_lot_name" in vals:
                vals["supplier_lot_name"] = normalise_lot_name(
                    vals["supplier_lot_name"]
                )
        self._check_duplicate_names(vals_list)
        lots = super().create(vals_list)
        lots._check_numbering_rule()
        return lots

    def write(self, vals):
        if "name" in vals:
            vals["name"] = normalise_lot_name(vals["name"])
            check_lot_name_characters(vals["name"])
        if "supplier_lot_name" in vals:
            vals["supplier_lot_name"] = normalise_lot_name(vals["supplier_lot_name"])
        if vals.get("name"):
            for lot in self:
                self._check_duplicate_names(
                    [
                        {
                            "name": vals["name"],
                            "product_id": vals.get("product_id", lot.product_id.id),
                            "company_id": vals.get("company_id", lot.company_id.id),
                        }
                    ],
                    exclude=lot,
                )
        res = super().write(vals)
        if "name" in vals or "product_id" in vals:
            self._check_numbering_rule()
        return res

    @api.model
    def _check_duplicate_names(self, vals_list, exclude=None):
        """Refuse, with Odoo's own message, a lot the unique index would refuse
        (the index answers first, and with a database error)."""
        Product = self.env["product.product"]
        keys = [
            (
                vals["name"],
                vals["product_id"],
                vals.get("company_id")
                or Product.browse(vals["product_id"]).company_id.id,
            )
            for vals in vals_list
            if vals.get("name") and vals.get("product_id")
        ]
        if not keys:
            return
        # case-insensitive: a lot number differing only by case from another
        # one of the product is refused (it scans and reads as the same lot)
        existing = self.search_fetch(
            expression.AND(
                [
                    expression.OR(
                        [[("name", "=ilike", escape_like(key[0]))] for key in keys]
                    ),
                    [
                        ("product_id", "in", [key[1] for key in keys]),
                        ("id", "not in", exclude.ids if exclude else []),
                    ],
                ]
            ),
            ["name", "product_id", "company_id"],
        )
        companies = defaultdict(set)
        spelled = {}
        for lot in existing:
            companies[lot.name.casefold(), lot.product_id.id].add(lot.company_id.id)
            spelled[lot.name.casefold(), lot.product_id.id] = lot.name
        duplicates = []
        for name, product, company in keys:
            taken = companies[name.casefold(), product]
            if taken and (company in taken or False in taken or not company):
                other = spelled.get((name.casefold(), product), name)
                duplicates.append(
                    (
                        name
                        if other == name
                        else _(
                            "%(name)s (lot %(other)s exists: lot numbers that "
                            "differ only by case are refused)",
                            name=name,
                            other=other,
                        ),
                        product,
                    )
                )
            companies[name.casefold(), product].add(company)
            spelled.setdefault((name.casefold(), product), name)
        if duplicates:
            products = self.env["product.product"].browse(
                [product for __, product in duplicates]
            )
            raise ValidationError(
                _(
                    "The combination of lot/serial number and product must be "
                    "unique within a company including when no company is "
                    "defined.\nThe following combinations contain duplicates:\n"
                    "%(error_lines)s",
                    error_lines="\n".join(
                        _(
                            " - Product: %(product)s, Lot/Serial Number: %(lot)s",
                            product=products.browse(product).display_name,
                            lot=name,
                        )
                        for name, product in duplicates
                    ),
                )
            )

    def _check_numbering_rule(self):
        """Typed lot numbers must follow an enforcing numbering rule.

        Names the rule generated (context ``lt_generated_lot_names``) are not
        checked again; ``lt_lot_usage`` (receipt/production) picks the rule.
        """
        generated = set(self.env.context.get("lt_generated_lot_names") or ())
        usage = self.env.context.get("lt_lot_usage")
        Rule = self.env["stock.lot.numbering.rule"]
        for lot in self:
            if lot.name in generated:
                continue
            rule = Rule._find_rule(lot.product_id, lot.company_id, usage)
            if rule.enforce_manual_entry:
                rule._check_manual_name(lot.name, lot.product_id)

    @api.model
    def _find_supplier_lot(self, product, supplier, supplier_lot_name, company):
        """The first internal lot of this supplier lot (same supplier, same
        product), or an empty recordset."""
        if not (supplier and supplier_lot_name):
            return self.browse()
        return self.search(
            [
                ("product_id", "=", product.id),
                ("supplier_id", "child_of", supplier.commercial_partner_id.id),
                ("supplier_lot_name", "=", normalise_lot_name(supplier_lot_name)),
                ("company_id", "in", [company.id, False]),
            ],
            order="id",
            limit=1,
        )

    @api.model
    def generate_lot_names(self, first_lot, count):
        """Odoo's "Generate Serials/Lots" dialog: numbers from the numbering
        rule when the dialog found one and no first number was typed."""
        rule_id = self.env.context.get("lt_numbering_rule_id")
        if not rule_id:
            return super().generate_lot_names(first_lot, count)
        rule = self.env["stock.lot.numbering.rule"].browse(rule_id)
        values = self.env.context["lt_numbering_values"]
        return [{"lot_name": name} for name in rule._next_names(values, count)]
