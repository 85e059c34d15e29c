from . import stock_lot
from . import lot_traceability_demo
