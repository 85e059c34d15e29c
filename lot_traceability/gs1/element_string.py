# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""GS1 element strings and GS1 Digital Link URIs, read with GS1's Barcode
Syntax Dictionary (``ai_table.py``, generated from it).

Every AI of the dictionary is known: its length rules split the data (an AI
this module does not use is still read, checked and skipped), its components
are checked (numeric, character sets 82/39/64, check digits, dates, times),
and the dictionary's invalid pairs (``ex=``) and mandatory associations
(``req=``) are enforced over the whole scan. Errors are ``GS1Error`` with a
code and parameters; the caller words them for the user.
"""

import re
from calendar import monthrange
from datetime import date
from urllib.parse import unquote, urlsplit

from .ai_table import AI_ENTRIES

FNC1 = "\x1d"
CHARSETS = {
    "N": re.compile(r"[0-9]*"),
    "X": re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*"),
    "Y": re.compile(r"[#\-/0-9A-Z]*"),
    "Z": re.compile(r"[\-0-9A-Z_a-z]*=*"),
}
# "N6,yymmdd", "X..20", "[N3],iso3166" (optional), "[X..17]"
COMPONENT = re.compile(r"^(\[)?([NXYZ])(\d*)(?:\.\.(\d+))?\]?((?:,[a-z0-9]+)*)\]?$")
HRI = re.compile(r"\((\d{2,4})\)")


class GS1Error(ValueError):
    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


def _load():
    table = {}
    for ais, flags, spec, attributes, title in AI_ENTRIES:
        components = []
        for part in spec.split():
            optional, kind, fixed, upto, linters = COMPONENT.match(part).group(
                1, 2, 3, 4, 5
            )
            low = int(fixed) if fixed and not upto else 1
            high = int(upto) if upto else int(fixed)
            if fixed and upto:  # "N3..6": not in the dictionary today
                low = int(fixed)
            components.append(
                (
                    kind,
                    low,
                    high,
                    bool(optional),
                    tuple(filter(None, linters.split(","))),
                )
            )
        req, ex = [], []
        for attribute in attributes.split():
            key, __, value = attribute.partition("=")
            if key == "req":
                req.append(tuple(tuple(group.split("+")) for group in value.split(",")))
            elif key == "ex":
                ex.extend(value.split(","))
        first, __, last = ais.partition("-")
        for number in range(int(first), int(last or first) + 1):
            table[str(number).zfill(len(first))] = {
                "predefined": "*" in flags,
                "dl_attribute": "?" in flags,
                "dl_key": "dlpkey" in attributes,
                "dl_qualifiers": tuple(
                    sequence
                    for attribute in attributes.split()
                    if attribute.startswith("dlpkey=")
                    for sequence in attribute[7:].split("|")
                ),
                "components": tuple(components),
                "req": tuple(req),
                "ex": tuple(ex),
                "title": title,
            }
    return table


AI_TABLE = _load()


def _length(spec):
    """(minimum, maximum) length of an AI's data."""
    low = sum(c[1] for c in spec["components"] if not c[3])
    high = sum(c[2] for c in spec["components"])
    return low, high


def _ai_at(data, position):
    for size in (2, 3, 4):
        ai = data[position : position + size]
        if ai in AI_TABLE:
            return ai
    raise GS1Error("unknown_ai", ai=data[position : position + 4] or data[position:])


def gs1_date(value, ai):
    """YYMMDD (day 00: the month's last day) with GS1's sliding century
    (General Specifications 7.12)."""
    year, month, day = int(value[:2]), int(value[2:4]), int(value[4:6])
    today = date.today()
    difference = year - today.year % 100
    century = today.year // 100 * 100
    if difference >= 51:
        century -= 100
    elif difference <= -50:
        century += 100
    year += century
    if not 1 <= month <= 12:
        raise GS1Error("bad_month", ai=ai, value=value)
    last = monthrange(year, month)[1]
    if day == 0:
        return date(year, month, last)
    if day > last:
        raise GS1Error("bad_day", ai=ai, value=value)
    return date(year, month, day)


def check_digit_ok(digits):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[-2::-1]))
    return (10 - total % 10) % 10 == int(digits[-1])


CSET_LINTERS = {"csetnumeric": "N", "cset82": "X", "cset39": "Y", "cset64": "Z"}
CLOCK = {"hh": (0, 23), "mi": (0, 59), "ss": (0, 59)}


def lint(linter, value, ai=""):
    """Apply one of the dictionary's linters (the ones a receipt label needs:
    character sets, check digits, dates, times); the others (country codes,
    coupons...) are not applied."""
    if linter in CSET_LINTERS:
        if not CHARSETS[CSET_LINTERS[linter]].fullmatch(value):
            raise GS1Error("charset", ai=ai, value=value)
        padding = len(value) - len(value.rstrip("=")) if linter == "cset64" else 0
        # base64url padding (the dictionary's cset64 linter): at most two "="
        # after at least one character, to a multiple of three
        if padding and (padding > 2 or padding == len(value) or len(value) % 3):
            raise GS1Error("charset", ai=ai, value=value)
    elif linter == "csum":
        if len(value) < 2 or not value.isdigit() or not check_digit_ok(value):
            raise GS1Error("check_digit", ai=ai, value=value)
    elif linter in ("yymmd0", "yymmdd"):
        if len(value) != 6 or not value.isdigit():
            raise GS1Error("bad_date", ai=ai, value=value)
        if linter == "yymmdd" and value[4:6] == "00":
            raise GS1Error("bad_day", ai=ai, value=value)
        gs1_date(value, ai)
    elif linter == "hhmi":
        if len(value) != 4 or not value.isdigit():
            raise GS1Error("bad_time", ai=ai, value=value)
        lint("hh", value[:2], ai)
        lint("mi", value[2:], ai)
    elif linter in CLOCK:
        if len(value) != 2 or not value.isdigit():
            raise GS1Error("bad_time", ai=ai, value=value)
        if not CLOCK[linter][0] <= int(value) <= CLOCK[linter][1]:
            raise GS1Error("bad_time", ai=ai, value=value)


def check_value(ai, value):
    """Check ``value`` against the components of AI ``ai``."""
    spec = AI_TABLE[ai]
    low, high = _length(spec)
    if not low <= len(value) <= high:
        raise GS1Error("length", ai=ai, value=value, low=low, high=high)
    position = 0
    for kind, minimum, maximum, optional, linters in spec["components"]:
        if position >= len(value) and optional:
            break
        part = value[position : position + maximum]
        if len(part) < minimum:
            raise GS1Error("length", ai=ai, value=value, low=low, high=high)
        lint(
            {"N": "csetnumeric", "X": "cset82", "Y": "cset39", "Z": "cset64"}[kind],
            part,
            ai,
        )
        for linter in linters:
            lint(linter, part, ai)
        position += len(part)


def _split(data):
    """(AI, value) pairs of an element string (FNC1 as GS, no prefix)."""
    if HRI.match(data.lstrip()):
        # typed human-readable form "(01)...(10)...": blanks are layout
        parts = HRI.split(re.sub(r"\s+", "", data))
        if parts[0]:
            raise GS1Error("syntax", value=data)
        return list(zip(parts[1::2], parts[2::2], strict=True))
    elements, position = [], 0
    while position < len(data):
        if data[position] == FNC1:
            position += 1
            continue
        ai = _ai_at(data, position)
        position += len(ai)
        spec = AI_TABLE[ai]
        if spec["predefined"]:
            size = _length(spec)[1]
            value = data[position : position + size]
            if FNC1 in value or len(value) < size:
                raise GS1Error("length", ai=ai, value=value, low=size, high=size)
            position += size
        else:
            end = data.find(FNC1, position)
            end = len(data) if end < 0 else end
            value, position = data[position:end], end
        elements.append((ai, value))
    return elements


def _in_order(qualifiers, sequence):
    """Whether ``qualifiers`` is ``sequence`` with some AIs left out."""
    remaining = iter(sequence)
    return all(ai in remaining for ai in qualifiers)


def _split_digital_link(uri):
    """(AI, value) pairs of a GS1 Digital Link URI: the primary key and its
    qualifiers from the path, the data attributes from the query."""
    parts = urlsplit(uri)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    path = []
    # the identifiers are the last (AI, value) pairs of the path
    while len(segments) >= 2 and segments[-2] in AI_TABLE:
        path.insert(0, (segments[-2], segments[-1]))
        segments = segments[:-2]
    if not path or not AI_TABLE[path[0][0]]["dl_key"]:
        raise GS1Error("dl_no_key", value=uri)
    key, value = path[0]
    qualifiers = [ai for ai, __ in path[1:]]
    if qualifiers and not any(
        _in_order(qualifiers, sequence.split(","))
        for sequence in AI_TABLE[key]["dl_qualifiers"]
    ):
        raise GS1Error("dl_order", ai=key, value=uri)
    if key == "01" and len(value) in (8, 12, 13):
        path[0] = (key, value.zfill(14))
    elements = list(path)
    for pair in filter(None, parts.query.split("&")):
        name, __, value = pair.partition("=")
        name, value = unquote(name), unquote(value.replace("+", " "))
        if not name.isdigit():
            continue  # linkType and other non-GS1 parameters
        if name not in AI_TABLE or not AI_TABLE[name]["dl_attribute"]:
            raise GS1Error("dl_attribute", ai=name, value=uri)
        elements.append((name, value))
    return elements


def _matches(pattern, ai):
    return len(pattern) == len(ai) and all(
        p == "n" or p == a for p, a in zip(pattern, ai, strict=True)
    )


def check_associations(ais):
    """GS1's invalid pairs and mandatory associations over a scan's AIs."""
    present = set(ais)
    for ai in sorted(present):
        spec = AI_TABLE[ai]
        for pattern in spec["ex"]:
            for other in sorted(present - {ai}):
                if _matches(pattern, other):
                    raise GS1Error("invalid_pair", ai=ai, other=other)
        for alternatives in spec["req"]:
            if not any(
                all(any(_matches(p, other) for other in present) for p in group)
                for group in alternatives
            ):
                raise GS1Error(
                    "missing_association",
                    ai=ai,
                    required=" or ".join("+".join(group) for group in alternatives),
                )


def parse(data, associations=True):
    """Elements ``[(ai, value)]`` of an element string or a Digital Link URI,
    checked (with GS1's pairing rules unless ``associations`` is false);
    raises GS1Error."""
    if re.match(r"https?://", data, re.IGNORECASE):
        elements = _split_digital_link(data)
    else:
        elements = _split(data)
    if not elements:
        raise GS1Error("empty")
    seen = {}
    for ai, value in elements:
        if ai not in AI_TABLE:
            raise GS1Error("unknown_ai", ai=ai)
        if ai in seen and seen[ai] != value:
            raise GS1Error("repeated", ai=ai)
        seen[ai] = value
        check_value(ai, value)
    if associations:
        check_associations(list(seen))
    return list(seen.items())
