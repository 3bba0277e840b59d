from django.urls import path

from tradeloom.lcs.api import views

LC = "lcs/<uuid:lc_id>/"
AMENDMENT = f"{LC}amendments/<uuid:lc_amendment_id>/"
PRESENTATION = f"{LC}presentations/<uuid:lc_presentation_id>/"

ROUTE_PRIORITY = 60  # see config/urls.py

urlpatterns = [
    path("lcs/", views.LcsApi.as_view(), name="lcs"),
    path("lcs/exposure/", views.LcExposureApi.as_view(), name="lc-exposure"),
    path(LC, views.LcApi.as_view(), name="lc"),
    path(f"{LC}issue/", views.LcIssueApi.as_view(), name="lc-issue"),
    path(f"{LC}confirm/", views.LcConfirmApi.as_view(), name="lc-confirm"),
    path(f"{LC}expire/", views.LcExpireApi.as_view(), name="lc-expire"),
    path(f"{LC}cancel/", views.LcCancelApi.as_view(), name="lc-cancel"),
    path(f"{LC}amendments/", views.LcAmendmentsApi.as_view(), name="lc-amendments"),
    path(f"{AMENDMENT}accept/", views.LcAmendmentAcceptApi.as_view(), name="lc-amendment-accept"),
    path(f"{AMENDMENT}reject/", views.LcAmendmentRejectApi.as_view(), name="lc-amendment-reject"),
    path(f"{LC}utilisations/", views.LcUtilisationsApi.as_view(), name="lc-utilisations"),
    path(
        f"{LC}utilisations/<uuid:lc_utilisation_id>/release/",
        views.LcUtilisationReleaseApi.as_view(),
        name="lc-utilisation-release",
    ),
    path(f"{LC}presentations/", views.LcPresentationsApi.as_view(), name="lc-presentations"),
    path(PRESENTATION, views.LcPresentationApi.as_view(), name="lc-presentation"),
    path(f"{PRESENTATION}decide/", views.LcPresentationDecideApi.as_view(), name="lc-presentation-decide"),
    path(f"{PRESENTATION}discrepancies/", views.LcDiscrepanciesApi.as_view(), name="lc-discrepancies"),
    path(
        f"{PRESENTATION}discrepancies/<uuid:lc_discrepancy_id>/resolve/",
        views.LcDiscrepancyResolveApi.as_view(),
        name="lc-discrepancy-resolve",
    ),
    path(f"{LC}orders/", views.LcOrdersApi.as_view(), name="lc-orders"),
    path(f"{LC}orders/<uuid:order_id>/", views.LcOrderApi.as_view(), name="lc-order"),
    path(f"{LC}proformas/", views.LcProformasApi.as_view(), name="lc-proformas"),
]
