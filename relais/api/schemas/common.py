from ninja import Schema
from pydantic import Field

from relais.api.pagination import DEFAULT_LIMIT, MAX_LIMIT


class FieldError(Schema):
    location: str | None = None
    field: str
    message: str


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[FieldError] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class PageQuery(Schema):
    cursor: str | None = Field(None, description="The `next` value of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


# The error statuses every authenticated route may answer, for the OpenAPI document.
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut}
