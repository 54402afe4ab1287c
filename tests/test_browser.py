"""The quick-start notebook runs in a real JupyterLab, in a real (headless) browser.

The test starts JupyterLab on localhost, opens the notebook in headless Chromium
driven by Selenium, runs every cell from the front end and checks what the browser
rendered: a figure, no error. It works on a temporary copy of ``notebooks/`` and
``corpus/`` (and writes figures, parse cache, Jupyter config and settings there),
so nothing in the repository or in the user's home changes.

Needs Debian's Chromium and ChromeDriver (``apt-get install chromium chromium-driver``;
``.ci/run`` installs them) and the ``selenium`` dev dependency. Nothing is downloaded:
Selenium is given both binaries and Selenium Manager is kept offline. Skip it in a
quick local run with ``-m "not browser"``. If ``BROWSER_SCREENSHOT_DIR`` is set, the
screenshot is copied there; ``BROWSER_TEST_NOTEBOOK`` runs another notebook instead.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "00_quickstart.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = (
    "install them with `apt-get update && apt-get install -y chromium chromium-driver` "
    "(as root; .ci/run does this), or deselect this test with -m 'not browser'"
)
SERVER_TIMEOUT = 60  # s, until the Jupyter server's API answers
OPEN_TIMEOUT = 90  # s, until the notebook is open and its kernel is ready
RUN_TIMEOUT = 180  # s, until every code cell has run
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # needed as root (CI)
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    # Without these Chromium keeps calling home, and on a closed network its
    # refused connections get in the way.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-proxy-server",
    "--window-size=1400,1000",
]

pytestmark = pytest.mark.browser


# ---------------------------------------------------------------- helpers


def _notebook_name() -> str:
    return os.environ.get("BROWSER_TEST_NOTEBOOK") or NOTEBOOK


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Talk to localhost directly, whatever proxy the environment names.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _api(base: str, token: str, path: str, method: str = "GET", timeout: float = 5):
    request = urllib.request.Request(
        f"{base}{path}", method=method, headers={"Authorization": f"token {token}"},
        data=b"" if method in ("POST", "PUT") else None,
    )
    with _OPENER.open(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk (fails if ``data`` is no PNG)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG"
    assert data[12:16] == b"IHDR", "the screenshot PNG has no IHDR chunk"
    return struct.unpack(">II", data[16:24])


def _stop_process_group(process: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL, the process group the test started (server and kernels)."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; anything left in its group (a kernel) gets the same signal.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return


def _descendants(pid: int) -> list:
    """The processes a process started (psutil, a dev dependency), to clean up after it."""
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:
        return []


def _kill(processes: list) -> None:
    """SIGKILL those of `processes` (psutil.Process, so a reused pid is not hit) still alive."""
    for proc in processes:
        try:
            if proc.is_running():
                proc.kill()
        except Exception:
            pass


def _require_prerequisites(name: str) -> None:
    """Fail (not skip) with what to do when the notebook, the browser or selenium is missing."""
    if not (ROOT / "notebooks" / name).is_file():
        pytest.fail(
            f"notebooks/{name} does not exist: the browser test opens it (module constant "
            f"NOTEBOOK={NOTEBOOK!r}). Write it, or set BROWSER_TEST_NOTEBOOK to another "
            f"notebook in notebooks/ (e.g. 01_corpus_and_actors.ipynb) to run the test against that.",
            pytrace=False,
        )
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail(f"the browser test needs Chromium and ChromeDriver; missing: {', '.join(missing)}; "
                    f"{INSTALL_HINT}", pytrace=False)
    try:
        import selenium  # noqa: F401
    except ImportError:
        pytest.fail("the browser test needs selenium (a dev dependency): pip install -e '.[dev]'", pytrace=False)


class LabServer:
    def __init__(self, base: str, token: str, root: Path, log: Path, process: subprocess.Popen):
        self.base, self.token, self.root, self.log, self.process = base, token, root, log, process

    def url(self, path: str) -> str:
        return f"{self.base}{path}?token={self.token}"


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def lab_server(tmp_path):
    """JupyterLab on 127.0.0.1, a free port and a random token, serving a temporary
    copy of the repository's notebooks/ and corpus/ (so ``../corpus`` and
    ``../figures`` resolve inside the copy)."""
    root = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "corpus", root / "corpus")

    # Jupyter's config, data, runtime and lab settings all go to the temporary
    # folder: the user's own (a windowed notebook, another "python3" kernelspec,
    # a theme) cannot change what the test sees, and the test writes nothing there.
    home = tmp_path / "jupyter"
    config_dir, settings_dir = home / "config", home / "lab-settings"
    config_dir.mkdir(parents=True)
    (config_dir / "jupyter_server_config.json").write_text(json.dumps({
        "LabApp": {
            "news_url": None,
            "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        },
    }))
    lab_settings = {
        # Keep every cell attached to the DOM, so the rendered outputs can be checked.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        # No "fetch Jupyter news?" toast, no requests to the outside.
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false", "checkForUpdates": False,
        },
    }
    for rel, value in lab_settings.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))

    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MPLBACKEND"))}
    env.update({
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(home / "ipython"),
        "ANALYSIS_CACHE_DIR": str(tmp_path / "parse-cache"),
        "PYTHONUNBUFFERED": "1",
    })

    token = secrets.token_hex(24)
    log = tmp_path / "jupyter-lab.log"
    process = None
    try:
        for _attempt in range(3):  # another process may take the free port first
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            with log.open("ab") as out:
                process = subprocess.Popen(
                    [
                        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                        f"--LabApp.user_settings_dir={settings_dir}",
                        f"--LabApp.workspaces_dir={home / 'workspaces'}",
                        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp
                        "--ServerApp.shutdown_no_activity_timeout=600",  # a lost server ends itself
                        "--MappingKernelManager.cull_idle_timeout=600",
                    ],
                    cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group (kernels start sessions of their own)
                )
            deadline = time.monotonic() + SERVER_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    _api(base, token, "/api/status", timeout=2)
                    break
                except (urllib.error.URLError, OSError, ValueError):
                    time.sleep(0.3)
            else:
                if process.poll() is None:
                    pytest.fail(f"JupyterLab did not answer within {SERVER_TIMEOUT} s:\n{_tail(log)}", pytrace=False)
                if "already in use" in _tail(log, 5):
                    continue  # another process took the port first: try another
                pytest.fail(f"JupyterLab exited with status {process.returncode}:\n{_tail(log)}", pytrace=False)
            break
        else:
            pytest.fail(f"JupyterLab would not start:\n{_tail(log)}", pytrace=False)

        yield LabServer(base, token, root, log, process)
    finally:
        if process is not None:
            # Kernels run in sessions of their own: note their ids before the server goes.
            children = _descendants(process.pid)
            if process.poll() is None:
                try:  # shut kernels down cleanly, then the server
                    for session in _api(base, token, "/api/sessions"):
                        _api(base, token, f"/api/sessions/{session['id']}", method="DELETE", timeout=15)
                    _api(base, token, "/api/shutdown", method="POST")
                    process.wait(timeout=15)
                except Exception:
                    pass
            _stop_process_group(process)
            _kill(children)


@pytest.fixture
def browser(tmp_path, monkeypatch):
    """Headless Debian Chromium through Debian's ChromeDriver: nothing downloaded."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    # Selenium Manager is skipped when the driver path is given; this keeps it
    # offline (and silent) should anything still call it.
    monkeypatch.setenv("SE_OFFLINE", "true")
    monkeypatch.setenv("SE_AVOID_STATS", "true")
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(var, ",".join(filter(None, [os.environ.get(var), "127.0.0.1", "localhost"])))

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = None
    try:
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(60)
        driver.set_script_timeout(30)
        yield driver
    finally:
        if driver is not None:
            driver.quit()
        else:
            service.stop()


# ---------------------------------------------------------------- the test

# What the front end knows about the notebook at `arguments[0]`: found through
# window.jupyterapp (exposed with --LabApp.expose_app_in_browser).
_STATE_JS = """
const app = window.jupyterapp;
if (!app || !app.shell) return {state: 'no-app'};
let panel = null;
for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === arguments[0] && w.content && w.sessionContext) { panel = w; break; }
}
if (!panel) return {state: 'not-open'};
const session = panel.sessionContext.session;
const kernel = session ? session.kernel : null;
const counts = [], errors = [];
const cells = panel.content.model ? panel.content.model.cells : null;
for (let i = 0; cells && i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    counts.push(cell.executionCount);
    for (const out of cell.outputs.toJSON()) {
        if (out.output_type === 'error') errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
    }
}
return {
    state: 'open', id: panel.id,
    ready: panel.context.isReady && panel.sessionContext.isReady && !!kernel,
    kernel: kernel ? kernel.status : null, kernelName: kernel ? kernel.name : null,
    counts: counts, errors: errors,
    pending: Array.from(document.getElementById(panel.id).querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
        .filter(p => p.textContent.includes('*')).length,
};
"""

# The rendered outputs of the notebook panel `arguments[0]`.
_OUTPUTS_JS = """
const panel = document.getElementById(arguments[0]);
const images = Array.from(panel.querySelectorAll(
    '.jp-OutputArea-output.jp-RenderedImage img, .jp-OutputArea-output .jp-RenderedImage img'));
const stderr = Array.from(panel.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'));
return {
    images: images.map(img => [img.naturalWidth, img.naturalHeight]),
    tracebacks: stderr.map(e => e.textContent).filter(t => t.includes('Traceback')),
    stderr: stderr.map(e => e.textContent.slice(0, 300)),
    outputs: Array.from(panel.querySelectorAll('.jp-OutputArea-output'))
        .map(e => e.getAttribute('data-mime-type') || e.className),
};
"""


def _wait(driver, what, condition, timeout, log: Path | None = None, poll=0.5):
    """Poll `condition()` (a value, or None to go on) until `timeout`; fail with `what`."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last is not None and last is not False:
            return last
        time.sleep(poll)
    console = []
    try:
        console = [e["message"][:300] for e in driver.get_log("browser") if e.get("level") == "SEVERE"][-10:]
    except Exception:
        pass
    pytest.fail(f"timed out after {timeout} s waiting for {what}; last state: {last!r}; "
                f"browser console errors: {console}"
                + (f"\nJupyterLab log:\n{_tail(log, 20)}" if log else ""), pytrace=False)


def test_quickstart_notebook_runs_in_jupyterlab(request, tmp_path):
    name = _notebook_name()
    _require_prerequisites(name)  # before anything is started
    lab_server = request.getfixturevalue("lab_server")
    browser = request.getfixturevalue("browser")
    path = f"notebooks/{name}"
    started = time.monotonic()
    browser.get(lab_server.url(f"/lab/tree/{path}"))

    def opened():
        state = browser.execute_script(_STATE_JS, path)
        return state if state["state"] == "open" and state["ready"] and state["kernel"] == "idle" else None

    state = _wait(browser, f"JupyterLab to open {path} with an idle kernel", opened, OPEN_TIMEOUT, lab_server.log)
    assert state["counts"], f"{name} has no code cells"
    assert not any(c is not None for c in state["counts"]), "the notebook was opened with execution counts"

    # Run > Run All Cells, through the application's command registry (the
    # same command the menu item and the command palette call).
    browser.execute_script(
        "window.jupyterapp.shell.activateById(arguments[0]);"
        "window.jupyterapp.commands.execute('notebook:run-all-cells');",
        state["id"],
    )

    seen = {"idle": 0}

    def finished():
        s = browser.execute_script(_STATE_JS, path)
        done = (s["state"] == "open" and s["kernel"] == "idle" and s["pending"] == 0
                and (all(c is not None for c in s["counts"]) or s["errors"]))
        seen["idle"] = seen["idle"] + 1 if done else 0
        return s if seen["idle"] >= 3 else None  # idle on three polls in a row: the queue is empty

    state = _wait(browser, f"every code cell of {name} to run", finished, RUN_TIMEOUT, lab_server.log)
    ran_in = time.monotonic() - started

    outputs = browser.execute_script(_OUTPUTS_JS, state["id"])
    assert not state["errors"], f"{name} raised in the browser: {state['errors']}"
    assert not outputs["tracebacks"], f"{name} shows tracebacks: {outputs['tracebacks']}"
    assert all(c is not None for c in state["counts"]), f"not every code cell ran: {state['counts']}"
    assert state["kernelName"] == "python3"
    assert outputs["images"], f"{name} shows no figure in the browser; outputs rendered: {outputs['outputs']}"
    assert any(w > 0 and h > 0 for w, h in outputs["images"]), f"no figure image loaded: {outputs['images']}"

    # Screenshot with the first figure in view.
    browser.execute_script(
        "document.getElementById(arguments[0]).querySelector('.jp-RenderedImage img')"
        ".scrollIntoView({block: 'center'});",
        state["id"],
    )
    time.sleep(0.5)
    shot = tmp_path / f"{Path(name).stem}.png"
    assert browser.save_screenshot(str(shot)), "the browser took no screenshot"
    data = shot.read_bytes()
    width, height = _png_size(data)
    assert width > 0 and height > 0 and len(data) > 1000, f"empty screenshot ({width}x{height}, {len(data)} bytes)"
    if os.environ.get("BROWSER_SCREENSHOT_DIR"):
        target = Path(os.environ["BROWSER_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shot, target / shot.name)

    print(f"{name}: {len(state['counts'])} code cells ran in the browser in {ran_in:.1f} s, "
          f"{len(outputs['images'])} figure(s) rendered; screenshot {shot}")
