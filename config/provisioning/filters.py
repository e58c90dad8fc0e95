"""SCIM filters (`filter=displayName eq "…"`) made SQL by django-scim2: the attributes a
provider looks resources up by before it creates them."""

from django_scim.filters import GroupFilterQuery, UserFilterQuery


class StaffAccountFilter(UserFilterQuery):
    attr_map = {**UserFilterQuery.attr_map, ("emails", "value", None): "email"}


class ProviderGroupFilter(GroupFilterQuery):
    attr_map = {("displayName", None, None): "name"}
