"""The demo host's authentication backend: Django's, with a user's permissions in one query.

Every page a logged-in user opens asks whether they may open the Wagtail admin (the user bar
and the header's "Admin" link), and Django's `ModelBackend` reads the user's own permissions and
their groups' permissions in two queries to answer. This backend reads both in one, with the
same result and the same per-request cache (`user._perm_cache`, which allauth's backend shares).
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OneQueryPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                permissions = Permission.objects.all()
            else:
                permissions = Permission.objects.filter(Q(user=user_obj) | Q(group__user=user_obj))
            rows = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
