"""Errors, request-body checks and small helpers shared by the v1 and v2 wire formats."""

from datetime import datetime, timezone

from flask import request

from ..context import config, isoformat, now
from ..problems import Problem

ERROR_BASE = "/apikey-manager-api/error-types/"

TITLES = {
    "not-empty": "Empty field",
    "invalid-value": "Invalid value",
    "key-not-unique": "Duplicate key value",
    "name-not-unique": "Duplicate name",
    "limit-exceeded": "Limit exceeded",
}

# Neutral field names used by the model, as each wire version spells them.
V1_FIELDS = {
    "collection.name": "name",
    "collection.description": "description",
    "key.value": "value",
    "key.tags": "tags",
    "key.collectionId": "collectionId",
    "keys": "keys",
    "collectionIds": "collectionIds",
    "move.collectionId": "collectionId",
    "move.newCollectionName": "newCollectionName",
    "rules.keys": "rules",
    "rules.collections": "rules",
    "rules.acl": "rules",
    "acl": "acl",
    "content": "content",
}
V2_FIELDS = {
    "collection.name": "collectionName",
    "collection.description": "collectionDescription",
    "key.value": "keyValues",
    "key.tags": "tags",
    "key.collectionId": "collectionId",
    "keys": "keyIds",
    "collectionIds": "collectionIds",
    "move.collectionId": "destinationCollectionId",
    "move.newCollectionName": "newCollectionName",
    "rules.keys": "throttlingRules.keyIds",
    "rules.collections": "throttlingRules.keyCollectionIds",
    "rules.acl": "throttlingRules.aclEntries",
    "acl": "aclEntries",
    "content": "body",
}


def is_v2():
    """True while serving a /v2 request."""
    return "/apikey-manager-api/v2/" in request.path


def fname(neutral):
    """The wire name of a neutral field name, for the version being served."""
    table = V2_FIELDS if is_v2() else V1_FIELDS
    return table.get(neutral, neutral)


def error_item(kind, field, detail, rejected=None):
    """One nested problem naming the field."""
    item = {"type": ERROR_BASE + kind, "title": TITLES[kind], "detail": detail}
    if field is not None:
        item["field"] = field
    if rejected is not None:
        item["rejectedValue"] = rejected
    return item


def invalid(errors):
    """A 400 validation problem with nested errors."""
    return Problem(400, ERROR_BASE + "validation-error", "Validation error",
                   "The request you submitted is invalid. Modify the request and try again.", errors=errors)


def invalid_one(kind, field, detail, rejected=None):
    """A 400 validation problem with one nested error."""
    return invalid([error_item(kind, field, detail, rejected)])


def not_found(ident, extra=""):
    """The 404 problem for an unknown id."""
    detail = "The system couldn't find a resource with ID '%s'. Provide a valid ID and try again." % (ident,)
    return Problem(404, ERROR_BASE + "resource-not-found", "Resource not found", (extra or detail))


def forbidden(detail):
    """A 403 problem."""
    return Problem(403, ERROR_BASE + "forbidden", "Forbidden", detail)


def now_ts():
    """The business clock as epoch seconds."""
    return now().timestamp()


def iso(ts):
    """Epoch seconds (or None) as Akamai's ISO 8601 timestamp."""
    if ts is None:
        return None
    return isoformat(datetime.fromtimestamp(ts, timezone.utc))


def within_delay(ts):
    """True while a change made at ts is still propagating."""
    return ts is not None and now_ts() - ts < config().propagation_delay


_TYPES = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}
_TYPE_WORDS = {"str": "a string", "int": "an integer", "bool": "a boolean", "list": "an array", "dict": "an object"}


def json_body(kind="dict"):
    """The request's JSON body, which must be of the given kind."""
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, _TYPES[kind]):
        raise invalid([error_item("invalid-value", None, "The request body must be %s in JSON." % _TYPE_WORDS[kind])])
    return body


class Checker:
    """Collects validation errors for one JSON object, then raises them together."""

    def __init__(self, body, prefix=""):
        self.body = body
        self.prefix = prefix
        self.errors = []

    def fail(self, kind, name, detail, rejected=None):
        """Record one error."""
        self.errors.append(error_item(kind, self.prefix + name, detail, rejected))

    def get(self, name, kind, required=False, nullable=True, default=None, **limits):
        """Read and check one member; returns default when absent or invalid."""
        if name not in self.body or (self.body[name] is None and not required):
            if required:
                self.fail("not-empty", name, "This field must contain a non-blank value.")
            return default
        value = self.body[name]
        if value is None:
            if not nullable or required:
                self.fail("not-empty", name, "This field must contain a non-blank value.")
            return default
        if not isinstance(value, _TYPES[kind]) or (kind == "int" and isinstance(value, bool)):
            self.fail("invalid-value", name, "This field must be %s." % _TYPE_WORDS[kind])
            return default
        if not self._limits(name, value, **limits):
            return default
        return value

    def _limits(self, name, value, min_len=None, max_len=None, minimum=None, maximum=None, enum=None,
                item=None, item_max_len=None, max_items=None, min_items=None):
        size = len(value) if isinstance(value, (str, list)) else None
        if isinstance(value, str) and min_len and not value.strip():
            self.fail("not-empty", name, "This field must contain a non-blank value.")
            return False
        checks = [
            (min_len is not None and size is not None and size < min_len,
             "The value must be at least %s characters long." % min_len),
            (max_len is not None and size is not None and size > max_len,
             "The value must be at most %s characters long." % max_len),
            (min_items is not None and size is not None and size < min_items,
             "The array must contain at least %s items." % min_items),
            (max_items is not None and size is not None and size > max_items,
             "The array must contain at most %s items." % max_items),
            (minimum is not None and isinstance(value, int) and value < minimum,
             "The value must be at least %s." % minimum),
            (maximum is not None and isinstance(value, int) and value > maximum,
             "The value must be at most %s." % maximum),
            (enum is not None and value not in enum,
             "The value must be one of: %s." % ", ".join(str(e) for e in enum or ())),
        ]
        for bad, detail in checks:
            if bad:
                self.fail("invalid-value", name, detail, value if not isinstance(value, (list, dict)) else None)
                return False
        if item is not None and isinstance(value, list):
            for index, element in enumerate(value):
                bad_type = not isinstance(element, _TYPES[item]) or (item == "int" and isinstance(element, bool))
                if bad_type or (item == "int" and element < 0):
                    self.fail("invalid-value", "%s[%d]" % (name, index),
                              "Each item must be %s%s." % (_TYPE_WORDS[item], " of 0 or more" if item == "int" else ""))
                    return False
                if item == "str" and not element.strip():
                    self.fail("not-empty", "%s[%d]" % (name, index), "Each item must contain a non-blank value.")
                    return False
                if item_max_len is not None and item == "str" and len(element) > item_max_len:
                    self.fail("invalid-value", "%s[%d]" % (name, index),
                              "Each item must be at most %s characters long." % item_max_len, element)
                    return False
        return True

    def done(self):
        """Raise the collected errors, if any."""
        if self.errors:
            raise invalid(self.errors)


def int_arg(name, default, minimum=None, maximum=None):
    """An integer query parameter, checked."""
    text = request.args.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise invalid_one("invalid-value", name, "The query parameter must be an integer.", text) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise invalid_one("invalid-value", name, "The value must be between %s and %s." % (minimum, maximum), text)
    return value


def enum_arg(name, choices, default=None):
    """An enumerated query parameter, checked."""
    text = request.args.get(name)
    if text is None or text == "":
        return default
    if text not in choices:
        raise invalid_one("invalid-value", name, "The value must be one of: %s." % ", ".join(choices), text)
    return text
