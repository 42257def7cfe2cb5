"""The HTML report in a real headless Chromium: the time slider, and the search box of the events table."""

import datetime as dt
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from orgsim.engine.history import History
from orgsim.reports.html import write_report


def _find(*names: str) -> str | None:
    for name in names:
        path = shutil.which(name) or (f"/usr/bin/{name}" if os.access(f"/usr/bin/{name}", os.X_OK) else None)
        if path:
            return path
    return None


CHROMIUM = _find("chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER = _find("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="needs Chromium and chromedriver (Debian: apt-get install chromium chromium-driver)")

#: Longest wait for the page to show a state (a slow shared machine); a test waits for what it asserts.
WAIT = 30

#: Root in a container needs --no-sandbox; the rest keep the browser off the (closed) network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000"]


@pytest.fixture(scope="session")
def report_page(tmp_path_factory):
    """The CSTO report, written once."""
    return write_report(History.load_bundled("csto"), tmp_path_factory.mktemp("report")).resolve().as_uri()


@pytest.fixture
def browser(report_page, tmp_path):
    """A fresh headless Chromium with the CSTO report open and its script run (each test loads the page anew)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # with both paths given, Selenium never looks for a driver online
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.get(report_page)
        # The page's script ends by showing the last day: until then a slide could be overwritten by it.
        WebDriverWait(driver, WAIT).until(
            lambda d: d.find_element(By.ID, "slider-date").get_attribute("data-iso"))
        yield driver
    finally:
        driver.quit()


def slide_to(driver, iso: str, shown: str | None = None) -> None:
    """Set the slider as a drag does (change its value, fire 'input'); wait until the page shows the day."""
    day = dt.date.fromisoformat(iso).toordinal()
    driver.execute_script("const s = document.getElementById('date-slider'); s.value = String(arguments[0]);"
                          "s.dispatchEvent(new Event('input', {bubbles: true}));", day)
    shows(driver, shown or iso)


def shows(driver, iso: str) -> None:
    """Wait until the slider's date reads this day (the page renders the state in the same step)."""
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.ID, "slider-date").get_attribute("data-iso") == iso,
        message=f"the page never showed {iso}")


def member_statuses(driver) -> dict[str, str]:
    """The members table as the user sees it: id -> status."""
    rows = driver.find_elements(By.CSS_SELECTOR, "#members tbody tr[data-id]")
    return {r.get_attribute("data-id"): r.find_element(By.CSS_SELECTOR, ".status").text for r in rows}


def test_slider_shows_uzbekistan_a_member_in_2007_and_not_in_2014(browser):
    """Moving the slider to 2007 lists UZB as a member; moving it to 2014 does not."""
    slide_to(browser, "2007-06-01")
    assert browser.find_element(By.ID, "slider-date").text == "Friday, 1 June 2007 (2007-06-01)"
    members = member_statuses(browser)
    assert members["UZB"] == "member" and "Uzbekistan" in browser.find_element(By.ID, "members").text
    slide_to(browser, "2014-06-01")
    assert "2014-06-01" in browser.find_element(By.ID, "slider-date").text
    members = member_statuses(browser)
    assert members.get("UZB") != "member" and members["RUS"] == "member"


def test_slider_moves_a_day_with_the_arrow_key_and_updates_forces(browser):
    """The right arrow moves one day; forces show their contributors at the chosen date."""
    slide_to(browser, "2009-10-19")
    crrf = browser.find_element(By.CSS_SELECTOR, '#forces tr[data-id="CSTO.CRRF"]')
    assert "BLR" not in crrf.text
    browser.find_element(By.ID, "date-slider").send_keys(Keys.ARROW_RIGHT)
    shows(browser, "2009-10-20")
    assert browser.find_element(By.ID, "slider-date").text == "Tuesday, 20 October 2009 (2009-10-20)"
    crrf = browser.find_element(By.CSS_SELECTOR, '#forces tr[data-id="CSTO.CRRF"]')
    assert "BLR" in crrf.text


def test_slider_before_the_treaty_shows_no_members(browser):
    """Before the treaty is signed nothing exists; the page says so."""
    slide_to(browser, "1990-01-01", shown="1992-05-15")  # clamped to the first day of the log
    assert browser.find_element(By.ID, "slider-date").text.endswith("(1992-05-15)")
    slide_to(browser, "1992-05-15")
    assert set(member_statuses(browser).values()) == {"signatory"}


def test_search_filters_the_events_table(browser):
    """Typing in the search box hides the events that do not match, and clearing it brings them back."""
    rows = browser.find_elements(By.CSS_SELECTOR, "#event-table tbody tr")
    search = browser.find_element(By.ID, "event-search")
    search.send_keys("uzb-suspended")
    WebDriverWait(browser, WAIT).until(EC.text_to_be_present_in_element((By.ID, "event-count"), f"1 of {len(rows)}"))
    visible = [r.get_attribute("data-event") for r in rows if r.is_displayed()]
    assert visible == ["uzb-suspended-2012"]
    assert browser.find_element(By.ID, "event-count").text == f"1 of {len(rows)} events"
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE)
    WebDriverWait(browser, WAIT).until(lambda d: sum(r.is_displayed() for r in rows) == len(rows))
    assert sum(r.is_displayed() for r in rows) == len(rows)


def test_sorting_by_line(browser):
    """Clicking the Line heading sorts the events by source line."""
    browser.find_element(By.XPATH, "//table[@id='event-table']//th/button[text()='Line']").click()

    def numbers(d) -> list[int]:
        cells = d.find_elements(By.CSS_SELECTOR, "#event-table tbody tr td:nth-child(6)")
        return [int(v) for v in (c.get_attribute("data-sort") for c in cells) if v]

    WebDriverWait(browser, WAIT).until(lambda d: numbers(d) == sorted(numbers(d)), message="never sorted by line")
    assert len(numbers(browser)) > 100


def map_status(driver, iso: str) -> tuple[str, str]:
    """The map's country as drawn: (status, fill)."""
    return tuple(driver.execute_script(
        "const p = document.querySelector('#org-map path[data-iso=\"' + arguments[0] + '\"]');"
        "return [p.getAttribute('data-status'), p.getAttribute('fill')];", iso))


def network(driver) -> dict[str, str]:
    """The live network's state nodes: id -> status (from cytoscape itself)."""
    return driver.execute_script(
        "const out = {}; window.orgsimNetwork.nodes('[type = \"state\"]').forEach(n => { out[n.id()] = n.data('status'); });"
        "return out;")


def test_slider_moves_the_map_and_the_network(browser):
    """Uzbekistan is a member on map and network in 2007, suspended (in the figures' colour) in 2014."""
    slide_to(browser, "2007-06-01")
    assert map_status(browser, "UZB") == ("member", "#009E73")
    assert network(browser)["UZB"] == "member"
    slide_to(browser, "2014-06-01")
    assert map_status(browser, "UZB") == ("suspended", "#D55E00")
    assert network(browser)["UZB"] == "suspended"
    slide_to(browser, "1993-06-01")
    nodes = network(browser)
    assert "AZE" not in nodes or nodes["AZE"] != "member"
    assert map_status(browser, "FRA")[0] == "none"


def test_hovering_a_node_shows_its_dates_answer_and_sources(browser):
    """Hovering Uzbekistan's node shows its status, answer and the event behind it in plain words."""
    slide_to(browser, "2014-06-01")
    browser.execute_script("window.orgsimNetwork.$id('UZB').emit('mouseover');")
    tip = browser.find_element(By.ID, "net-tip").text
    assert "suspended" in tip and "certain" in tip or "possible" in tip
    assert "Uzbekistan" in tip


def test_thai_quotes_use_the_embedded_font(browser):
    """The embedded Noto Sans Thai subset is loaded and covers the quotes."""
    ok = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const q = document.querySelector('.quote[lang=th]');"
        "document.fonts.load(\"16px 'Noto Sans Thai Subset'\", q.textContent)"
        ".then(fs => done([fs.length, document.fonts.check(\"16px 'Noto Sans Thai Subset'\", q.textContent)]));")
    assert ok[0] >= 1 and ok[1] is True


def test_the_org_line_keeps_the_treaty_apart_from_the_charter(browser):
    """In 2009 the line names the treaty's status and, separately, when and how the organization took its form."""
    slide_to(browser, "2009-06-01")
    line = browser.find_element(By.ID, "org-line").text
    assert "The founding treaty: in force" in line and "dates from 18 September 2003" in line
    assert "since 2003-09-18" not in line


def test_the_html_animation_plays_and_its_slider_picks_a_frame(tmp_path):
    """`animate -o x.html` in Chromium, offline: it plays by itself; dragging its slider stops it on that frame."""
    from orgsim.reports.animation import frame_dates, html_animation, render_frames
    from orgsim.reports.words import plain_date

    history = History.load_bundled("csto")
    dates = frame_dates(history)[-3:]
    page = tmp_path / "network.html"
    page.write_text(html_animation(render_frames(history, dates, dpi=30), dates, "CSTO", fps=4), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.get(page.resolve().as_uri())
        seen = set()

        def advanced(d) -> bool:
            seen.add(d.find_element(By.ID, "when").text)
            return len(seen) > 1

        WebDriverWait(driver, WAIT, poll_frequency=0.05).until(advanced, message="the animation never advanced")
        driver.execute_script("const s = document.getElementById('pos'); s.value = '0';"
                              "s.dispatchEvent(new Event('input', {bubbles: true}));")
        assert driver.find_element(By.ID, "when").text == plain_date(dates[0])
        assert driver.find_element(By.ID, "play").text == "Play"
        src = driver.find_element(By.ID, "frame").get_attribute("src")
        assert src.startswith("data:image/png;base64,")
        natural = driver.execute_script("const i = document.getElementById('frame'); "
                                        "return i.complete ? i.naturalWidth : 0;")
        assert natural > 0  # the embedded frame decodes and shows
    finally:
        driver.quit()


def test_a_large_organization_s_network_groups_its_states_by_region(tmp_path):
    """A 60-state organization's live network, in Chromium: tiles in one block per M49 region, each block under
    its region's name, as the figures group them (AUT among Europe's, ARG among the Americas')."""
    from tests.test_figures_reader import write_log

    history = write_log(tmp_path, 60)
    page = write_report(history, tmp_path / "report").resolve().as_uri()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.get(page)
        WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return !!window.orgsimNetwork;"))
        heads = driver.execute_script(
            "const out = {}; window.orgsimNetwork.nodes('.region').forEach(n => { out[n.data('label')] = "
            "n.position('y'); }); return out;")
        assert {"Africa", "Americas", "Asia", "Europe"} <= set(heads)
        ys = driver.execute_script(
            "const out = {}; window.orgsimNetwork.nodes('[type = \"state\"]').forEach(n => { out[n.id()] = "
            "n.position('y'); }); return out;")
        tops = sorted((y, name) for name, y in heads.items())
        for state, region in {"AUT": "Europe", "ARG": "Americas", "AGO": "Africa", "AFG": "Asia"}.items():
            if state in ys:
                assert [name for y, name in tops if y < ys[state]][-1] == region, state
        assert sum(1 for s in ("AUT", "ARG", "AGO", "AFG") if s in ys) >= 3
        # No edge from a tile buries the labels (bodies keep theirs).
        assert driver.execute_script("return window.orgsimNetwork.edges().filter("
                                     "e => e.source().data('type') === 'state').length;") == 0
    finally:
        driver.quit()
