# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import json

from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import content_disposition, request


class TraceScreenController(http.Controller):
    @http.route("/lot_traceability/trace/xlsx", type="http", auth="user", readonly=True)
    def trace_xlsx(self, lot_ids, direction="both", table="customers", token=None):
        """One table of the trace screen, every row, as an XLSX download."""
        try:
            ids = [int(i) for i in json.loads(lot_ids)]
        except (ValueError, TypeError) as error:
            raise BadRequest("lot_ids must be a JSON list of lot ids") from error
        name, content = request.env["stock.lot.trace.screen"]._xlsx(
            ids, direction, table, token=token
        )
        return request.make_response(
            content,
            headers=[
                (
                    "Content-Type",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                ("Content-Disposition", content_disposition(name)),
            ],
        )
