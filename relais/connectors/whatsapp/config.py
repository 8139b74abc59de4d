"""A WhatsApp inbox's settings: the Cloud API number, its credentials and the
approved templates an agent may send once the 24-hour window has closed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from relais.bot.config import BotConfig
from relais.connectors.base import InboxConfig
from relais.connectors.meta.graph import DEFAULT_API_BASE_URL, DEFAULT_API_VERSION

SECRET_FIELDS = ("access_token", "app_secret", "verify_token")


class WhatsAppTemplate(BaseModel):
    """A message template approved in WhatsApp Manager. `parameters` name the
    body's {{1}}, {{2}}… placeholders for the agent, in order."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9_]{1,512}$")
    language: str = Field(pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$")
    parameters: list[str] = Field(default_factory=list, max_length=20)
    # The template's text with its placeholders, shown to the agent.
    preview: str = Field("", max_length=1024)


class WhatsAppConfig(InboxConfig):
    phone_number_id: str = Field(pattern=r"^\d{1,32}$")
    access_token: str = Field(min_length=1, max_length=1024)
    app_secret: str = Field(min_length=1, max_length=256)
    verify_token: str = Field(min_length=8, max_length=256)
    api_base_url: HttpUrl = HttpUrl(DEFAULT_API_BASE_URL)
    api_version: str = Field(DEFAULT_API_VERSION, pattern=r"^v\d{1,3}\.\d{1,2}$")
    templates: list[WhatsAppTemplate] = Field(default_factory=list, max_length=200)
    bot: BotConfig = BotConfig()  # the self-care bot, off unless enabled

    @field_validator("templates")
    @classmethod
    def _one_template_per_name_and_language(
        cls, templates: list[WhatsAppTemplate]
    ) -> list[WhatsAppTemplate]:
        seen = set()
        for template in templates:
            key = (template.name, template.language)
            if key in seen:
                raise ValueError(f"template {template.name} ({template.language}) is listed twice")
            seen.add(key)
        return templates


def find_template(config: dict, name: str, language: str = "") -> dict | None:
    """The configured template called `name` (in `language`, if given)."""
    for template in config.get("templates") or ():
        if template["name"] == name and (not language or template["language"] == language):
            return template
    return None
