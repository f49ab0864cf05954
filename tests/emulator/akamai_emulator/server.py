"""Serving the app on loopback with werkzeug, in the foreground or in a background thread."""

import ipaddress
import threading

from werkzeug.serving import WSGIRequestHandler, make_server

from . import bootstrap
from .app import create_app
from .state import Store


class SafeHandler(WSGIRequestHandler):
    """A request handler that never logs what a malformed request held (it may be a secret)."""

    def log_error(self, format, *args):  # pylint: disable=redefined-builtin
        """Log the status of a refused request, not the request line the standard message quotes."""
        if format.startswith("code %d, message") and args:
            self.log("error", "code %d: a malformed request was refused (its content is not logged)", args[0])
            return
        super().log_error(format, *args)


class QuietHandler(SafeHandler):
    """A request handler that does not print one line per request."""

    def log_request(self, code="-", size="-"):  # pylint: disable=unused-argument
        """Log nothing."""
        return None


def check_loopback(host):
    """Refuse to listen anywhere but on loopback."""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError("the emulator listens on loopback only, not %r" % (host,))


def prepare(config, store=None):
    """Load or bootstrap the store and build the app; returns (app, store, bootstrapped)."""
    if store is None:
        store = Store(config.state_file)
        store.load()
    app = create_app(config, store)
    bootstrapped = False
    if store.is_empty():
        with store.lock, app.app_context():
            bootstrap.bootstrap(store, app.extensions["emulator_modules"])
            store.save()
        bootstrapped = True
    return app, store, bootstrapped


class BackgroundServer:
    """A werkzeug server in a daemon thread."""

    def __init__(self, app, host="127.0.0.1", port=0, quiet=True):
        check_loopback(host)
        self.server = make_server(host, port, app, threaded=True,
                                  request_handler=QuietHandler if quiet else SafeHandler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="akamai-emulator", daemon=True)

    @property
    def base_url(self):
        """http://127.0.0.1:PORT"""
        return "http://%s:%d" % (self.host, self.port)

    def start(self):
        """Serve in the background."""
        self.thread.start()
        return self

    def stop(self):
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
