"""Posting a message to a chat webhook: Slack, Microsoft Teams or Mattermost.

All three take JSON with a `text` field; they differ in markup and extras:

- Slack incoming webhooks: `{"text": …}` in Slack's mrkdwn (`*bold*`, `<url|label>`).
- Mattermost incoming webhooks: `{"text": …}` in Markdown (Slack-compatible otherwise).
- Teams (a Workflows "when a webhook request is received" flow, which replaces
  the retired Office 365 connectors): a `message` with an Adaptive Card
  attachment; `text` in Markdown beside it for flows that read only that.

`auto` picks by the URL's host; anything unknown gets the Markdown form, which
also suits generic receivers.
"""

from typing import Any, Literal

import httpx

from .messages import Message
from .urls import Target

Format = Literal["auto", "slack", "teams", "mattermost"]
FORMATS: tuple[Format, ...] = ("auto", "slack", "teams", "mattermost")
# Seconds for one delivery (connect, send, answer) before it counts as failed.
TIMEOUT = 10.0


class DeliveryFailed(Exception):
    """The sink did not take the message; `reason` is safe to log and show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def resolved_format(chosen: str, host: str) -> Format:
    if chosen in ("slack", "teams", "mattermost"):
        return chosen  # type: ignore[return-value]
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith((".webhook.office.com", ".logic.azure.com", ".powerplatform.com")):
        return "teams"
    return "mattermost"


def payload(message: Message, form: Format) -> dict[str, Any]:
    if form == "slack":
        return {"text": message.render("slack")}
    markdown = message.render("markdown")
    if form != "teams":
        return {"text": markdown}
    body = message.body("markdown")
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {"type": "TextBlock", "text": message.subject(), "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": body, "wrap": True},
        ],
    }
    return {
        "type": "message",
        "text": markdown,
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


async def post(
    client: httpx.AsyncClient, target: Target, body: dict[str, Any], delivery_id: str, attempt: int
) -> None:
    """POST to the checked address (never to whatever the name resolves to
    now); the host name travels in `Host` and, for https, in TLS's SNI and the
    certificate check. Redirects are not followed: they could lead anywhere."""
    url = httpx.URL(target.url)
    pinned = url.copy_with(host=target.address)
    headers = {
        "Host": url.netloc.decode("ascii"),
        "User-Agent": "Samskapa-Notifications",
        # Lets a receiver drop a repeat: the same id on every attempt of one message.
        "X-Samskapa-Delivery": delivery_id,
        "X-Samskapa-Attempt": str(attempt),
    }
    extensions = {"sni_hostname": target.host} if url.scheme == "https" else {}
    try:
        answer = await client.post(
            pinned, json=body, headers=headers, extensions=extensions, timeout=TIMEOUT
        )
    except httpx.HTTPError as err:
        raise DeliveryFailed(
            f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        ) from err
    if not answer.is_success:
        raise DeliveryFailed(f"HTTP {answer.status_code}")
