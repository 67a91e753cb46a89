#!/usr/bin/env python3
"""Drives the dashboard of a running Aviary host in headless Chromium.

It signs in (a wrong token first, which must be refused), sees the bots, opens a sandbox
bot, sends /start, gets the reply, presses an inline button and sees the next message,
and watches the bots table's counters move without reloading the page. It creates a bot on
the "New bot" page, talks to it, edits its manifest with a mistake and sees the error beside
its line, fixes it, and finds all of it on the Activity page. It also checks
every page for unlabelled controls and, at phone width, for sideways scrolling.
Screenshots of each step go to --screenshots. Exit status 0 means every check held.

Run by Tests/HostTests/BrowserTests.swift; by hand:
  python3 Tests/Browser/dashboard_check.py --url http://127.0.0.1:8080 --token "$AVIARY_ADMIN_TOKEN"
"""

import argparse
import os
import sys

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager reach for the network

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BOT = "han-demo"
# A bot of the shipped bots.d with a token (its default, the host is given no HAN_EN_TOKEN).
TOKEN_BOT = "han-en"
TOKEN_ID, TOKEN_SECRET = "100000002", "placeholder-set-HAN_EN_TOKEN-to-run-this-bot"


class CheckFailed(Exception):
    pass


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the host's HTTP address, e.g. http://127.0.0.1:8080")
    parser.add_argument("--token", required=True, help="the admin token")
    parser.add_argument("--screenshots", default=".build/browser-screenshots", help="folder for the screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    return parser.parse_args()


def start_browser(arguments):
    options = webdriver.ChromeOptions()
    options.binary_location = arguments.chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,960"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=arguments.chromedriver), options=options)


class Session:
    def __init__(self, driver, arguments):
        self.driver = driver
        self.url = arguments.url.rstrip("/")
        self.folder = arguments.screenshots
        os.makedirs(self.folder, exist_ok=True)

    def step(self, text):
        print(f"browser: {text}", flush=True)

    def shot(self, name):
        path = os.path.join(self.folder, f"{name}.png")
        self.driver.save_screenshot(path)
        self.step(f"screenshot {path}")

    def wait(self, condition, what, timeout=20):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda driver: condition(driver))
        except TimeoutException:
            raise CheckFailed(f"timed out after {timeout} s waiting for {what} (page {self.driver.current_url})")

    def find(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def check(self, condition, message):
        if not condition:
            raise CheckFailed(message)

    def check_accessible(self, page):
        """Every visible control has a label and every button a name; the page has a language."""
        problems = self.driver.execute_script("""
            const problems = [];
            if (!document.documentElement.lang) problems.push('html has no lang');
            for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
              const labelled = (control.id && document.querySelector(`label[for="${control.id}"]`))
                || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
              if (!labelled) problems.push(`unlabelled ${control.tagName.toLowerCase()} ${control.name}`);
            }
            for (const button of document.querySelectorAll('button, a')) {
              if (!(button.textContent.trim() || button.getAttribute('aria-label'))) problems.push(`nameless ${button.outerHTML}`);
            }
            if (!document.querySelector('main')) problems.push('no main landmark');
            return problems;
        """)
        self.check(not problems, f"{page}: accessibility problems: {problems}")

    def counter(self, bot, field):
        text = self.find(f'#bots tr[data-bot="{bot}"] [data-field="{field}"]').text.strip()
        return int(text) if text.isdigit() else -1


def run(session):
    driver = session.driver

    session.step("a visitor is sent to the sign-in page")
    driver.get(session.url + "/")
    session.wait(lambda d: d.current_url.endswith("/login"), "the redirect to /login")
    session.check_accessible("sign-in page")

    session.step("a wrong token is refused")
    session.find("#token").send_keys("definitely-not-the-token")
    session.find("form[action='/login'] button").click()
    error = session.wait(lambda d: d.find_elements(By.ID, "login-error"), "the sign-in error")[0]
    session.check("not valid" in error.text, f"the refusal says why: {error.text!r}")
    session.check(not driver.get_cookie("aviary_session"), "no session after a wrong token")
    session.shot("01-sign-in-refused")

    session.step("the right token signs in and shows the bots")
    session.find("#token").send_keys(session.token)
    session.find("form[action='/login'] button").click()
    session.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'#bots tr[data-bot="{BOT}"]'), "the bots table")
    cookie = driver.get_cookie("aviary_session")
    session.check(cookie and cookie.get("httpOnly"), f"the session cookie is HttpOnly: {cookie}")
    session.check(cookie.get("sameSite") == "Strict", f"the session cookie is SameSite=Strict: {cookie}")
    rows = [row.get_attribute("data-bot") for row in session.find_all("#bots tbody tr")]
    session.check({"han-demo", "lumen-demo"} <= set(rows), f"the demo bots are listed: {rows}")
    session.wait(lambda d: int(d.execute_script("return document.body.dataset.liveUpdates || 0")) >= 1, "the live feed")
    session.check_accessible("bots page")
    updates_before = session.counter(BOT, "updates")
    session.shot("02-bots")
    table_tab = driver.current_window_handle

    session.step("a Telegram bot's manifest shows its token masked, never the secret part")
    driver.switch_to.new_window("tab")
    driver.get(f"{session.url}/bots/{TOKEN_BOT}")
    session.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "pre.manifest"), "the Telegram bot's page")
    manifest = session.find("pre.manifest").text
    session.check(TOKEN_SECRET not in driver.page_source, "the token's secret part is nowhere on the page")
    session.check(f"{TOKEN_ID}:***" in manifest, f"the manifest shows the masked token: {manifest[:300]}")
    driver.close()
    driver.switch_to.window(table_tab)

    session.step("open the sandbox bot in a second tab, and its chat")
    driver.switch_to.new_window("tab")
    driver.get(f"{session.url}/bots/{BOT}")
    session.wait(lambda d: d.find_elements(By.ID, "open-chat"), "the bot page")
    session.check(session.find("svg[role=img]") is not None, "the traffic chart")
    session.check_accessible("bot page")
    session.shot("03-bot-page")
    session.find("#open-chat").click()
    session.wait(lambda d: d.find_elements(By.CSS_SELECTOR, ".chat[data-bot]"), "the chat pane")
    session.check_accessible("chat page")

    def bot_texts():
        return [m.text for m in session.find_all("#messages .from-bot")]

    def send(text, photo=False):
        field = session.find("#text")
        field.clear()
        if text:
            field.send_keys(text)
        session.find("#send button[name=photo]" if photo else "#send button").click()

    def wait_for_bot(fragment, after):
        """Waits for a bot message after the first `after` ones that contains `fragment`."""
        return session.wait(
            lambda d: [m for m in d.find_elements(By.CSS_SELECTOR, "#messages .from-bot")[after:] if fragment in m.text],
            f"the bot to say {fragment!r}")[-1]

    def press(message, label):
        before = len(bot_texts())
        [b for b in message.find_elements(By.CSS_SELECTOR, ".buttons button") if b.text == label][0].click()
        return before

    session.step("send /help and get the menu")
    name = session.find("#first_name")
    name.clear()
    name.send_keys("Ada")
    send("/help")
    reply = wait_for_bot("/start makes your profile", 0)
    buttons = reply.find_elements(By.CSS_SELECTOR, ".buttons button")
    session.check(len(buttons) >= 1, "the reply has inline buttons")
    session.shot("04-chat-start")

    session.step("press an inline button and see the next message")
    bot_messages = len(session.find_all("#messages .from-bot"))
    pressed = buttons[0].text
    buttons[0].click()
    session.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#messages .from-bot")) > bot_messages,
                 f"the answer to pressing {pressed!r}")
    latest = session.find_all("#messages .from-bot")[-1].text
    session.check(latest.strip() != "", "the next message has text")
    session.shot("05-chat-button")

    session.step("fill in a dating profile, photo included, through the wizard")
    seen = len(bot_texts())
    send("/start")
    wait_for_bot("What's your name?", seen)
    for answer, question in (("Ada", "How old are you?"), ("31", "Who are you?")):
        seen = len(bot_texts())
        send(answer)
        message = wait_for_bot(question, seen)
    seen = press(message, "Woman")
    message = wait_for_bot("Who would you like to meet?", seen)
    seen = press(message, "Men")
    wait_for_bot("Which city", seen)
    for answer, question in (("Lisbon", "about yourself"), ("Books and long walks.", "photo")):
        seen = len(bot_texts())
        send(answer)
        wait_for_bot(question, seen)
    seen = len(bot_texts())
    send("", photo=True)
    session.wait(lambda d: any("📷" in m.text for m in d.find_elements(By.CSS_SELECTOR, "#messages .from-user")),
                 "the photo in the conversation")
    wait_for_bot("Your profile is ready", seen)
    session.shot("05b-chat-profile")

    session.step("the bots table's counters moved without reloading")
    driver.switch_to.window(table_tab)
    session.wait(lambda d: session.counter(BOT, "updates") >= updates_before + 2,
                 f"{BOT}'s updates to grow from {updates_before} by 2")
    session.check(session.counter(BOT, "replies_per_minute") >= 2, "replies per minute counts the replies")
    session.shot("06-bots-live")

    session.step("create a bot on the New bot page and talk to it")
    new_bot = "browser-echo"
    manifest = "name: Browser echo\nplatform: sandbox\nplugins:\n  - echo\n"
    driver.get(session.url + "/manifests/new")
    session.wait(lambda d: d.find_elements(By.ID, "manifest-yaml"), "the New bot page")
    session.check_accessible("new bot page")
    session.find("#bot-id").send_keys(new_bot)
    editor = session.find("#manifest-yaml")
    editor.clear()
    editor.send_keys(manifest)
    session.find("#save-manifest").click()
    session.wait(lambda d: "Created; the bot started." in d.page_source, "the bot to be created and started")
    session.shot("06b-bot-created")
    driver.get(f"{session.url}/chat?bot={new_bot}")
    session.wait(lambda d: d.find_elements(By.CSS_SELECTOR, f'.chat[data-bot="{new_bot}"]'), "the new bot's chat")
    send("hello from the browser")
    wait_for_bot("hello from the browser", 0)

    session.step("edit its manifest with a mistake: the error shows beside its line, and nothing is saved")
    driver.get(f"{session.url}/bots/{new_bot}/manifest")
    editor = session.wait(lambda d: d.find_elements(By.ID, "manifest-yaml"), "the manifest editor")[0]
    editor.clear()
    editor.send_keys(manifest.replace("plugins:", "plugns:"))
    session.find("#save-manifest").click()
    wrong = session.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "li.has-error"), "the error beside its line")[0]
    session.check("plugns:" in wrong.text and "did you mean 'plugins'?" in wrong.text,
                  f"the error sits on the line with the mistake: {wrong.text!r}")
    session.check_accessible("manifest editor with an error")
    session.shot("06c-manifest-error")

    session.step("fix it: the bot restarts with the new manifest")
    editor = session.find("#manifest-yaml")
    editor.clear()
    editor.send_keys(manifest.replace("Browser echo", "Browser echo two"))
    session.find("#save-manifest").click()
    session.wait(lambda d: "Saved; the bot restarted." in d.page_source, "the fixed manifest to be saved")

    session.step("the Activity page has all of it")
    driver.get(f"{session.url}/activity?bot={new_bot}")
    table = session.wait(lambda d: d.find_elements(By.ID, "activity"), "the Activity page")[0].text
    for action in ("manifest.created", "manifest.edited"):
        session.check(action in table, f"the Activity page lists {action}: {table[:500]}")
    session.check('"Browser echo" → "Browser echo two"' in table, f"the edit's diff is listed: {table[:500]}")
    session.check_accessible("activity page")
    session.shot("06d-activity")

    session.step("at phone width nothing scrolls sideways")
    driver.set_window_size(390, 844)
    for path, name in (("/", "07-phone-bots"), (f"/chat?bot={BOT}", "08-phone-chat"),
                       ("/manifests/new", "09-phone-new-bot"), ("/activity", "10-phone-activity")):
        driver.get(session.url + path)
        # Measure once the page is laid out: loaded, fonts in, and a frame painted since.
        session.wait(lambda d: d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "document.fonts.ready.then(() => requestAnimationFrame(() => done(document.readyState === 'complete')));"),
            f"{path} to finish loading and laying out")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        session.check(overflow <= 1, f"{path} is {overflow}px wider than a phone screen")
        session.shot(name)
    driver.set_window_size(1280, 960)

    session.step("sign out")
    driver.get(session.url + "/")
    session.find("form.signout button").click()
    session.wait(lambda d: d.current_url.endswith("/login"), "the sign-in page after signing out")
    driver.get(session.url + "/")
    session.wait(lambda d: d.current_url.endswith("/login"), "the session to have ended")


def main():
    arguments = parse_arguments()
    driver = start_browser(arguments)
    session = Session(driver, arguments)
    session.token = arguments.token
    try:
        run(session)
    except CheckFailed as failure:
        session.shot("failure")
        print(f"browser: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        driver.quit()
    print("browser: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
