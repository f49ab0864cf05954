"""The Flask application: EdgeGrid verification, access control, problem+json, locking and saving."""

import importlib
import logging
import uuid

from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

from . import access, admin, auth
from .config import EmulatorConfig
from .context import clock
from .faults import Faults, FaultMiddleware
from .problems import Problem, internal_error, problem_response
from .state import Store

LOG = logging.getLogger("akamai_emulator")
API_MODULES = ("iam", "edgekv", "apikeys", "oauth2")
# Every API module has landed: a missing one is now an error (a module name outside this tuple that is
# absent is skipped with a warning).
REQUIRED_MODULES = API_MODULES
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def load_modules(names=API_MODULES, required=REQUIRED_MODULES):
    """Import the API modules by name; a missing module outside `required` is skipped with a warning."""
    loaded = {}
    for name in names:
        qualified = "%s.%s" % (__package__, name)
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name != qualified or name in required:
                raise
            LOG.warning("API module %s is not present: skipped", name)
            continue
        for attr in ("blueprint", "SERVICE_NAME", "AUTH"):
            if not hasattr(module, attr):
                raise RuntimeError("API module %s lacks %s" % (name, attr))
        if module.AUTH not in ("edgegrid", "oauth2"):
            raise RuntimeError("API module %s: AUTH must be 'edgegrid' or 'oauth2'" % name)
        loaded[name] = module
    return loaded


def _module_for_path(modules, path):
    best = None
    for module in modules.values():
        prefix = module.blueprint.url_prefix or ""
        if prefix and (path == prefix or path.startswith(prefix.rstrip("/") + "/")):
            if best is None or len(prefix) > len(best.blueprint.url_prefix):
                best = module
    return best


def create_app(config: EmulatorConfig, store: Store | None = None) -> Flask:
    """Build the emulator app around a store (a new, empty one when none is given)."""
    if store is None:
        store = Store(config.state_file)
        store.load()
    elif store.state_file is None:
        store.state_file = config.state_file
    app = Flask(__name__)
    app.config["EMULATOR_CONFIG"] = config
    app.config["EMULATOR_STORE"] = store
    app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    app.json.sort_keys = False
    modules = load_modules()
    app.extensions["emulator_modules"] = modules
    app.extensions["emulator_faults"] = Faults(config.faults)
    app.extensions["emulator_nonces"] = auth.NonceCache()
    iam = modules["iam"]
    iam.register_services(modules)
    app.register_blueprint(admin.blueprint)
    for module in modules.values():
        app.register_blueprint(module.blueprint)

    @app.before_request
    def authenticate():
        path = request.path
        if path == admin.blueprint.url_prefix or path.startswith(admin.blueprint.url_prefix + "/"):
            return
        module = _module_for_path(modules, path)
        g.emulator_module = module
        if module is not None and module.AUTH == "oauth2":
            g.emulator_account = store.accounts.get(store.meta.get("primary_account"))
            return
        client, credential = auth.verify(request, store, config, app.extensions["emulator_nonces"], clock(store))
        g.emulator_client = client
        g.emulator_credential = credential
        g.emulator_account = access.resolve_account(store, client, request.args.get("accountSwitchKey"))
        if module is None:
            return
        access.check_grant(client, module.SERVICE_NAME, iam.access_level, request.method)

    @app.after_request
    def save_after_write(response):
        if 200 <= response.status_code < 300 and request.method.upper() not in READ_METHODS:
            store.save()
        return response

    @app.errorhandler(Problem)
    def render_problem(problem):
        return problem.response()

    @app.errorhandler(HTTPException)
    def render_http_error(exc):
        if exc.code is None or exc.code < 400:
            return exc
        body = {"type": "https://problems.luna.akamaiapis.net/-/emulator/http-%d" % exc.code,
                "title": exc.name, "status": exc.code, "detail": exc.description,
                "instance": "%s#%s" % (request.path, uuid.uuid4().hex)}
        headers = {}
        if exc.code == 405 and exc.valid_methods:
            headers["Allow"] = ", ".join(exc.valid_methods)
        return problem_response(exc.code, body, headers)

    @app.errorhandler(Exception)
    def render_unexpected(exc):
        LOG.exception("unhandled error: %s", exc)
        return internal_error().response()

    if config.check_openapi:
        from .conformance import Conformance  # pylint: disable=import-outside-toplevel
        conformance = app.extensions["emulator_conformance"] = Conformance().load()

        @app.after_request
        def check_openapi(response):
            path = request.path
            if not (path == admin.blueprint.url_prefix or path.startswith(admin.blueprint.url_prefix + "/")):
                conformance.check(request.method, path, request.args, request.headers, request.get_data(),
                                  response.status_code, response.headers, response.get_data())
            return response

    @app.after_request
    def no_content(response):
        # 204 and 304 answers have no content (RFC 9110 sections 15.3.5, 15.4.5): no body, no Content-Type.
        if response.status_code in (204, 304):
            response.set_data(b"")
            response.headers.pop("Content-Type", None)
            response.headers.pop("Content-Length", None)
        return response

    app.wsgi_app = FaultMiddleware(app.wsgi_app, app.extensions["emulator_faults"], store.lock,
                                   config.latency_ms, config.latency_jitter_ms)
    return app
