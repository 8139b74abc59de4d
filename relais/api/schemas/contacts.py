from datetime import datetime

from ninja import Schema
from pydantic import Field

from relais.api.schemas.common import PageQuery


class IdentityOut(Schema):
    kind: str
    value: str
    verified: bool


class ContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    locale: str
    created_at: datetime
    updated_at: datetime


class ContactDetailOut(ContactOut):
    identities: list[IdentityOut]

    @staticmethod
    def resolve_identities(contact) -> list:
        return list(contact.identities.all())


class ContactPage(Schema):
    items: list[ContactOut]
    next: str | None


class ContactQuery(PageQuery):
    q: str = Field("", max_length=200, description="Part of the name, e-mail or phone.")
