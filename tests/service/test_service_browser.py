"""The web pages in a real browser: headless Chromium driven by Selenium through Debian's chromium-driver,
against a real `dockguard serve` process on 127.0.0.1. Sign in, upload a corpus release, see the
verdict, open the report. With DOCKGUARD_SCREENSHOTS=DIR it also saves screenshots of the pages there."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_helpers import CORPUS
from service_process import ServerProcess

from dockguard.report.browser import find_chromium
from dockguard.service.keys import Role, create_key
from dockguard.service.store import ServiceStore

pytestmark = [
    pytest.mark.browser,
    pytest.mark.server,
    pytest.mark.skipif(
        find_chromium() is None or shutil.which("chromedriver") is None,
        reason="needs Chromium and its driver: apt-get install chromium chromium-driver",
    ),
]

RELEASE = CORPUS / "releases" / "zh-Hans" / "nisheng_xujia.txt"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(find_chromium())
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _shot(driver: Any, name: str) -> None:
    folder = os.environ.get("DOCKGUARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / name))


def test_sign_in_upload_see_the_verdict_open_the_report(
    tmp_path: Path, fake_corpus_db: Path, browser: Any
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shutil.copy(fake_corpus_db, tmp_path / "registry.sqlite")
    db = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    with ServiceStore.open(db) as store:
        key = create_key(store, Role.REGISTRAR, "星河影业").token
    server = ServerProcess(db, tmp_path / "server.log").start()
    try:
        wait = WebDriverWait(browser, 60)
        browser.get(server.url + "/")
        wait.until(ec.presence_of_element_located((By.ID, "key")))
        _shot(browser, "service-signin.png")
        browser.find_element(By.ID, "key").send_keys(key)
        browser.find_element(By.ID, "signin").click()
        wait.until(ec.presence_of_element_located((By.ID, "file")))
        assert browser.current_url.endswith("/scans")

        browser.find_element(By.ID, "file").send_keys(str(RELEASE))
        browser.find_element(By.ID, "scan").click()
        # the status page refreshes itself (no JavaScript needed) until the scan is done
        wait.until(lambda d: d.find_element(By.ID, "status").text == "done")
        verdicts = browser.find_element(By.ID, "verdicts").text
        assert "nisheng_xujia.txt" in verdicts and "copy" in verdicts
        assert "flagged" in verdicts
        _shot(browser, "service-scan.png")

        browser.find_element(By.ID, "report").click()
        wait.until(lambda d: "/report" in d.current_url)
        body = browser.find_element(By.TAG_NAME, "body").text
        assert "nisheng_xujia.txt" in body

        browser.get(server.url + "/scans")
        assert "copy" in browser.find_element(By.ID, "scans").text
        _shot(browser, "service-scans.png")
        browser.get(server.url + "/works?q=xihu")
        rows = browser.find_element(By.ID, "works").text
        assert "xihu-wusheng" in rows and "yunduan-zhishang" not in rows
        _shot(browser, "service-works.png")
    finally:
        server.stop()
