from django.urls import path

from tradeloom.sales import form_views, views, work_views

app_name = "sales"

ORDER = "orders/<uuid:order_id>/"

urlpatterns = [
    path("orders/", views.order_list_view, name="orders"),
    path("orders/new/", form_views.order_create_view, name="order-new"),
    path("orders/lines/transition/", work_views.lines_transition_view, name="lines-transition"),
    path(ORDER, views.order_detail_view, name="order"),
    path(f"{ORDER}edit/", form_views.order_edit_view, name="order-edit"),
    path(f"{ORDER}lines/", views.order_lines_partial_view, name="order-lines"),
    path(f"{ORDER}lines/<uuid:line_id>/transition/", views.line_transition_view, name="line-transition"),
    path(f"{ORDER}lines/<uuid:line_id>/deliveries/", views.delivery_create_view, name="line-delivery"),
    path(f"{ORDER}deliveries/<uuid:delivery_id>/", views.delivery_edit_view, name="delivery-edit"),
    path(f"{ORDER}deliveries/<uuid:delivery_id>/reverse/", views.delivery_reverse_view, name="delivery-reverse"),
    path(f"{ORDER}offers/", work_views.offer_create_view, name="offer-new"),
    path(f"{ORDER}offers/<uuid:offer_id>/accept/", work_views.offer_accept_view, name="offer-accept"),
    path(f"{ORDER}tasks/", work_views.task_create_view, name="task-new"),
    path(f"{ORDER}tasks/<uuid:task_id>/", work_views.task_update_view, name="task"),
    path(f"{ORDER}notes/", work_views.note_create_view, name="note-new"),
    path(f"{ORDER}notes/<uuid:note_id>/", work_views.note_edit_view, name="note"),
    path(f"{ORDER}stage/", work_views.stage_change_view, name="order-stage"),
    path(f"{ORDER}confirm/", work_views.order_confirm_view, name="order-confirm"),
    path(f"{ORDER}cancel/", work_views.order_cancel_view, name="order-cancel"),
    path(f"{ORDER}deletion-requests/", work_views.deletion_request_view, name="deletion-request"),
    path(
        f"{ORDER}deletion-requests/<uuid:request_id>/decide/",
        work_views.deletion_decide_view,
        name="deletion-decide",
    ),
    path(f"{ORDER}restore/", work_views.order_restore_view, name="order-restore"),
]
