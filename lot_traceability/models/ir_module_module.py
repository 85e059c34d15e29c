# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import SQL

MODULE = "lot_traceability"


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def button_uninstall(self):
        """Refuse before anything is marked for removal: uninstalling (this
        module, or one it depends on, such as stock) would drop the audit trail
        with the holds and signatures it records: regulated records that must
        outlive the software (21 CFR 11.10(c), EU GMP Annex 11 §17)."""
        modules = self | self.downstream_dependencies()
        if MODULE in modules.mapped("name"):
            self._lt_refuse_uninstall()
        return super().button_uninstall()

    def _lt_refuse_uninstall(self):
        count = evidence_count(self.env.cr)
        if count[0]:
            raise UserError(
                _(
                    "Lot Traceability cannot be uninstalled: its audit trail holds "
                    "%(events)s event(s) (%(sealed)s sealed), and with them the "
                    "holds and electronic signatures. They are regulated records "
                    "and are kept whatever happens to the module. Keep the module "
                    "installed; export what you need (Audit Trail list, anchor "
                    "file of Verify Audit Trail). Removing them after their "
                    "retention period is a decision for the database administrator, "
                    "in the database itself.",
                    events=count[0],
                    sealed=count[1],
                )
            )


def evidence_count(cr):
    """(events, sealed events) recorded by the module itself: everything but
    the imported copy of Odoo's own stock history."""
    cr.execute(SQL("SELECT to_regclass('stock_lot_event') IS NOT NULL"))
    if not cr.fetchone()[0]:
        return (0, 0)
    cr.execute(
        SQL(
            "SELECT count(*), count(sequence) FROM stock_lot_event "
            "WHERE event_type <> 'imported'"
        )
    )
    return cr.fetchone()
