from . import report_lot_dossier
