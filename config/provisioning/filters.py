"""SCIM filters (`filter=displayName eq "…"`) made SQL by django-scim2: the attributes a
provider looks resources up by before it creates them, the externalId it gave
included (config/models.py)."""

from django_scim.filters import GroupFilterQuery, UserFilterQuery


class StaffAccountFilter(UserFilterQuery):
    attr_map = {
        **UserFilterQuery.attr_map,
        ("emails", "value", None): "email",
        ("externalId", None, None): "site_provisioneduser.external_id",
    }
    joins = ("LEFT OUTER JOIN site_provisioneduser ON site_provisioneduser.user_id = auth_user.id",)


class ProviderGroupFilter(GroupFilterQuery):
    attr_map = {
        ("displayName", None, None): "name",
        ("externalId", None, None): "site_provisionedgroup.external_id",
    }
    joins = (
        "LEFT OUTER JOIN site_provisionedgroup ON site_provisionedgroup.group_id = auth_group.id",
    )
