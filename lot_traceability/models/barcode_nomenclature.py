# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""GS1 receipt scanning: element strings (GS1-128, DataMatrix, with or without
symbology identifier, FNC1 as GS, ``#`` or ``Alt029``) and GS1 Digital Link
URIs, read with GS1's Barcode Syntax Dictionary (``lot_traceability/gs1``):
every AI is known by its length rules, values are checked (check digits,
dates), GS1's invalid pairs and mandatory associations are enforced, and a
variable-length value at the end of the data is taken as it is. What is
refused is refused with a ``UserError`` naming the element and the fix.
"""

import calendar
import re

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError

from ..gs1 import element_string as gs1

SYMBOLOGY_PREFIXES = ("]C1", "]e0", "]d2", "]Q3", "]J1")
FNC1_ALIASES_RE = re.compile(r"Alt029|#|\x1d")
DATE_FIELDS = {
    "11": "production_date",
    "15": "use_date",
    "16": "sell_by_date",
    "17": "expiration_date",
    "13": "pack_date",
}
# Net measures (AI prefix: unit of the value): trade measures of the item.
MEASURE_UOMS = {
    "310": "uom.product_uom_kgm",
    "311": "uom.product_uom_meter",
    "312": "uom.product_uom_meter",
    "313": "uom.product_uom_meter",
    "314": "uom.uom_square_meter",
    "315": "uom.product_uom_litre",
    "316": "uom.product_uom_cubic_meter",
    "320": "uom.product_uom_lb",
    "321": "uom.product_uom_inch",
    "322": "uom.product_uom_foot",
    "323": "uom.product_uom_yard",
    "324": "uom.product_uom_inch",
    "325": "uom.product_uom_foot",
    "326": "uom.product_uom_yard",
    "327": "uom.product_uom_inch",
    "328": "uom.product_uom_foot",
    "329": "uom.product_uom_yard",
    "360": "uom.product_uom_qt",
    "361": "uom.product_uom_gal",
    "364": "uom.product_uom_cubic_inch",
    "365": "uom.product_uom_cubic_foot",
}


class BarcodeNomenclature(models.Model):
    _inherit = "barcode.nomenclature"

    @api.model
    def gs1_date_to_date(self, gs1_date):
        """Refuse impossible dates (month 00 or 13, 30 February) with a
        ValidationError instead of Python's ValueError; day 00 stays the last
        day of the month (GS1 General Specifications 7.12)."""
        if not re.fullmatch(r"\d{6}", gs1_date or ""):
            raise ValidationError(
                _("GS1 date %(date)s is not six digits (YYMMDD).", date=gs1_date)
            )
        month, day = int(gs1_date[2:4]), int(gs1_date[4:6])
        if not 1 <= month <= 12:
            raise ValidationError(
                _(
                    "GS1 date %(date)s: month %(month)s does not exist.",
                    date=gs1_date,
                    month=gs1_date[2:4],
                )
            )
        year = 2000 + int(gs1_date[:2])  # leap years repeat every 4 years
        if day > calendar.monthrange(year, month)[1]:
            raise ValidationError(
                _(
                    "GS1 date %(date)s: day %(day)s does not exist in month "
                    "%(month)s.",
                    date=gs1_date,
                    day=gs1_date[4:6],
                    month=gs1_date[2:4],
                )
            )
        return super().gs1_date_to_date(gs1_date)

    @api.model
    def _lt_normalise_gs1(self, barcode):
        if not isinstance(barcode, str) or not barcode.strip():
            raise UserError(_("The scan is empty."))
        barcode = barcode.strip(" \r\n\t")
        for prefix in SYMBOLOGY_PREFIXES:
            if barcode.startswith(prefix):
                barcode = barcode[len(prefix) :]
                break
        if re.match(r"https?://", barcode, re.IGNORECASE):
            return barcode  # a GS1 Digital Link URI: "#" is a fragment there
        barcode = FNC1_ALIASES_RE.sub(gs1.FNC1, barcode).strip(gs1.FNC1)
        if not barcode:
            raise UserError(_("The scan is empty."))
        return barcode

    @api.model
    def _lt_gs1_error(self, scan, error):
        """The user's words for a GS1Error."""
        params = dict(error.params)
        ai = params.get("ai", "")
        title = gs1.AI_TABLE.get(ai, {}).get("title", "")
        element = f"({ai}) {title}".strip() if ai else ""
        messages = {
            "unknown_ai": _(
                "%(value)s does not start with a GS1 Application Identifier: "
                "it is not GS1 data, or a separator (FNC1) is missing before it.",
                value=params.get("ai"),
            ),
            "length": _(
                "%(element)s has %(value)s, which should be %(low)s to %(high)s "
                "characters long; a separator (FNC1) may be missing.",
                element=element,
                value=repr(params.get("value")),
                low=params.get("low"),
                high=params.get("high"),
            ),
            "charset": _(
                "%(element)s has %(value)s: characters outside the GS1 character "
                "set. Check the scanner's keyboard layout.",
                element=element,
                value=repr(params.get("value")),
            ),
            "check_digit": _(
                "the check digit of %(element)s %(value)s is wrong; scan the "
                "label again.",
                element=element,
                value=params.get("value"),
            ),
            "bad_month": _(
                "%(element)s %(value)s: month %(month)s does not exist.",
                element=element,
                value=params.get("value"),
                month=(params.get("value") or "")[2:4],
            ),
            "bad_day": _(
                "%(element)s %(value)s: day %(day)s does not exist in that month.",
                element=element,
                value=params.get("value"),
                day=(params.get("value") or "")[4:6],
            ),
            "bad_date": _(
                "%(element)s %(value)s is not a date (YYMMDD).",
                element=element,
                value=params.get("value"),
            ),
            "bad_time": _(
                "%(element)s %(value)s is not a time of day (HHMM).",
                element=element,
                value=params.get("value"),
            ),
            "repeated": _(
                "%(element)s appears twice with different values.", element=element
            ),
            "invalid_pair": _(
                "GS1 does not allow %(element)s together with (%(other)s) on one "
                "item (General Specifications 4.14, invalid pairs).",
                element=element,
                other=params.get("other"),
            ),
            "missing_association": _(
                "%(element)s needs (%(required)s) on the same label (GS1 "
                "mandatory association).",
                element=element,
                required=params.get("required"),
            ),
            "dl_no_key": _(
                "this web address is not a GS1 Digital Link URI: no GS1 key "
                "(such as /01/<GTIN>) in its path."
            ),
            "dl_order": _(
                "the qualifiers after %(element)s are not in GS1 Digital Link "
                "order (for a GTIN: /22/, then /10/, then /21/).",
                element=element,
            ),
            "dl_attribute": _(
                "(%(ai)s) cannot be a GS1 Digital Link query parameter.", ai=ai
            ),
            "syntax": _("it is not a GS1 element string."),
            "empty": _("it holds no GS1 element."),
        }
        return UserError(
            _(
                "Scan %(scan)s refused: %(reason)s",
                scan=repr(scan),
                reason=messages.get(error.code, error.code),
            )
        )

    @api.model
    def _lt_parse_gs1_scan(self, barcode):
        """Read a GS1 element string or Digital Link URI for a receipt.

        Returns a dict with the keys found among ``gtin``, ``product``,
        ``packaging``, ``lot``, ``serial``, ``expiration_date``, ``use_date``,
        ``production_date``, ``sell_by_date``, ``pack_date``, ``count`` (AI 30
        or 37), ``measures`` ([(quantity, uom)] of AIs 310n-365n), ``elements``
        (every (AI, value) read) and ``day_00`` (AIs whose date had day 00 and
        was read as the month's last day). Raises UserError, never another
        error.
        """
        raw = barcode
        data = self._lt_normalise_gs1(barcode)
        try:
            elements = gs1.parse(data)
            result = {"day_00": [], "measures": [], "elements": elements}
            for ai, value in elements:
                self._lt_read_element(result, ai, value)
        except gs1.GS1Error as error:
            raise self._lt_gs1_error(raw, error) from error
        if "gtin" in result:
            result.update(self._lt_product_from_gtin(result["gtin"]))
        return result

    @api.model
    def _lt_read_element(self, result, ai, value):
        if ai in ("01", "02"):
            result["gtin"] = value
        elif ai == "10":
            result["lot"] = value
        elif ai == "21":
            result["serial"] = value
        elif ai in DATE_FIELDS:
            result[DATE_FIELDS[ai]] = gs1.gs1_date(value, ai)
            if value.endswith("00"):
                result["day_00"].append(ai)
        elif ai in ("30", "37"):
            result["count"] = int(value)
        elif ai[:3] in MEASURE_UOMS and len(ai) == 4:
            quantity = int(value) / 10 ** int(ai[3])
            result["measures"].append(
                (quantity, self.env.ref(MEASURE_UOMS[ai[:3]], raise_if_not_found=False))
            )
        # any other AI (order number, origin, internal data...) is read and
        # checked, and not used on a receipt

    @api.model
    def _lt_product_from_gtin(self, gtin):
        candidates = [gtin]
        for length in (13, 12, 8):
            if gtin[: 14 - length] == "0" * (14 - length):
                candidates.append(gtin[14 - length :])
        # this company's products (barcodes are unique per company only)
        company = [("company_id", "in", [self.env.company.id, False])]
        product = self.env["product.product"].search(
            [("barcode", "in", candidates), *company], limit=1
        )
        if product:
            return {"product": product}
        packaging = self.env["product.packaging"].search(
            [("barcode", "in", candidates), *company], limit=1
        )
        if packaging:
            return {"product": packaging.product_id, "packaging": packaging}
        raise UserError(
            _(
                "No product has the GTIN %(gtin)s (scanned from AI 01). Set it as "
                "the barcode of the product (or of one of its packagings) and scan "
                "again.",
                gtin=gtin,
            )
        )

    @api.model
    def _lt_scan_quantity(self, scan, product, uom):
        """The scanned quantity in ``uom`` (the line's unit): a net measure
        (AI 310n-365n) in the unit's category, else the count (AI 30/37) of
        units, else a packaging GTIN's content, else one unit."""
        measures = [
            (quantity, measure_uom)
            for quantity, measure_uom in scan.get("measures", [])
            if measure_uom and measure_uom.category_id == uom.category_id
        ]
        if measures:
            quantity, measure_uom = measures[0]
            if quantity <= 0:
                raise UserError(_("The scanned quantity is zero."))
            return measure_uom._compute_quantity(quantity, uom)
        unit = self.env.ref("uom.product_uom_unit")
        if "count" in scan and uom.category_id == unit.category_id:
            if scan["count"] <= 0:
                raise UserError(_("The scanned count is zero."))
            return unit._compute_quantity(scan["count"], uom)
        if scan.get("measures") or "count" in scan:
            scanned = ", ".join(
                [f"{q:g} {u.name}" for q, u in scan.get("measures", []) if u]
                + ([_("%s units", scan["count"])] if "count" in scan else [])
            )
            raise UserError(
                _(
                    "The label gives %(scanned)s but %(product)s is received in "
                    "%(uom)s: these units cannot be converted. Receive it in a "
                    "unit of the label's kind, or type the quantity.",
                    scanned=scanned,
                    product=product.display_name,
                    uom=uom.name,
                )
            )
        if scan.get("packaging"):
            return scan["packaging"].product_uom_id._compute_quantity(
                scan["packaging"].qty, uom
            )
        return 1.0
