# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""GS1 receipt scanning on top of Odoo's ``barcodes_gs1_nomenclature`` parser.

Odoo decomposes the string; this layer normalises what scanners send
(symbology prefixes, ``#`` / ``Alt029`` / GS as FNC1), and refuses with a
``UserError`` what Odoo's parser lets through or crashes on: an empty AI 10,
impossible dates, a variable-length value that swallowed the next element
because its FNC1 was missing, a wrong GTIN check digit, an unknown GTIN.
"""

import calendar
import re

from odoo import _, api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.barcode import get_barcode_check_digit

FNC1 = "\x1d"
SYMBOLOGY_PREFIXES = ("]C1", "]e0", "]d2", "]Q3", "]J1")
FNC1_ALIASES_RE = re.compile(r"Alt029|#|\x1d")
# GS1 General Specifications, figure 7.11-1 (character set 82), plus FNC1.
GS1_CHARSET_RE = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z\x1d]*")
VARIABLE_LENGTH_RE = re.compile(r"\{\d*,\d+\}")
DATE_FIELDS = {
    "11": "production_date",
    "15": "use_date",
    "16": "sell_by_date",
    "17": "expiration_date",
    "13": "pack_date",
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
    def _lt_gs1_nomenclature(self):
        nomenclature = self.env.company.nomenclature_id
        if nomenclature.is_gs1_nomenclature:
            return nomenclature
        return self.env.ref("barcodes_gs1_nomenclature.default_gs1_nomenclature")

    @api.model
    def _lt_normalise_gs1(self, barcode):
        if not isinstance(barcode, str) or not barcode.strip():
            raise UserError(_("The scan is empty."))
        barcode = barcode.strip(" \r\n\t")
        for prefix in SYMBOLOGY_PREFIXES:
            if barcode.startswith(prefix):
                barcode = barcode[len(prefix) :]
                break
        barcode = FNC1_ALIASES_RE.sub(FNC1, barcode).strip(FNC1)
        if not GS1_CHARSET_RE.fullmatch(barcode):
            bad = sorted({c for c in barcode if not GS1_CHARSET_RE.fullmatch(c)})
            raise UserError(
                _(
                    "Scan %(scan)s refused: %(chars)s cannot appear in a GS1 "
                    "barcode. Check the scanner's keyboard layout.",
                    scan=repr(barcode),
                    chars=", ".join(repr(c) for c in bad),
                )
            )
        if not barcode:
            raise UserError(_("The scan is empty."))
        return barcode

    def _lt_decompose(self, barcode):
        """Odoo's decomposition, with its date errors turned into UserError."""
        try:
            return self.gs1_decompose_extanded(barcode)
        except ValidationError as error:
            raise UserError(
                _("Scan %(scan)s refused: %(error)s", scan=repr(barcode), error=error)
            ) from error

    def _lt_is_variable(self, rule):
        return bool(VARIABLE_LENGTH_RE.search(rule.pattern))

    def _lt_swallows_element(self, value):
        """Whether ``value`` ends with what reads as complete GS1 elements
        starting with a fixed-length one (date, GTIN, measure): then the FNC1
        that should have ended the variable-length value is missing."""
        for start in range(1, len(value)):
            try:
                elements = self.gs1_decompose_extanded(value[start:])
            except ValidationError:
                continue
            if elements and not self._lt_is_variable(elements[0]["rule"]):
                return True
        return False

    @api.model
    def _lt_parse_gs1_scan(self, barcode):
        """Read a GS1-128 / DataMatrix scan for a receipt.

        Returns a dict with the keys found among ``gtin``, ``product``,
        ``packaging``, ``lot``, ``serial``, ``expiration_date``, ``use_date``,
        ``production_date``, ``sell_by_date``, ``quantity`` and
        ``quantity_uom``, plus ``day_00`` (AIs whose date had day 00 and was
        read as the month's last day). Raises UserError, never another error.
        """
        nomenclature = self._lt_gs1_nomenclature()
        raw = barcode
        barcode = self._lt_normalise_gs1(barcode)
        elements = nomenclature._lt_decompose(barcode)
        if not elements:
            gtin_match = re.match(r"0[12](\d{14})", barcode)
            if gtin_match and gtin_match.group(1)[-1] != str(
                get_barcode_check_digit(gtin_match.group(1))
            ):
                raise UserError(
                    _(
                        "Scan %(scan)s refused: the check digit of GTIN %(gtin)s is "
                        "wrong; scan the label again.",
                        scan=repr(raw),
                        gtin=gtin_match.group(1),
                    )
                )
            raise UserError(
                _(
                    "Scan %(scan)s refused: it is not a GS1-128 / GS1 DataMatrix "
                    "string this nomenclature can read (%(nomenclature)s).",
                    scan=repr(raw),
                    nomenclature=nomenclature.display_name,
                )
            )
        result, position, seen = {"day_00": []}, 0, set()
        for element in elements:
            ai, value = element["ai"], element["string_value"]
            position += len(ai) + len(value)
            terminated = barcode[position : position + 1] == FNC1
            position += terminated
            if ai in seen:
                raise UserError(
                    _(
                        "Scan %(scan)s refused: AI (%(ai)s) appears twice.",
                        scan=repr(raw),
                        ai=ai,
                    )
                )
            seen.add(ai)
            rule = element["rule"]
            if (
                not terminated
                and nomenclature._lt_is_variable(rule)
                and nomenclature._lt_swallows_element(value)
            ):
                raise UserError(
                    _(
                        "Scan %(scan)s refused as ambiguous: the value %(value)s of "
                        "AI (%(ai)s) contains what looks like another element; the "
                        "separator (FNC1) after it is missing. Scan the label again "
                        "or type the values.",
                        scan=repr(raw),
                        value=value,
                        ai=ai,
                    )
                )
            if ai in ("01", "02"):
                result["gtin"] = value
            elif ai == "10":
                if not value:
                    raise UserError(
                        _(
                            "Scan %(scan)s refused: the batch/lot number (AI 10) is "
                            "empty.",
                            scan=repr(raw),
                        )
                    )
                result["lot"] = value
            elif ai == "21":
                if not value:
                    raise UserError(
                        _(
                            "Scan %(scan)s refused: the serial number (AI 21) is "
                            "empty.",
                            scan=repr(raw),
                        )
                    )
                result["serial"] = value
            elif ai in DATE_FIELDS:
                result[DATE_FIELDS[ai]] = element["value"]
                if value.endswith("00"):
                    result["day_00"].append(ai)
            elif element["type"] == "quantity":
                if "quantity" in result:
                    raise UserError(
                        _(
                            "Scan %(scan)s refused: it has two quantities.",
                            scan=repr(raw),
                        )
                    )
                if ai in ("30", "37") and not value:
                    raise UserError(
                        _(
                            "Scan %(scan)s refused: the count (AI %(ai)s) is empty.",
                            scan=repr(raw),
                            ai=ai,
                        )
                    )
                result["quantity"] = element["value"]
                result["quantity_uom"] = rule.associated_uom_id
        if "gtin" in result:
            result.update(self._lt_product_from_gtin(result["gtin"]))
        return result

    @api.model
    def _lt_product_from_gtin(self, gtin):
        candidates = [gtin]
        for length in (13, 12, 8):
            if gtin[: 14 - length] == "0" * (14 - length):
                candidates.append(gtin[14 - length :])
        product = self.env["product.product"].search(
            [("barcode", "in", candidates)], limit=1
        )
        if product:
            return {"product": product}
        packaging = self.env["product.packaging"].search(
            [("barcode", "in", candidates)], limit=1
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
        """The scanned quantity in ``uom`` (the line's unit): AI 30/37 count
        units, AI 31xx/32xx weigh or measure, a packaging GTIN counts its
        content, nothing means one unit."""
        if "quantity" not in scan:
            if scan.get("packaging"):
                return scan["packaging"].product_uom_id._compute_quantity(
                    scan["packaging"].qty, uom
                )
            return 1.0
        quantity, scan_uom = scan["quantity"], scan["quantity_uom"]
        if quantity <= 0:
            raise UserError(_("The scanned quantity is zero."))
        if scan_uom and scan_uom.category_id != uom.category_id:
            raise UserError(
                _(
                    "The scanned quantity is in %(scan_uom)s but %(product)s is "
                    "received in %(uom)s: these units cannot be converted.",
                    scan_uom=scan_uom.name,
                    product=product.display_name,
                    uom=uom.name,
                )
            )
        if scan_uom:
            return scan_uom._compute_quantity(quantity, uom)
        return float(quantity)
