# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The tamper-evident audit trail of lots: ``stock.lot.event``, the record.

Appending, sealing, anchoring and verifying live in the ledger service
(``models/stock_lot_ledger.py``, ``stock.lot.ledger``); this model keeps the
fields, the append-only guards (ORM and database trigger) and the buttons.

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
batch. An appended event has no ``sequence`` and no ``hash`` until the next
seal chains it (``stock.lot.ledger._seal``, every few minutes): appending
takes no lock.

The database trigger refuses DELETE and TRUNCATE, and any UPDATE of a column
the hash covers; the only UPDATE it lets through is the seal filling
``sequence``, ``previous_hash``, ``hash`` and ``sealed_date`` of a row not
sealed yet (and, for upgrades, columns added later).
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .stock_lot_ledger import (  # noqa: F401 (imported from here by others)
    HEAD_TABLE,
    LAST_VERIFICATION_PARAM,
    MANAGER_GROUP,
    canonical_json,
    entry_hash,
)

TRIGGER = "stock_lot_event_append_only"
TRIGGER_FUNCTION = "stock_lot_event_append_only_fn"
STATEMENT_TRIGGER = "stock_lot_event_no_delete"
STATEMENT_TRIGGER_FUNCTION = "stock_lot_event_no_delete_fn"
SEQUENCE_INDEX = "stock_lot_event_company_sequence_uniq"
MOVE_LINE_INDEX = "stock_lot_event_move_line_index"
PENDING_INDEX = "stock_lot_event_pending_index"
# Columns nobody may change once written (the trigger compares OLD and NEW).
IMMUTABLE = (
    "id",
    "company_id",
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
    "create_uid",
    "create_date",
)
# Columns the seal fills once.
SEALED = ("sequence", "previous_hash", "hash", "sealed_date")

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
    ("line_edited", "Done line edited"),
    ("counted", "Counted"),
    ("imported", "Imported history"),
    ("hold_placed", "Hold placed"),
    ("hold_released", "Hold released"),
    ("hold_rejected", "Hold rejected"),
    ("recall_run", "Recall run"),
    ("recall_completed", "Recall completed"),
    ("recall_customer_verified", "Recall customer verified"),
    ("recall_notice_sent", "Recall notice sent"),
    ("numbering_rule_changed", "Numbering rule changed"),
    ("anchor_sent", "Anchor sent"),
]


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
    _order = "company_id, sequence desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="restrict"
    )
    sequence = fields.Integer(
        readonly=True,
        aggregator=False,
        help="Position in the company's chain, given by the seal (empty until "
        "then).",
    )
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
    sealed_date = fields.Datetime(
        readonly=True, help="When the seal chained this event (empty: pending)."
    )

    @api.depends("sequence", "event_type", "lot_names")
    def _compute_display_name(self):
        types = dict(EVENT_TYPES)
        for event in self:
            number = f"#{event.sequence}" if event.sequence else _("(pending)")
            event.display_name = (
                f"{number} {types.get(event.event_type, '')} "
                f"{event.lot_names or ''}".strip()
            )

    def init(self):
        """The append-only guards, the seal's columns and indexes (install and
        every update; upgrades of the column set go through, see IMMUTABLE)."""
        cr = self.env.cr

        def same(columns):
            return SQL(" AND ").join(
                SQL("OLD.%s IS NOT DISTINCT FROM NEW.%s", *[SQL.identifier(c)] * 2)
                for c in columns
            )

        unchanged, seal_unchanged = same(IMMUTABLE), same(SEALED)
        cr.execute(
            SQL(
                """
                ALTER TABLE stock_lot_event ADD COLUMN IF NOT EXISTS txid bigint;
                ALTER TABLE stock_lot_event ALTER COLUMN txid
                    SET DEFAULT pg_current_xact_id()::text::bigint;
                CREATE TABLE IF NOT EXISTS %(head)s (
                    company_id integer PRIMARY KEY
                        REFERENCES res_company(id) ON DELETE RESTRICT,
                    sequence integer NOT NULL DEFAULT 0,
                    hash varchar NOT NULL DEFAULT ''
                );
                ALTER TABLE %(head)s ADD COLUMN IF NOT EXISTS sealed_date timestamp;
                CREATE UNIQUE INDEX IF NOT EXISTS %(seq_index)s
                    ON stock_lot_event (company_id, sequence);
                CREATE INDEX IF NOT EXISTS %(line_index)s
                    ON stock_lot_event (move_line_id) WHERE move_line_id IS NOT NULL;
                CREATE INDEX IF NOT EXISTS %(pending_index)s
                    ON stock_lot_event (company_id, txid, id) WHERE sequence IS NULL;
                CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger AS $$
                BEGIN
                    IF NOT (%(unchanged)s) OR (OLD.hash IS NOT NULL
                                               AND NOT (%(seal_unchanged)s)) THEN
                        RAISE EXCEPTION USING
                            MESSAGE = 'stock_lot_event is append-only: UPDATE of '
                                || 'event ' || OLD.id || ' refused',
                            ERRCODE = 'insufficient_privilege';
                    END IF;
                    RETURN NEW;
                END;
                $$ LANGUAGE plpgsql;
                CREATE OR REPLACE FUNCTION %(statement_function)s() RETURNS trigger
                AS $$
                BEGIN
                    RAISE EXCEPTION USING
                        MESSAGE = 'stock_lot_event is append-only: ' || TG_OP
                            || ' refused',
                        ERRCODE = 'insufficient_privilege';
                END;
                $$ LANGUAGE plpgsql;
                DROP TRIGGER IF EXISTS %(trigger)s ON stock_lot_event;
                CREATE TRIGGER %(trigger)s BEFORE UPDATE ON stock_lot_event
                    FOR EACH ROW EXECUTE FUNCTION %(function)s();
                DROP TRIGGER IF EXISTS %(statement_trigger)s ON stock_lot_event;
                CREATE TRIGGER %(statement_trigger)s BEFORE DELETE OR TRUNCATE
                    ON stock_lot_event
                    FOR EACH STATEMENT EXECUTE FUNCTION %(statement_function)s();
                """,
                head=SQL.identifier(HEAD_TABLE),
                seq_index=SQL.identifier(SEQUENCE_INDEX),
                line_index=SQL.identifier(MOVE_LINE_INDEX),
                pending_index=SQL.identifier(PENDING_INDEX),
                function=SQL.identifier(TRIGGER_FUNCTION),
                statement_function=SQL.identifier(STATEMENT_TRIGGER_FUNCTION),
                trigger=SQL.identifier(TRIGGER),
                statement_trigger=SQL.identifier(STATEMENT_TRIGGER),
                unchanged=unchanged,
                seal_unchanged=seal_unchanged,
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
    def action_verify_audit_trail(self, anchors=None):
        """Verify the chains of the user's companies (against the anchors
        given, if any) and show the result."""
        self._check_auditor()
        return self.env["stock.lot.event.verification"]._open(
            self.env.companies, anchors
        )

    @api.model
    def action_seal_now(self):
        """Seal what can be sealed now (Quality Manager), then show the heads."""
        ledger = self.env["stock.lot.ledger"]
        ledger._check_manager()
        sealed = ledger.sudo()._seal()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Audit trail sealed"),
                "message": _(
                    "%(count)s event(s) sealed. Events of transactions still "
                    "running are sealed by the next run.",
                    count=sum(sealed.values()),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def get_head_hash(self):
        """Public API: ``{company_id: {"company", "sequence", "hash",
        "sealed_date", "pending"}}`` for the user's allowed companies: the
        sealed head to anchor outside the database."""
        self._check_auditor()
        return self.env["stock.lot.ledger"]._heads(self.env.companies)

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

    # ------------------------------------------- the ledger's entry points
    def _check_auditor(self):
        self.env["stock.lot.ledger"]._check_auditor()

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
        """Append events (unsealed, without any lock); see the module docstring."""
        return self.env["stock.lot.ledger"]._append_many(entries)

    @api.model
    def _verify_chains(self, companies, anchors=None):
        return self.env["stock.lot.ledger"]._verify(companies, anchors)

    @api.model
    def _verify_chain(self, company, anchors=None):
        return self.env["stock.lot.ledger"]._verify(company, anchors)[0]

    @api.model
    def _cron_verify_audit_trail(self):
        return self.env["stock.lot.ledger"]._cron_verify()

    @api.model
    def _backfill_imported(self):
        """The installation's backfill (``hooks.backfill_imported``)."""
        from ..hooks import backfill_imported  # the hooks import the models

        return backfill_imported(self.env)
