# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import io
import re

import treepoem

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.product_template import gtin14

# GS1 AI 10: 1 to 20 characters of the GS1 "AI encodable character set 82"
AI_82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}")


class ReportLotLabel(models.AbstractModel):
    """Lot labels with a GS1 DataMatrix (AIs 01, 10, 17, 11 as available) for
    products with a GTIN barcode, a plain DataMatrix of the lot number otherwise.

    The symbol is drawn by BWIPP (``treepoem``, through ghostscript): a real GS1
    DataMatrix, FNC1 included, which scanners read back as GS1 data."""

    _name = "report.lot_traceability.report_lot_label"
    _description = "Lot Label Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        lots = self.env["stock.lot"].browse(docids)
        lots.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "stock.lot",
            "docs": lots,
            "labels": [self._label(lot) for lot in lots],
        }

    @api.model
    def _element_string(self, lot):
        """The GS1 element string of a lot, human-readable form: (01)…(10)…"""
        parts = []
        gtin = gtin14(lot.product_id.barcode)
        if gtin:
            parts.append(f"(01){gtin}")
        if lot.expiration_date:
            parts.append(f"(17){lot.expiration_date:%y%m%d}")
        production_date = lot.production_date
        if production_date:
            parts.append(f"(11){production_date:%y%m%d}")
        # AI 10 last: variable length, no separator needed after it
        parts.append(f"(10){lot.name}")
        return "".join(parts)

    @api.model
    def _label(self, lot):
        if not AI_82.fullmatch(lot.name):
            raise UserError(
                _(
                    "Lot %(lot)s cannot be encoded in a GS1 label: AI 10 takes 1 "
                    "to 20 letters, digits or GS1 punctuation, without spaces. "
                    "Rename the lot to print its label.",
                    lot=lot.name,
                )
            )
        if gtin14(lot.product_id.barcode):
            element_string = self._element_string(lot)
            image = treepoem.generate_barcode(
                barcode_type="gs1datamatrix", data=element_string
            )
        else:
            # GS1 forbids a lot (AI 10) without its GTIN (AI 01): a product
            # without a GTIN gets a plain DataMatrix of the lot number
            element_string = lot.name
            image = treepoem.generate_barcode(barcode_type="datamatrix", data=lot.name)
        buffer = io.BytesIO()
        image.convert("1").save(buffer, format="PNG")
        return {
            "lot": lot,
            "element_string": element_string,
            "datamatrix": base64.b64encode(buffer.getvalue()).decode(),
            "printed": fields.Datetime.now(),
        }
