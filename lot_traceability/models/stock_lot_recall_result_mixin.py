# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Sealed results of a recall: written by the recall service only.

The results models (lines, customers, mass balance) inherit this mixin: every
``create``, ``write`` and ``unlink`` from anyone else — any role over RPC, an
administrator, ``sudo()`` without the service's context key — is refused. The
access rules grant them read access only; this guard also holds for ``sudo``.
"""

from odoo import _, api, models
from odoo.exceptions import UserError

from .stock_lot_recall_evidence import is_service


class StockLotRecallResultMixin(models.AbstractModel):
    _name = "stock.lot.recall.result.mixin"
    _description = "Sealed Recall Result"

    @api.model_create_multi
    def create(self, vals_list):
        self._check_sealed()
        return super().create(vals_list)

    def write(self, vals):
        self._check_sealed()
        return super().write(vals)

    def unlink(self):
        self._check_sealed()
        return super().unlink()

    def _check_sealed(self):
        if is_service(self.env):
            return
        raise UserError(
            _(
                "%(what)s of recall %(recalls)s are sealed evidence: they are "
                "stored when the recall runs and never edited. Run a new recall to "
                "trace again.",
                what=self._description,
                recalls=", ".join(self.mapped("recall_id.name")) or "-",
            )
        )
