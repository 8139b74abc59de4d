"""SMS and MMS through a Twilio-compatible API. See docs/channels/sms.md."""

from relais.connectors.sms.connector import SmsConnector

__all__ = ["SmsConnector"]
