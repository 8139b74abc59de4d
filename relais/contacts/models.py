"""Contacts and the identities by which channels know them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Contact(models.Model):
    """One customer, whatever channels they use."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    locale = models.CharField(_("language"), max_length=8, blank=True)
    # A customer segment routing rules and reports use ("vip", "pro"…).
    segment = models.CharField(_("segment"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"#{self.pk}"


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    VISITOR = "visitor", _("Web visitor")
    EXTERNAL_ID = "external_id", _("Customer id")


class Identity(models.Model):
    """A handle a channel knows a contact by. (kind, value) is unique."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=32)
    value = models.CharField(max_length=255)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_kind_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
