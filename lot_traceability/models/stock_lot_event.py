# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The tamper-evident audit trail of lots: ``stock.lot.event``.

Every traceability-relevant event is appended to one hash chain per company:
``hash = SHA-256(previous_hash + canonical JSON of the entry)`` (the pattern of
Odoo's inalterable hash on ``account.move``), with a gapless ``sequence`` per
company. Nothing else may change the table: the ORM refuses create, write and
unlink for everyone (administrators and ``sudo()`` included), no ACL grants
them, and a PostgreSQL trigger rejects UPDATE and DELETE.

Appending, the one way in (server code only, no rights needed: the log is the
narrow, documented ``sudo`` write of the addon)::

    self.env["stock.lot.event"]._append(
        "recall_run",                      # a key of EVENT_TYPES
        lots=lots,                         # stock.lot recordset (may be empty)
        document=recall,                   # any record: model, id, display name
        payload={"mode": "mock", "lot_count": 12},   # JSON-serialisable dict
        company=recall.company_id,         # default: the lots' or env company
    )

``_append_many([{...}, ...])`` takes the same keys as dicts (``event_type``,
``lots``, ``document``, ``payload``, ``company``) and appends them in one
batch. Events already wired: lots created/changed/deleted, done move lines
(received, shipped, returned, consumed, produced, scrapped, adjusted, moved),
holds placed/released/rejected (``models/stock_lot_hold.py``) and the
imported history on installation (``_backfill_imported``). Reserved for the
recall and numbering-rule models: ``recall_run``, ``recall_completed``,
``numbering_rule_changed``.

Concurrency: an append locks its company's row in ``stock_lot_event_head``
(``FOR UPDATE``) and updates it, so two transactions appending for the same
company are serialised; the later one fails with a serialization error under
Odoo's REPEATABLE READ and Odoo retries the request. A unique index on
``(company_id, sequence)`` is the last guard against a fork.

Tables: ``stock_lot_event``, ``stock_lot_event_lot_rel`` (navigation only, not
hashed: lot ids and names are in the hashed payload, so deleting a lot leaves
the chain intact), ``stock_lot_event_head`` (the per-company lock row and
last sequence/hash, also used to detect entries deleted at the end).
"""

import hashlib
import json
import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

AUDITOR_GROUP = "lot_traceability.group_lot_traceability_auditor"
HEAD_TABLE = "stock_lot_event_head"
TRIGGER = "stock_lot_event_append_only"
TRIGGER_FUNCTION = "stock_lot_event_append_only_fn"
SEQUENCE_INDEX = "stock_lot_event_company_sequence_uniq"
MOVE_LINE_INDEX = "stock_lot_event_move_line_index"
LAST_VERIFICATION_PARAM = "lot_traceability.audit_last_verification"
BATCH = 2000

EVENT_TYPES = [
    ("lot_created", "Lot created"),
    ("lot_changed", "Lot changed"),
    ("lot_deleted", "Lot deleted"),
    ("received", "Received"),
    ("shipped", "Shipped"),
    ("returned", "Returned"),
    ("consumed", "Consumed"),
    ("produced", "Produced"),
    ("scrapped", "Scrapped"),
    ("adjusted", "Adjusted"),
    ("moved", "Moved"),
    ("imported", "Imported history"),
    ("hold_placed", "Hold placed"),
    ("hold_released", "Hold released"),
    ("hold_rejected", "Hold rejected"),
    ("recall_run", "Recall run"),
    ("recall_completed", "Recall completed"),
    ("recall_customer_verified", "Recall customer verified"),
    ("recall_notice_sent", "Recall notice sent"),
    ("numbering_rule_changed", "Numbering rule changed"),
]
# The columns the hash covers, in the chain's canonical entry.
HASHED = (
    "company_id",
    "sequence",
    "date",
    "user_id",
    "event_type",
    "res_model",
    "res_id",
    "document_name",
    "lot_names",
    "payload",
)


def canonical_json(value):
    """The one serialisation of the chain: sorted keys, no spaces, ASCII."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str
    )


def entry_hash(previous_hash, entry):
    """SHA-256 over the previous hash and the canonical entry (``HASHED`` keys)."""
    content = canonical_json({key: entry[key] for key in HASHED})
    return hashlib.sha256((previous_hash + content).encode()).hexdigest()


def classify_move(src_usage, dest_usage, scrapped, is_return):
    """The event type of a done move line, from its locations."""
    if scrapped:
        return "scrapped"
    if src_usage == "production":
        return "produced"
    if dest_usage == "production":
        return "consumed"
    if is_return or src_usage == "customer" or dest_usage == "supplier":
        return "returned"
    if src_usage == "supplier":
        return "received"
    if dest_usage == "customer":
        return "shipped"
    if "inventory" in (src_usage, dest_usage):
        return "adjusted"
    return "moved"


class StockLotEvent(models.Model):
    _name = "stock.lot.event"
    _description = "Lot Audit Trail Event"
    _order = "company_id, sequence desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="restrict"
    )
    sequence = fields.Integer(readonly=True, aggregator=False)
    date = fields.Datetime(readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="User", readonly=True, ondelete="restrict"
    )
    event_type = fields.Selection(EVENT_TYPES, readonly=True, index=True)
    lot_ids = fields.Many2many(
        "stock.lot",
        "stock_lot_event_lot_rel",
        "event_id",
        "lot_id",
        string="Lots",
        readonly=True,
    )
    lot_names = fields.Char(readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Document ID", model_field="res_model", readonly=True
    )
    document_name = fields.Char(string="Document", readonly=True)
    move_line_id = fields.Integer(
        string="Move Line ID",
        readonly=True,
        help="The done move line this event records (no foreign key: the log "
        "outlives the line).",
    )
    payload = fields.Text(readonly=True, help="Canonical JSON of the event's data.")
    previous_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True)

    @api.depends("sequence", "event_type", "lot_names")
    def _compute_display_name(self):
        types = dict(EVENT_TYPES)
        for event in self:
            event.display_name = (
                f"#{event.sequence} {types.get(event.event_type, '')} "
                f"{event.lot_names or ''}".strip()
            )

    def init(self):
        """Append-only guard, lock rows and indexes (install and every update)."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %(head)s (
                    company_id integer PRIMARY KEY
                        REFERENCES res_company(id) ON DELETE CASCADE,
                    sequence integer NOT NULL DEFAULT 0,
                    hash varchar NOT NULL DEFAULT ''
                );
                INSERT INTO %(head)s (company_id) SELECT id FROM res_company
                ON CONFLICT (company_id) DO NOTHING;
                CREATE UNIQUE INDEX IF NOT EXISTS %(seq_index)s
                    ON stock_lot_event (company_id, sequence);
                CREATE INDEX IF NOT EXISTS %(line_index)s
                    ON stock_lot_event (move_line_id) WHERE move_line_id IS NOT NULL;
                CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION USING
                        MESSAGE = 'stock_lot_event is append-only: ' || TG_OP
                            || ' refused',
                        ERRCODE = 'insufficient_privilege';
                END;
                $$ LANGUAGE plpgsql;
                DROP TRIGGER IF EXISTS %(trigger)s ON stock_lot_event;
                CREATE TRIGGER %(trigger)s BEFORE UPDATE OR DELETE OR TRUNCATE
                    ON stock_lot_event
                    FOR EACH STATEMENT EXECUTE FUNCTION %(function)s();
                """,
                head=SQL.identifier(HEAD_TABLE),
                seq_index=SQL.identifier(SEQUENCE_INDEX),
                line_index=SQL.identifier(MOVE_LINE_INDEX),
                function=SQL.identifier(TRIGGER_FUNCTION),
                trigger=SQL.identifier(TRIGGER),
            )
        )

    # ------------------------------------------------------------------- ORM
    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # append-only: refused for everyone, super() is never reached
        raise AccessError(
            _(
                "Audit trail events are appended by the system only; nobody can "
                "create them by hand."
            )
        )

    def write(self, vals):  # pylint: disable=method-required-super
        # append-only: refused for everyone, super() is never reached
        raise AccessError(
            _("Audit trail events cannot be changed, by anyone (21 CFR 11.10(e)).")
        )

    def unlink(self):  # pylint: disable=method-required-super
        # append-only: refused for everyone, super() is never reached
        raise AccessError(
            _("Audit trail events cannot be deleted, by anyone (21 CFR 11.10(e)).")
        )

    def copy(self, default=None):  # pylint: disable=method-required-super
        # append-only: refused for everyone, super() is never reached
        raise AccessError(_("Audit trail events cannot be duplicated."))

    # --------------------------------------------------------------- actions
    @api.model
    def action_verify_audit_trail(self):
        """Verify the chains of the user's companies and show the result."""
        self._check_auditor()
        return self.env["stock.lot.event.verification"]._open(
            self._verify_chains(self.env.companies)
        )

    @api.model
    def get_head_hash(self):
        """Public API: ``{company_id: {"company", "sequence", "hash"}}`` for the
        user's allowed companies, the value to anchor outside the database."""
        self._check_auditor()
        heads = self._heads(self.env.companies)
        return {
            company.id: {
                "company": company.name,
                "sequence": heads[company.id][0],
                "hash": heads[company.id][1],
            }
            for company in self.env.companies
        }

    def action_open_document(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            raise UserError(_("This event has no document."))
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(
                _("%(document)s no longer exists.", document=self.document_name)
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------- appending
    def _check_auditor(self):
        if not self.env.user.has_group(AUDITOR_GROUP):
            raise AccessError(
                _(
                    "The audit trail is reserved to the Traceability roles (Auditor, "
                    "User, Quality Manager)."
                )
            )

    @api.model
    def _append(self, event_type, lots=None, document=None, payload=None, company=None):
        """Append one event; see the module docstring. Returns the event."""
        return self._append_many(
            [
                {
                    "event_type": event_type,
                    "lots": lots,
                    "document": document,
                    "payload": payload,
                    "company": company,
                }
            ]
        )

    @api.model
    def _append_many(self, entries):
        """Append events in order, one batch per company. Each entry: a dict
        with ``event_type`` and optional ``lots``, ``document``, ``payload``,
        ``company``, ``move_line_id``, ``date``."""
        if not entries:
            return self.browse()
        types = dict(EVENT_TYPES)
        now = fields.Datetime.to_string(fields.Datetime.now())
        by_company = {}
        for entry in entries:
            if entry["event_type"] not in types:
                raise UserError(
                    _("Unknown audit event type %(type)r.", type=entry["event_type"])
                )
            lots = (entry.get("lots") or self.env["stock.lot"]).sudo()
            document = entry.get("document")
            company = entry.get("company") or lots.company_id[:1] or self.env.company
            payload = dict(entry.get("payload") or {})
            payload.setdefault(
                "lots",
                [
                    {"id": lot.id, "name": lot.name, "product_id": lot.product_id.id}
                    for lot in lots
                ],
            )
            row = {
                "company_id": company.id,
                "date": entry.get("date") or now,
                "user_id": self.env.uid,
                "event_type": entry["event_type"],
                "res_model": document._name if document else None,
                "res_id": document.id if document else None,
                "document_name": document.sudo().display_name if document else None,
                "lot_names": ", ".join(lots.mapped("name")) or None,
                "payload": canonical_json(payload),
                "move_line_id": entry.get("move_line_id"),
                "lot_ids": lots.ids,
            }
            by_company.setdefault(company.id, []).append(row)
        ids = []
        for company_id in sorted(by_company):  # one lock order: no deadlock
            ids += self._insert_chained(company_id, by_company[company_id])
        self.invalidate_model()
        return self.browse(ids)

    def _lock_head(self, company_id):
        """Lock the company's chain head; return the last (sequence, hash)."""
        cr = self.env.cr
        lock = SQL(
            "SELECT sequence FROM %s WHERE company_id = %s FOR UPDATE",
            SQL.identifier(HEAD_TABLE),
            company_id,
        )
        cr.execute(lock)
        if not cr.fetchone():  # a company created since installation
            cr.execute(
                SQL(
                    "INSERT INTO %s (company_id) VALUES (%s) "
                    "ON CONFLICT (company_id) DO NOTHING",
                    SQL.identifier(HEAD_TABLE),
                    company_id,
                )
            )
            cr.execute(lock)
        # the log itself is authoritative; the head row is the lock
        cr.execute(
            SQL(
                "SELECT sequence, hash FROM stock_lot_event WHERE company_id = %s "
                "ORDER BY sequence DESC LIMIT 1",
                company_id,
            )
        )
        last = cr.fetchone()
        return last or (0, "")

    def _insert_chained(self, company_id, rows):
        """Chain and insert ``rows`` (dicts of column values) for one company."""
        sequence, previous = self._lock_head(company_id)
        for row in rows:
            sequence += 1
            row["sequence"] = sequence
            row["previous_hash"] = previous
            row["hash"] = previous = entry_hash(previous, row)
        ids = []
        for start in range(0, len(rows), BATCH):
            ids += self._insert_rows(rows[start : start + BATCH])
            if len(rows) > BATCH:
                _logger.info(
                    "Audit trail of company %s: %s/%s events written",
                    company_id,
                    min(start + BATCH, len(rows)),
                    len(rows),
                )
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET sequence = %s, hash = %s WHERE company_id = %s",
                SQL.identifier(HEAD_TABLE),
                sequence,
                previous,
                company_id,
            )
        )
        return ids

    def _insert_rows(self, rows):
        """One INSERT … SELECT FROM unnest(…) for the rows, one for their lots."""
        cr = self.env.cr
        uid = self.env.uid
        cr.execute(
            SQL(
                """
                INSERT INTO stock_lot_event (
                    company_id, sequence, date, user_id, event_type, res_model,
                    res_id, document_name, lot_names, payload, move_line_id,
                    previous_hash, hash, create_uid, create_date, write_uid,
                    write_date)
                SELECT c, s, d, u, t, m, r, n, l, p, ml, ph, h, %(uid)s,
                       now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(c)s::int[], %(s)s::int[], %(d)s::timestamp[],
                              %(u)s::int[], %(t)s::varchar[], %(m)s::varchar[],
                              %(r)s::int[], %(n)s::varchar[], %(l)s::varchar[],
                              %(p)s::text[], %(ml)s::int[], %(ph)s::varchar[],
                              %(h)s::varchar[])
                       AS x(c, s, d, u, t, m, r, n, l, p, ml, ph, h)
                 ORDER BY s
                RETURNING id
                """,
                uid=uid,
                c=[row["company_id"] for row in rows],
                s=[row["sequence"] for row in rows],
                d=[row["date"] for row in rows],
                u=[row["user_id"] for row in rows],
                t=[row["event_type"] for row in rows],
                m=[row["res_model"] for row in rows],
                r=[row["res_id"] for row in rows],
                n=[row["document_name"] for row in rows],
                l=[row["lot_names"] for row in rows],
                p=[row["payload"] for row in rows],
                ml=[row["move_line_id"] for row in rows],
                ph=[row["previous_hash"] for row in rows],
                h=[row["hash"] for row in rows],
            )
        )
        ids = [event_id for (event_id,) in cr.fetchall()]
        pairs = [
            (event_id, lot_id)
            for event_id, row in zip(ids, rows, strict=True)
            for lot_id in row["lot_ids"]
        ]
        if pairs:
            cr.execute(
                SQL(
                    "INSERT INTO stock_lot_event_lot_rel (event_id, lot_id) "
                    "SELECT e, l FROM unnest(%s::int[], %s::int[]) AS x(e, l) "
                    "WHERE EXISTS (SELECT 1 FROM stock_lot WHERE id = l) "
                    "ON CONFLICT DO NOTHING",
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
        return ids

    # --------------------------------------------------------------- backfill
    @api.model
    def _backfill_imported(self):
        """Record the done move lines with a lot that have no event yet as
        ``imported`` events: read in one query, chained in Python, written with
        one INSERT … SELECT per company and batch (no ORM create per line).
        Called on installation (``post_init_hook``); idempotent."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT ml.id, ml.company_id, ml.date, ml.lot_id, lot.name,
                       ml.product_id, lot.product_id, ml.quantity, ml.product_uom_id,
                       ml.move_id, ml.location_id, ml.location_dest_id,
                       src.usage, dest.usage, COALESCE(dest.scrap_location, false),
                       m.origin_returned_move_id IS NOT NULL, ml.reference,
                       ml.picking_id, p.name, p.partner_id,
                       COALESCE(m.raw_material_production_id, m.production_id),
                       mp.name
                  FROM stock_move_line ml
                  JOIN stock_lot lot ON lot.id = ml.lot_id
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dest ON dest.id = ml.location_dest_id
                  LEFT JOIN stock_move m ON m.id = ml.move_id
                  LEFT JOIN stock_picking p ON p.id = ml.picking_id
                  LEFT JOIN mrp_production mp
                         ON mp.id = COALESCE(m.raw_material_production_id,
                                             m.production_id)
                 WHERE ml.state = 'done' AND ml.lot_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM stock_lot_event e
                                    WHERE e.move_line_id = ml.id)
                 ORDER BY ml.company_id, ml.date, ml.id
                """
            )
        )
        records = cr.fetchall()
        by_company = {}
        for (
            line_id,
            company_id,
            date,
            lot_id,
            lot_name,
            product_id,
            lot_product_id,
            quantity,
            uom_id,
            move_id,
            location_id,
            location_dest_id,
            src_usage,
            dest_usage,
            scrapped,
            is_return,
            reference,
            picking_id,
            picking_name,
            partner_id,
            production_id,
            production_name,
        ) in records:
            if picking_id:
                document = ("stock.picking", picking_id, picking_name)
            elif production_id:
                document = ("mrp.production", production_id, production_name)
            else:
                document = ("stock.move", move_id, reference)
            date = fields.Datetime.to_string(date)
            company_id = company_id or self.env.company.id
            by_company.setdefault(company_id, []).append(
                {
                    "company_id": company_id,
                    "date": date,
                    "user_id": self.env.uid,
                    "event_type": "imported",
                    "res_model": document[0],
                    "res_id": document[1],
                    "document_name": document[2],
                    "lot_names": lot_name,
                    "move_line_id": line_id,
                    "lot_ids": [lot_id],
                    "payload": canonical_json(
                        {
                            "movement": classify_move(
                                src_usage, dest_usage, scrapped, is_return
                            ),
                            "lots": [
                                {
                                    "id": lot_id,
                                    "name": lot_name,
                                    "product_id": lot_product_id,
                                }
                            ],
                            "move_line_id": line_id,
                            "move_id": move_id,
                            "product_id": product_id,
                            "lot_id": lot_id,
                            "lot": lot_name,
                            "quantity": float(quantity or 0.0),
                            "uom_id": uom_id,
                            "location_id": location_id,
                            "location_dest_id": location_dest_id,
                            "partner_id": partner_id,
                            "reference": reference,
                            "date": date,
                        }
                    ),
                }
            )
        count = 0
        for company_id in sorted(by_company):
            count += len(self._insert_chained(company_id, by_company[company_id]))
        self.invalidate_model()
        if count:
            _logger.info("Audit trail: %s done move lines recorded as imported", count)
        return count

    # ----------------------------------------------------------- verification
    def _heads(self, companies):
        """``{company_id: (sequence, hash)}`` of the last entry of each chain."""
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT ON (company_id) company_id, sequence, hash "
                "FROM stock_lot_event WHERE company_id = ANY(%s) "
                "ORDER BY company_id, sequence DESC",
                companies.ids,
            )
        )
        heads = {company_id: (0, "") for company_id in companies.ids}
        heads.update(
            {
                company_id: (sequence, hash_)
                for company_id, sequence, hash_ in self.env.cr.fetchall()
            }
        )
        return heads

    def _verify_chains(self, companies):
        """Recompute every chain; one result dict per company (first break)."""
        return [self._verify_chain(company) for company in companies]

    def _verify_chain(self, company):
        """Walk the company's chain in sequence order; report its first break.

        Detects an edited entry (hash differs), a deleted or missing entry (gap
        in the sequence), reordered entries (previous hash does not match), and
        entries deleted at the end (the head row is ahead of the log)."""
        cr = self.env.cr
        result = {
            "company_id": company.id,
            "company": company.name,
            "ok": True,
            "count": 0,
            "head_sequence": 0,
            "head_hash": "",
            "broken_sequence": False,
            "broken_event_id": False,
            "problem": False,
            "message": _("Chain intact."),
        }
        expected_sequence, previous = 1, ""
        last_sequence = 0
        while True:
            cr.execute(
                SQL(
                    "SELECT id, company_id, sequence, date, user_id, event_type, "
                    "res_model, res_id, document_name, lot_names, payload, "
                    "previous_hash, hash FROM stock_lot_event "
                    "WHERE company_id = %s AND sequence > %s "
                    "ORDER BY sequence LIMIT %s",
                    company.id,
                    last_sequence,
                    BATCH,
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            for row in rows:
                row["date"] = fields.Datetime.to_string(row["date"])
                problem = None
                if row["sequence"] != expected_sequence:
                    problem = (
                        "missing",
                        _(
                            "Entry #%(expected)s is missing (next entry found: "
                            "#%(found)s): deleted or never written.",
                            expected=expected_sequence,
                            found=row["sequence"],
                        ),
                    )
                elif row["previous_hash"] != previous:
                    problem = (
                        "reordered",
                        _(
                            "Entry #%(sequence)s does not follow entry #%(before)s "
                            "(previous hash differs): entries were reordered, "
                            "replaced or re-chained.",
                            sequence=row["sequence"],
                            before=row["sequence"] - 1,
                        ),
                    )
                elif entry_hash(previous, row) != row["hash"]:
                    problem = (
                        "edited",
                        _(
                            "Entry #%(sequence)s was altered after it was written "
                            "(its content no longer matches its hash).",
                            sequence=row["sequence"],
                        ),
                    )
                if problem:
                    result.update(
                        ok=False,
                        broken_sequence=row["sequence"]
                        if problem[0] != "missing"
                        else expected_sequence,
                        broken_event_id=row["id"],
                        problem=problem[0],
                        message=problem[1],
                    )
                    return self._with_head(result, company)
                result["count"] += 1
                result["head_sequence"] = row["sequence"]
                result["head_hash"] = previous = row["hash"]
                expected_sequence += 1
            last_sequence = rows[-1]["sequence"]
        cr.execute(
            SQL(
                "SELECT sequence FROM %s WHERE company_id = %s",
                SQL.identifier(HEAD_TABLE),
                company.id,
            )
        )
        head = cr.fetchone()
        if head and head[0] > result["head_sequence"]:
            result.update(
                ok=False,
                broken_sequence=result["head_sequence"] + 1,
                problem="missing",
                message=_(
                    "Entries #%(first)s to #%(last)s are missing at the end of the "
                    "chain (deleted).",
                    first=result["head_sequence"] + 1,
                    last=head[0],
                ),
            )
        return result

    def _with_head(self, result, company):
        heads = self._heads(company)
        result["head_sequence"], result["head_hash"] = heads[company.id]
        return result

    @api.model
    def _cron_verify_audit_trail(self):
        """Weekly: verify every company's chain; log and keep the result."""
        results = self._verify_chains(self.env["res.company"].search([]))
        for result in results:
            if result["ok"]:
                _logger.info(
                    "Audit trail of %s intact: %s entries, head %s",
                    result["company"],
                    result["count"],
                    result["head_hash"],
                )
            else:
                _logger.critical(
                    "Audit trail of %s BROKEN at entry #%s: %s",
                    result["company"],
                    result["broken_sequence"],
                    result["message"],
                )
        self.env["ir.config_parameter"].sudo().set_param(
            LAST_VERIFICATION_PARAM,
            canonical_json({"date": fields.Datetime.now(), "results": results}),
        )
        return results
