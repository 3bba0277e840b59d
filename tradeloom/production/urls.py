from django.urls import path

from tradeloom.production import views

app_name = "production"

WO = "work-orders/<uuid:work_order_id>/"
ORDER = "orders/<uuid:order_id>/production/"

urlpatterns = [
    path("work-orders/", views.work_order_list_view, name="work-orders"),
    path("work-orders/new/", views.work_order_create_view, name="work-order-new"),
    path(WO, views.work_order_detail_view, name="work-order"),
    path(f"{WO}edit/", views.work_order_edit_view, name="work-order-edit"),
    path(f"{WO}move/", views.work_order_move_view, name="work-order-move"),
    path(f"{WO}issue/", views.material_issue_view, name="material-issue"),
    path(f"{WO}requirement/", views.requirement_update_view, name="requirement-update"),
    path(f"{WO}receive/", views.finished_receive_view, name="finished-receive"),
    path(f"{WO}correct/", views.entry_correct_view, name="entry-correct"),
    path("production/daily/", views.daily_view, name="daily"),
    path(ORDER, views.order_panel_view, name="order-panel"),
]
