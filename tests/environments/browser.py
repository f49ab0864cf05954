# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A headless Chromium driven through the Chrome DevTools protocol over a pipe (--remote-debugging-pipe).

No driver, no websocket, no network: Chromium reads commands from file descriptor 3 and writes answers and events
to file descriptor 4, each a JSON message ended by a NUL byte.

    with Browser() as browser:
        browser.open('file:///tmp/report.html')
        browser.evaluate('document.title')
        browser.screenshot('/tmp/page.png')
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-dev-shm-usage', '--hide-scrollbars', '--window-size=1280,1600']


class BrowserError(Exception):
    """Chromium answered with an error, or not in time."""


class Browser:
    """One headless Chromium with a fresh profile, and one page attached (flattened session)."""

    def __init__(self, executable=CHROMIUM, timeout=30.0):
        self.executable = executable
        self.timeout = timeout
        self.profile = None
        self.proc = None
        self._next_id = 0
        self._buffer = b''
        self.events = []
        self.session = None

    def __enter__(self):
        if not shutil.which(self.executable):
            raise BrowserError('%s is not installed (make environments installs Debian\'s chromium)' % self.executable)
        self.profile = tempfile.mkdtemp(prefix='chromium-profile-')
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def wire():  # runs in the child: its fd 3 reads our commands, its fd 4 writes its answers
            reads, writes = os.dup(to_browser_read), os.dup(from_browser_write)  # above 4: nothing is clobbered
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self.proc = subprocess.Popen(  # pylint: disable=consider-using-with,subprocess-popen-preexec-fn
            [self.executable] + FLAGS + ['--user-data-dir=%s' % self.profile, '--remote-debugging-pipe',
                                         'about:blank'],
            pass_fds=(3, 4, to_browser_read, from_browser_write), preexec_fn=wire,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        target = self.call('Target.createTarget', url='about:blank')['targetId']
        self.session = self.call('Target.attachToTarget', targetId=target, flatten=True)['sessionId']
        self.call('Page.enable', session=True)
        self.call('Runtime.enable', session=True)
        return self

    def __exit__(self, *exc):
        try:
            if self.proc and self.proc.poll() is None:
                try:
                    self.call('Browser.close')
                except BrowserError:
                    pass
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
        finally:
            for fd in (self._to_browser, self._from_browser):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b'\0' not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError('chromium did not answer within %.0f s' % self.timeout)
            ready, dummy, dummy = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise BrowserError('chromium closed the pipe')
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b'\0', 1)
        return json.loads(raw.decode('utf-8'))

    def call(self, method, session=False, **params):
        """Send one command (to the page's session when `session`) and return its result."""
        self._next_id += 1
        message = {'id': self._next_id, 'method': method, 'params': params}
        if session:
            message['sessionId'] = self.session
        os.write(self._to_browser, json.dumps(message).encode('utf-8') + b'\0')
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get('id') == self._next_id:
                if 'error' in answer:
                    raise BrowserError('%s: %s' % (method, answer['error']))
                return answer.get('result', {})
            if 'method' in answer:
                self.events.append(answer)

    def wait_for(self, event, deadline_s=None):
        """Wait for an event of the page (e.g. Page.loadEventFired)."""
        deadline = time.monotonic() + (deadline_s or self.timeout)
        while True:
            for index, seen in enumerate(self.events):
                if seen.get('method') == event:
                    return self.events.pop(index)
            self.events.append(self._read_message(deadline))

    def open(self, url):
        """Navigate the page to `url` and wait for its load event."""
        self.events = [e for e in self.events if e.get('method') != 'Page.loadEventFired']
        result = self.call('Page.navigate', session=True, url=url)
        if result.get('errorText'):
            raise BrowserError('cannot open %s: %s' % (url, result['errorText']))
        self.wait_for('Page.loadEventFired')

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.call('Runtime.evaluate', session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if 'exceptionDetails' in result:
            raise BrowserError('%s: %s' % (expression, result['exceptionDetails'].get('text')))
        return result['result'].get('value')

    def screenshot(self, path):
        """A PNG of the whole page."""
        data = self.call('Page.captureScreenshot', session=True, format='png', captureBeyondViewport=True)['data']
        with open(path, 'wb') as handle:
            handle.write(base64.b64decode(data))
        return path
