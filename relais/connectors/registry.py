"""Channel kinds and their connectors. Adding a channel: one module + one line here."""

from relais.connectors.api_channel import ApiChannelConnector
from relais.connectors.base import Connector
from relais.connectors.callback import CallbackConnector
from relais.connectors.email import EmailConnector
from relais.connectors.instagram import InstagramConnector
from relais.connectors.messenger import MessengerConnector
from relais.connectors.sms import SmsConnector
from relais.connectors.telegram import TelegramConnector
from relais.connectors.webchat import WebchatConnector
from relais.connectors.whatsapp import WhatsAppConnector
from relais.connectors.x import XConnector

CONNECTORS: dict[str, Connector] = {
    connector.kind: connector
    for connector in (
        WebchatConnector(),
        ApiChannelConnector(),
        CallbackConnector(),
        EmailConnector(),
        TelegramConnector(),
        SmsConnector(),
        XConnector(),
        WhatsAppConnector(),
        MessengerConnector(),
        InstagramConnector(),
    )
}


class UnknownChannelKind(LookupError):
    pass


def get_connector(kind: str) -> Connector:
    try:
        return CONNECTORS[kind]
    except KeyError:
        raise UnknownChannelKind(kind) from None


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(connector.label)) for kind, connector in CONNECTORS.items()]
