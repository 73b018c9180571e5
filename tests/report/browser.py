"""Open a page in Debian's headless Chromium and report what a reader and a printer get.

Chromium is driven through the DevTools protocol over `--remote-debugging-pipe` (commands on
file descriptor 3, replies and events on 4, each message JSON ending in a NUL byte), so no
websocket library or browser download is needed. The page is loaded, every console message,
uncaught exception, log entry and network request is recorded, then the whole page is
captured as a PNG and printed to PDF. Protocol reference:
https://chromedevtools.github.io/devtools-protocol/ (Target, Page, Runtime, Log, Network).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The flags the project's CI runs Chromium with: no sandbox (containers run as root), no GPU,
# and nothing Chromium would fetch on its own (updates, sync, first-run pages).
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--remote-debugging-pipe",
)
WIDTH = 1100


def chromium() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageVisit:
    console: list[str] = field(default_factory=list)  # console calls, exceptions, log errors
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    png: bytes = b""
    pdf: bytes = b""
    slices: list[bytes] = field(default_factory=list)  # the page cut into screen-sized PNGs


def _high(fd: int) -> int:
    """`fd` moved to a descriptor number of at least 10."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class _Pipe:
    def __init__(self, executable: str, profile_dir: str) -> None:
        # Both pipe ends Chromium gets sit above 10, so moving them to 3 and 4 in the child
        # cannot overwrite one with the other.
        commands_read, self._commands = (_high(fd) for fd in os.pipe())
        self._replies, replies_write = (_high(fd) for fd in os.pipe())

        def as_devtools_pipe() -> None:
            os.dup2(commands_read, 3)
            os.dup2(replies_write, 4)

        try:
            self.process = subprocess.Popen(
                [executable, *FLAGS, f"--user-data-dir={profile_dir}", "about:blank"],
                pass_fds=(3, 4),
                preexec_fn=as_devtools_pipe,  # the test process runs no other thread meanwhile
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        finally:
            os.close(commands_read)
            os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str) -> None:
        while not any(event.get("method") == method for event in self.events):
            self.events.append(self._read())

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def close(self) -> None:
        os.close(self._commands)
        os.close(self._replies)
        self.process.terminate()
        self.process.wait(timeout=30)


def visit(page: Path, executable: str, slice_height: int = 0) -> PageVisit:
    """Load `page` in headless Chromium; what it logged and requested, its PNG and PDF, and,
    with `slice_height`, the page cut into PNGs that tall, for people to look at."""
    with tempfile.TemporaryDirectory() as profile_dir:
        pipe = _Pipe(executable, profile_dir)
        try:
            return _visit(pipe, page.resolve().as_uri(), slice_height)
        finally:
            pipe.close()


def _visit(pipe: _Pipe, url: str, slice_height: int) -> PageVisit:
    target = pipe.send("Target.createTarget", url="about:blank")["targetId"]
    session = pipe.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.send(f"{domain}.enable", session)
    pipe.send(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=WIDTH,
        height=800,
        deviceScaleFactor=1,
        mobile=False,
    )
    pipe.events.clear()
    pipe.send("Page.navigate", session, url=url)
    pipe.wait_for("Page.loadEventFired")
    size = pipe.send("Page.getLayoutMetrics", session)["cssContentSize"]
    png = pipe.send(
        "Page.captureScreenshot",
        session,
        format="png",
        captureBeyondViewport=True,
        clip={"x": 0, "y": 0, "width": WIDTH, "height": size["height"], "scale": 1},
    )
    pdf = pipe.send("Page.printToPDF", session, preferCSSPageSize=True, printBackground=True)
    result = PageVisit(png=base64.b64decode(png["data"]), pdf=base64.b64decode(pdf["data"]))
    for top in range(0, int(size["height"]), slice_height) if slice_height else ():
        clip = {"x": 0, "y": top, "width": WIDTH, "height": slice_height, "scale": 1}
        piece = pipe.send(
            "Page.captureScreenshot", session, format="png", captureBeyondViewport=True, clip=clip
        )
        result.slices.append(base64.b64decode(piece["data"]))
    for event in pipe.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            texts = [str(arg.get("value", arg.get("description", ""))) for arg in params["args"]]
            result.console.append(f"console.{params['type']}: {' '.join(texts)}")
        elif method == "Runtime.exceptionThrown":
            result.console.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            result.console.append(f"log {params['entry']['level']}: {params['entry']['text']}")
        elif method == "Network.requestWillBeSent":
            result.requests.append(params["request"]["url"])
    return result
