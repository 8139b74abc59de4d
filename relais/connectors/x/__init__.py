"""X (formerly Twitter): direct messages and public mentions through the
Account Activity API. See docs/channels/x.md."""

from relais.connectors.x.connector import XConnector

__all__ = ["XConnector"]
