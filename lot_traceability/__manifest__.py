# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Lot Traceability",
    "summary": "Batch management for regulated manufacturers: lot numbering, "
    "supplier lots, quality holds, forward/backward traces, recalls and audit reports",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/lot-traceability/lot_traceability",
    "author": "lot_traceability contributors",
    "license": "LGPL-3",
    "application": False,
    "uninstall_hook": "uninstall_hook",
    "post_init_hook": "post_init_hook",
    "installable": True,
    "depends": [
        "stock",
        "mrp",
        "purchase_stock",
        "sale_stock",
        "product_expiry",
        "stock_picking_batch",
        # lot numbering, supplier lots, GS1 scanning (issue 4)
        "barcodes_gs1_nomenclature",
    ],
    # GS1 DataMatrix on lot labels: BWIPP through treepoem and ghostscript
    "external_dependencies": {"python": ["treepoem"], "bin": ["gs"]},
    "data": [
        "security/lot_traceability_groups.xml",
        "security/ir.model.access.csv",
        "security/lot_traceability_security.xml",
        "data/stock_lot_hold_data.xml",
        "data/stock_lot_recall_data.xml",
        "data/uom_data.xml",
        "views/stock_lot_views.xml",
        "views/stock_lot_hold_views.xml",
        "views/stock_hold_config_views.xml",
        "report/stock_lot_hold_reports.xml",
        "report/stock_lot_recall_reports.xml",
        "report/stock_lot_supplier_scorecard_views.xml",
        "report/report_lot_label.xml",
        "wizard/stock_lot_trace_export_views.xml",
        "wizard/stock_lot_epcis_import_views.xml",
        "views/stock_lot_recall_views.xml",
        "views/stock_lot_trace_screen_views.xml",
        "wizard/stock_lot_hold_wizard_views.xml",
        "wizard/stock_lot_recall_complete_views.xml",
        # lot numbering, supplier lots, GS1 scanning (issue 4)
        "security/stock_lot_numbering_rule_security.xml",
        "data/barcode_rule_data.xml",
        "views/stock_lot_numbering_rule_views.xml",
        "views/stock_lot_supplier_views.xml",
        # audit trail (issue 7)
        "security/stock_lot_event_security.xml",
        "data/stock_lot_event_data.xml",
        "views/stock_lot_event_views.xml",
        "views/gs1_identifier_views.xml",
        "views/lot_traceability_menus.xml",
        "views/lot_signature_attempt_views.xml",
    ],
    # the demo scenario is its own addon, lot_traceability_demo: nothing of it
    # is registered in a production database
    # browser tours (issue 9), run by ./setup/test
    "assets": {
        # the trace screen (client action); dagre is loaded on demand from
        # static/lib/dagre when the screen opens
        "web.assets_backend": [
            "lot_traceability/static/src/trace_screen/*",
        ],
    },
}
