from . import lot_signature_dialog
from . import stock_lot_hold_wizard
from . import stock_lot_trace_export
from . import stock_lot_trace_export_fsma
from . import stock_lot_trace_export_epcis
from . import stock_lot_epcis_import
from . import stock_lot_event_verification
from . import stock_lot_recall_complete
