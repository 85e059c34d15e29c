from . import stock_lot_hold_wizard
from . import stock_lot_trace_export
from . import stock_lot_event_verification
