"""Sending a message by e-mail through the operator's SMTP server (aiosmtplib).

Only when the operator configured one (`SAMSKAPA_SMTP_HOST`, README); then
facilitators may add recipients to a board. Plain text: the same words as the
webhook, without markup.
"""

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from ..settings import Settings
from .messages import Message
from .webhook import DeliveryFailed

MAX_RECIPIENTS = 20


@dataclass(frozen=True, slots=True)
class Smtp:
    host: str
    port: int
    username: str
    password: str
    sender: str
    tls: str
    timeout: float

    @classmethod
    def from_settings(cls, settings: Settings) -> "Smtp | None":
        if not settings.smtp_host:
            return None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            sender=settings.smtp_from,
            tls=settings.smtp_tls,
            timeout=settings.smtp_timeout,
        )


def compose(smtp: Smtp, message: Message, recipients: list[str], delivery_id: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = smtp.sender
    # The facilitators see each other's addresses anyway (the panel lists them).
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = message.subject()
    domain = smtp.sender.rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(idstring=delivery_id, domain=domain)
    mail["X-Samskapa-Delivery"] = delivery_id
    mail.set_content(message.render("plain"))
    return mail


async def send(smtp: Smtp, mail: EmailMessage) -> None:
    try:
        await aiosmtplib.send(
            mail,
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username or None,
            password=smtp.password or None,
            use_tls=smtp.tls == "tls",
            start_tls=smtp.tls == "starttls",
            timeout=smtp.timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as err:
        raise DeliveryFailed(f"{type(err).__name__}: {err}") from err
