# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""What a GS1 tool checks in an EPCIS 2.0 JSON document: GS1's JSON schema
(tests/standards/epcis/schema) and the CBV 2.0 vocabularies for the bare
words of bizStep, disposition, business transaction and source/destination
types. Returns the list of problems (empty: valid)."""

import json
from pathlib import Path

import jsonschema

HERE = Path(__file__).parent / "standards" / "epcis"
SCHEMA = json.loads((HERE / "schema" / "EPCIS-JSON-Schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(
    SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
)


def _terms(name):
    context = json.loads((HERE / "schema" / f"cbv-context-{name}.jsonld").read_text())
    return {k for k in context["@context"] if not k.startswith("@") and k != "cbv"}


VOCABULARY = {
    "bizStep": _terms("bizstep"),
    "disposition": _terms("disposition"),
    "bizTransaction": _terms("biztransaction-type"),
    "sourceDest": _terms("sourcedest-type"),
}


def _bare(value):
    return isinstance(value, str) and ":" not in value


def problems(document):
    found = [error.message for error in VALIDATOR.iter_errors(document)]
    events = (document.get("epcisBody") or {}).get("eventList") or []
    for index, event in enumerate(events):
        for field in ("bizStep", "disposition"):
            value = event.get(field)
            if _bare(value) and value not in VOCABULARY[field]:
                found.append(f"event {index}: {field} {value!r} is not CBV 2.0")
        for item in event.get("bizTransactionList", []):
            if (
                _bare(item.get("type"))
                and item["type"] not in VOCABULARY["bizTransaction"]
            ):
                found.append(
                    f"event {index}: business transaction type {item['type']!r}"
                )
        for key in ("sourceList", "destinationList"):
            for item in event.get(key, []):
                if (
                    _bare(item.get("type"))
                    and item["type"] not in VOCABULARY["sourceDest"]
                ):
                    found.append(f"event {index}: {key} type {item['type']!r}")
    return found
