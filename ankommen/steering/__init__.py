"""Steering the network (issue [G], ADR 0016): cooperation agreements and the partner map, bodies and
working groups with meetings, minutes, decisions and action items, network events, problem reports
(Problemanzeigen) and the gap register ("Lückenregister", DOMAIN §7.2).

Nothing here is personal data of participants. Problem reports are anonymous by construction: they
hold coarse groups (age band, status group, benefit system, language), a count of cases and a short
vignette that is refused when it carries obvious identifiers (``vignette.py``). Reports from case
closures come from ``cases.SystemBarrier`` (anonymous, month only) and carry no reporter.

Who sees what (permissions in ``network/roles.py``, object rules in ``rules.py``):
- ``steering.take_part`` (every staff role except the DPO and the platform administrator): the
  network's events (and registering oneself), and the bodies one is a member of, in person or through
  one's organisation, with their meetings, minutes and action items. The police have only this.
- ``steering.view`` (coordinators, case managers, team leads, assistants, offer providers, partner
  liaisons): also the agreements with their documents, the partner map, all bodies, the problem
  reports and the gap register with its export.
- ``steering.report_problem``: file problem reports (case managers, team leads, offer providers,
  partner liaisons, coordinators).
- ``steering.manage`` (coordinators): everything that changes agreements, bodies, meetings, events and
  gaps. Action items are also updated by their owners (the person, or the owner organisation's staff).
- ``steering.prioritise`` (coordinators), and every person who is a named member of an active core
  group (Bündniskerngruppe): set the priority of a gap.
"""
