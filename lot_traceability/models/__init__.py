from . import stock_lot_genealogy
from . import stock_lot
from . import stock_move
from . import stock_move_line
from . import stock_picking
from . import mrp_production
from . import lot_traceability_demo
