"""Duplicate review queue, merges and batch scans, under /participants/duplicates/ (namespace "participants")."""

from django.urls import path

from ankommen.participants import duplicate_views as views

urlpatterns = [
    path("", views.queue, name="duplicates"),
    path("scan/", views.scan, name="duplicates_scan"),
    path("network-scan/", views.network_scan, name="duplicates_network"),
    path("network-scan/start/", views.start_network_scan, name="duplicates_network_start"),
    path("<int:candidate_id>/confirm/", views.confirm, name="duplicate_confirm"),
    path("<int:candidate_id>/reject/", views.reject, name="duplicate_reject"),
    path("<int:candidate_id>/merge/", views.merge, name="duplicate_merge"),
    path("merges/", views.merges, name="merges"),
    path("merges/<int:merge_id>/undo/", views.undo, name="merge_undo"),
]
