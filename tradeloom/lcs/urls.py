from django.urls import path

from tradeloom.lcs import views

app_name = "lcs"

LC = "lcs/<uuid:lc_id>/"
PRESENTATION = f"{LC}presentations/<uuid:lc_presentation_id>/"

urlpatterns = [
    path("lcs/", views.lc_list_view, name="lcs"),
    path("lcs/new/", views.lc_create_view, name="lc-new"),
    path("lcs/exposure/", views.exposure_view, name="exposure"),
    path(LC, views.lc_detail_view, name="lc"),
    path(f"{LC}edit/", views.lc_edit_view, name="lc-edit"),
    path(f"{LC}move/", views.lc_move_view, name="lc-move"),
    path(f"{LC}amend/", views.lc_amend_view, name="lc-amend"),
    path(f"{LC}amendments/<uuid:lc_amendment_id>/decide/", views.amendment_decide_view, name="amendment-decide"),
    path(f"{LC}draw/", views.lc_draw_view, name="lc-draw"),
    path(
        f"{LC}utilisations/<uuid:lc_utilisation_id>/release/",
        views.utilisation_release_view,
        name="utilisation-release",
    ),
    path(f"{LC}presentations/", views.presentation_add_view, name="presentation-new"),
    path(f"{PRESENTATION}decide/", views.presentation_decide_view, name="presentation-decide"),
    path(f"{PRESENTATION}discrepancies/", views.discrepancy_add_view, name="discrepancy-new"),
    path(
        f"{PRESENTATION}discrepancies/<uuid:lc_discrepancy_id>/resolve/",
        views.discrepancy_resolve_view,
        name="discrepancy-resolve",
    ),
]
