"""Headless Chromium (the distribution's ``chromium`` package) driven by
Playwright, for the console's tests and benchmark. Playwright never
downloads a browser here: it launches ``/usr/bin/chromium``."""

import contextlib
import os
import shutil
import tempfile
import threading
import time
from wsgiref import simple_server

CHROMIUM = os.environ.get('KARBOR_CHROMIUM', '/usr/bin/chromium')
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync']
DESKTOP = {'width': 1280, 'height': 800}
PHONE = {'width': 390, 'height': 844}


def missing():
    """Why no browser test can run here, or None."""
    if not os.access(CHROMIUM, os.X_OK):
        return '%s is missing (tools/ensure-services installs it)' % CHROMIUM
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'playwright is not installed (test-requirements.txt)'
    return None


class Browser(object):
    """One Chromium with a fresh profile directory; ``stop`` removes it."""

    def __init__(self):
        from playwright.sync_api import sync_playwright
        self.profile = tempfile.mkdtemp(prefix='karbor-chromium-')
        self._playwright = sync_playwright().start()
        self.context = self._playwright.chromium.launch_persistent_context(
            self.profile, executable_path=CHROMIUM, args=ARGS,
            headless=True, viewport=DESKTOP)
        self.context.set_default_timeout(30000)
        self.errors = []

    def page(self):
        page = self.context.new_page()
        page.on('pageerror', lambda err: self.errors.append(str(err)))
        return page

    def stop(self):
        try:
            self.context.close()
        finally:
            self._playwright.stop()
            shutil.rmtree(self.profile, ignore_errors=True)


def artifacts_dir(name):
    """Where the screenshots of a run go (printed by the tests):
    ``$KARBOR_TEST_ARTIFACTS/<name>`` or a new directory under /tmp."""
    root = os.environ.get('KARBOR_TEST_ARTIFACTS')
    if root:
        path = os.path.join(root, name)
        os.makedirs(path, exist_ok=True)
        return path
    return tempfile.mkdtemp(prefix='karbor-%s-%s-' % (
        name, time.strftime('%Y%m%d-%H%M%S')))


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(app):
    """Serve the WSGI ``app`` on a free local port; yield its base URL."""
    server = simple_server.make_server('127.0.0.1', 0, app,
                                       handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield 'http://127.0.0.1:%d' % server.server_port
    finally:
        server.shutdown()
        server.server_close()
