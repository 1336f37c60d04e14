from django.contrib import admin
from django.urls import path, re_path

from accounts import views as account_views
from accounts.admin_login import admin_login
from compliance import legal
from compliance import views as compliance_views
from core import views as core_views
from core.http import not_found
from monetization import views as monetization_views

urlpatterns = [
    path("api/auth/device", account_views.device, name="auth-device"),
    path("api/auth/register", account_views.register, name="auth-register"),
    path("api/auth/login", account_views.login, name="auth-login"),
    path("api/auth/logout", account_views.logout, name="auth-logout"),
    path("api/store/apple/notifications", monetization_views.apple_notifications, name="apple-notifications"),
    path("api/export/<uuid:public_id>", compliance_views.export_download, name="export-download"),
    path("api/protocol.json", core_views.protocol_schema, name="protocol-schema"),
    re_path(r"^api/", not_found, name="api-not-found"),  # JSON 404 under /api/, also with DEBUG on
    path("legal/privacy", legal.privacy, name="legal-privacy"),
    path("legal/terms", legal.terms, name="legal-terms"),
    path("support", legal.support, name="support"),
    path("health/live", core_views.live, name="health-live"),
    path("health/ready", core_views.ready, name="health-ready"),
    path("metrics", core_views.metrics, name="metrics"),  # allowed addresses or the bearer token; others 404
    path("admin/login/", admin_login, name="admin-login"),  # throttled before admin.site's own view
    path("admin/", admin.site.urls),
]

handler404 = "core.http.not_found"
