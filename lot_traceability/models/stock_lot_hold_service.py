# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The hold service: the only code that changes which lots are held, and the
one rule book of where stock of a held lot may go.

Placing, deciding (signed), automatic holds, quarantine moves and supplier
returns run here with ``_service_env``: superuser mode *and* the context key
``HOLD_CONTEXT_KEY``. The write guards of ``stock.lot.hold``, ``stock.lot``,
``stock.quant`` and ``stock.move.line`` let nothing else through.

``_move_permitted`` is the rule book, used by reservation (``_gather``), move
lines (chosen, picked, created done), validation (``_action_done``) and quants.
"""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_is_zero

from .lt_groups import MANAGER_GROUP

HOLD_CONTEXT_KEY = "lt_hold_service"

DISPOSITIONS = [
    ("scrap", "Scrap"),
    ("return", "Return to supplier"),
    ("rework", "Rework"),
    ("keep", "Keep held"),
]
# Dispositions after which the lots stay blocked (except for the permitted
# destinations).
BLOCKING_DISPOSITIONS = ("return", "keep")


class StockLotHoldService(models.AbstractModel):
    _name = "stock.lot.hold.service"
    _description = "Quality Hold Service"

    # ------------------------------------------------------------ service env
    @api.model
    def _service_env(self, records):
        """``records`` as the service writes them: superuser and the key."""
        return records.sudo().with_context(**{HOLD_CONTEXT_KEY: True})

    @api.model
    def _is_service(self, env=None):
        env = env or self.env
        return bool(env.su and env.context.get(HOLD_CONTEXT_KEY))

    @api.model
    def _check_group(self, group, holds=None):
        if not self.env.user.has_group(group):
            label = _("Quality Manager") if group == MANAGER_GROUP else _("User")
            raise AccessError(
                _(
                    "Only the Traceability role %(role)s can do this on holds "
                    "%(holds)s.",
                    role=label,
                    holds=", ".join(holds.mapped("name")) if holds else "",
                )
            )

    @api.model
    def _lock_lots(self, lots, share=False):
        """Row locks on the lots: holds take them FOR UPDATE, moves FOR SHARE, so a
        validation and the placing of a hold on the same lot never interleave."""
        if not lots:
            return
        mode = SQL("FOR SHARE") if share else SQL("FOR UPDATE")
        self.env.cr.execute(
            SQL(
                "SELECT id FROM stock_lot WHERE id = ANY(%s) ORDER BY id %s",
                lots.ids,
                mode,
            )
        )

    # ------------------------------------------------------------ held lots
    @api.model
    def _blocking_holds(self, lot, company):
        """Blocking holds of ``company`` on ``lot`` (every company's when
        ``company`` is empty: stock of a location without company)."""
        holds = lot.sudo().hold_ids.filtered("is_blocking")
        if company:
            holds = holds.filtered(lambda hold: hold.company_id == company)
        return holds.with_env(self.env)

    @api.model
    def _is_held(self, lot, company):
        # hold_state (stored, indexed) says whether any company holds the lot
        return (
            bool(lot)
            and lot.sudo().hold_state == "held"
            and bool(self._blocking_holds(lot, company))
        )

    # ------------------------------------------------------------ rule book
    @api.model
    def _quarantines(self, company):
        domain = [("lot_quarantine_location_id", "!=", False)]
        if company:
            domain.append(("company_id", "=", company.id))
        warehouses = (
            self.env["stock.warehouse"]
            .sudo()
            .with_context(active_test=False)
            .search(domain)
        )
        # a quarantine that is not an internal location (a misconfiguration)
        # would turn "into quarantine" into shipping
        return warehouses.lot_quarantine_location_id.filtered(
            lambda location: location.usage == "internal"
        )

    @staticmethod
    def _under(location, parents):
        path = location.parent_path or ""
        return any(path.startswith(parent.parent_path) for parent in parents)

    @api.model
    def _move_permitted(self, lot, source, destination, move=None, company=None):
        """May stock of ``lot`` (held for ``company``) go from ``source`` to
        ``destination`` on ``move``? The README lists these rules."""
        if self._is_service():
            return True
        source, destination = source.sudo(), destination.sudo()
        company = company or (move and move.company_id) or source.company_id
        quarantines = self._quarantines(company)
        if source.scrap_location:
            return False  # scrap is terminal
        if (
            move
            and move.is_inventory
            and {source.usage, destination.usage}
            == {
                "internal",
                "inventory",
            }
        ):
            return not destination.scrap_location or not self._under(
                source, quarantines
            )  # counting (found or lost)
        in_quarantine = self._under(source, quarantines)
        if in_quarantine and not self._under(destination, quarantines):
            return self._is_supplier_return(lot, move) and self._is_service_transfer(
                lot, move
            )
        if self._under(destination, quarantines) or destination == source:
            return True
        if destination.scrap_location:
            return True
        if destination.usage == "internal" and source.usage in (
            "supplier",
            "production",
            "customer",
            "transit",
        ):
            return True  # arriving: receipt, production output, customer return
        if destination.usage == "supplier":
            return self._is_supplier_return(lot, move)
        if destination.usage == "internal" and move:
            warehouse = (
                move.warehouse_id
                or move.picking_type_id.warehouse_id
                or source.warehouse_id
            )
            extras = warehouse.sudo().lot_hold_location_ids.filtered(
                lambda location: location.usage == "internal"
            )
            return self._under(destination, extras)
        return False

    @api.model
    def _is_supplier_return(self, lot, move):
        """A return of the receipt this lot came in on, to the lot's own
        supplier, through Odoo's return flow."""
        if not move or not lot.supplier_id:
            return False
        move = move.sudo()
        origin = move.origin_returned_move_id
        supplier = lot.supplier_id.commercial_partner_id
        partner = move.picking_id.partner_id or move.partner_id
        return bool(
            origin
            and origin.state == "done"
            and origin.location_id.usage == "supplier"
            and lot in origin.move_line_ids.lot_id
            and origin.picking_id.partner_id.commercial_partner_id == supplier
            and partner.commercial_partner_id == supplier
        )

    @api.model
    def _is_service_transfer(self, lot, move):
        """The transfer was made by the hold service for a hold on ``lot``."""
        holds = self._blocking_holds(lot, move.company_id).sudo()
        return bool(move.picking_id) and move.picking_id in holds.picking_ids

    @api.model
    def _refusal(self, lots, destination=None, company=None):
        """The refusal for held lots: lot, hold, reason, who placed it."""
        lines = []
        for lot in lots:
            for hold in self._blocking_holds(lot, company).sudo():
                lines.append(
                    _(
                        "Lot %(lot)s (%(product)s) is on hold %(hold)s: %(reason)s, "
                        "placed by %(user)s on %(date)s.",
                        lot=lot.name,
                        product=lot.product_id.display_name,
                        hold=hold.name,
                        reason=hold.reason_id.name,
                        user=hold.placed_by_id.name or "",
                        date=fields.Datetime.to_string(hold.placed_date) or "",
                    )
                )
        intro = (
            _(
                "Held lots cannot go to %(location)s.",
                location=destination.sudo().display_name,
            )
            if destination
            else _("Held lots cannot be used.")
        )
        advice = _(
            "Ask Quality to release the hold, or move the lot to quarantine, scrap it "
            "or return it to its supplier."
        )
        return "\n".join([intro, *lines, advice])

    @api.model
    def _check_lines(self, lines):
        """Refuse move lines that take a held lot where holds forbid."""
        refused = lines.filtered(lambda line: line._lt_hold_restricted())
        if not refused:
            return
        by_destination = defaultdict(lambda: self.env["stock.lot"])
        for line in refused:
            by_destination[line.location_dest_id, line.company_id] |= line.lot_id
        raise UserError(
            "\n\n".join(
                self._refusal(lots, destination, company)
                for (destination, company), lots in by_destination.items()
            )
        )

    # ------------------------------------------------------------ placing
    @api.model
    def _place(self, holds, user=None):
        """Activate draft holds (callers check rights)."""
        holds._check_company()
        self._lock_lots(holds.lot_ids)
        now = fields.Datetime.now()
        for hold in holds:
            if not hold.lot_ids:
                raise UserError(_("Hold %(hold)s has no lot to hold.", hold=hold.name))
            if hold.state != "draft":
                raise UserError(_("Hold %(hold)s is already placed.", hold=hold.name))
            self._service_env(hold).write(
                {
                    "state": "active",
                    "placed_by_id": (user or self.env.user).id,
                    "placed_date": now,
                }
            )
        self._block_now(holds)
        holds._notify_quality_team()
        self.env["stock.lot.event"]._append_many(
            [
                {
                    "event_type": "hold_placed",
                    "lots": hold.lot_ids,
                    "document": hold,
                    "company": hold.company_id,
                    "payload": {
                        "hold": hold.name,
                        "reason": hold.reason_id.code,
                        "description": hold.description or None,
                        "placed_by_id": hold.placed_by_id.id,
                        "placed_date": fields.Datetime.to_string(hold.placed_date),
                    },
                }
                for hold in holds
            ]
        )
        return holds

    @api.model
    def _hold_lots(self, lots, reason_xmlid, description, user=None):
        """Automatic holds (receipt quarantine, expiry, recalls): one per
        company; a lot without company is held for the current company."""
        reason = self.env.ref(reason_xmlid)
        Hold = self.env["stock.lot.hold"]
        holds = Hold.browse()
        for company, company_lots in lots.grouped("company_id").items():
            company = company or self.env.company
            hold = (
                self._service_env(Hold)
                .with_company(company)
                .create(
                    {
                        "lot_ids": [fields.Command.set(company_lots.ids)],
                        "reason_id": reason.id,
                        "description": description,
                        "company_id": company.id,
                    }
                )
            )
            holds |= hold
        self._place(holds.with_env(self._service_env(Hold).env), user=user)
        return holds.with_env(self.env)

    @api.model
    def _block_now(self, holds):
        """Make the block effective at once: store the lots' hold state and remove
        the reservations a held lot may no longer keep."""
        self._service_env(holds.lot_ids)._compute_hold_state()
        self.env.flush_all()
        lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", holds.lot_ids.ids),
                    ("state", "not in", ("done", "cancel")),
                ]
            )
        )
        lines = lines.filtered(lambda line: line._lt_hold_restricted())
        if not lines:
            return
        by_document = defaultdict(lambda: self.env["stock.lot"])
        for line in lines:
            document = line.picking_id or line.move_id.raw_material_production_id
            by_document[document] |= line.lot_id
        moves = lines.move_id
        lines.unlink()
        moves._recompute_state()
        for document, lots in by_document.items():
            if not document:
                continue
            related = holds.filtered(lambda h, lots=lots: h.lot_ids & lots)
            # a system note on the affected document (the placer may not be
            # allowed to post on manufacturing orders)
            document.sudo().message_post(
                body=_(
                    "Reservation of lot %(lots)s removed: hold %(holds)s (%(reason)s) "
                    "placed by %(user)s.",
                    lots=", ".join(lots.mapped("name")),
                    holds=", ".join(related.mapped("name")),
                    reason=", ".join(related.reason_id.mapped("name")),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------ deciding
    @api.model
    def _decide(
        self,
        hold,
        decision,
        note,
        disposition=False,
        password=None,
        expected_digest=None,
    ):
        """Release or reject ``hold``, signed by the current user with
        ``password`` (checked here, never stored)."""
        hold.ensure_one()
        self._check_group(MANAGER_GROUP, hold)
        user = self.env.user
        if hold.state != "active":
            raise UserError(
                _(
                    "Hold %(hold)s is %(state)s: only an active hold can be decided.",
                    hold=hold.name,
                    state=dict(hold._fields["state"].selection)[hold.state],
                )
            )
        if hold.company_id.lot_hold_four_eyes and hold.placed_by_id == user:
            raise UserError(
                _(
                    "Four eyes: %(user)s placed hold %(hold)s and cannot also decide "
                    "it. Another Quality Manager must release or reject it.",
                    user=user.name,
                    hold=hold.name,
                )
            )
        if not isinstance(note, str) or not note.strip():
            raise UserError(
                _("Write the reason for the decision on hold %(hold)s.", hold=hold.name)
            )
        if decision == "release":
            meaning = _("Released")
            disposition = False
        elif decision == "reject":
            if disposition not in dict(DISPOSITIONS):
                raise UserError(
                    _(
                        "Choose what happens to the lots of rejected hold %(hold)s "
                        "(scrap, return to supplier, rework, keep held).",
                        hold=hold.name,
                    )
                )
            meaning = _(
                "Rejected: %(disposition)s",
                disposition=dict(DISPOSITIONS)[disposition].lower(),
            )
        else:
            raise UserError(
                _(
                    "Unknown decision %(decision)r on hold %(hold)s: release or "
                    "reject.",
                    decision=decision,
                    hold=hold.name,
                )
            )
        if disposition == "return":
            self._check_suppliers(hold)
        hold._signature_verify(password, expected_digest)
        self._lock_lots(hold.lot_ids)
        now = fields.Datetime.now()
        self._service_env(hold).write(
            {
                "state": "released" if decision == "release" else "rejected",
                "disposition": disposition,
                "decided_by_id": user.id,
                "decided_date": now,
                "decision_note": note.strip(),
            }
        )
        hold._signature_stamp(meaning)
        self._service_env(hold.lot_ids)._compute_hold_state()
        if disposition == "scrap":
            self._scrap_stock(hold)
        elif disposition == "return":
            self._return_to_suppliers(hold)
        hold.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        self.env["stock.lot.event"]._append(
            "hold_released" if hold.state == "released" else "hold_rejected",
            lots=hold.lot_ids,
            document=hold,
            company=hold.company_id,
            payload={
                "hold": hold.name,
                "reason": hold.reason_id.code,
                "disposition": hold.disposition or None,
                "decision_note": hold.decision_note,
                "signature_name": hold.signature_name,
                "signature_user_id": hold.signature_user_id.id,
                "signature_date": fields.Datetime.to_string(hold.signature_date),
                "signature_meaning": hold.signature_meaning,
                "signature_hash": hold.signature_hash,
            },
        )
        hold.message_post(
            body=_(
                "%(meaning)s by %(user)s on %(date)s (electronic signature, password "
                "re-entered). Note: %(note)s",
                meaning=meaning,
                user=user.name,
                date=fields.Datetime.to_string(now),
                note=note.strip(),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return hold

    @api.model
    def _check_suppliers(self, hold):
        missing = hold.lot_ids.filtered(lambda lot: not lot.supplier_id)
        if missing:
            raise UserError(
                _(
                    "Lots %(lots)s of hold %(hold)s have no supplier to return them "
                    "to: set the supplier on the lot, or choose another disposition.",
                    lots=", ".join(missing.mapped("display_name")),
                    hold=hold.name,
                )
            )

    # ------------------------------------------------------------ stock
    @api.model
    def _internal_quants(self, hold):
        """The stock this hold acts on: internal quants of its company."""
        return (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", hold.lot_ids.ids),
                    ("location_id.usage", "=", "internal"),
                    ("company_id", "=", hold.company_id.id),
                    ("quantity", ">", 0),
                ]
            )
        )

    @api.model
    def _scrap_stock(self, hold):
        service = self._service_env(self.env["stock.scrap"])
        scraps = service.browse()
        for quant in self._internal_quants(hold):
            scrap = service.create(
                {
                    "product_id": quant.product_id.id,
                    "product_uom_id": quant.product_uom_id.id,
                    "lot_id": quant.lot_id.id,
                    "package_id": quant.package_id.id,
                    "scrap_qty": quant.quantity,
                    "location_id": quant.location_id.id,
                    "company_id": hold.company_id.id,
                    "origin": hold.name,
                }
            )
            scrap.do_scrap()
            scraps |= scrap
        self._service_env(hold).scrap_ids = [
            fields.Command.link(scrap.id) for scrap in scraps
        ]
        return scraps

    @api.model
    def _line_vals(self, move, quant, destination, whole_packages):
        """A move line taking exactly this quant's free quantity (package
        included: moved whole when all of it moves)."""
        package = quant.package_id
        return {
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": quant.product_id.id,
            "product_uom_id": quant.product_id.uom_id.id,
            "lot_id": quant.lot_id.id,
            "location_id": quant.location_id.id,
            "location_dest_id": destination.id,
            "package_id": package.id,
            "result_package_id": package.id if package in whole_packages else False,
            "quantity": quant.quantity - quant.reserved_quantity,
            "picked": True,
        }

    @api.model
    def _whole_packages(self, quants):
        """Packages all of whose content is among ``quants``."""
        packages = quants.package_id
        return packages.filtered(
            lambda package: not (package.sudo().quant_ids.filtered("quantity") - quants)
        )

    @api.model
    def _free_quants(self, quants):
        return quants.filtered(
            lambda q: float_compare(
                q.quantity,
                q.reserved_quantity,
                precision_rounding=q.product_uom_id.rounding,
            )
            > 0
        )

    @api.model
    def _move_to_quarantine(self, hold):
        """Move the hold's stock outside quarantine into the quarantine location
        of its warehouse: one validated transfer per source location."""
        hold.ensure_one()
        groups = defaultdict(lambda: self.env["stock.quant"])
        for quant in self._free_quants(self._internal_quants(hold)):
            warehouse = quant.location_id.warehouse_id
            quarantine = warehouse.lot_quarantine_location_id
            if not quarantine or self._under(quant.location_id, quarantine):
                continue
            groups[warehouse, quant.location_id] |= quant
        if not groups:
            raise UserError(
                _(
                    "No stock of hold %(hold)s is outside quarantine: nothing to move.",
                    hold=hold.name,
                )
            )
        Picking = self._service_env(self.env["stock.picking"])
        pickings = Picking.browse()
        for (warehouse, location), quants in groups.items():
            quarantine = warehouse.lot_quarantine_location_id
            picking = Picking.create(
                {
                    "picking_type_id": warehouse.int_type_id.id,
                    "location_id": location.id,
                    "location_dest_id": quarantine.id,
                    "origin": hold.name,
                    "company_id": hold.company_id.id,
                }
            )
            self._add_moves(picking, quants, quarantine)
            picking.with_context(skip_backorder=True).button_validate()
            pickings |= picking
        self._service_env(hold).picking_ids = [
            fields.Command.link(p.id) for p in pickings
        ]
        hold.message_post(
            body=_(
                "Stock moved to quarantine: %(pickings)s.",
                pickings=", ".join(pickings.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return pickings

    @api.model
    def _add_moves(self, picking, quants, destination, origin_move=None):
        whole = self._whole_packages(quants)
        Move = self._service_env(self.env["stock.move"])
        for product, product_quants in quants.grouped("product_id").items():
            qty = sum(q.quantity - q.reserved_quantity for q in product_quants)
            move = Move.create(
                {
                    "name": picking.origin or picking.name,
                    "picking_id": picking.id,
                    "product_id": product.id,
                    "product_uom": product.uom_id.id,
                    "product_uom_qty": qty,
                    "location_id": picking.location_id.id,
                    "location_dest_id": destination.id,
                    "company_id": picking.company_id.id,
                    "origin_returned_move_id": origin_move.id if origin_move else False,
                }
            )
            move._action_confirm()
            move.move_line_ids.unlink()
            self.env["stock.move.line"].sudo().with_context(
                **{HOLD_CONTEXT_KEY: True}
            ).create(
                [
                    self._line_vals(move, quant, destination, whole)
                    for quant in product_quants
                ]
            )
            move.picked = True

    @api.model
    def _receipt_moves(self, lot):
        """Done receipt moves of ``lot`` from its own supplier, oldest first."""
        supplier = lot.supplier_id.commercial_partner_id
        lines = (
            self.env["stock.move.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("state", "=", "done"),
                    ("location_id.usage", "=", "supplier"),
                    ("picking_id.partner_id", "child_of", supplier.id),
                ],
                order="date, id",
            )
        )
        return lines.move_id

    @api.model
    def _return_to_suppliers(self, hold):
        """Returns through Odoo's return flow: one return of each original
        receipt per source location, carrying exactly the held stock (packages
        whole), at most what that receipt brought of the lot."""
        Return = self._service_env(self.env["stock.return.picking"])
        pickings = self.env["stock.picking"].sudo()
        left = []
        for quant in self._free_quants(self._internal_quants(hold)):
            remaining = quant.quantity - quant.reserved_quantity
            for receipt_move in self._receipt_moves(quant.lot_id):
                if float_is_zero(
                    remaining, precision_rounding=quant.product_uom_id.rounding
                ):
                    break
                received = sum(
                    receipt_move.move_line_ids.filtered(
                        lambda ml, lot=quant.lot_id: ml.lot_id == lot
                    ).mapped("quantity")
                )
                returned = sum(
                    receipt_move.returned_move_ids.move_line_ids.filtered(
                        lambda ml, lot=quant.lot_id: ml.lot_id == lot
                        and ml.state != "cancel"
                    ).mapped("quantity")
                )
                qty = min(remaining, received - returned)
                if qty <= 0:
                    continue
                receipt = receipt_move.picking_id
                wizard = Return.with_context(
                    active_id=receipt.id, active_model="stock.picking"
                ).create({"picking_id": receipt.id})
                for line in wizard.product_return_moves:
                    line.quantity = qty if line.move_id == receipt_move else 0
                picking = wizard._create_return()
                picking.write({"location_id": quant.location_id.id})
                move = picking.move_ids
                move.move_line_ids.unlink()
                vals = self._line_vals(move, quant, move.location_dest_id, ())
                vals.update(quantity=qty, picked=False)
                self.env["stock.move.line"].sudo().with_context(
                    **{HOLD_CONTEXT_KEY: True}
                ).create(vals)
                pickings |= picking
                remaining -= qty
            if remaining > 0:
                left.append(
                    f"{quant.lot_id.name}: {remaining} {quant.product_uom_id.name}"
                )
        self._service_env(hold).picking_ids = [
            fields.Command.link(p.id) for p in pickings
        ]
        if left:
            hold.message_post(
                body=_(
                    "Not returned (more than the receipts of the lot's supplier "
                    "brought, or no receipt): %(left)s. The lots stay held.",
                    left="; ".join(left),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return pickings

    # ------------------------------------------------------------ expiry
    @api.model
    def _cron_hold_expired_lots(self):
        """Daily: lots past their expiration date with stock get an Expired hold."""
        expired_reason = self.env.ref("lot_traceability.hold_reason_expired")
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id.expiration_date", "<=", fields.Datetime.now()),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ]
            )
        )
        by_company = defaultdict(lambda: self.env["stock.lot"])
        for quant in quants:
            lot = quant.lot_id
            if not lot.sudo().hold_ids.filtered(
                lambda h, c=quant.company_id: h.is_blocking
                and h.reason_id == expired_reason
                and h.company_id == c
            ):
                by_company[quant.company_id] |= lot
        for company, lots in by_company.items():
            self.with_company(company)._hold_lots(
                lots,
                "lot_traceability.hold_reason_expired",
                _("Past the expiration date: held automatically by the daily check."),
            )
        return True
