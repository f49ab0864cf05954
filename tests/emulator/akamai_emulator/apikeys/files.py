"""Key import files (CSV, XML, JSON) and v2 key export."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from .common import error_item, invalid

# Column or element names accepted on import, per neutral member. v1 documents VALUE, LABEL and TAGS;
# v2 names (keyValue, keyDescription) are accepted too because v2 export files must re-import.
ALIASES = {
    "value": "value", "keyvalue": "value",
    "label": "label",
    "tags": "tags",
    "description": "description", "keydescription": "description",
}
IGNORED = {"keyid", "id", "keystatus", "createdat", "revokedat", "terminationat", "collections", "collectionid",
           "collectionname"}


def _bad(field, detail):
    return invalid([error_item("invalid-value", field, detail)])


def _spec(raw, field, where):
    spec = {"value": None, "label": None, "description": None, "tags": []}
    for name, value in raw.items():
        target = ALIASES.get(str(name).lower())
        if target is None:
            if str(name).lower() in IGNORED:
                continue
            raise _bad(field, "%s: unknown member '%s'." % (where, name))
        if target == "tags":
            if isinstance(value, str):
                value = [t.strip() for t in value.split(";") if t.strip()]
            if not isinstance(value, list) or not all(isinstance(t, str) and t.strip() for t in value):
                raise _bad(field, "%s: tags must be a list of non-blank strings." % where)
            if any(len(t) > 50 for t in value):
                raise _bad(field, "%s: each tag must be at most 50 characters long." % where)
        elif value is not None and not isinstance(value, str):
            raise _bad(field, "%s: '%s' must be a string." % (where, name))
        spec[target] = value
    if not spec["value"] or not spec["value"].strip():
        raise _bad(field, "%s: the key value is missing." % where)
    if spec["label"] is not None and len(spec["label"]) > 200:
        raise _bad(field, "%s: the label must be at most 200 characters long." % where)
    return spec


def parse(content, fmt, field):
    """Key specs from an import file; fmt is csv, xml or json."""
    if fmt == "json":
        try:
            items = json.loads(content)
        except ValueError:
            raise _bad(field, "The JSON content cannot be parsed.") from None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise _bad(field, "The JSON content must be an array of key objects.")
        specs = [_spec(item, field, "item %d" % (n + 1)) for n, item in enumerate(items)]
    elif fmt == "xml":
        try:
            root = ET.fromstring(content)
        except ET.ParseError:
            raise _bad(field, "The XML content cannot be parsed.") from None
        if root.tag != "keys":
            raise _bad(field, "The XML root element must be <keys>.")
        specs = []
        for n, elem in enumerate(root):
            if elem.tag != "key":
                raise _bad(field, "The <keys> element may contain only <key> elements.")
            specs.append(_spec({child.tag: (child.text or "").strip() for child in elem}, field, "key %d" % (n + 1)))
    else:
        rows = list(csv.reader(io.StringIO(content)))
        rows = [r for r in rows if any(cell.strip() for cell in r)]
        if not rows:
            raise _bad(field, "The CSV content is empty.")
        header = [h.strip() for h in rows[0]]
        if "value" not in [ALIASES.get(h.lower()) for h in header]:
            raise _bad(field, "The CSV header must name the VALUE column, as in VALUE,LABEL,TAGS.")
        specs = []
        for n, row in enumerate(rows[1:]):
            if len(row) > len(header):
                raise _bad(field, "CSV line %d has more fields than the header." % (n + 2))
            raw = {h: (cell.strip() or None) for h, cell in zip(header, row)}
            raw = {h: v for h, v in raw.items() if v is not None or ALIASES.get(h.lower()) == "value"}
            specs.append(_spec(raw, field, "line %d" % (n + 2)))
    if not specs:
        raise _bad(field, "The import file contains no keys.")
    return specs


EXPORT_COLUMNS = ("keyId", "keyValue", "label", "keyDescription", "tags", "keyStatus", "createdAt")


def export_csv(items):
    """v2 key objects as CSV (tags joined with ';')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in items:
        writer.writerow([";".join(item[c]) if c == "tags" else ("" if item[c] is None else item[c])
                         for c in EXPORT_COLUMNS])
    return out.getvalue()


def export_xml(items):
    """v2 key objects as XML with a <keys> root."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<keys>"]
    for item in items:
        parts.append("<key>")
        for column in EXPORT_COLUMNS:
            value = item[column]
            if column == "tags":
                value = ";".join(value)
            parts.append("<%s>%s</%s>" % (column, "" if value is None else escape(str(value)), column))
        parts.append("</key>")
    parts.append("</keys>")
    return "\n".join(parts) + "\n"
