# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The ledger service: append, seal, anchor and verify the audit trail.

Business transactions only *append*: one INSERT of unsealed rows (no sequence,
no hash), no lock, nothing shared between two validations. A separate *seal*
(scheduled every few minutes, or *Seal now*) chains the committed rows per
company: ``sequence`` gapless, ``hash = SHA-256(previous_hash + canonical JSON
of the row as read back from the table)``.

Which rows a seal may take, and in which order (the question Odoo's accounting
answers with its *Secure Entries* wizard, which hashes only moves up to a date
no draft can still be posted before): each row stores ``txid``, the id of the
transaction that appended it (``pg_current_xact_id()``, 64 bits, never
wrapping). A seal takes only rows whose ``txid`` is below the oldest
transaction still running (``pg_snapshot_xmin`` of its snapshot): those
transactions are finished, so all their rows are visible and no open
transaction can ever add a row that sorts before them. It chains them in
``(txid, id)`` order. Every later seal therefore only sees larger ``txid``: the
chain order is a function of stored columns, each seal extends the chain and
never has to put anything before what it sealed, and a long transaction only
delays sealing, it never loses or reorders a row. (A time margin would be a
guess; the snapshot's xmin is exact.)

Anchors: the head of each chain (sequence, hash, seal time) leaves the
database on reports, by mail and as an anchor file; verification recomputes
every chain, reports *every* break (not just the first), and checks the chain
against each anchor it is given, which detects deleting entries and
re-chaining the rest, the one attack a recomputed chain cannot show.

Tables: ``stock_lot_event`` (the rows; ``txid`` is a raw column, see
``StockLotEvent.init``), ``stock_lot_event_lot_rel`` (navigation only),
``stock_lot_event_head`` (per company: the last sealed sequence, hash and time,
written by the seal only, used to detect entries deleted at the end).
"""

import base64
import hashlib
import json
import logging
import re
from datetime import date, datetime

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .lt_groups import AUDITOR_GROUP, MANAGER_GROUP

_logger = logging.getLogger(__name__)

HEAD_TABLE = "stock_lot_event_head"
BATCH = 2000
SEAL_BATCH = 20000
VERIFY_BATCH = 10000
MAX_BREAKS = 500
# pg_try_advisory_xact_lock key of the seal: one sealer at a time
SEAL_LOCK = 0x4C54_5345  # "LTSE"
LAST_VERIFICATION_PARAM = "lot_traceability.audit_last_verification"
ANCHOR_PREFIX = "LT-ANCHOR v1"
ANCHOR_RE = re.compile(
    r"LT-ANCHOR v1(?: db=(?P<db>\S+))? company=(?P<company>\d+) "
    r"sequence=(?P<sequence>\d+) hash=(?P<hash>[0-9a-f]{64})"
    r"(?: sealed=(?P<sealed>\S+))?"
)
# The columns read back and hashed, in this order (every stored column of the
# row but the chain link and hash themselves).
HASHED = (
    "id",
    "company_id",
    "sequence",
    "txid",
    "date",
    "user_id",
    "event_type",
    "res_model",
    "res_id",
    "document_name",
    "lot_names",
    "payload",
    "move_line_id",
    "sealed_date",
)
# The hash of rows sealed before the ledger had a seal (no txid): their
# formula, kept to verify them.
LEGACY_HASHED = (
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


def _canonical_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def entry_hash(previous_hash, row):
    """SHA-256 over the previous hash and the canonical row (``HASHED`` keys,
    the values as PostgreSQL returns them: datetimes in ISO format)."""
    if row.get("txid") is None:
        return legacy_entry_hash(previous_hash, row)
    content = canonical_json({key: _canonical_value(row[key]) for key in HASHED})
    return hashlib.sha256((previous_hash + content).encode()).hexdigest()


def legacy_entry_hash(previous_hash, row):
    """The hash of entries chained when they were appended (before the seal)."""
    entry = {key: row[key] for key in LEGACY_HASHED}
    entry["date"] = fields.Datetime.to_string(entry["date"])
    content = canonical_json(entry)
    return hashlib.sha256((previous_hash + content).encode()).hexdigest()


def parse_anchors(text):
    """Anchor lines found anywhere in ``text`` (an anchor file, a pasted mail):
    ``[{"db", "company_id", "sequence", "hash", "sealed"}]``."""
    return [
        {
            "db": match["db"],
            "company_id": int(match["company"]),
            "sequence": int(match["sequence"]),
            "hash": match["hash"],
            "sealed": match["sealed"],
        }
        for match in ANCHOR_RE.finditer(text or "")
    ]


class StockLotLedger(models.AbstractModel):
    _name = "stock.lot.ledger"
    _description = "Lot Audit Trail Ledger"

    # ------------------------------------------------------------- appending
    @api.model
    def _append_many(self, entries):
        """Insert unsealed events; no lock, no read of the chain. Each entry: a
        dict with ``event_type`` and optional ``lots``, ``document``,
        ``payload``, ``company``, ``move_line_id``, ``date``."""
        Event = self.env["stock.lot.event"]
        if not entries:
            return Event.browse()
        types = dict(Event._fields["event_type"].selection)
        now = fields.Datetime.to_string(fields.Datetime.now())
        rows = []
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
            rows.append(
                {
                    "company_id": company.id,
                    "date": entry.get("date") or now,
                    "user_id": self.env.uid,
                    "event_type": entry["event_type"],
                    "res_model": document._name if document else None,
                    "res_id": document.id if document else None,
                    "document_name": (document.sudo().display_name or None)
                    if document
                    else None,
                    "lot_names": ", ".join(name or "" for name in lots.mapped("name"))
                    or None,
                    "payload": canonical_json(payload),
                    "move_line_id": entry.get("move_line_id"),
                    "lot_ids": lots.ids,
                }
            )
        ids = []
        for start in range(0, len(rows), BATCH):
            ids += self._insert_rows(rows[start : start + BATCH])
            if len(rows) > BATCH:
                _logger.info(
                    "Audit trail: %s/%s events written",
                    min(start + BATCH, len(rows)),
                    len(rows),
                )
        Event.invalidate_model()
        return Event.browse(ids)

    def _insert_rows(self, rows):
        """One INSERT … SELECT FROM unnest(…) for the rows, one for their lots.
        ``txid`` comes from the column's default (the appending transaction)."""
        cr = self.env.cr
        uid = self.env.uid
        cr.execute(
            SQL(
                """
                INSERT INTO stock_lot_event (
                    company_id, date, user_id, event_type, res_model, res_id,
                    document_name, lot_names, payload, move_line_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT c, d, u, t, m, r, n, l, p, ml, %(uid)s,
                       now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM unnest(%(c)s::int[], %(d)s::timestamp[], %(u)s::int[],
                              %(t)s::varchar[], %(m)s::varchar[], %(r)s::int[],
                              %(n)s::varchar[], %(l)s::varchar[], %(p)s::text[],
                              %(ml)s::int[])
                       WITH ORDINALITY AS x(c, d, u, t, m, r, n, l, p, ml, o)
                 ORDER BY o
                RETURNING id
                """,
                uid=uid,
                c=[row["company_id"] for row in rows],
                d=[row["date"] for row in rows],
                u=[row["user_id"] for row in rows],
                t=[row["event_type"] for row in rows],
                m=[row["res_model"] for row in rows],
                r=[row["res_id"] for row in rows],
                n=[row["document_name"] for row in rows],
                l=[row["lot_names"] for row in rows],
                p=[row["payload"] for row in rows],
                ml=[row["move_line_id"] for row in rows],
            )
        )
        ids = sorted(event_id for (event_id,) in cr.fetchall())
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

    # ---------------------------------------------------------------- sealing
    @api.model
    def _seal(self, include_current_transaction=False):
        """Chain every row no open transaction can still precede; returns
        ``{company_id: number of rows sealed}`` (empty when another seal runs).

        ``include_current_transaction`` also seals the rows of this very
        transaction: only for callers that are alone to append (the install
        hook's backfill, tests); a concurrent transaction that commits later
        is then sealed after them, which the chain allows but the ``(txid,
        id)`` order does not promise any more."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", SEAL_LOCK))
        if not cr.fetchone()[0]:
            _logger.info("Audit trail: another seal is running, skipped")
            return {}
        cr.execute(
            SQL(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
                "pg_current_xact_id_if_assigned()::text::bigint"
            )
        )
        horizon, own = cr.fetchone()
        ready = SQL("txid < %s", horizon)
        if include_current_transaction and own:
            ready = SQL("(txid < %s OR txid = %s)", horizon, own)
        cr.execute(
            SQL(
                "SELECT DISTINCT company_id FROM stock_lot_event "
                "WHERE sequence IS NULL AND %s ORDER BY company_id",
                ready,
            )
        )
        sealed = {}
        for (company_id,) in cr.fetchall():
            sealed[company_id] = self._seal_company(company_id, ready)
        if sealed:
            self.env["stock.lot.event"].invalidate_model()
            _logger.info("Audit trail sealed: %s", sealed)
        return sealed

    def _seal_company(self, company_id, ready):
        cr = self.env.cr
        sequence, previous = self._last_sealed(company_id)
        sealed_date = fields.Datetime.now()
        count, after = 0, (-1, 0)
        while True:
            cr.execute(
                SQL(
                    "SELECT %s FROM stock_lot_event WHERE company_id = %s "
                    "AND sequence IS NULL AND %s AND (txid, id) > (%s, %s) "
                    "ORDER BY txid, id LIMIT %s",
                    SQL(", ").join(SQL.identifier(c) for c in HASHED),
                    company_id,
                    ready,
                    after[0],
                    after[1],
                    SEAL_BATCH,
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            ids, sequences, links, hashes = [], [], [], []
            for row in rows:
                sequence += 1
                row["sequence"] = sequence
                row["sealed_date"] = sealed_date
                ids.append(row["id"])
                sequences.append(sequence)
                links.append(previous)
                previous = entry_hash(previous, row)
                hashes.append(previous)
            cr.execute(
                SQL(
                    "UPDATE stock_lot_event e SET sequence = x.s, "
                    "previous_hash = x.p, hash = x.h, sealed_date = %s "
                    "FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[])"
                    " AS x(i, s, p, h) WHERE e.id = x.i",
                    sealed_date,
                    ids,
                    sequences,
                    links,
                    hashes,
                )
            )
            count += len(rows)
            after = (rows[-1]["txid"], rows[-1]["id"])
            if count >= SEAL_BATCH:
                _logger.info(
                    "Audit trail of company %s: %s events sealed", company_id, count
                )
        cr.execute(
            SQL(
                "INSERT INTO %(head)s (company_id, sequence, hash, sealed_date) "
                "VALUES (%(c)s, %(s)s, %(h)s, %(d)s) ON CONFLICT (company_id) DO "
                "UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash, "
                "sealed_date = EXCLUDED.sealed_date",
                head=SQL.identifier(HEAD_TABLE),
                c=company_id,
                s=sequence,
                h=previous,
                d=sealed_date,
            )
        )
        return count

    def _last_sealed(self, company_id):
        """Where the next seal continues: the head the last seal recorded (so
        entries deleted at the end stay a visible gap), else the log."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT sequence, hash FROM %s WHERE company_id = %s",
                SQL.identifier(HEAD_TABLE),
                company_id,
            )
        )
        head = cr.fetchone()
        if head and head[0]:
            return head
        cr.execute(
            SQL(
                "SELECT sequence, hash FROM stock_lot_event WHERE company_id = %s "
                "AND sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1",
                company_id,
            )
        )
        return cr.fetchone() or (0, "")

    @api.model
    def _cron_seal(self):
        return self._seal()

    # ---------------------------------------------------------------- anchors
    @api.model
    def _heads(self, companies):
        """``{company_id: {"company", "sequence", "hash", "sealed_date",
        "pending"}}``: the last sealed entry of each chain and how many events
        wait for the next seal."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            SQL(
                "SELECT DISTINCT ON (company_id) company_id, sequence, hash, "
                "sealed_date FROM stock_lot_event WHERE company_id = ANY(%s) "
                "AND sequence IS NOT NULL ORDER BY company_id, sequence DESC",
                companies.ids,
            )
        )
        last = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            SQL(
                "SELECT company_id, count(*) FROM stock_lot_event "
                "WHERE company_id = ANY(%s) AND sequence IS NULL GROUP BY company_id",
                companies.ids,
            )
        )
        pending = dict(cr.fetchall())
        heads = {}
        for company in companies:
            sequence, hash_, sealed_date = last.get(company.id, (0, "", None))
            heads[company.id] = {
                "company": company.name,
                "sequence": sequence,
                "hash": hash_,
                "sealed_date": sealed_date and fields.Datetime.to_string(sealed_date),
                "pending": pending.get(company.id, 0),
            }
        return heads

    @api.model
    def _anchor_text(self, companies):
        """The anchor file: one line per company, parsed back by
        ``parse_anchors`` (any text that contains the lines will do)."""
        lines = [
            "# Lot traceability audit trail anchor: keep it outside the database.",
            f"# Exported {fields.Datetime.now()} UTC by {self.env.user.name}.",
        ]
        for company_id, head in self._heads(companies).items():
            if head["sequence"]:
                line = self._anchor_line(company_id, head)
                lines.append(f"{line}  # {head['company']}")
        return "\n".join(lines) + "\n"

    def _anchor_line(self, company_id, head):
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        sealed = (head["sealed_date"] or "").replace(" ", "T")
        return (
            f"{ANCHOR_PREFIX} db={uuid} company={company_id} "
            f"sequence={head['sequence']} hash={head['hash']} sealed={sealed}Z"
        )

    @api.model
    def _report_head(self, company):
        """The head printed on reports: ``{"sequence", "hash", "sealed_date",
        "anchor"}`` (the anchor line, as in the anchor file) or ``{}`` before
        the first seal."""
        head = self._heads(company)[company.id]
        if not head["sequence"]:
            return {}
        return dict(head, anchor=self._anchor_line(company.id, head))

    @api.model
    def _cron_send_anchors(self):
        """Seal, then mail each company's head (and the anchor file) to its
        configured Quality addresses; the sending is itself an event."""
        self._seal()
        companies = self.env["res.company"].search(
            [("lot_ledger_anchor_emails", "!=", False)]
        )
        for company in companies:
            head = self._report_head(company)
            if not head:
                continue
            text = self._anchor_text(company)
            mail = (
                self.env["mail.mail"]
                .sudo()
                .create(
                    {
                        "subject": _(
                            "Audit trail anchor of %(company)s: entry #%(sequence)s",
                            company=company.name,
                            sequence=head["sequence"],
                        ),
                        "email_from": company.email_formatted
                        or self.env.user.email_formatted,
                        "email_to": company.lot_ledger_anchor_emails,
                        "body_html": self._anchor_mail_body(company, head, text),
                        "attachment_ids": [
                            fields.Command.create(
                                {
                                    "name": f"audit-trail-anchor-{company.id}-"
                                    f"{head['sequence']}.txt",
                                    "datas": base64.b64encode(text.encode()),
                                    "mimetype": "text/plain",
                                }
                            )
                        ],
                    }
                )
            )
            self._append_many(
                [
                    {
                        "event_type": "anchor_sent",
                        "company": company,
                        "payload": {
                            "sequence": head["sequence"],
                            "hash": head["hash"],
                            "sealed_date": head["sealed_date"],
                            "email_to": company.lot_ledger_anchor_emails,
                            "mail_id": mail.id,
                        },
                    }
                ]
            )
        return companies

    def _anchor_mail_body(self, company, head, text):
        lines = "".join(
            f"<pre>{line}</pre>"
            for line in text.splitlines()
            if line.startswith(ANCHOR_PREFIX)
        )
        return _(
            "<p>The audit trail of %(company)s is sealed up to entry "
            "#%(sequence)s (hash %(hash)s, sealed %(date)s UTC).</p>"
            "<p>Keep this mail (or the attached anchor file) outside Odoo: paste "
            "it into <i>Verify Audit Trail</i> later to prove that no entry up to "
            "this one was deleted, edited or re-chained since.</p>%(lines)s",
            company=company.name,
            sequence=head["sequence"],
            hash=head["hash"],
            date=head["sealed_date"],
            lines=lines,
        )

    # ----------------------------------------------------------- verification
    @api.model
    def _verify(self, companies, anchors=None):
        """Recompute every chain; one result per company (see
        ``_verify_chain``). ``anchors``: text or parsed anchors."""
        if isinstance(anchors, str):
            anchors = parse_anchors(anchors)
        anchors = anchors or []
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        results = []
        for company in companies:
            mine = [
                anchor
                for anchor in anchors
                if anchor["company_id"] == company.id
                and (not anchor.get("db") or anchor["db"] == uuid)
            ]
            results.append(self._verify_chain(company, mine))
        return results

    def _verify_chain(self, company, anchors=()):
        """Walk the company's sealed chain in sequence order and report every
        break: an edited entry (its content no longer gives its hash), missing
        entries (a gap, or entries deleted at the end), a broken link (an
        entry does not follow the one before: reordered, replaced or
        re-chained), and each anchor the chain no longer matches (entries
        deleted or rewritten before it, then the rest re-chained).

        Result: ``company_id, company, ok, count, head_sequence, head_hash,
        head_date, pending, breaks`` (list of ``sequence, event_id, problem,
        message``; at most ``MAX_BREAKS``), ``break_count``, ``anchors`` (each
        anchor with ``ok`` and ``message``), and the first break as
        ``broken_sequence, broken_event_id, problem`` plus a summary
        ``message``."""
        cr = self.env.cr
        self.env.flush_all()
        breaks = []
        count = 0

        def broken(sequence, event_id, problem, message):
            if len(breaks) < MAX_BREAKS:
                breaks.append(
                    {
                        "sequence": sequence,
                        "event_id": event_id,
                        "problem": problem,
                        "message": message,
                    }
                )
            return 1

        break_count = 0
        expected, previous, head_date = 1, "", None
        last_sequence = 0
        columns = SQL(", ").join(
            SQL.identifier(c) for c in (*HASHED, "previous_hash", "hash")
        )
        while True:
            cr.execute(
                SQL(
                    "SELECT %s FROM stock_lot_event WHERE company_id = %s "
                    "AND sequence > %s ORDER BY sequence, id LIMIT %s",
                    columns,
                    company.id,
                    last_sequence,
                    VERIFY_BATCH,
                )
            )
            rows = cr.dictfetchall()
            if not rows:
                break
            for row in rows:
                sequence = row["sequence"]
                if sequence > expected:
                    break_count += broken(
                        expected,
                        False,
                        "missing",
                        _(
                            "Entry #%(expected)s is missing (next entry found: "
                            "#%(found)s): deleted or never written.",
                            expected=expected,
                            found=sequence,
                        )
                        if sequence == expected + 1
                        else _(
                            "Entries #%(expected)s to #%(last)s are missing (next "
                            "entry found: #%(found)s): deleted or never written.",
                            expected=expected,
                            last=sequence - 1,
                            found=sequence,
                        ),
                    )
                elif sequence < expected:
                    break_count += broken(
                        sequence,
                        row["id"],
                        "reordered",
                        _(
                            "Entry #%(sequence)s appears more than once.",
                            sequence=sequence,
                        ),
                    )
                elif row["previous_hash"] != previous:
                    break_count += broken(
                        sequence,
                        row["id"],
                        "reordered",
                        _(
                            "Entry #%(sequence)s does not follow entry #%(before)s "
                            "(previous hash differs): entries were reordered, "
                            "replaced or re-chained.",
                            sequence=sequence,
                            before=sequence - 1,
                        ),
                    )
                if entry_hash(row["previous_hash"] or "", row) != row["hash"]:
                    break_count += broken(
                        sequence,
                        row["id"],
                        "edited",
                        _(
                            "Entry #%(sequence)s was altered after it was sealed "
                            "(its content no longer matches its hash).",
                            sequence=sequence,
                        ),
                    )
                count += 1
                previous = row["hash"]
                head_date = row["sealed_date"]
                expected = max(expected, sequence + 1)
            last_sequence = rows[-1]["sequence"]
        head_sequence = expected - 1
        cr.execute(
            SQL(
                "SELECT sequence FROM %s WHERE company_id = %s",
                SQL.identifier(HEAD_TABLE),
                company.id,
            )
        )
        head = cr.fetchone()
        if head and head[0] > head_sequence:
            break_count += broken(
                head_sequence + 1,
                False,
                "missing",
                _(
                    "Entries #%(first)s to #%(last)s are missing at the end of the "
                    "chain (deleted).",
                    first=head_sequence + 1,
                    last=head[0],
                ),
            )
        checked = []
        for anchor in sorted(anchors, key=lambda a: a["sequence"]):
            checked.append(self._check_anchor(company, anchor))
            if not checked[-1]["ok"]:
                break_count += broken(
                    anchor["sequence"],
                    checked[-1]["event_id"],
                    "anchor",
                    checked[-1]["message"],
                )
        cr.execute(
            SQL(
                "SELECT count(*) FROM stock_lot_event "
                "WHERE company_id = %s AND sequence IS NULL",
                company.id,
            )
        )
        pending = cr.fetchone()[0]
        first = breaks[0] if breaks else {}
        if not break_count:
            message = _("Chain intact.")
            if checked:
                message = _(
                    "Chain intact and matching %(count)s anchor(s).",
                    count=len(checked),
                )
        elif break_count == 1:
            message = first["message"]
        else:
            message = _(
                "%(count)s breaks; the first: %(first)s",
                count=break_count,
                first=first["message"],
            )
        return {
            "company_id": company.id,
            "company": company.name,
            "ok": not break_count,
            "count": count,
            "head_sequence": head_sequence,
            "head_hash": previous,
            "head_date": head_date and fields.Datetime.to_string(head_date),
            "pending": pending,
            "breaks": breaks,
            "break_count": break_count,
            "anchors": checked,
            "broken_sequence": first.get("sequence", False),
            "broken_event_id": first.get("event_id", False),
            "problem": first.get("problem", False),
            "message": message,
        }

    def _check_anchor(self, company, anchor):
        """Does the chain still hold the anchored entry with the anchored hash?"""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, hash FROM stock_lot_event "
                "WHERE company_id = %s AND sequence = %s ORDER BY id LIMIT 1",
                company.id,
                anchor["sequence"],
            )
        )
        row = cr.fetchone()
        result = dict(anchor, ok=False, event_id=row[0] if row else False)
        sealed = anchor.get("sealed") or "?"
        if not row:
            result["message"] = _(
                "Anchor of %(sealed)s: entry #%(sequence)s no longer exists: the "
                "chain was cut or rebuilt shorter since it was anchored.",
                sealed=sealed,
                sequence=anchor["sequence"],
            )
        elif row[1] != anchor["hash"]:
            result["message"] = _(
                "Anchor of %(sealed)s: entry #%(sequence)s has hash %(found)s, the "
                "anchor says %(anchored)s: entries up to it were deleted, edited "
                "or re-chained since it was anchored.",
                sealed=sealed,
                sequence=anchor["sequence"],
                found=row[1],
                anchored=anchor["hash"],
            )
        else:
            result.update(
                ok=True,
                message=_(
                    "Anchor of %(sealed)s: entry #%(sequence)s matches.",
                    sealed=sealed,
                    sequence=anchor["sequence"],
                ),
            )
        return result

    @api.model
    def _cron_verify(self):
        """Weekly: verify every company's chain; log and keep the result."""
        results = self._verify(self.env["res.company"].search([]))
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
                    "Audit trail of %s BROKEN (%s breaks), first at entry #%s: %s",
                    result["company"],
                    result["break_count"],
                    result["broken_sequence"],
                    result["message"],
                )
        self.env["ir.config_parameter"].sudo().set_param(
            LAST_VERIFICATION_PARAM,
            canonical_json({"date": fields.Datetime.now(), "results": results}),
        )
        return results

    # ----------------------------------------------------------------- rights
    @api.model
    def _check_auditor(self):
        if not self.env.user.has_group(AUDITOR_GROUP):
            raise AccessError(
                _(
                    "The audit trail is reserved to the Traceability roles (Auditor, "
                    "User, Quality Manager)."
                )
            )

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Traceability Quality Manager can seal the audit trail now.")
            )
