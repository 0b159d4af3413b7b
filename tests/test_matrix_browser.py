"""The HTML export in a real browser: headless Chromium, watched through the DevTools protocol.

Chromium is started with ``--remote-debugging-pipe`` (the protocol on file descriptors 3 and 4,
no port). The test attaches to the page, enables the Runtime, Log, Network and Page domains,
opens the exported file, opens every cell's details, sorts and filters, and then checks what the
browser itself reported: no console error, no uncaught exception, no log entry of level error,
and no network request other than the page's own file. Network.requestWillBeSent fires for every
request the page makes, whatever its scheme (a font, a script, an image, a fetch), so an empty
list is an observation, not an assumption.

Debian's ``chromium`` package provides the browser; ``.ci/run`` installs it and sets
SANCTUARY_CHECK_REQUIRE_CHROMIUM=1, which turns a missing browser into a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import ROOT
from sanctuary_check.cli import app

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


class DevTools:
    """A minimal Chrome DevTools protocol client over the pipe (messages end with NUL)."""

    def __init__(self, profile: Path) -> None:
        assert BROWSER is not None
        to_browser_r, self._write = os.pipe()
        self._read, from_browser_w = os.pipe()

        def pipes_on_3_and_4() -> None:
            # In the child only: Chromium reads commands on fd 3 and answers on fd 4.
            a, b = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                BROWSER,
                "--headless=new",
                "--remote-debugging-pipe",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=pipes_on_3_and_4,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in (to_browser_r, from_browser_w):
            os.close(fd)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str = "") -> Any:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(30.0)
            if reply.get("id") == self._next:
                assert "error" not in reply, reply
                return reply.get("result", {})
            self.events.append(reply)

    def _receive(self, timeout: float) -> dict[str, Any]:
        import select

        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._read], [], [], max(0.0, left))
            if not ready:
                raise TimeoutError("no answer from the browser")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        data: dict[str, Any] = json.loads(raw)
        return data

    def wait_for(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self._receive(deadline - time.monotonic())
            self.events.append(event)
            if event.get("method") == method:
                return event
        raise TimeoutError(method)

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(self._receive(max(0.01, deadline - time.monotonic())))
            except TimeoutError:
                return

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, TimeoutError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._write)
        os.close(self._read)


@pytest.fixture
def page(tmp_path: Path) -> Path:
    if BROWSER is None:
        if os.environ.get("SANCTUARY_CHECK_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is required (apt-get install chromium)")
        pytest.skip("chromium is not installed (Debian package: chromium)")
    target = tmp_path / "matrix.html"
    hostile = tmp_path / "policies"
    hostile.mkdir()
    for p in (ROOT / "policies").glob("*.yaml"):
        shutil.copy(p, hostile / p.name)
    from test_matrix import HOSTILE

    (hostile / "hostile-town.yaml").write_text(HOSTILE)
    result = CliRunner().invoke(
        app, ["matrix", str(hostile), "--years", "2016..2019", "--format", f"html={target}"]
    )
    assert result.exit_code == 1, result.stderr
    return target


def test_html_export_loads_without_errors_or_requests(page: Path, tmp_path: Path) -> None:
    tools = DevTools(tmp_path / "profile")
    try:
        targets = tools.send("Target.getTargets")["targetInfos"]
        target = next(t for t in targets if t["type"] == "page")
        session = tools.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            tools.send(f"{domain}.enable", session=session)
        url = page.as_uri()
        tools.send("Page.navigate", {"url": url}, session=session)
        tools.wait_for("Page.loadEventFired")
        script = """
            (function(){
              var ds=document.querySelectorAll('details');
              ds.forEach(function(d){d.querySelector('summary').click();});
              document.querySelectorAll('button.sort').forEach(function(b){b.click();b.click();});
              var t=document.getElementById('filter-text');
              t.value='phila';t.dispatchEvent(new Event('input'));
              var s=document.getElementById('filter-verdict');
              s.value='conflict';s.dispatchEvent(new Event('change'));
              var shown=document.querySelectorAll('#matrix tbody tr:not([hidden])').length;
              return JSON.stringify({details: ds.length,
                open: document.querySelectorAll('details[open]').length, shown: shown,
                status: document.getElementById('shown').textContent,
                scoped: document.querySelectorAll('th[scope]').length,
                alerts: typeof window.__alerted});
            })()
        """
        result = tools.send(
            "Runtime.evaluate", {"expression": script, "returnByValue": True}, session=session
        )
        state = json.loads(result["result"]["value"])
        tools.drain(1.0)
        # The details are written into a cell when it opens (from the page's one table of
        # distinct findings); by now every opened cell has its own, and hovering gives a title.
        script = """
            (function(){
              var ds=document.querySelectorAll('#matrix details');
              var filled=0,items=0;
              ds.forEach(function(d){if(d.querySelector('p')){filled++;}
                items+=d.querySelectorAll('li').length;});
              var td=document.querySelector('#matrix td[data-b]');
              td.dispatchEvent(new MouseEvent('mouseover',{bubbles:true}));
              var links=document.querySelectorAll('#matrix details a');
              var bad=Array.prototype.filter.call(links,function(a){
                return !/^https?:/.test(a.href);}).length;
              return JSON.stringify({details: ds.length, filled: filled, items: items,
                title: td.title, links: links.length, bad: bad,
                injected: document.querySelectorAll('#matrix img, #matrix b').length,
                hostile: document.body.textContent.indexOf('<img src=x onerror=alert(1)>')>=0});
            })()
        """
        result = tools.send(
            "Runtime.evaluate", {"expression": script, "returnByValue": True}, session=session
        )
        opened = json.loads(result["result"]["value"])
        tools.drain(0.5)
    finally:
        tools.close()
    assert state["details"] > 100 and state["open"] == state["details"]
    assert opened["filled"] == opened["details"] == state["details"]
    assert opened["items"] > opened["details"]  # the findings, listed
    assert opened["links"] > 0 and opened["bad"] == 0  # only http(s) addresses became links
    assert opened["injected"] == 0 and opened["hostile"]  # hostile text shown as text
    assert opened["title"].startswith(("City", "Town", "County", "State")), opened["title"]
    assert " as of " in opened["title"]  # the hover title names the row and the column
    assert state["shown"] == 1 and state["status"].startswith("1 of 11")
    assert state["scoped"] > 10
    console_errors = [
        e
        for e in tools.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (
            e.get("method") == "Runtime.consoleAPICalled"
            and e["params"]["type"] in ("error", "assert")
        )
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert console_errors == []
    requests = [
        e["params"]["request"]["url"]
        for e in tools.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requests == [url]  # the page itself, and nothing else
    dialogs = [e for e in tools.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert dialogs == []  # no alert() from the hostile file ever ran
