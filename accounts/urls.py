"""The two-factor pages (accounts/views.py), under /two-factor/."""

from django.urls import path

from . import views as auth_views

urlpatterns = [
    path("verify/", auth_views.verify, name="two_factor_verify"),
    path("enrol/", auth_views.enrol, name="two_factor_enrol"),
    path("recovery-codes/", auth_views.recovery_codes, name="two_factor_recovery_codes"),
]
