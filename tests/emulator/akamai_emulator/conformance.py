"""Conformance of the emulator's traffic to Akamai's OpenAPI files (tests/openapi/).

With `EmulatorConfig.check_openapi` (`serve --check-openapi`, `running_emulator(..., check_openapi=True)`), every
request the emulator receives and every answer it gives is checked, and what does not conform is recorded:

- on an API that has an OpenAPI file (`SPECS`: IAM v3, API Keys v1, EdgeKV v1), the request (path, method, query and
  path parameters, body) and the answer (status declared, media type, body, declared headers) are validated with
  openapi-core against the file;
- on every API, files or not, the HTTP rules any answer must keep (`generic_problems`): no Content-Type and no body
  on 204 / 304, a JSON media type only on a body that is strict JSON, problem+json with `type`, `title`, `status`.

API Keys v2 has no OpenAPI file (`apikey-manager-api-v2-REFERENCE.md`: none is public), and the OAuth 2.0 API is
Edgio's, not Akamai's: both get the generic checks only (`UNCHECKED` says why). The emulator's admin paths
(/_emulator/) and injected faults (answered before the app, as a gateway would) are not checked.

A violation that a known defect of the files explains (`tests/openapi/known-defects.yaml`, each entry with its
reason) is counted under that defect's id, not as a violation. Violations name the operation, the JSON pointer and
the schema rule that failed, never the value that failed it (answers carry secrets).

    summary()  -> {"checked": {api: n}, "unchecked": {prefix: n}, "known": {id: n}, "known_of": {id: file|emulator},
                   "unchecked_reasons": {prefix: why}, "violations": [...]}
    report(summary) -> (lines, ok)
"""

import json
import os
import re
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
OPENAPI_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "openapi"))
KNOWN_DEFECTS = "known-defects.yaml"
# Path prefix -> folder under tests/openapi/ holding Akamai's bundled file (openapi.json).
SPECS = {
    "/identity-management/v3": "identity-management-v3",
    "/apikey-manager-api/v1": "apikey-manager-api-v1",
    "/edgekv/v1": "edgekv-v1",
}
# Path prefix -> why no OpenAPI file checks it (the generic checks still apply).
UNCHECKED = {
    "/apikey-manager-api/v2": "API Keys v2: Akamai publishes no OpenAPI file (apikey-manager-api-v2-REFERENCE.md)",
    "/oauth2": "OAuth 2.0 client credentials: Edgio's Identity Service (seed 004), not an Akamai API",
}
# The host Akamai's files declare ("https://{hostname}/<base path>"): requests are matched as if sent there.
SPEC_HOST = "https://akab-emulator.luna.akamaiapis.net"
MAX_VIOLATIONS = 1000
# openapi-core errors whose message names paths, statuses, media types or parameters, never a value.
SAFE_MESSAGES = ("PathNotFound", "OperationNotFound", "ServerNotFound", "ResponseNotFound", "MediaTypeNotFound",
                 "Missing")
JSON_TYPE = re.compile(r"^application/(.+\+)?json$")


def _prefix_of(path, prefixes):
    for prefix in prefixes:
        if path == prefix or path.startswith(prefix + "/"):
            return prefix
    return None


def _strict_json(data):
    def refuse(token):
        raise ValueError("%s is not JSON" % token)
    return json.loads(data, parse_constant=refuse)


def generic_problems(status, headers, data):
    """HTTP rules every answer keeps, whatever the API: a list of (pointer, message)."""
    problems = []
    content_type = headers.get("Content-Type")
    mimetype = (content_type or "").split(";")[0].strip().lower()
    if status in (204, 304):
        if content_type is not None:
            problems.append(("", "a %d answer has no content, yet carries Content-Type %r" % (status, content_type)))
        if data:
            problems.append(("", "a %d answer carries a body of %d bytes" % (status, len(data))))
        return problems
    if data and JSON_TYPE.match(mimetype):
        try:
            body = _strict_json(data)
        except ValueError as exc:
            return [("", "the body is not strict JSON (%s), yet Content-Type is %s" % (str(exc)[:80], mimetype))]
        if mimetype == "application/problem+json":
            if not isinstance(body, dict):
                problems.append(("", "a problem+json body is not an object"))
            else:
                for member in ("type", "title", "status"):
                    if member not in body:
                        problems.append(("/" + member, "a problem+json body lacks %r" % member))
                if body.get("status") not in (None, status):
                    problems.append(("/status", "problem status differs from the HTTP status %d" % status))
    return problems


def _pointer(err):
    return "/" + "/".join(str(part) for part in err.absolute_path)


def _schema_message(err):
    """The rule that failed, without the instance (which may hold a secret)."""
    if err.validator in ("additionalProperties", "required", "dependentRequired", "unevaluatedProperties"):
        return err.message
    if err.validator in ("oneOf", "anyOf"):
        titles = [branch.get("title", "#%d" % index) for index, branch in enumerate(err.validator_value)
                  if isinstance(branch, dict)]
        return "%s: the value does not match exactly one of %s" % (err.validator, ", ".join(repr(t) for t in titles))
    value = err.validator_value
    if isinstance(value, (dict, list)) and len(repr(value)) > 120:
        value = "..."
    return "%s %r failed" % (err.validator, value)


def _exception_problems(exc):
    """(kind, pointer, message) for one openapi-core error."""
    seen = set()
    out = []
    cause = exc
    while cause is not None:
        if id(cause) in seen:
            break
        seen.add(id(cause))
        errors = getattr(cause, "schema_errors", None)
        if errors:
            for err in errors:
                # A oneOf / anyOf failure: name the sub-errors too, each with its branch.
                out.append(("schema", _pointer(err), _schema_message(err)))
                for sub in err.context or ():
                    out.append(("schema", _pointer(sub), "in %s branch %s: %s"
                                % (err.validator, list(sub.relative_schema_path)[:1], _schema_message(sub))))
            return out
        cause = cause.__cause__
    name = type(exc).__name__
    if not name.startswith(SAFE_MESSAGES):
        # Deserialisation and casting errors quote the value: name the error only.
        return [(name, "", "%s (the value is not shown)" % name)]
    text = str(exc).replace(SPEC_HOST, "")
    return [(name, "", "%s: %s" % (name, text[:300]))]


class Conformance:
    """Validates requests and answers; thread safe; in memory only."""

    def __init__(self, openapi_dir=None):
        self.openapi_dir = openapi_dir or OPENAPI_DIR
        self.lock = threading.Lock()
        self.apis = {}
        self.defects = self._load_defects()
        self.reset()

    # ------------------------------------------------------------------ set-up

    def _load_defects(self):
        import yaml  # pylint: disable=import-outside-toplevel
        path = os.path.join(self.openapi_dir, KNOWN_DEFECTS)
        with open(path, encoding="utf-8") as handle:
            entries = yaml.safe_load(handle) or []
        for entry in entries:
            missing = {"id", "of", "api", "where", "match", "reason"} - set(entry)
            if missing:
                raise ValueError("%s: entry %r lacks %s" % (path, entry.get("id"), ", ".join(sorted(missing))))
            if entry["of"] not in ("file", "emulator"):
                raise ValueError("%s: entry %r: `of` is file or emulator" % (path, entry["id"]))
            match = entry["match"]
            entry["_match"] = re.compile("".join(match) if isinstance(match, list) else match)
        return entries

    def _api(self, name):
        if name not in self.apis:
            from openapi_core import Config, OpenAPI  # pylint: disable=import-outside-toplevel
            with open(os.path.join(self.openapi_dir, name, "openapi.json"), encoding="utf-8") as handle:
                spec = json.load(handle)
            # openapi-core reads application/json only; Akamai's files declare their errors as problem+json.
            # The files are taken as they are (their defects are listed, not fixed): no validation of the files
            # themselves, which would also take seconds.
            config = Config(spec_validator_cls=None,
                            extra_media_type_deserializers={"application/problem+json": _strict_json})
            self.apis[name] = OpenAPI.from_dict(spec, config=config)
        return self.apis[name]

    def load(self):
        """Load every OpenAPI file now (the first check would otherwise pay for it)."""
        for name in SPECS.values():
            self._api(name)
        return self

    def reset(self):
        """Forget what was recorded."""
        with self.lock:
            self.checked = {}
            self.unchecked = {}
            self.known = {}
            self.violations = {}

    # ------------------------------------------------------------------ checking

    def check(self, method, path, query, headers, body, status, response_headers, data):
        """Check one exchange. query: a werkzeug MultiDict; headers: werkzeug Headers; body, data: bytes."""
        found = []
        for pointer, message in generic_problems(status, response_headers, data):
            found.append(("response", "http", pointer, message))
        prefix = _prefix_of(path, SPECS)
        operation = None
        if prefix is None:
            other = _prefix_of(path, UNCHECKED) or "other"
            with self.lock:
                self.unchecked[other] = self.unchecked.get(other, 0) + 1
            api_name = other
        else:
            api_name = SPECS[prefix]
            operation, spec_found = self._check_spec(api_name, method, path, query, headers, body, status,
                                                     response_headers, data)
            found.extend(spec_found)
            with self.lock:
                self.checked[api_name] = self.checked.get(api_name, 0) + 1
        for where, kind, pointer, message in found:
            self._record(api_name, method, path, operation, status, where, kind, pointer, message)

    def _check_spec(self, api_name, method, path, query, headers, body, status, response_headers, data):
        # pylint: disable=import-outside-toplevel
        from openapi_core.datatypes import RequestParameters
        from openapi_core.exceptions import OpenAPIError
        from openapi_core.templating.paths.finders import APICallPathFinder
        from openapi_core.validation.response.exceptions import MissingData
        from werkzeug.datastructures import Headers, ImmutableMultiDict
        api = self._api(api_name)

        class Request:  # pylint: disable=too-few-public-methods
            """The openapi-core request protocol."""
            host_url = SPEC_HOST

        request = Request()
        request.path = path
        request.full_url_pattern = SPEC_HOST + path
        request.method = method.lower()
        request.parameters = RequestParameters(query=ImmutableMultiDict(query), header=Headers(headers),
                                               cookie=ImmutableMultiDict(), path={})
        request.content_type = (headers.get("Content-Type") or "").lower()
        request.body = body or None

        class Response:  # pylint: disable=too-few-public-methods
            """The openapi-core response protocol."""

        response = Response()
        response.status_code = status
        response.data = data
        response.content_type = (response_headers.get("Content-Type") or "").lower()
        response.headers = Headers(response_headers)

        found = []
        try:
            result = APICallPathFinder(api.spec).find(request.method, request.full_url_pattern)
            operation = "%s %s" % (method.upper(), result.path_result.pattern)
        except OpenAPIError:
            operation = None
        for where, errors in (("request", lambda: api.request_validator.iter_errors(request)),
                              ("response", lambda: api.response_validator.iter_errors(request, response))):
            try:
                for exc in errors():
                    if status in (204, 304) and isinstance(exc, MissingData):
                        # No content is what 204 / 304 means (generic_problems checks it); a file that declares
                        # some (`content: {}`, `*/*`) cannot ask for more.
                        continue
                    for kind, pointer, message in _exception_problems(exc):
                        found.append((where, kind, pointer, message))
            except Exception as exc:  # pylint: disable=broad-except
                found.append((where, "validator", "", "the validator failed: %s" % type(exc).__name__))
            if operation is None and found and where == "request":
                break  # no operation: the answer cannot be checked either
        return operation, found

    def _record(self, api_name, method, path, operation, status, where, kind, pointer, message):
        for defect in self.defects:
            if defect["api"] != api_name or defect["where"] != where:
                continue
            if defect.get("operations") and operation not in defect["operations"]:
                continue
            if defect.get("path") and not re.search(defect["path"], path):
                continue
            if defect.get("status") and int(defect["status"]) != status:
                continue
            if defect["_match"].search("%s %s" % (pointer, message)):
                with self.lock:
                    self.known[defect["id"]] = self.known.get(defect["id"], 0) + 1
                return
        key = (api_name, operation or "%s %s" % (method.upper(), path), status, where, pointer, message)
        with self.lock:
            entry = self.violations.get(key)
            if entry is None:
                if len(self.violations) >= MAX_VIOLATIONS:
                    return
                entry = self.violations[key] = {"api": api_name, "operation": key[1], "path": path,
                                                "status": status, "where": where, "kind": kind,
                                                "pointer": pointer, "message": message, "count": 0}
            entry["count"] += 1

    def summary(self):
        """What was checked and found: JSON-serialisable."""
        with self.lock:
            return {"checked": dict(self.checked), "unchecked": dict(self.unchecked), "known": dict(self.known),
                    "known_of": dict((d["id"], d["of"]) for d in self.defects), "unchecked_reasons": dict(UNCHECKED),
                    "violations": [dict(v) for v in self.violations.values()]}


def report(summary):
    """Lines describing a summary, and whether it holds no violation outside the known defects."""
    lines = []
    checked = summary.get("checked") or {}
    lines.append("openapi: %d exchanges checked against Akamai's OpenAPI files (%s)"
                 % (sum(checked.values()), ", ".join("%s %d" % item for item in sorted(checked.items())) or "none"))
    unchecked = summary.get("unchecked") or {}
    reasons = summary.get("unchecked_reasons") or UNCHECKED
    for prefix, count in sorted(unchecked.items()):
        lines.append("openapi: %d exchanges on %s: HTTP rules only (%s)"
                     % (count, prefix, reasons.get(prefix, "no OpenAPI file")))
    kinds = {"file": "defect of the files", "emulator": "departure of the emulator"}
    for ident, count in sorted((summary.get("known") or {}).items()):
        kind = kinds.get((summary.get("known_of") or {}).get(ident), "defect")
        lines.append("openapi: known %s %s: %d times (tests/openapi/%s)" % (kind, ident, count, KNOWN_DEFECTS))
    violations = summary.get("violations") or []
    for item in violations:
        lines.append("OPENAPI VIOLATION: %s %s, %s of status %s, at %r: %s (%d times)"
                     % (item["api"], item["operation"], item["where"], item["status"], item["pointer"] or "/",
                        item["message"], item["count"]))
    lines.append("openapi: %d violation(s) outside the known defects" % len(violations))
    return lines, not violations
