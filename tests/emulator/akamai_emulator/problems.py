"""RFC 7807 problem responses, as Akamai APIs return them."""

import json
import uuid

from flask import Response, request


class Problem(Exception):
    """An API error rendered as application/problem+json.

    Problem(status, type, title, detail, errors=None, headers=None, **extra)
    """

    # pylint: disable-next=redefined-builtin,too-many-arguments
    def __init__(self, status, type, title, detail, errors=None, headers=None, **extra):
        super().__init__("%s %s: %s" % (status, title, detail))
        self.status = int(status)
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = dict(headers or {})
        self.extra = extra

    def body(self, instance=None):
        """The JSON members of the problem."""
        doc = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance or new_instance(),
        }
        if self.errors is not None:
            doc["errors"] = self.errors
        doc.update(self.extra)
        return doc

    def response(self):
        """A flask Response for this problem."""
        return problem_response(self.status, self.body(), self.headers)


def new_instance():
    """A unique instance identifier for one problem response."""
    try:
        path = request.path
    except RuntimeError:
        path = ""
    return "%s#%s" % (path, uuid.uuid4().hex)


def problem_response(status, body, headers=None):
    """Render a problem document."""
    resp = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    for name, value in (headers or {}).items():
        resp.headers[name] = str(value)
    return resp


def internal_error():
    """The problem for an uncaught exception (no internals are echoed)."""
    return Problem(500, "https://problems.luna.akamaiapis.net/-/emulator/internal-error",
                   "Internal Server Error", "The emulator failed to handle this request.")
