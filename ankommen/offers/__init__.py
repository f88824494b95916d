"""Offers (issue [O]): the catalogue of the network's offers, their sessions, enrolment with
waiting lists, attendance, participant cards, calendar feeds, the weekly programme of the ZUE
and provider reports.

Who may do what (permissions in ``ankommen/network/roles.py``, object rules in ``rules.py``):

========================  ================================================================
Permission                Roles and what it allows
========================  ================================================================
offers.view_catalogue     coordinator, case manager, team lead, assistant, offer provider,
                          partner liaison, police liaison: the catalogue, offer pages,
                          sessions with free seats and waiting-list *sizes*, the weekly
                          programme, offer calendar feeds. No names.
offers.manage_own         offer provider, police liaison: create and change the offers and
                          sessions of the own organisation (drafts are seen only there).
offers.view_participant_list
                          offer provider: the enrolment/attendance list of the own
                          organisation's offers with first name and family-name initial
                          (``access.short_name``) – nothing else about the person
                          (DOMAIN §4.5). Never for counts-only offers.
offers.record_attendance  offer provider: attendance by list or by scanning a participant card,
                          in the own organisation's named offers.
offers.record_counts      offer provider, police liaison: the number of people present at a
                          session of the own organisation (counts-only offers; walk-ins).
offers.view_reports       offer provider, police liaison (own offers), coordinator (all
                          published offers): sessions held, participants per session.
offers.enrol              case manager, team lead: enrol the own organisation's participants,
                          waiting list, cancel; see those participants' enrolments.
offers.issue_cards        case manager, team lead: print, revoke and reissue participant cards
                          of the own organisation's participants.
offers.manage_paths       coordinator: open or close an entitlement path into German courses
                          for the whole network (DOMAIN §3.2).
offers.refer              case manager, team lead: refer a person of an open case of the own
                          organisation to a chamber or the employment agency with the referral
                          packet a consent in force allows (``referrals.py``).
offers.receive_referrals  partner liaison: the referrals sent to the own organisation with
                          their packet, while the consent is in force; accept, decline,
                          complete with an outcome.
offers.allocate           coordinator: seat allocation runs over chosen offers (pseudonymous
                          preview with reasons), apply or discard (``allocation_runs.py``).
========================  ================================================================

The offer finder (``finder.py`` rules, ``finding.py`` queries) is for the staff who see the
person's record (``participants.view``); enrolling from it needs ``offers.enrol``.

The police never see participant data: offers of a police organisation are always run "counts
only" (``services.counts_only_for``), so neither the enrolment list nor names in attendance exist
for them; they record how many people came and see numbers (tests/test_no_personal_data.py).
The data-protection officer and the platform administrator have no offer permissions at all.

Seat allocation: the pure optimiser in ``allocation/`` (and ``manage.py allocate_seats``), the
job that builds the problem from the database in ``allocation_data.py`` / ``allocation_runs.py``.
Design decisions: docs/adr/0012-offers-and-enrolment.md, docs/adr/0013-seat-allocation.md.
"""
