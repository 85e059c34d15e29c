from . import stock_lot_genealogy
from . import stock_lot_mass_balance
from . import stock_lot_trace_screen
from . import stock_lot
from . import stock_move
from . import stock_move_line
from . import stock_picking
from . import mrp_production
from . import stock_lot_hold_reason
from . import lot_signature_attempt
from . import lot_signature_mixin
from . import stock_lot_hold_service
from . import stock_lot_hold
from . import stock_quant
from . import stock_location
from . import stock_warehouse
from . import res_company
from . import res_config_settings
from . import stock_lot_recall_evidence
from . import stock_lot_recall
from . import stock_lot_recall_result_mixin
from . import stock_lot_recall_line
from . import stock_lot_recall_customer
from . import stock_lot_recall_balance
from . import stock_lot_recall_balance_seal
from . import stock_lot_recall_notice

# Lot numbering, supplier lots, GS1 scanning (issue 4)
from . import lot_traceability_shift
from . import stock_lot_numbering_rule
from . import product_category
from . import product_template
from . import barcode_rule
from . import barcode_nomenclature
from . import stock_lot_ledger
from . import stock_lot_event
from . import ir_actions_report
from . import ir_module_module

# GS1 identifiers and UN/CEFACT units (standards)
from . import res_partner
from . import uom_uom
