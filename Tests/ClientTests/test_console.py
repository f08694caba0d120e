"""The web console in a real browser (Debian's headless Chromium through Selenium): the
first view, the clock moved with the console's own control, the report email and its
timeline appearing live, the email opened. Screenshots go to Tests/ClientTests/artifacts/."""
import shutil
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_cafe_report import place_friday_orders

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@pytest.fixture
def browser():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
        options.add_argument(argument)
    options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()


def wait(driver, condition, seconds=15):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(lambda d: condition(d))


def texts(driver, selector):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)]


def test_the_console_shows_the_friday_run_as_it_happens(friday, browser):
    place_friday_orders(friday)
    browser.get(friday.url + "/_cloudcafe/console")
    # The first view, with no click: the clock, the timeline so far, the latest emails
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    assert browser.find_element(By.ID, "now").text == "2026-11-27T19:59:00Z"
    assert texts(browser, "#emails .subject") == ["AWS Notification - Subscription Confirmation"]
    assert "rule salesAnalysisReportDailyTrigger" in browser.find_element(By.ID, "firings").text
    browser.save_screenshot(str(ARTIFACTS / "console-first-view.png"))

    # Advance past Friday 20:00 with the console's own control
    Select(browser.find_element(By.ID, "step")).select_by_value("2m")
    browser.find_element(By.ID, "advance").click()
    wait(browser, lambda d: d.find_element(By.ID, "now").text == "2026-11-27T20:01:00Z")
    assert "salesAnalysisReportDailyTrigger at 2026-11-27T20:00:00Z" in browser.find_element(By.ID, "clock-result").text

    # The report email and its timeline appear without reloading
    wait(browser, lambda d: "Daily Sales Analysis Report" in texts(d, "#emails .subject"))
    wait(browser, lambda d: any("email to admin@example.com" in t for t in texts(d, ".entry[data-kind=delivery]")))
    timeline = browser.find_element(By.ID, "timeline").text
    for expected in ["rule salesAnalysisReportDailyTrigger fired", "salesAnalysisReport (cold", "salesAnalysisReportDataExtractor (cold",
                     "ssm.GetParameter", "sns.Publish", "email to admin@example.com"]:
        assert expected in timeline
    browser.save_screenshot(str(ARTIFACTS / "console-after-the-run.png"))

    # Open the email: headers and the report as a mail reader shows it
    browser.find_elements(By.CSS_SELECTOR, "#emails .email")[0].click()
    wait(browser, lambda d: d.find_element(By.ID, "email-view").is_displayed())
    headers = browser.find_element(By.ID, "email-headers").text
    assert "SARTopic <no-reply@sns.amazonaws.com>" in headers and "Daily Sales Analysis Report" in headers
    body = browser.find_element(By.ID, "email-body").text
    assert "Sales Analysis Report" in body and "Product Group: Pastries" in body and "Croissant" in body
    browser.save_screenshot(str(ARTIFACTS / "console-email.png"))

    # The other views: the function's log, IAM's decisions, the resources
    browser.find_element(By.CSS_SELECTOR, "[data-tab=iam]").click()
    wait(browser, lambda d: "sns:Publish" in d.find_element(By.ID, "iam").text)
    browser.find_element(By.CSS_SELECTOR, "[data-tab=resources]").click()
    wait(browser, lambda d: "salesAnalysisReportTopic" in d.find_element(By.ID, "resource-view").text or
         "salesAnalysisReport" in d.find_element(By.ID, "resource-view").text)
    browser.find_element(By.CSS_SELECTOR, "[data-tab=logs]").click()
    wait(browser, lambda d: "REPORT RequestId" in d.find_element(By.ID, "log-lines").text)


def test_the_console_reads_well_on_a_phone(friday, browser):
    browser.set_window_size(390, 844)
    browser.get(friday.url + "/_cloudcafe/console")
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    # Nothing wider than the screen: no sideways scrolling
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert browser.find_element(By.ID, "advance").is_displayed()
    browser.save_screenshot(str(ARTIFACTS / "console-phone.png"))
