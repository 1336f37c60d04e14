"""The legal pages (/legal/privacy, /legal/terms, /support): served, self-contained, well-formed, and quoting the
settings - a figure written into a template instead of read from the settings fails here."""

import re
from html.parser import HTMLParser

import pytest

from compliance.legal import _once_every, legal_context

PAGES = ("/legal/privacy", "/legal/terms", "/support")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTE = re.compile(r"""\b(src|href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", re.I)
CSS_URL = re.compile(r"url\(|@import", re.I)


class _Nesting(HTMLParser):
    """Every non-void element opened is closed, in order; no stray end tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.errors.append(f"line {self.getpos()[0]}: <{tag}/> is not a void element")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> closes a void element")
        elif not self.stack or self.stack[-1][0] != tag:
            expected = self.stack[-1] if self.stack else ("nothing", 0)
            self.errors.append(f"line {self.getpos()[0]}: </{tag}> while <{expected[0]}> (line {expected[1]}) is open")
        else:
            self.stack.pop()


def _nesting_errors(html: str) -> list[str]:
    parser = _Nesting()
    parser.feed(html)
    parser.close()
    return parser.errors + [f"<{tag}> (line {line}) never closed" for tag, line in parser.stack]


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_each_page_is_html_cached_for_an_hour_and_mobile_ready(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "public, max-age=3600"
    html = response.content.decode()
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1">', html)
    assert "<!DOCTYPE html>" in html and '<html lang="en">' in html


@pytest.mark.parametrize("url", PAGES)
def test_each_page_loads_no_external_asset(client, url):
    html = _get(client, url)
    links = ATTRIBUTE.findall(html)
    assert links  # the header's navigation at least
    for attribute, value in links:
        allowed = value.startswith(("#", "mailto:")) or (value.startswith("/") and not value.startswith("//"))
        assert allowed, f"{attribute}={value!r} on {url}"
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", html, re.I)
    assert not CSS_URL.search(html)
    assert "http://" not in html and "https://" not in html


@pytest.mark.parametrize("url", PAGES)
def test_each_page_is_well_formed(client, url):
    assert _nesting_errors(_get(client, url)) == []


def test_the_nesting_check_catches_what_it_should():
    assert _nesting_errors("<div><p>ok</p><br></div>") == []
    assert _nesting_errors("<div><p>unclosed</div>")
    assert _nesting_errors("<ul><li>one</li></ul></ul>")
    assert _nesting_errors("<section><p>never closed</p>")


@pytest.mark.parametrize("url", PAGES)
def test_each_page_shows_the_last_updated_date_from_the_settings(client, settings, url):
    assert "30 November 2026" in _get(client, url)
    settings.LEGAL_LAST_UPDATED = "2027-03-05"
    html = _get(client, url)
    assert "5 March 2027" in html and 'datetime="2027-03-05"' in html
    assert "30 November 2026" not in html


@pytest.mark.parametrize("url", PAGES)
def test_company_and_contact_details_come_from_the_settings(client, settings, url):
    settings.COMPANY_NAME = "Dumpling Works GmbH"
    settings.COMPANY_ADDRESS = "Beispielweg 7, 10115 Berlin, Germany"
    settings.SUPPORT_EMAIL = "help@dumpling.test"
    settings.PRIVACY_EMAIL = "dpo@dumpling.test"
    html = _get(client, url)
    for value in ("Dumpling Works GmbH", "Beispielweg 7, 10115 Berlin", "help@dumpling.test", "dpo@dumpling.test"):
        assert value in html
    assert 'href="mailto:help@dumpling.test"' in html and 'href="mailto:dpo@dumpling.test"' in html
    for default in ("BaoLife Games Ltd", "Harbour Street", "support@baolife.example", "privacy@baolife.example"):
        assert default not in html


def test_the_privacy_policy_quotes_the_retention_settings(client, settings):
    html = _get(client, "/legal/privacy")
    for figure in ("90 days", "30 days", "10 years", "48 hours", "once an hour", "7 days", "1,000"):
        assert figure in html, figure

    settings.ANALYTICS_RETENTION_DAYS = 45
    settings.DELETION_GRACE_DAYS = 21
    settings.AUTH_TOKEN_TTL_DAYS = 14
    settings.FINANCIAL_RECORDS_RETENTION_YEARS = 6
    settings.EXPORT_LINK_HOURS = 72
    settings.EXPORT_EVERY_SECONDS = 86400
    settings.GAME_OFFLINE_QUEUE_DAYS = 3
    settings.GAME_OFFLINE_QUEUE_MAX = 250
    html = _get(client, "/legal/privacy")
    for figure in ("45 days", "21 days", "14 days", "6 years", "72 hours", "once a day", "3 days", "250"):
        assert figure in html, figure
    for default in ("90 days", "30 days", "10 years", "48 hours", "once an hour", "7 days", "1,000"):
        assert default not in html, default


def test_the_support_centre_quotes_the_settings_too(client, settings):
    settings.DELETION_GRACE_DAYS = 21
    settings.AUTH_TOKEN_TTL_DAYS = 14
    settings.EXPORT_LINK_HOURS = 72
    settings.EXPORT_EVERY_SECONDS = 7200
    html = _get(client, "/support")
    for figure in ("21 days", "14 days", "72 hours", "once every 2 hours"):
        assert figure in html, figure
    for default in ("30 days", "48 hours", "once an hour"):
        assert default not in html, default


def test_export_frequency_reads_as_words():
    assert _once_every(3600) == "once an hour"
    assert _once_every(1800) == "once every 30 minutes"
    assert _once_every(60) == "once a minute"
    assert _once_every(86400) == "once a day"
    assert _once_every(172800) == "once every 2 days"
    assert _once_every(5400) == "once every 90 minutes"
    assert _once_every(45) == "once every 45 seconds"


def test_one_day_and_one_year_are_singular(settings):
    settings.DELETION_GRACE_DAYS = 1
    settings.FINANCIAL_RECORDS_RETENTION_YEARS = 1
    context = legal_context()
    assert context["deletion_grace"] == "1 day" and context["financial_retention"] == "1 year"


def test_the_privacy_policy_covers_every_required_topic(client):
    html = _get(client, "/legal/privacy")
    for topic in (
        "GDPR",
        "CCPA",
        "COPPA",
        "children under 13",
        "Cookies",
        "International transfers",
        "Standard Contractual Clauses",
        "Security",
        "Your rights",
        "portability",
        "rectification",
        "erasure",
        "supervisory authority",
        "do not sell your personal information",
        "Legal basis",
        "Export my data",
        "Delete my account",
        "VADER",
        "Sentry",
        "SHA-256",
        "PBKDF2",
    ):
        assert topic in html, topic
    sections = ("what-we-collect", "sharing", "retention", "rights", "children", "security", "transfers", "cookies")
    for section in sections:
        assert f'id="{section}"' in html and f'href="#{section}"' in html


def test_the_terms_cover_eligibility_virtual_items_and_arbitration(client):
    html = _get(client, "/legal/terms")
    for topic in (
        "13 years old",
        "16 in the European Union",
        "virtual-items",
        "no cash value",
        "non-refundable",
        "diamond debt",
        "right of withdrawal",
        "binding individual",
        "class, collective or",
        "within 30 days",
        "Governing law",
        "Ireland",
        "Nothing in these terms limits your statutory rights",
    ):
        assert topic in html, topic


def test_the_support_centre_has_faqs_and_its_sections(client):
    html = _get(client, "/support")
    assert html.count('<details class="faq"') >= 9
    assert html.count('<details class="faq"') == html.count("<summary>")
    for section in ("faq", "account", "billing", "data-requests", "contact"):
        assert f'id="{section}"' in html and f'href="#{section}"' in html
    for topic in ("Export my data", "Delete my account", "transaction or order id", "under 13", "time zone"):
        assert topic in html, topic


def test_the_pages_link_to_each_other(client):
    for url in PAGES:
        html = _get(client, url)
        for other in PAGES:
            assert f'href="{other}"' in html


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_is_allowed(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("path", ["/legal/privacy", "/legal/terms", "/support"])
def test_head_is_answered_like_get(client, path):
    response = client.head(path)
    assert response.status_code == 200 and response.content == b""
