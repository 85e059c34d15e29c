# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The recall's evidence: stored set-based, fingerprinted, sealed, annexed.

A traced recall is evidence an auditor relies on. This service is the only
writer of its results (``stock_lot_recall_line``, ``_customer``, ``_balance``)
and of the recall's own result fields:

- ``_store(recall, model, rows)``: one ``INSERT … SELECT`` per table from a
  JSON array of the rows (``json_to_recordset``), whatever their number, then
  the ORM cache of the table is invalidated (the links of a result row to
  lots, partners, move lines and orders carry no foreign key: see
  ``stock_lot_recall_line.py``);
- ``_digest(recall)``: the SHA-256 fingerprint recomputed from what is stored
  (the recall's scope, kind and timings, and every stored column of its
  results; ids of other records are left out, their names are in), in SQL so
  that a hub recall's 150,000 rows are hashed in the database;
- ``_verify(recall)``: the stored fingerprint, the one sealed in the ledger by
  the ``recall_run`` event and the recomputed one, compared;
- ``_annex_xlsx(recall)``: every stored row, one sheet per kind, the annex of
  the recall report;
- progress of a recall running in the background, written through its own
  cursor into ``stock_lot_recall_progress`` (not a column of the recall: the
  running transaction holds the recall's row, and a second writer of that row
  would make it fail with a serialization error).

Models and services pass the write guards of the recall and its results with
``_sealed(records)``: ``sudo()`` plus the ``SERVICE_KEY`` context key, checked
together (``env.su`` and the key), never the key alone.
"""

import hashlib
import io
import json

import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

SERVICE_KEY = "lt_recall_evidence"
PROGRESS_TABLE = "stock_lot_recall_progress"
# Results models and the columns left out of the fingerprint: later facts
# (verification, recorded as ledger events) and links to records that may be
# deleted later (their names are copied and hashed).
RESULT_MODELS = {
    "stock.lot.recall.line": set(),
    "stock.lot.recall.customer": {"verified", "verified_by_id", "verified_at"},
    "stock.lot.recall.balance": set(),
}
MAGIC = {"id", "recall_id", "create_uid", "create_date", "write_uid", "write_date"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_service(env):
    """Whether the caller is the recall's own service (both conditions)."""
    return bool(env.su and env.context.get(SERVICE_KEY))


def sealed(records):
    """``records`` as the recall service writes them."""
    return records.sudo().with_context(**{SERVICE_KEY: True})


class StockLotRecallEvidence(models.AbstractModel):
    _name = "stock.lot.recall.evidence"
    _description = "Lot Recall Evidence Service"

    def init(self):
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %s (
                    recall_id integer PRIMARY KEY,
                    phase varchar NOT NULL,
                    percent integer NOT NULL DEFAULT 0,
                    estimate integer,
                    updated_at timestamp NOT NULL DEFAULT (now() at time zone 'UTC')
                )
                """,
                SQL.identifier(PROGRESS_TABLE),
            )
        )

    # ------------------------------------------------------------------ storage
    def _columns(self, model_name, keys=None):
        """Stored, plain columns of a results model (sorted), optionally only
        those among ``keys``."""
        Model = self.env[model_name]
        names = [
            name
            for name, field in Model._fields.items()
            if field.store
            and field.column_type
            and name not in MAGIC
            and (keys is None or name in keys)
        ]
        return sorted(names)

    @api.model
    def _store(self, recall, model_name, rows):
        """Insert ``rows`` (dicts of field values) as results of ``recall``: one
        statement. Keys that are not stored fields of the model are refused,
        so a caller adding a key to its rows sees it at once."""
        if not rows:
            return 0
        Model = self.env[model_name]
        keys = set().union(*rows)
        unknown = keys - set(self._columns(model_name))
        if unknown:
            raise UserError(
                _(
                    "Recall %(recall)s: %(model)s has no column %(columns)s.",
                    recall=recall.name,
                    model=model_name,
                    columns=", ".join(sorted(unknown)),
                )
            )
        columns = self._columns(model_name, keys)
        names = SQL(", ").join(SQL.identifier(name) for name in columns)
        definition = SQL(", ").join(
            SQL("%s %s", SQL.identifier(name), SQL(Model._fields[name].column_type[1]))
            for name in columns
        )
        # one parameter, parsed by json_to_recordset: measured faster than
        # unnest() of one array per column or JSON arrays read by position
        # Odoo's False means "no value" for every type but booleans: JSON null
        booleans = {name for name in columns if Model._fields[name].type == "boolean"}
        payload = json.dumps(
            [
                {
                    key: (
                        None
                        if row.get(key) is False and key not in booleans
                        else row.get(key)
                    )
                    for key in columns
                }
                for row in rows
            ],
            default=str,
        )
        self.env.flush_all()
        # create_uid/write_uid left empty: each would be one more foreign key
        # checked row by row; who ran the recall is on the recall and in its
        # recall_run event
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s
                    (recall_id, create_date, write_date, %(names)s)
                SELECT %(recall)s, now() at time zone 'UTC',
                       now() at time zone 'UTC', %(names)s
                  FROM json_to_recordset(%(rows)s::json) AS r(%(definition)s)
                """,
                table=SQL.identifier(Model._table),
                names=names,
                recall=recall.id,
                rows=payload,
                definition=definition,
            )
        )
        count = self.env.cr.rowcount
        Model.invalidate_model()
        recall.invalidate_recordset()
        return count

    # -------------------------------------------------------------- fingerprint
    def _header(self, recall):
        """The recall's own sealed fields, canonical."""
        return {
            "recall": recall.name,
            "company": recall.company_id.name,
            "kind": recall.kind,
            "direction": recall.direction,
            "scope": recall._scope_summary(),
            "origins": sorted(recall.origin_lot_ids.mapped("name")),
            "started_at": fields.Datetime.to_string(recall.started_at),
            "trace_ms": recall.trace_ms,
            "lot_count": recall.lot_count,
            "customer_count": recall.customer_count,
            "accounted_percent": recall.accounted_percent,
            "balance_ok": recall.balance_ok,
        }

    def _table_digest(self, recall, model_name):
        """SHA-256 of every stored row of one results table, in SQL: each row
        as a JSON array of its columns (numbers as float8, dates to the
        microsecond), rows sorted by that text, so the order of insertion and
        the ids do not matter."""
        Model = self.env[model_name]
        skip = RESULT_MODELS[model_name]
        values = []
        for name in self._columns(model_name):
            field = Model._fields[name]
            if name in skip or field.type == "many2one":
                continue
            column = SQL.identifier("r", name)
            if field.column_type[0] == "numeric":
                column = SQL("%s::float8", column)
            elif field.type == "datetime":
                column = SQL("to_char(%s, 'YYYY-MM-DD HH24:MI:SS.US')", column)
            values.append(column)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT count(*), encode(sha256(convert_to(COALESCE(
                           string_agg(t.row, E'\\n' ORDER BY t.row), ''), 'UTF8')),
                       'hex')
                  FROM (SELECT json_build_array(%(values)s)::text AS row
                          FROM %(table)s r WHERE r.recall_id = %(recall)s) t
                """,
                values=SQL(", ").join(values),
                table=SQL.identifier(Model._table),
                recall=recall.id,
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _digest(self, recall):
        """The fingerprint of the recall as stored now, and its parts."""
        parts = {"header": self._header(recall)}
        for model_name in RESULT_MODELS:
            count, digest = self._table_digest(recall, model_name)
            parts[model_name] = {"rows": count, "sha256": digest}
        canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest(), parts

    def _sealed_event(self, recall, event_type="recall_run"):
        return (
            self.env["stock.lot.event"]
            .sudo()
            .search(
                [
                    ("res_model", "=", recall._name),
                    ("res_id", "=", recall.id),
                    ("event_type", "=", event_type),
                ],
                order="id desc",
                limit=1,
            )
        )

    @api.model
    def _verify(self, recall):
        """Recompute the fingerprint and compare it with the stored one and the
        one sealed in the ledger. Returns ``{ok, recomputed, stored, sealed,
        event, message}``."""
        recomputed, __ = self._digest(recall)
        event = self._sealed_event(recall)
        sealed_hash = (
            json.loads(event.payload or "{}").get("result_hash") if event else None
        )
        stored = recall.result_hash
        ok = bool(stored) and recomputed == stored and sealed_hash == stored
        if ok:
            message = _(
                "Fingerprint verified: recomputed from the stored results, equal "
                "to the one sealed in the audit trail (event %(event)s).",
                event=event.id,
            )
        elif not event:
            message = _(
                "FINGERPRINT NOT VERIFIED: no recall_run event of %(recall)s in "
                "the audit trail.",
                recall=recall.name,
            )
        else:
            message = _(
                "FINGERPRINT MISMATCH: the stored results of %(recall)s were "
                "changed after they were sealed (recomputed %(recomputed)s, sealed "
                "%(sealed)s in event %(event)s).",
                recall=recall.name,
                recomputed=recomputed,
                sealed=sealed_hash,
                event=event.id,
            )
        return {
            "ok": ok,
            "recomputed": recomputed,
            "stored": stored,
            "sealed": sealed_hash,
            "event": event,
            "message": message,
        }

    # ------------------------------------------------------------------ progress
    @api.model
    def _set_progress(self, recall, phase, percent, estimate=None):
        """Progress of a background recall, committed at once on a cursor of its
        own so that the recall form shows it while the run goes on. The table
        holds nothing but this indicator."""
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """
                    INSERT INTO %(table)s AS p (recall_id, phase, percent, estimate)
                    VALUES (%(recall)s, %(phase)s, %(percent)s, %(estimate)s)
                    ON CONFLICT (recall_id) DO UPDATE
                       SET phase = EXCLUDED.phase, percent = EXCLUDED.percent,
                           estimate = COALESCE(EXCLUDED.estimate, p.estimate),
                           updated_at = now() at time zone 'UTC'
                    """,
                    table=SQL.identifier(PROGRESS_TABLE),
                    recall=recall.id,
                    phase=phase,
                    percent=percent,
                    estimate=estimate,
                )
            )

    @api.model
    def _progress(self, recalls):
        """``{recall_id: (phase, percent, estimate)}``."""
        if not recalls.ids:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT recall_id, phase, percent, estimate FROM %s "
                "WHERE recall_id = ANY(%s)",
                SQL.identifier(PROGRESS_TABLE),
                recalls.ids,
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    # --------------------------------------------------------------------- annex
    def _sheet(self, workbook, title, query, columns):
        """One worksheet: a header and every stored row of ``query`` (model,
        recall, condition, order), read in one statement and written row by row
        (cells typed by value: numbers, dates, text)."""
        model_name, recall, where, order = query
        Model = self.env[model_name]
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM %s WHERE recall_id = %s AND %s ORDER BY %s",
                SQL(", ").join(SQL.identifier(name) for name in columns),
                SQL.identifier(Model._table),
                recall.id,
                where,
                SQL(order),
            )
        )
        rows = self.env.cr.fetchall()
        worksheet = workbook.add_worksheet(title[:31])
        worksheet.write_row(
            0,
            0,
            [Model._fields[name]._description_string(self.env) for name in columns],
            workbook.add_format({"bold": True}),
        )
        write_row = worksheet.write_row
        for index, row in enumerate(rows, start=1):
            write_row(index, 0, row)
        worksheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return len(rows)

    @api.model
    def _annex_xlsx(self, recall):
        """Every stored result of the recall, read back in SQL: a summary sheet,
        customers, mass balance, then one sheet per kind of line."""
        from .stock_lot_recall import LINE_KINDS

        self.env.flush_all()
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            buffer,
            {
                "in_memory": True,
                "constant_memory": True,
                # lot names and documents are text, never formulas or links
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_date_format": "yyyy-mm-dd hh:mm:ss",
            },
        )
        summary = workbook.add_worksheet(_("Summary"))
        header = self._header(recall)
        kinds = dict(recall._fields["kind"]._description_selection(self.env))
        rows = [
            (_("Recall"), recall.name),
            (_("Kind"), kinds[recall.kind]),
            (_("Scope"), header["scope"]),
            (_("Direction"), recall.direction),
            (_("Origin lots"), ", ".join(header["origins"])),
            (_("Started at (UTC)"), header["started_at"]),
            (_("Trace time (ms)"), recall.trace_ms),
            (_("Lots affected"), recall.lot_count),
            (_("Customers"), recall.customer_count),
            (_("Accounted for (%)"), recall.accounted_percent),
            (_("Results fingerprint (SHA-256)"), recall.result_hash),
        ]
        for index, row in enumerate(rows):
            summary.write_row(index, 0, row)
        everything = SQL("true")
        self._sheet(
            workbook,
            _("Customers"),
            ("stock.lot.recall.customer", recall, everything, "name, id"),
            [
                "name",
                "email",
                "phone",
                "address",
                "quantity",
                "returned_quantity",
                "deliveries",
                "verified",
                "verified_at",
            ],
        )
        balance_columns = [
            name
            for name in self._columns("stock.lot.recall.balance")
            if self.env["stock.lot.recall.balance"]._fields[name].type != "many2one"
        ]
        self._sheet(
            workbook,
            _("Mass balance"),
            ("stock.lot.recall.balance", recall, everything, "id"),
            balance_columns,
        )
        columns = {
            "lot": ["depth", "lot_name", "product_name", "supplier_lot_name"],
            "delivery": [
                "partner_name",
                "lot_name",
                "product_name",
                "quantity",
                "returned_quantity",
                "uom",
                "document",
                "date",
            ],
            "receipt": [
                "partner_name",
                "lot_name",
                "product_name",
                "quantity",
                "uom",
                "document",
                "date",
            ],
            "production": ["document", "note", "date"],
            "stock": ["lot_name", "product_name", "location_name", "quantity"],
            "open_move": [
                "document",
                "partner_name",
                "lot_name",
                "product_name",
                "quantity",
                "uom",
                "date",
            ],
            "gap": ["product_name", "note"],
        }
        labels = dict(
            self.env["stock.lot.recall.line"]
            ._fields["kind"]
            ._description_selection(self.env)
        )
        for kind, __ in LINE_KINDS:
            self._sheet(
                workbook,
                labels[kind],
                (
                    "stock.lot.recall.line",
                    recall,
                    SQL("kind = %s", kind),
                    "depth, date, id",
                ),
                columns[kind],
            )
        workbook.close()
        return buffer.getvalue()

    @api.model
    def _annex(self, recall):
        """The annex attachment of the recall, made once from its sealed results
        (the report prints its SHA-256)."""
        Attachment = self.env["ir.attachment"].sudo()
        name = f"{recall.name.replace('/', '-')}-annex.xlsx"
        annex = Attachment.search(
            [
                ("res_model", "=", recall._name),
                ("res_id", "=", recall.id),
                ("name", "=", name),
            ],
            limit=1,
        )
        if not annex:
            annex = Attachment.create(
                {
                    "name": name,
                    "raw": self._annex_xlsx(recall),
                    "res_model": recall._name,
                    "res_id": recall.id,
                    "mimetype": XLSX_MIME,
                }
            )
        return annex
