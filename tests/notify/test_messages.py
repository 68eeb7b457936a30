"""The words of notifications and the three chat formats (no server needed)."""

import asyncio

import pytest

from samskapa.domain.digest import NO_FRAME, Digest
from samskapa.domain.errors import DomainError
from samskapa.domain.values import Language
from samskapa.notify.messages import Message, closed_message, digest_message
from samskapa.notify.notifier import backoff_ms
from samskapa.notify.urls import check, host_of
from samskapa.notify.webhook import payload, resolved_format

LINK = "https://samskapa.example.org/b/b_1"
FOUND = Digest(ideas=5, by_frame=(("Mål <*>", 3), (NO_FRAME, 2)), by_sector=(("few", 5),), joined=2)


def test_digest_in_swedish_and_english_with_titles_escaped_per_format() -> None:
    sv = digest_message("Tavla [x](http://evil)", Language.SV, LINK, FOUND)
    text = sv.render("markdown")
    assert text.startswith("**Nytt på Tavla \\[x\\]\\(http://evil\\)**")
    assert "5 nya idéer sedan förra sammanfattningen." in text
    assert "- Mål \\<\\*\\>: 3" in text and "- Utanför ramarna: 2" in text
    assert "- Små sektorer: 5" in text and text.endswith(f"[Öppna tavlan]({LINK})")
    en = digest_message("Board <!channel>", Language.EN, LINK, FOUND)
    slack = en.render("slack")
    assert slack.startswith("*New on Board &lt;!channel&gt;*")
    assert slack.endswith(f"<{LINK}|Open the board>")
    assert "<!channel>" not in slack
    assert en.subject() == "New on Board <!channel>"
    # Stored as JSON and read back for a retry: the same words.
    assert Message.from_json(en.to_json()).render("plain") == en.render("plain")


def test_one_new_idea_and_one_new_participant_read_in_the_singular() -> None:
    one = Digest(ideas=1, by_frame=(), by_sector=(), joined=1)
    en = digest_message("Board", Language.EN, LINK, one).render("plain")
    assert "1 new idea since" in en and "1 new participant." in en, en
    sv = digest_message("Tavla", Language.SV, LINK, one).render("plain")
    assert "1 ny idé sedan" in sv and "1 ny deltagare." in sv, sv


def test_payloads_for_slack_mattermost_and_teams() -> None:
    message = closed_message("Board", Language.EN, LINK, None, 0, 7)
    assert resolved_format("auto", "hooks.slack.com") == "slack"
    assert resolved_format("auto", "prod-01.westeurope.logic.azure.com") == "teams"
    assert resolved_format("auto", "chat.example.org") == "mattermost"
    assert resolved_format("teams", "chat.example.org") == "teams"
    assert payload(message, "slack") == {"text": message.render("slack")}
    assert payload(message, "mattermost") == {"text": message.render("markdown")}
    teams = payload(message, "teams")
    assert teams["type"] == "message" and teams["text"] == message.render("markdown")
    card = teams["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"] == "Board has closed"
    assert "7 ideas on the board." in card["content"]["body"][1]["text"]


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff_ms(30_000, n) for n in (1, 2, 3, 4)] == [30_000, 60_000, 120_000, 240_000]
    assert backoff_ms(30_000, 20) == 3_600_000


def test_only_the_host_of_a_saved_url_is_shown() -> None:
    assert host_of("https://hooks.slack.com/services/T0/B0/secret") == "hooks.slack.com"


@pytest.mark.parametrize(
    ("url", "allow", "code"),
    [
        ("http://127.0.0.1:8000/x", True, "url_self"),
        ("http://127.0.0.1:9/x", False, "url_private"),
        ("http://100.64.0.1/x", False, "url_private"),
        ("http://224.0.0.1/x", False, "url_private"),
        ("gopher://example.org/", False, "url_invalid"),
    ],
)
def test_url_check(url: str, allow: bool, code: str) -> None:
    own = frozenset({("127.0.0.1", 8000)})
    with pytest.raises(DomainError) as refused:
        asyncio.run(check(url, allow, own, frozenset({8000})))
    assert refused.value.code == code


def test_an_allowed_private_url_is_pinned_to_the_address_checked() -> None:
    target = asyncio.run(check("http://127.0.0.1:9/h", True, frozenset(), frozenset({8000})))
    assert (target.host, target.port, target.address) == ("127.0.0.1", 9, "127.0.0.1")
