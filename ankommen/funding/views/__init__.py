"""Screens of the funding programme: set-up (``programme``), the applicant's work (``applicant``),
the integration centre's review (``review``), carrying out and proving the measures
(``execution``) and the year's proof of use to the state (``report``). Thin views: one access
call, one service call, render or redirect."""
