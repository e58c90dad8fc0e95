"""What django-scim2 is told to use (settings.SCIM_SERVICE_PROVIDER): the token check,
the adapters of Django's user and group, the service's description."""

import hmac
import json
from contextlib import contextmanager

import scim2_models as scim
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django_scim import constants, exceptions
from django_scim.adapters import SCIMGroup, SCIMUser
from django_scim.middleware import SCIMAuthCheckMiddleware
from django_scim.models import SCIMServiceProviderConfig
from pydantic import ValidationError as PydanticError

from ats.staff import ROLES
from config.models import ProvisionedGroup, ProvisionedUser
from config.single_sign_on import give_roles

SHIPPED_GROUPS = tuple(role.group for role in ROLES)


def base_location(request=None, *args, **kwargs) -> str:
    """The site's own address as the provider reached it (resources' `location`)."""
    return request.build_absolute_uri("/").rstrip("/") if request else ""


def provider_reach(model):
    """What lists leave out: superusers, the shipped groups (as beyond_reach)."""
    if model is Group:
        return lambda request, *args, **kwargs: {"name__in": SHIPPED_GROUPS}
    if model is get_user_model():
        return lambda request, *args, **kwargs: {"is_superuser": True}
    return lambda request, *args, **kwargs: {}


def is_id(value) -> bool:
    """Whether `value` can be the id of a user or group here (a number, in ASCII)."""
    return isinstance(value, str | int) and str(value).isascii() and str(value).isdecimal()


def beyond_reach(found) -> bool:
    """What the provider may neither see nor change: superusers (the site's way back in)
    and the shipped groups (the roles, given by the mapping)."""
    if isinstance(found, Group):
        return found.name in SHIPPED_GROUPS
    return found.is_superuser


class TokenCheck(SCIMAuthCheckMiddleware):
    """The provider's bearer token and nothing else: a staff member's session opens
    nothing here."""

    def process_request(self, request):
        token = settings.ATS_SCIM_TOKEN
        given = request.headers.get("Authorization", "").encode()
        if token and hmac.compare_digest(given, f"Bearer {token}".encode()):
            return None
        refused = exceptions.AuthorizationError("A valid bearer token is required.")
        response = HttpResponse(
            json.dumps(refused.to_dict()), content_type=constants.SCIM_CONTENT_TYPE, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="scim"'
        return response

    def process_response(self, request, response):
        return response  # nothing logged: the bodies name people


def _bad_request(error: ValidationError) -> exceptions.SCIMException:
    if any(e.code == "unique" for errors in error.error_dict.values() for e in errors):
        return exceptions.IntegrityError("The name is taken.", scim_type="uniqueness")
    detail = "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    return exceptions.BadRequestError(detail, scim_type="invalidValue")


@contextmanager
def _refused_as_bad_request():
    """What scim2-models refuses (a schema's rule, a value's type) as django-scim2's 400."""
    try:
        yield
    except scim.SCIMException as refused:
        raise exceptions.BadRequestError(
            refused.detail, scim_type=refused.scim_type or None
        ) from None
    except PydanticError as error:
        first = error.errors()[0]
        detail = f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
        raise exceptions.BadRequestError(detail, scim_type="invalidValue") from None


def _one_path_per_member(operation) -> list:
    """Entra ID removes members as {"op": "Remove", "path": "members", "value": [...]},
    which RFC 7644 (3.5.2.2) writes as one `members[value eq "…"]` path each."""
    if not (
        isinstance(operation, dict)
        and str(operation.get("op", "")).lower() == "remove"
        and str(operation.get("path", "")).lower() == "members"
        and isinstance(operation.get("value"), list)
    ):
        return [operation]
    return [
        {"op": "remove", "path": f'members[value eq "{member.get("value")}"]'}
        for member in operation["value"]
        if isinstance(member, dict) and is_id(member.get("value"))
    ]


class ProvisionedResource:
    """What users and groups share here: found by their primary key; checked whole by
    scim2-models (POST, PUT); PATCH as RFC 7644 (3.5.2) has it, applied by scim2-models
    to the resource as it stands, then saved as a replacement (PUT) would be; and the
    provider's externalId kept beside (config/models.py)."""

    id_field = "pk"
    scim_model: type[scim.Resource]

    @property
    def kept_external_id(self) -> dict:
        kept = getattr(self.obj, "provisioned", None)
        return {"externalId": kept.external_id} if kept and kept.external_id else {}

    def validate_dict(self, d) -> None:
        """A whole resource (POST, PUT) as its schema has it, or a clear 400."""
        with _refused_as_bad_request():
            self.scim_model.model_validate(d, scim_ctx=scim.Context.RESOURCE_REPLACEMENT_REQUEST)

    def handle_operations(self, operations: list) -> None:
        resource = self.scim_model.model_validate(
            self.to_dict(), scim_ctx=scim.Context.RESOURCE_QUERY_RESPONSE
        )
        operations = [split for op in operations for split in _one_path_per_member(op)]
        with _refused_as_bad_request():
            patch = scim.PatchOp[self.scim_model].model_validate(
                {"schemas": [constants.SchemaURI.PATCH_OP], "Operations": operations},
                scim_ctx=scim.Context.RESOURCE_PATCH_REQUEST,
            )
            patch.patch(resource)
        self.from_dict(resource.model_dump(scim_ctx=scim.Context.RESOURCE_QUERY_RESPONSE))
        self.save()


class StaffAccount(ProvisionedResource, SCIMUser):
    scim_model = scim.User

    def to_dict(self) -> dict:
        user = self.obj
        name = {"givenName": user.first_name, "familyName": user.last_name}
        name = {"name": name} if any(name.values()) else {}
        return {
            "schemas": [constants.SchemaURI.USER],
            "id": self.id,
            **self.kept_external_id,
            "userName": user.username,
            **name,
            "displayName": self.display_name,
            **({"emails": [{"value": user.email, "type": "work"}]} if user.email else {}),
            "active": user.is_active,
            "groups": [
                {
                    "value": str(group.pk),
                    "$ref": ProviderGroup(group, self.request).location,
                    "display": group.name,
                }
                for group in user.groups.exclude(name__in=SHIPPED_GROUPS)
            ],
            "meta": {
                "resourceType": self.resource_type,
                "created": user.date_joined.isoformat(),
                "lastModified": user.date_joined.isoformat(),
                "location": self.location,
            },
        }

    def from_dict(self, d: dict) -> None:
        """A whole account as the provider sends it (POST, PUT); never a password."""
        user = self.obj
        user.username = d.get("userName") or ""
        name = d.get("name") or {}
        user.first_name = name.get("givenName") or ""
        user.last_name = name.get("familyName") or ""
        user.email = ""
        self.parse_emails(d.get("emails"))
        if d.get("active") is not None:
            user.is_active = d["active"]
        if user.pk is None:
            user.set_unusable_password()
        self.external_id = d.get("externalId") or ""

    @transaction.atomic
    def save(self) -> None:
        try:
            self.obj.full_clean(exclude=["password"])
        except ValidationError as error:
            raise _bad_request(error) from None
        users = get_user_model().objects.exclude(pk=self.obj.pk)
        if users.filter(username__iexact=self.obj.username).exists():  # caseExact: false
            raise exceptions.IntegrityError("The name is taken.", scim_type="uniqueness")
        self.obj.save()
        self.obj.provisioned, _ = ProvisionedUser.objects.update_or_create(
            user=self.obj, defaults={"external_id": self.external_id}
        )

    @transaction.atomic
    def delete(self) -> None:
        """Gone for the provider; ended first, so that its sessions go too."""
        self.obj.is_active = False
        self.obj.save(update_fields=["is_active"])
        self.obj.delete()


class ProviderGroup(ProvisionedResource, SCIMGroup):
    """One of the provider's groups; its members' roles follow it."""

    scim_model = scim.Group

    def to_dict(self) -> dict:
        group = self.obj
        return {
            "schemas": [constants.SchemaURI.GROUP],
            "id": self.id,
            **self.kept_external_id,
            "displayName": group.name,
            "members": [
                {
                    "value": str(user.pk),
                    "$ref": StaffAccount(user, self.request).location,
                    "type": "User",
                }
                for user in group.user_set.filter(is_superuser=False)
            ],
            "meta": {"resourceType": self.resource_type, "location": self.location},
        }

    def from_dict(self, d: dict) -> None:
        self.obj.name = d.get("displayName") or ""
        self.members_wanted = [str(m.get("value")) for m in d.get("members") or []]
        self.external_id = d.get("externalId") or ""

    @transaction.atomic
    def save(self) -> None:
        if self.obj.name in SHIPPED_GROUPS:
            raise exceptions.IntegrityError("A role's name.", scim_type="uniqueness")
        try:
            self.obj.full_clean()
        except ValidationError as error:
            raise _bad_request(error) from None
        self.obj.save()
        self.obj.provisioned, _ = ProvisionedGroup.objects.update_or_create(
            group=self.obj, defaults={"external_id": self.external_id}
        )
        wanted = set(
            get_user_model().objects.filter(
                pk__in=[v for v in self.members_wanted if is_id(v)], is_superuser=False
            )
        )
        if len(wanted) != len(set(self.members_wanted)):
            raise exceptions.BadRequestError("No such user.", scim_type="invalidValue")
        members = self.obj.user_set.all()
        before = set(members.filter(is_superuser=False))
        self.obj.user_set.set(wanted | set(members.filter(is_superuser=True)))  # theirs stay
        roles_again(before | wanted)

    @transaction.atomic
    def delete(self) -> None:
        members = list(self.obj.user_set.filter(is_superuser=False))
        self.obj.delete()
        roles_again(members)


def roles_again(users) -> None:
    """Each user's roles as their groups at the provider now map."""
    for user in users:
        give_roles(
            user, user.groups.exclude(name__in=SHIPPED_GROUPS).values_list("name", flat=True)
        )


class ServiceProviderConfig(SCIMServiceProviderConfig):
    def to_dict(self) -> dict:
        config = super().to_dict()
        config["changePassword"]["supported"] = False  # passwords are the provider's
        config["filter"]["supported"] = True  # what Entra ID asks: userName eq "…"
        return config
