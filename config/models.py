"""What the identity provider calls the accounts and groups it keeps here (SCIM's
externalId, config/provisioning/); a row also marks them as the provider's."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models


class ProvisionedUser(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="provisioned",
    )  # fmt: skip
    external_id = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.external_id


class ProvisionedGroup(models.Model):
    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, primary_key=True, related_name="provisioned"
    )
    external_id = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.external_id
