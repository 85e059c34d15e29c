# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The French translation loads and is used by menus, fields and messages."""

from pathlib import Path

import polib

from odoo import Command
from odoo.exceptions import UserError

from .common import LotTraceabilityCase
from .flows import Flows

I18N = Path(__file__).parent.parent / "lot_traceability" / "i18n"


class TestFrench(LotTraceabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["lot_traceability"], ["fr_FR"], overwrite=True
        )
        cls.fr = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def test_catalogue_is_complete(self):
        po = polib.pofile(str(I18N / "fr.po"))
        pot = polib.pofile(str(I18N / "lot_traceability.pot"))
        self.assertEqual(po.untranslated_entries(), [])
        self.assertEqual(po.fuzzy_entries(), [])
        self.assertEqual(
            {entry.msgid for entry in pot} - {entry.msgid for entry in po}, set()
        )

    def test_menus_fields_and_selections(self):
        menu = self.fr.ref("lot_traceability.stock_lot_hold_menu")
        self.assertEqual(menu.name, "Blocages")
        field = self.fr["ir.model.fields"]._get("stock.lot.hold", "reason_id")
        self.assertNotEqual(field.field_description, "Reason")
        states = dict(
            self.fr["stock.lot.hold"]._fields["state"]._description_selection(self.fr)
        )
        self.assertNotEqual(states["released"], "Released")

    def test_error_messages(self):
        f = Flows(self.env)
        product = f.product("FR Flour")
        lot = f.lot(product, "FR-1")
        hold = self.env["stock.lot.hold"].create(
            {
                "lot_ids": [Command.set(lot.ids)],
                "reason_id": self.env.ref("lot_traceability.hold_reason_complaint").id,
            }
        )
        hold.action_place()
        with self.assertRaisesRegex(UserError, "Seuls les blocages en brouillon"):
            hold.with_env(self.fr).unlink()
