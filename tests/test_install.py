# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.modules.module import get_manifest

from .common import LotTraceabilityCase


class TestInstall(LotTraceabilityCase):
    def test_module_installed_with_its_dependencies(self):
        modules = self.env["ir.module.module"].search(
            [
                (
                    "name",
                    "in",
                    [
                        "lot_traceability",
                        "stock",
                        "mrp",
                        "purchase_stock",
                        "sale_stock",
                        "product_expiry",
                    ],
                )
            ]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertEqual(len(modules), 6)
        addon = modules.filtered(lambda m: m.name == "lot_traceability")
        self.assertEqual(addon.latest_version, "18.0.1.0.0")
        self.assertEqual(addon.license, "LGPL-3")

    def test_groups_form_one_chain(self):
        auditor = self.env.ref("lot_traceability.group_lot_traceability_auditor")
        user = self.env.ref("lot_traceability.group_lot_traceability_user")
        manager = self.env.ref("lot_traceability.group_lot_traceability_manager")
        self.assertEqual(
            (auditor | user | manager).mapped("name"),
            ["Auditor", "User", "Quality Manager"],
        )
        self.assertIn(auditor, user.implied_ids)
        self.assertIn(user, manager.implied_ids)
        self.assertIn(self.env.ref("stock.group_stock_user"), user.implied_ids)
        self.assertNotIn(
            self.env.ref("stock.group_stock_user"), auditor.trans_implied_ids
        )
        self.assertIn(self.env.ref("base.user_admin"), manager.users)

    def test_traceability_menu_under_inventory(self):
        menu = self.env.ref("lot_traceability.lot_traceability_menu_root")
        self.assertEqual(menu.parent_id, self.env.ref("stock.menu_stock_root"))
        self.assertEqual(menu.name, "Traceability")
        lots = self.env.ref("lot_traceability.stock_lot_menu")
        self.assertEqual(lots.parent_id, menu)
        self.assertEqual(lots.action, self.env.ref("stock.action_production_lot_form"))
        # visible to the admin (Quality Manager), hidden from a plain employee
        visible = self.env["ir.ui.menu"].with_user(self.env.ref("base.user_admin"))
        self.assertIn(menu.id, visible._visible_menu_ids())
        employee = self.env["res.users"].create(
            {"name": "Plain Employee", "login": "lt_plain_employee"}
        )
        self.assertNotIn(
            menu.id, self.env["ir.ui.menu"].with_user(employee)._visible_menu_ids()
        )

    def test_no_demo_data_in_test_database(self):
        self.assertFalse(
            self.env.ref(
                "lot_traceability_demo.partner_sunripe_demo", raise_if_not_found=False
            )
        )

    def test_demo_is_its_own_addon(self):
        """Nothing of the demo scenario is registered by the product addon."""
        model = self.env["ir.model"].search([("model", "=", "lot.traceability.demo")])
        self.assertEqual(model.modules, "lot_traceability_demo")
        self.assertFalse(get_manifest("lot_traceability").get("demo"))
        self.assertFalse(
            self.env["ir.model.data"].search_count(
                [("module", "=", "lot_traceability"), ("name", "=like", "%_demo")]
            )
        )

    def test_lot_supplier_fields_in_views(self):
        arch = self.env["stock.lot"].get_view(
            self.env.ref("stock.view_production_lot_form").id, "form"
        )["arch"]
        self.assertIn('name="supplier_lot_name"', arch)
        self.assertIn('name="supplier_id"', arch)
