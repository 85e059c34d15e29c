# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
{
    "name": "Lot Traceability Demo",
    "summary": "Demo scenario of Lot Traceability: a small food manufacturer with "
    "receipts, manufacturing, deliveries, a return, a scrap, holds and a recall",
    "version": "18.0.1.0.0",
    "category": "Inventory/Inventory",
    "website": "https://github.com/lot-traceability/lot_traceability",
    "author": "lot_traceability contributors",
    "license": "LGPL-3",
    "application": False,
    "installable": True,
    "depends": ["lot_traceability"],
    # loaded into databases created with demo data only
    "demo": [
        "demo/lot_traceability_demo.xml",
    ],
    # browser tours on the demo scenario, run by ./setup/test
    "assets": {
        "web.assets_tests": [
            "lot_traceability_demo/static/tests/tours/*.js",
        ],
    },
}
