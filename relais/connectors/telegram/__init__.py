"""Telegram (Bot API): the bot's private chats become conversations.

Inbound, Telegram POSTs each Update to the inbox's webhook with the
`X-Telegram-Bot-Api-Secret-Token` header set to the inbox's `secret_token`
(given to setWebhook). Outbound, replies go through sendMessage, files through
sendPhoto / sendDocument. See docs/channels/telegram.md.
"""

from relais.connectors.telegram.connector import TelegramConnector

__all__ = ["TelegramConnector"]
