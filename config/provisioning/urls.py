"""/scim/v2/: django-scim2's views, with the schemas cut to what is kept here."""

import copy
import json

import scim2_models as scim
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.urls import re_path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django_scim import constants, exceptions, views
from django_scim.schemas import ALL as LIBRARY_SCHEMAS
from pydantic import ValidationError as PydanticError

from .adapters import beyond_reach, is_id

QUERIED = scim.Context.RESOURCE_QUERY_RESPONSE
SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


def _published(schema_id: str, attributes: dict) -> dict:
    """The library's schema cut down to the attributes kept here."""
    schema = copy.deepcopy(next(s for s in LIBRARY_SCHEMAS if s["id"] == schema_id))
    kept = []
    for attribute in schema["attributes"]:
        if attribute["name"] in attributes:
            subs = attributes[attribute["name"]]
            if subs:
                attribute["subAttributes"] = [
                    a for a in attribute["subAttributes"] if a["name"] in subs
                ]
            kept.append(attribute)
    schema["attributes"] = kept
    return schema


def _as_kept_here(schema: dict) -> dict:
    """What the published schema must say of how the attributes are kept: a group's
    name and a user's activity are never unassigned; a user's display name is
    made of their given and family names; one email, at work."""
    for attribute in schema["attributes"]:
        name = attribute["name"]
        if name in ("active",) or (name == "displayName" and schema["name"] == "Group"):
            attribute["required"] = True
        if name == "displayName" and schema["name"] == "User":
            attribute["mutability"] = "readOnly"
        for sub in attribute.get("subAttributes", []):
            if (name, sub["name"]) == ("emails", "type"):
                sub["canonicalValues"] = ["work"]
    return schema


SCHEMAS = [
    _as_kept_here(
        _published(
            constants.SchemaURI.USER,
            {
                "userName": None,
                "name": ("givenName", "familyName"),
                "displayName": None,
                "active": None,
                "emails": ("value", "type"),
                "groups": ("value", "$ref", "display"),
            },
        )
    ),
    _as_kept_here(
        _published(
            constants.SchemaURI.GROUP, {"displayName": None, "members": ("value", "$ref", "type")}
        )
    ),
]


class Discovery:
    """A discovery list as RFC 7644 (3.4.2) has it, totals included; an unknown one is
    a SCIM error."""

    def get(self, request, uuid=None, *args, **kwargs):
        found = self.described(request)
        if uuid and uuid not in found:
            raise exceptions.NotFoundError(uuid)
        doc = found[uuid] if uuid else {
            "schemas": [constants.SchemaURI.LIST_RESPONSE],
            "totalResults": len(found),
            "itemsPerPage": len(found),
            "startIndex": 1,
            "Resources": [found[key] for key in sorted(found)],
        }  # fmt: skip
        return HttpResponse(json.dumps(doc), content_type=constants.SCIM_CONTENT_TYPE)


class SchemasView(Discovery, views.SchemasView):
    def described(self, request) -> dict:
        return {
            schema["id"]: {
                **schema,
                "schemas": [SCHEMA],
                "meta": {
                    "resourceType": "Schema",
                    "location": request.build_absolute_uri(
                        reverse("scim:schemas", kwargs={"uuid": schema["id"]})
                    ),
                },
            }
            for schema in SCHEMAS
        }


class ResourceTypesView(Discovery, views.ResourceTypesView):
    def described(self, request) -> dict:
        types = self.type_dict_by_type_id(request)
        for kind in types.values():  # relative to the service's base, as RFC 7643 6
            kind["endpoint"] = "/" + kind["endpoint"].rstrip("/").rsplit("/", 1)[-1]
        return types


class Elsewhere(views.SCIMView):
    """Any other address under /scim/v2/: a SCIM error, not the site's page."""

    def dispatch(self, request, *args, **kwargs):
        self.implemented = True
        return super().dispatch(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFoundError(request.path)


def _error(refused: exceptions.SCIMException) -> HttpResponse:
    return HttpResponse(
        json.dumps(refused.to_dict()),
        content_type=constants.SCIM_CONTENT_TYPE,
        status=refused.status,
    )


class NotOffered(views.SCIMView):
    """What is not offered here (one search of every type, /Me, bulk): 501, as a SCIM
    error (RFC 7644 3.12)."""

    implemented = False

    def status_501(self, request, *args, **kwargs):
        return _error(exceptions.NotImplementedError("Not offered here."))


class WithinReach:
    """An id that is not a number names nothing (404, not a failed query); nor does one
    beyond the provider's reach (adapters.provider_reach). What is answered carries
    the attributes asked for (RFC 7644 3.9), cut by scim2-models."""

    def get_object(self):
        uuid = self.kwargs.get(self.lookup_url_kwarg)
        found = super().get_object() if is_id(uuid) else None
        if found is None or beyond_reach(found):
            raise exceptions.NotFoundError(uuid)
        return found

    @method_decorator(csrf_exempt)  # a token, never a cookie
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code not in (200, 201):
            return response
        model = self.scim_adapter.scim_model
        try:
            asked = scim.ResponseParameters[model].model_validate(self._asked(request))
        except (PydanticError, scim.SCIMException):
            return _error(exceptions.BadRequestError("No such attribute.", scim_type="invalidPath"))
        if not (asked.attributes or asked.excluded_attributes):
            return response
        doc = json.loads(response.content)
        for resource in doc.get("Resources", [doc]):
            cut = model.model_validate(resource, scim_ctx=QUERIED).model_dump(
                scim_ctx=QUERIED, response_parameters=asked
            )
            resource.clear()
            resource.update(cut)
        response.content = json.dumps(doc)
        return response

    @staticmethod
    def _asked(request) -> dict:
        if request.method == "POST" and request.path.endswith("/.search"):
            body = json.loads(request.body or b"{}")
            return {k: body.get(k) for k in ("attributes", "excludedAttributes") if k in body}
        return {k: request.GET[k] for k in ("attributes", "excludedAttributes") if k in request.GET}


class UsersView(WithinReach, views.UsersView):
    pass


class GroupsView(WithinReach, views.GroupsView):
    pass


class UserSearchView(WithinReach, views.UserSearchView):
    model_cls = property(lambda self: get_user_model())  # the library's says "search"


class GroupSearchView(WithinReach, views.GroupSearchView):
    model_cls = Group


app_name = "scim"
urlpatterns = [
    re_path(r"^$", NotOffered.as_view(), name="root"),
    re_path(r"^\.search$", NotOffered.as_view(), name="search"),
    re_path(r"^Users/\.search$", UserSearchView.as_view(), name="users-search"),
    re_path(r"^Users(?:/(?P<uuid>[^/]+))?$", UsersView.as_view(), name="users"),
    re_path(r"^Groups/\.search$", GroupSearchView.as_view(), name="groups-search"),
    re_path(r"^Groups(?:/(?P<uuid>[^/]+))?$", GroupsView.as_view(), name="groups"),
    re_path(r"^Me$", NotOffered.as_view(), name="me"),
    re_path(
        r"^ServiceProviderConfig$",
        views.ServiceProviderConfigView.as_view(),
        name="service-provider-config",
    ),
    re_path(
        r"^ResourceTypes(?:/(?P<uuid>[^/]+))?$",
        ResourceTypesView.as_view(),
        name="resource-types",
    ),
    re_path(r"^Schemas(?:/(?P<uuid>[^/]+))?$", SchemasView.as_view(), name="schemas"),
    re_path(r"^Bulk$", NotOffered.as_view(), name="bulk"),
    re_path(r"", Elsewhere.as_view()),
]
