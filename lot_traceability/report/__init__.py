from . import report_lot_dossier
from . import stock_lot_supplier_scorecard
from . import report_lot_label
from . import report_recall
