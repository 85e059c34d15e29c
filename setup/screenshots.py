# Copyright 2026 lot_traceability contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The README's screenshots, from a running copy of the demo database.

Run by ``setup/screenshots`` (which serves the copy): logs in as admin, places
a hold on a demo lot and runs a mock recall (in the copy only), then drives
headless Chromium through the DevTools protocol for the trace screen (its
graph) and the hold banner, and renders the recall report PDF's first page
with pdftoppm.

    python setup/screenshots.py URL DATABASE OUTPUT_DIR
"""

import base64
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests
import websocket

YY = f"{datetime.date.today().year % 100:02d}"


class Odoo:
    def __init__(self, url, db):
        self.url, self.session = url, requests.Session()
        self.rpc("/web/session/authenticate", db=db, login="admin", password="admin")

    def rpc(self, path, **params):
        response = self.session.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=300,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RuntimeError(json.dumps(body["error"], indent=1)[:2000])
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def lot(self, name):
        ids = self.call("stock.lot", "search", [("name", "=", name)], limit=1)
        if not ids:
            sys.exit(f"lot {name} not found: is this the demo database?")
        return ids[0]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of the Chrome DevTools protocol: navigate, wait, capture."""

    def __init__(self, width=1440, height=960):
        self.profile = tempfile.mkdtemp(prefix="lt_screenshots_")
        port = free_port()
        executable = shutil.which("chromium") or shutil.which("google-chrome")
        self.process = subprocess.Popen(
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--no-first-run",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=2)
                target = next(p for p in pages.json() if p["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        else:
            raise RuntimeError("Chromium did not start")
        self.ws = websocket.create_connection(
            target["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.next_id = 0

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result["result"].get("value")

    def wait(self, selector, text="", timeout=60):
        check = (
            f"Array.from(document.querySelectorAll({json.dumps(selector)}))"
            f".some(el => el.offsetParent !== null && "
            f"el.textContent.includes({json.dumps(text)}))"
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(check):
                time.sleep(1.5)  # let fonts, avatars and animations settle
                return
            time.sleep(0.3)
        failure = os.path.join(tempfile.gettempdir(), "lt_screenshots_failure.png")
        self.capture(failure)
        raise RuntimeError(
            f"{selector!r} with {text!r} not shown in {timeout}s at "
            f"{self.evaluate('location.href')} (what the browser showed: {failure})"
        )

    def open(self, url, session_id):
        self.send("Network.enable")
        self.send(
            "Network.setCookie",
            name="session_id",
            value=session_id,
            url=url,
            httpOnly=True,
        )
        self.send("Page.navigate", url=url)

    def click(self, selector):
        if not self.evaluate(
            f"(el => el ? (el.click(), true) : false)"
            f"(document.querySelector({json.dumps(selector)}))"
        ):
            raise RuntimeError(f"nothing to click at {selector!r}")

    def capture(self, path):
        # toasts (e.g. "The page is out of date": the bus has no websocket in
        # a threaded server) would cover the screen
        self.evaluate(
            "document.querySelectorAll('.o_notification').forEach(n => n.remove())"
        )
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print(f"  {path}")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(15)
        shutil.rmtree(self.profile, ignore_errors=True)


def main(url, db, out):
    os.makedirs(out, exist_ok=True)
    odoo = Odoo(url, db)
    session_id = odoo.session.cookies["session_id"]
    tomato = odoo.lot(f"TOM-{YY}-0001")
    sauce = odoo.lot(f"SAUCE-{YY}-0001")

    # a hold on a demo lot (this is a copy of the demo database)
    reason = odoo.call(
        "stock.lot.hold.reason", "search", [("name", "=", "Customer complaint")]
    )[0]
    wizard = odoo.call(
        "stock.lot.hold.wizard",
        "create",
        {
            "lot_ids": [(6, 0, [sauce])],
            "reason_id": reason,
            "description": "Two jars reported with a broken seal by Bella Cucina.",
        },
    )
    odoo.call("stock.lot.hold.wizard", "action_confirm", [wizard])

    # a mock recall of the shared tomato lot, and its report
    recall = odoo.call(
        "stock.lot.recall", "create", {"scope": "lots", "lot_ids": [(6, 0, [tomato])]}
    )
    odoo.call("stock.lot.recall", "action_run", [recall])
    pdf = odoo.session.get(
        f"{url}/report/pdf/lot_traceability.report_recall/{recall}", timeout=300
    )
    if not pdf.content.startswith(b"%PDF"):
        raise RuntimeError("the recall report is not a PDF")
    with tempfile.TemporaryDirectory() as tmp:
        with open(f"{tmp}/recall.pdf", "wb") as file:
            file.write(pdf.content)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                f"{tmp}/recall.pdf",
                f"{out}/recall-report",
            ],
            check=True,
        )
    print(f"  {out}/recall-report.png")

    lot_form = f"{url}/odoo/action-stock.action_production_lot_form"
    browser = Browser()
    try:
        # the trace screen: the genealogy graph of the shared tomato lot
        browser.open(f"{lot_form}/{tomato}", session_id)
        # the first page of a fresh copy builds the web client's assets
        browser.wait(".o_form_view .o-form-buttonbox", timeout=300)
        if not browser.evaluate(
            "!!document.querySelector('button[name=action_open_trace]')"
        ):  # a narrow screen puts it under "More"
            browser.click(".o-form-buttonbox .o_button_more")
            browser.wait("button[name=action_open_trace]")
        browser.click("button[name=action_open_trace]")
        browser.wait(".o_lt_trace_screen .o_lt_node_customer", "Corner Deli")
        browser.capture(f"{out}/trace.png")
        # the lot form of a held lot: banner, badge, Holds smart button
        browser.open(f"{lot_form}/{sauce}", session_id)
        browser.wait(".o_form_view .alert-danger", "On hold")
        browser.capture(f"{out}/hold-banner.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
