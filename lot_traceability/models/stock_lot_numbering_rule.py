# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lot numbering rules: a pattern of tokens, a counter from ``ir.sequence``.

The counter is an ``ir.sequence`` per rule (standard implementation, i.e. a
PostgreSQL sequence per date range: numbers are never handed out twice, even
to concurrent transactions). Reset periods are ``ir.sequence.date_range``
records spanning a year, a month or a day. Creating a missing date range takes
a row lock on the rule's ``ir_sequence`` row (an UPDATE), so two transactions
that both miss the range cannot both create one: the second gets a
serialization failure and Odoo retries its request.
"""

import calendar
import re
from datetime import date

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.barcode import get_barcode_check_digit

from .stock_lot import check_lot_name_characters

MAX_SEQ_WIDTH = 12
TOKEN_RE = re.compile(r"\{([A-Z]+)(?::(\d+))?\}")
TOKENS = (
    "YYYY",
    "YY",
    "MM",
    "DD",
    "JJJ",
    "WW",
    "SITE",
    "LINE",
    "SHIFT",
    "PROD",
    "SUPPLIER",
    "SEQ",
    "CHK",
)
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PATTERN_HELP = """Tokens:
{YYYY} year, {YY} year (2 digits), {MM} month, {DD} day, {JJJ} day of the year,
{WW} ISO week, {SITE} warehouse code, {LINE} work center code (manufacturing
orders, else empty), {SHIFT} shift in force at the document's date, {PROD}
product internal reference, {SUPPLIER} supplier reference, {SEQ} or {SEQ:n}
counter (n digits), {CHK} check character.
Example: {YY}{JJJ}-{SITE}-{SHIFT}-{SEQ:4} gives 25312-ATL-3-0042."""


def gs1_mod10(text):
    """GS1 mod-10 check digit over the digits of ``text``."""
    digits = "".join(char for char in text if char.isdigit())
    return str(get_barcode_check_digit(digits + "0"))


def iso7064_mod37_36(text):
    """ISO/IEC 7064 MOD 37,36 (hybrid) check character over the alphanumerics
    of ``text`` (case-insensitive)."""
    product = 36
    for char in text.upper():
        if char not in ALPHANUMERIC:
            continue
        total = (product + ALPHANUMERIC.index(char)) % 36 or 36
        product = (total * 2) % 37
    return ALPHANUMERIC[(37 - product) % 36]


CHECK_FUNCTIONS = {"gs1_mod10": gs1_mod10, "iso7064_mod37_36": iso7064_mod37_36}


class StockLotNumberingRule(models.Model):
    _name = "stock.lot.numbering.rule"
    _description = "Lot Numbering Rule"
    _order = "priority, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    priority = fields.Integer(
        default=10,
        help="Among rules of the same scope, the lowest priority number wins.",
    )
    scope = fields.Selection(
        [
            ("product", "Products"),
            ("category", "Product Categories"),
            ("company", "Company Default"),
        ],
        required=True,
        default="product",
        help="The most specific rule wins: product, then product category (the "
        "nearest category), then the company default. Products without any rule "
        "keep Odoo's standard numbering.",
    )
    product_tmpl_ids = fields.Many2many(
        "product.template", string="Products", check_company=True
    )
    categ_ids = fields.Many2many(
        "product.category",
        string="Product Categories",
        help="Applies to these categories and their sub-categories.",
    )
    applies_to = fields.Selection(
        [
            ("receipt", "Receipts"),
            ("production", "Manufacturing Orders"),
            ("both", "Receipts and Manufacturing Orders"),
        ],
        required=True,
        default="both",
    )
    pattern = fields.Char(required=True, default="{YY}{JJJ}-{SEQ:4}", help=PATTERN_HELP)
    reset_period = fields.Selection(
        [
            ("never", "Never"),
            ("yearly", "Every Year"),
            ("monthly", "Every Month"),
            ("daily", "Every Day"),
        ],
        required=True,
        default="yearly",
        help="When the counter starts again at 1.",
    )
    padding = fields.Integer(
        default=4, help="Digits of {SEQ} when the pattern does not say {SEQ:n}."
    )
    check_character = fields.Selection(
        [
            ("gs1_mod10", "GS1 mod-10 (digits)"),
            ("iso7064_mod37_36", "ISO 7064 mod 37,36 (alphanumeric)"),
        ],
        help="Computed over what precedes {CHK} in the lot number (digits only for "
        "GS1 mod-10, letters and digits for ISO 7064); without {CHK} in the "
        "pattern it is appended at the end.",
    )
    enforce_manual_entry = fields.Boolean(
        help="Refuse typed lot numbers that do not match the pattern or whose "
        "check character is wrong.",
    )
    sequence_id = fields.Many2one(
        "ir.sequence", readonly=True, copy=False, ondelete="restrict"
    )
    preview = fields.Text(
        compute="_compute_preview",
        help="The next three lot numbers, with example values for the site, "
        "product, supplier and line. Computing them uses no number.",
    )

    @api.depends(
        "pattern",
        "reset_period",
        "padding",
        "check_character",
        "company_id",
        "product_tmpl_ids",
    )
    def _compute_preview(self):
        for rule in self:
            try:
                rule._check_pattern_tokens()
                values = rule._sample_values()
                first = rule._peek_number(values["date"].date())
                increment = rule.sequence_id.number_increment or 1
                rule.preview = "\n".join(
                    rule._render(values, first + i * increment) for i in range(3)
                )
            except (UserError, ValidationError) as error:
                rule.preview = str(error.args[0])

    @api.constrains("pattern", "check_character", "padding")
    def _check_pattern(self):
        for rule in self:
            rule._check_pattern_tokens()

    @api.constrains("scope", "product_tmpl_ids", "categ_ids")
    def _check_scope(self):
        for rule in self:
            if rule.scope == "product" and not rule.product_tmpl_ids:
                raise ValidationError(
                    _("Numbering rule %(rule)s: choose the products.", rule=rule.name)
                )
            if rule.scope == "category" and not rule.categ_ids:
                raise ValidationError(
                    _(
                        "Numbering rule %(rule)s: choose the product categories.",
                        rule=rule.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_pattern_text(vals.get("pattern"), vals.get("name"))
        rules = super().create(vals_list)
        for rule in rules:
            rule.sequence_id = (
                self.env["ir.sequence"].sudo().create(rule._sequence_vals())
            )
        return rules

    def write(self, vals):
        if "pattern" in vals:
            for rule in self:
                rule._check_pattern_text(vals["pattern"], vals.get("name", rule.name))
        res = super().write(vals)
        if {"reset_period", "name", "company_id"} & set(vals):
            for rule in self:
                if "reset_period" in vals:
                    # The counter restarts under the new period.
                    rule.sequence_id.sudo().date_range_ids.unlink()
                rule.sequence_id.sudo().write(rule._sequence_vals())
        return res

    def unlink(self):
        sequences = self.sequence_id
        res = super().unlink()
        sequences.sudo().unlink()
        return res

    def action_reset_counter(self):
        """Restart the counter of the current period at 1 (e.g. after tests)."""
        self.ensure_one()
        self.sequence_id.sudo().date_range_ids.unlink()
        self.sequence_id.sudo().number_next_actual = 1

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _sequence_vals(self):
        self.ensure_one()
        return {
            "name": _("Lot numbering: %(rule)s", rule=self.name),
            "code": False,
            "implementation": "standard",
            "padding": 0,
            "prefix": False,
            "suffix": False,
            "use_date_range": self.reset_period != "never",
            "company_id": self.company_id.id,
        }

    @api.model
    def _check_pattern_text(self, pattern, name):
        """Checked before anything is written (a NUL never reaches the
        database): characters, length, counter width."""
        if not isinstance(pattern, str):
            return
        check_lot_name_characters(
            self.env,
            pattern,
            _("Numbering rule %(rule)s: the pattern", rule=name or ""),
        )
        too_wide = [
            f"{{{token}:{width}}}"
            for token, width in TOKEN_RE.findall(pattern)
            if width and (len(width) > 2 or int(width) > MAX_SEQ_WIDTH)
        ]
        if too_wide:
            raise ValidationError(
                _(
                    "Numbering rule %(rule)s: %(tokens)s is too wide; a counter has "
                    "1 to %(max)s digits.",
                    rule=name or "",
                    tokens=", ".join(too_wide),
                    max=MAX_SEQ_WIDTH,
                )
            )

    def _check_pattern_tokens(self):
        self.ensure_one()
        pattern = self.pattern or ""
        self._check_pattern_text(pattern, self.name)
        found = TOKEN_RE.findall(pattern)
        unknown = [token for token, __ in found if token not in TOKENS]
        stray = TOKEN_RE.sub("", pattern)
        if unknown or "{" in stray or "}" in stray:
            raise ValidationError(
                _(
                    "Numbering rule %(rule)s: the pattern %(pattern)s has unknown "
                    "tokens %(tokens)s. Known tokens: %(known)s.",
                    rule=self.name,
                    pattern=pattern,
                    tokens=", ".join(unknown) or stray,
                    known=", ".join(f"{{{token}}}" for token in TOKENS),
                )
            )
        names = [token for token, __ in found]
        if names.count("SEQ") != 1:
            raise ValidationError(
                _(
                    "Numbering rule %(rule)s: the pattern must contain the counter "
                    "{SEQ} (or {SEQ:n}) exactly once, otherwise lot numbers repeat.",
                    rule=self.name,
                )
            )
        if names.count("CHK") > 1:
            raise ValidationError(
                _("Numbering rule %(rule)s: {CHK} appears twice.", rule=self.name)
            )
        if "CHK" in names and not self.check_character:
            raise ValidationError(
                _(
                    "Numbering rule %(rule)s: the pattern has {CHK}: choose the "
                    "check character method.",
                    rule=self.name,
                )
            )
        if self.padding < 0 or self.padding > 12:
            raise ValidationError(
                _("Numbering rule %(rule)s: padding is 0 to 12 digits.", rule=self.name)
            )

    def _full_pattern(self):
        pattern = self.pattern
        if self.check_character and "{CHK}" not in pattern:
            pattern += "{CHK}"
        return pattern

    @api.model
    def _find_rule(self, product, company=None, usage=None):
        """The most specific active rule for ``product``: product > category >
        company default. ``usage``: ``"receipt"``, ``"production"`` or None
        (any)."""
        company = company or product.company_id or self.env.company
        domain = [("company_id", "=", company.id)]
        if usage:
            domain.append(("applies_to", "in", (usage, "both")))
        rules = self.search(domain)
        if not rules:
            return self.browse()
        for rule in rules:
            if rule.scope == "product" and product.product_tmpl_id in (
                rule.product_tmpl_ids
            ):
                return rule
        category = product.categ_id
        while category:
            for rule in rules:
                if rule.scope == "category" and category in rule.categ_ids:
                    return rule
            category = category.parent_id
        return rules.filtered(lambda r: r.scope == "company")[:1]

    def _values(
        self, product, moment=None, warehouse=None, supplier=None, workcenter=None
    ):
        """Token values for a document: ``moment`` is its (UTC) datetime."""
        self.ensure_one()
        moment = moment or fields.Datetime.now()
        tz = pytz.timezone(
            self.env.context.get("tz")
            or self.company_id.partner_id.tz
            or self.env.user.tz
            or "UTC"
        )
        local = pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)
        shift = self.env["lot.traceability.shift"]._shift_at(self.company_id, local)
        return {
            "date": local,
            "SITE": warehouse.code if warehouse else "",
            "LINE": workcenter.code or "" if workcenter else "",
            "SHIFT": shift.name or "",
            "PROD": product.default_code or "" if product else "",
            "SUPPLIER": (supplier.ref or "") if supplier else "",
        }

    def _sample_values(self):
        self.ensure_one()
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        product = self.product_tmpl_ids[:1].product_variant_id
        values = self._values(product, warehouse=warehouse)
        values["PROD"] = values["PROD"] or "PROD"
        values["SUPPLIER"] = "SUPP"
        return values

    def _render(self, values, number):
        self.ensure_one()
        moment = values["date"]
        iso_year, iso_week, __ = moment.isocalendar()
        fixed = {
            "YYYY": f"{moment.year:04d}",
            "YY": f"{moment.year % 100:02d}",
            "MM": f"{moment.month:02d}",
            "DD": f"{moment.day:02d}",
            "JJJ": f"{moment.timetuple().tm_yday:03d}",
            "WW": f"{iso_week:02d}",
        }

        def replace(match):
            token, width = match.group(1), match.group(2)
            if token == "SEQ":
                return str(number).zfill(int(width) if width else self.padding)
            if token == "CHK":
                return "\0"
            return fixed.get(token, values.get(token, ""))

        name = TOKEN_RE.sub(replace, self._full_pattern())
        if "\0" in name:
            body = name.split("\0")[0]
            name = name.replace("\0", CHECK_FUNCTIONS[self.check_character](body))
        return name

    def _period(self, day):
        if self.reset_period == "yearly":
            return date(day.year, 1, 1), date(day.year, 12, 31)
        if self.reset_period == "monthly":
            last = calendar.monthrange(day.year, day.month)[1]
            return date(day.year, day.month, 1), date(day.year, day.month, last)
        return day, day

    def _date_range(self, day):
        return self.env["ir.sequence.date_range"].search(
            [
                ("sequence_id", "=", self.sequence_id.id),
                ("date_from", "<=", day),
                ("date_to", ">=", day),
            ],
            limit=1,
        )

    def _ensure_date_range(self, day):
        """The counter's date range for ``day``, created if missing.

        Concurrent creators conflict on the UPDATE of the ``ir_sequence`` row:
        the later one waits, then fails with a serialization error (retried by
        Odoo) instead of creating a second range with its own counter.
        """
        date_range = self._date_range(day)
        if date_range:
            return date_range
        self.env.cr.execute(
            SQL(
                "UPDATE ir_sequence SET write_date = now() at time zone 'UTC' "
                "WHERE id = %s",
                self.sequence_id.id,
            )
        )
        date_from, date_to = self._period(day)
        return (
            self.env["ir.sequence.date_range"]
            .sudo()
            .create(
                {
                    "sequence_id": self.sequence_id.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "number_next": 1,
                }
            )
        )

    def _peek_number(self, day):
        """The counter's next number for ``day``, without using it."""
        self.ensure_one()
        if not self.sequence_id:
            return 1
        if self.reset_period == "never":
            self.sequence_id.invalidate_recordset(["number_next_actual"])
            return self.sequence_id.number_next_actual or 1
        date_range = self._date_range(day)
        if not date_range:
            return 1
        date_range.invalidate_recordset(["number_next_actual"])
        return date_range.number_next_actual

    def _next_names(self, values, count=1):
        """Draw ``count`` lot numbers for a document described by ``values``
        (see :meth:`_values`)."""
        self.ensure_one()
        day = values["date"].date()
        if self.reset_period != "never":
            self._ensure_date_range(day)
        sequence = self.sequence_id.sudo()
        return [
            self._render(values, int(sequence._next(sequence_date=day)))
            for __ in range(count)
        ]

    def _match_regex(self, product=None):
        """A regular expression matching the lot numbers of this rule."""
        self.ensure_one()
        shifts = self.env["lot.traceability.shift"].search(
            [("company_id", "=", self.company_id.id)]
        )
        shift_re = "|".join(re.escape(s.name) for s in shifts) or r"[^\s]*?"
        chk_re = "[0-9]" if self.check_character == "gs1_mod10" else "[0-9A-Za-z]"
        regexes = {
            "YYYY": r"\d{4}",
            "YY": r"\d{2}",
            "MM": r"(?:0[1-9]|1[0-2])",
            "DD": r"(?:0[1-9]|[12]\d|3[01])",
            "JJJ": r"(?:00[1-9]|0[1-9]\d|[1-2]\d\d|3[0-5]\d|36[0-6])",
            "WW": r"(?:0[1-9]|[1-4]\d|5[0-3])",
            "SITE": r"[^\s]+?",
            "LINE": r"[^\s]*?",
            "SHIFT": f"(?:{shift_re})",
            "PROD": re.escape(product.default_code or "") if product else r"[^\s]*?",
            "SUPPLIER": r"[^\s]*?",
            "CHK": f"(?P<chk>{chk_re})",
        }
        parts, position = [], 0
        pattern = self._full_pattern()
        for match in TOKEN_RE.finditer(pattern):
            parts.append(re.escape(pattern[position : match.start()]))
            token, width = match.group(1), match.group(2)
            if token == "SEQ":
                parts.append(r"\d{" + str(max(int(width or self.padding), 1)) + ",}")
            else:
                parts.append(regexes[token])
            if token == "CHK":
                parts[-1] = f"(?P<body>{''.join(parts[:-1])}){parts[-1]}"
                del parts[:-1]
            position = match.end()
        parts.append(re.escape(pattern[position:]))
        return re.compile("".join(parts))

    def _check_manual_name(self, name, product):
        """Raise when ``name`` does not follow this rule (pattern, check char)."""
        self.ensure_one()
        match = self._match_regex(product).fullmatch(name)
        valid = bool(match)
        if valid and match.groupdict().get("chk"):
            expected = CHECK_FUNCTIONS[self.check_character](match.group("body"))
            valid = match.group("chk").upper() == expected
        if not valid:
            values = self._values(product)
            values["SUPPLIER"] = values["SUPPLIER"] or "SUPP"
            example = self._render(values, self._peek_number(values["date"].date()))
            raise ValidationError(
                _(
                    "Lot number %(name)s for %(product)s does not follow the numbering "
                    "rule %(rule)s: expected format %(pattern)s, for example "
                    "%(example)s. Leave the lot number empty to have it generated.",
                    name=name,
                    product=product.display_name,
                    rule=self.name,
                    pattern=self._full_pattern(),
                    example=example,
                )
            )
