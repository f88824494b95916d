"""State changes of the funding programme, one module per side of the work:

- ``programme``: funding years, modules, the flat-rate catalogue, calls (``funding.manage``);
- ``applications``: verification, applications, measures, attachments, submission (``funding.apply``);
- ``review``: completeness, questions, decisions with the two-person rule, contract, payments;
- ``execution``: meetings held and material produced;
- ``proof``: the organisations' proofs of use and the year's proof of use to the state.

Every function takes the acting membership first, runs in one transaction, writes the audit
entry and refuses with a translated ``FundingError``.
"""

from ankommen.funding.services.applications import (
    add_attachment,
    add_measure,
    answer_request,
    change_application,
    change_measure,
    check_profile,
    create_application,
    profile_problems,
    recompute_requested,
    remove_attachment,
    remove_measure,
    save_profile,
    submission_problems,
    submit_application,
    submit_profile,
    withdraw_application,
)
from ankommen.funding.services.common import FundingError
from ankommen.funding.services.execution import (
    add_material,
    change_session,
    record_session,
    remove_material,
    remove_session,
)
from ankommen.funding.services.programme import (
    add_call,
    add_rate,
    change_call,
    change_module,
    change_rate,
    change_year,
    create_year,
)
from ankommen.funding.services.proof import (
    NotReconciled,
    accept_proof,
    delete_signature_lists,
    line_figures,
    missing_signature_lists,
    proof_differences,
    return_proof,
    save_proof,
    save_report,
    submit_proof,
    submit_report,
    year_differences,
    year_figures,
)
from ankommen.funding.services.review import (
    approve_application,
    completeness_problems,
    confirm_completeness,
    confirm_second_approval,
    contract_of,
    issue_contract,
    record_contract_signed,
    record_payment,
    refuse_second_approval,
    reject_application,
    request_information,
)

__all__ = [
    "FundingError",
    "NotReconciled",
    "accept_proof",
    "add_attachment",
    "add_call",
    "add_material",
    "add_measure",
    "add_rate",
    "answer_request",
    "approve_application",
    "change_application",
    "change_call",
    "change_measure",
    "change_module",
    "change_rate",
    "change_session",
    "change_year",
    "check_profile",
    "completeness_problems",
    "confirm_completeness",
    "confirm_second_approval",
    "contract_of",
    "create_application",
    "create_year",
    "delete_signature_lists",
    "issue_contract",
    "line_figures",
    "missing_signature_lists",
    "profile_problems",
    "proof_differences",
    "recompute_requested",
    "record_contract_signed",
    "record_payment",
    "record_session",
    "refuse_second_approval",
    "reject_application",
    "remove_attachment",
    "remove_material",
    "remove_measure",
    "remove_session",
    "request_information",
    "return_proof",
    "save_profile",
    "save_proof",
    "save_report",
    "submission_problems",
    "submit_application",
    "submit_profile",
    "submit_proof",
    "submit_report",
    "withdraw_application",
    "year_differences",
    "year_figures",
]
