# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""EPCIS event hash (``ni:///sha-256;<hex>?ver=CBV2.0``), CBV 2.0 section 8.9.

The pre-hash string of an event: ``eventType=<type>``, then the standard
fields in the order of the CBV's canonical property order (times in UTC at
millisecond precision, numbers without trailing zeros, bare CBV words as their
web vocabulary URIs), then every other field sorted (lists of parties and
business transactions, ilmd, extensions with their namespace). Written for the
fields this module's exports produce; ``tests/test_epcis.py`` checks it against
the reference implementation (PyPI ``epcis-event-hash-generator``) on exported
documents and on that project's own examples.
"""

import hashlib
from datetime import datetime, timezone

CBV = "https://ref.gs1.org/cbv/"
# field -> web vocabulary prefix of its bare CBV words
VOCABULARY = {
    "bizStep": "BizStep-",
    "disposition": "Disp-",
}
LIST_VOCABULARY = {
    "bizTransactionList": ("bizTransaction", "BTT-"),
    "sourceList": ("source", "SDT-"),
    "destinationList": ("destination", "SDT-"),
}
QUANTITY_LISTS = (
    "quantityList",
    "childQuantityList",
    "inputQuantityList",
    "outputQuantityList",
)
EPC_LISTS = ("epcList", "inputEPCList", "childEPCs", "outputEPCList")
ORDER = (
    "eventTime",
    "eventTimeZoneOffset",
    "parentID",
    *EPC_LISTS[:3],
    *QUANTITY_LISTS[:3],
    "outputEPCList",
    "outputQuantityList",
    "action",
    "transformationID",
    "bizStep",
    "disposition",
    "readPoint",
    "bizLocation",
)
IGNORED = {"type", "eventID", "recordTime", "errorDeclaration"}


def _time(value):
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    moment = moment.astimezone(timezone.utc)
    moment = moment.replace(microsecond=round(moment.microsecond, -3))
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def _value(value):
    text = str(value).strip()
    try:
        number = float(text)
        if int(number) == number:
            number = int(number)
        return str(number)
    except (ValueError, OverflowError):
        return text


def _vocabulary(value, prefix):
    return value if ":" in value else f"{CBV}{prefix}{value}"


def _key(key, namespaces):
    prefix, __, name = key.partition(":")
    if name and prefix in namespaces:
        return "{" + namespaces[prefix] + "}" + name
    return key


def _generic(key, value, namespaces):
    key = _key(key, namespaces)
    if isinstance(value, dict):
        children = sorted(
            part
            for k, v in value.items()
            if k != "type"
            for part in _generic(k, v, namespaces)
        )
        return [key + "".join(children)]
    if isinstance(value, list):
        return [part for item in value for part in _generic(key, item, namespaces)]
    text = _value(value)
    return [f"{key}={text}" if text else key]


def prehash(event, namespaces=None):
    """The pre-hash string of one event (a dict as in EPCIS 2.0 JSON)."""
    namespaces = namespaces or {}
    parts = [f"eventType={event['type']}"]
    for field in ORDER:
        value = event.get(field)
        if value in (None, "", [], {}):
            continue
        if field in EPC_LISTS:
            parts.append(field + "".join(sorted(f"epc={epc}" for epc in value)))
        elif field in QUANTITY_LISTS:
            elements = sorted(
                "quantityElement"
                + "".join(
                    f"{key}={_value(element[key])}"
                    for key in ("epcClass", "quantity", "uom")
                    if key in element
                )
                for element in value
            )
            parts.append(field + "".join(elements))
        elif field in ("readPoint", "bizLocation"):
            parts.append(f"{field}id={value['id']}")
        elif field == "eventTime":
            parts.append(f"eventTime={_time(value)}")
        elif field in VOCABULARY:
            parts.append(f"{field}={_vocabulary(value, VOCABULARY[field])}")
        else:
            parts.append(f"{field}={_value(value)}")
    rest = []
    for key, value in event.items():
        if key in IGNORED or key in ORDER:
            continue
        if key in LIST_VOCABULARY:
            name, prefix = LIST_VOCABULARY[key]
            items = sorted(
                (
                    f"type={_vocabulary(item['type'], prefix)}"
                    if item.get("type")
                    else ""
                )
                + f"{name}={item[name]}"
                for item in value
            )
            rest.append(key + "".join(items))
        else:
            rest.extend(_generic(key, value, namespaces))
    return "".join(parts) + "".join(sorted(rest))


def event_hash(event, namespaces=None):
    digest = hashlib.sha256(prehash(event, namespaces).encode("utf-8")).hexdigest()
    return f"ni:///sha-256;{digest}?ver=CBV2.0"
