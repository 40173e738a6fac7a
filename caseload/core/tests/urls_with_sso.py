"""The project's URLs with single sign-on's URLs in the `core` namespace, for tests that switch it on after
start-up (the URL configuration is otherwise fixed when Django starts)."""

from django.urls import include, path

from caseload.config.urls import urlpatterns as project_urlpatterns
from caseload.core import oidc
from caseload.core.urls import urlpatterns as core_urlpatterns

urlpatterns = [
    path("", include(([*core_urlpatterns, *oidc.urlpatterns(force=True)], "core"))),
    *(p for p in project_urlpatterns if getattr(p, "namespace", None) != "core"),
]
