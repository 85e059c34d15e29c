# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""EPCIS 2.0 JSON-LD export: ObjectEvents (receiving, shipping) and
TransformationEvents (manufacturing) in CBV 2.0 vocabulary.

Identifiers: lots are GS1 Digital Link URIs ``/01/<GTIN>/10/<lot code>`` when
the product has a GTIN (the lot code is the traceability lot code: the
supplier's lot for what we received and did not transform), places are
``/414/<GLN>`` and parties ``/417/<GLN>`` when they have a GLN; anything
without a GS1 key gets a URN under ``urn:lot-traceability:<database uuid>:``.
Quantities carry UN/CEFACT Recommendation 20 unit codes; every event has its
EPCIS event hash as ``eventID``.
"""

from urllib.parse import quote

from odoo import fields, models

from ..models.product_template import gtin14
from .epcis_event_hash import event_hash

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
GS1_DL = "https://id.gs1.org"
# Our own fields (the internal lot beside the traceability lot code).
NAMESPACE = {"lt": "urn:lot-traceability:epcis:"}
# GS1 Digital Link section 7.1: characters a path segment value percent-encodes
DL_SAFE = "-._~'"


def dl_quote(value):
    return quote(value, safe=DL_SAFE)


class StockLotTraceExport(models.TransientModel):
    _inherit = "stock.lot.trace.export"  # pylint: disable=R8180

    def _epcis_urn(self, kind, *parts):
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        return ":".join(
            ["urn:lot-traceability", uuid, kind] + [dl_quote(str(p)) for p in parts]
        )

    def _lot_uri(self, lot, code):
        """The lot's class URI for ``code``, its traceability lot code."""
        gtin = gtin14(lot.product_id.barcode)
        if gtin:
            return f"{GS1_DL}/01/{gtin}/10/{dl_quote(code)}"
        return self._epcis_urn("lot", lot.product_id.id, code)

    def _party_uri(self, partner):
        partner = partner.commercial_partner_id
        if partner.gln:
            return f"{GS1_DL}/417/{partner.gln}"
        return self._epcis_urn("party", partner.id)

    def _place_uri(self, location, warehouse, company):
        for record in (location, warehouse, company):
            if record and record.gln:
                return f"{GS1_DL}/414/{record.gln}"
        if location:
            return self._epcis_urn("location", location.id)
        return self._epcis_urn("warehouse", warehouse.id)

    def _document_uri(self, name):
        return self._epcis_urn("document", name)

    @staticmethod
    def _time(value):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def _quantity(self, line, codes):
        quantity, uom = line.product_uom_id._lt_unece_quantity(line.quantity)
        return {
            "epcClass": self._lot_uri(line.lot_id, codes[line.lot_id]["tlc"]),
            "quantity": quantity,
            "uom": uom,
        }

    def _ilmd(self, lot):
        ilmd = {"cbvmda:lotNumber": lot.name}
        if lot.expiration_date:
            ilmd["cbvmda:itemExpirationDate"] = lot.expiration_date.date().isoformat()
        if lot.production_date:
            ilmd["cbvmda:productionDate"] = fields.Date.to_string(lot.production_date)
        return ilmd

    def _epcis_line_event(self, line, codes):
        event = self._line_event(line)
        partner = line.move_id.partner_id or line.picking_id.partner_id
        location, warehouse = self._line_site(line)
        company = line.company_id
        site = self._place_uri(location, warehouse, company)
        ours = self._party_uri(company.partner_id)
        transactions = [
            {
                "type": "desadv" if event == "shipping" else "recadv",
                "bizTransaction": self._document_uri(
                    line.picking_id.name or line.reference
                ),
            }
        ]
        order = line.move_id.purchase_line_id.order_id
        if event == "receiving" and order:
            transactions.append(
                {"type": "po", "bizTransaction": self._document_uri(order.name)}
            )
        entry = {
            "type": "ObjectEvent",
            "eventTime": self._time(line.date),
            "eventTimeZoneOffset": "+00:00",
            "epcList": [],
            "quantityList": [self._quantity(line, codes)],
            "action": "OBSERVE",
            "bizStep": event,
            "disposition": "in_progress" if event == "receiving" else "in_transit",
            "readPoint": {"id": site},
            "bizTransactionList": transactions,
            "lt:internalLot": line.lot_id.name,
        }
        if event == "receiving":
            # CBV 2.0 8.2.4: no business location while in transit (shipping)
            entry["bizLocation"] = {"id": site}
        if partner:
            other = self._party_uri(partner)
            source, destination = (
                (other, ours) if event == "receiving" else (ours, other)
            )
            entry["sourceList"] = [{"type": "owning_party", "source": source}]
            entry["destinationList"] = [
                {"type": "owning_party", "destination": destination}
            ]
            if event == "receiving":
                entry["destinationList"].append(
                    {"type": "location", "destination": site}
                )
            else:
                entry["sourceList"].append({"type": "location", "source": site})
        return entry

    def _epcis_production_event(self, production, codes):
        inputs = production.move_raw_ids.move_line_ids.filtered(
            lambda line: line.state == "done" and line.lot_id
        )
        outputs = production.move_finished_ids.move_line_ids.filtered(
            lambda line: line.state == "done" and line.lot_id
        )
        if not outputs:
            return False
        warehouse = production.picking_type_id.warehouse_id
        site = self._place_uri(
            production.location_dest_id, warehouse, production.company_id
        )
        entry = {
            "type": "TransformationEvent",
            "eventTime": self._time(outputs[0].date),
            "eventTimeZoneOffset": "+00:00",
            "inputQuantityList": [self._quantity(line, codes) for line in inputs],
            "outputQuantityList": [self._quantity(line, codes) for line in outputs],
            "transformationID": self._epcis_urn("production", production.name),
            "bizStep": "commissioning",
            "disposition": "active",
            "readPoint": {"id": site},
            "bizLocation": {"id": site},
            "bizTransactionList": [
                {
                    "type": "prodorder",
                    "bizTransaction": self._document_uri(production.name),
                }
            ],
            "ilmd": self._ilmd(outputs[0].lot_id),
            "lt:inputInternalLots": inputs.lot_id.mapped("name"),
        }
        return entry

    def _epcis_document(self):
        lines, productions = self._events()
        lots = (
            lines.lot_id
            | (
                productions.move_raw_ids.move_line_ids
                | productions.move_finished_ids.move_line_ids
            ).lot_id
        )
        codes = self._lot_codes(lots)
        events = [self._epcis_line_event(line, codes) for line in lines]
        events += [
            event
            for event in (
                self._epcis_production_event(production, codes)
                for production in productions
            )
            if event
        ]
        events.sort(key=lambda event: event["eventTime"])
        for event in events:
            event["eventID"] = event_hash(event, NAMESPACE)
        return {
            "@context": [EPCIS_CONTEXT, NAMESPACE],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": self._time(fields.Datetime.now()),
            "epcisBody": {"eventList": events},
        }
