"""The needs-versus-offers dashboard (issue [G], ADR 0017): recorded needs against the seats of
running offers, by field × district × age band × residence status group × language of instruction,
served from summary tables kept current in the same transaction as every change (``summary.py``).

Nothing here shows a person. Needs are recorded from case assessments and expressed interest
(``needs.py``) with a snapshot of the coarse groups; every view and export goes through the
small-cell rule (``suppression.py``: fewer than five persons are hidden, with secondary suppression
so totals cannot give a hidden cell away). Drill-downs lead to offers, never to people.

Who sees what (permissions in ``network/roles.py``):
- ``dashboard.view`` (coordinators): the dashboard, its drill-down to offers, the CSV/XLSX/PDF
  exports (audited), the 18–27 target-group view and the counts of "measure careers".
- ``dashboard.plan`` (coordinators): scenario planning with planned offers placed by the allocation
  engine of [O], and the rebuild of the summary tables.
- The lead case manager of a person's open case sees that person's measure career on the start page
  (``careers.py``); nobody else sees it per person.
"""
