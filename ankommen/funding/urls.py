from django.urls import path

from ankommen.funding.views import applicant, execution, programme, report, review

app_name = "funding"
urlpatterns: list = [
    # programme set-up and budget (integration centre)
    path("years/", programme.year_list, name="years"),
    path("years/new/", programme.year_new, name="year_new"),
    path("years/<int:year_id>/", programme.year_detail, name="year"),
    path("years/<int:year_id>/edit/", programme.year_edit, name="year_edit"),
    path("years/<int:year_id>/budget/", programme.budget, name="budget"),
    path("years/<int:year_id>/calls/new/", programme.call_new, name="call_new"),
    path("modules/<int:module_id>/", programme.module_edit, name="module_edit"),
    path("modules/<int:module_id>/rates/new/", programme.rate_new, name="rate_new"),
    path("rates/<int:rate_id>/", programme.rate_edit, name="rate_edit"),
    path("calls/<int:call_id>/", programme.call_edit, name="call_edit"),
    # the year's proof of use to the state
    path("years/<int:year_id>/report/", report.report, name="report"),
    path("years/<int:year_id>/report/submit/", report.report_submit, name="report_submit"),
    path("years/<int:year_id>/report/pdf/", report.report_pdf_download, name="report_pdf"),
    path("years/<int:year_id>/report/xlsx/", report.report_xlsx_download, name="report_xlsx"),
    # applicants
    path("", applicant.application_list, name="applications"),
    path("organisation/", applicant.profile, name="profile"),
    path("organisation/upload/", applicant.profile_upload, name="profile_upload"),
    path("organisation/submit/", applicant.profile_submit, name="profile_submit"),
    path("calls/<int:call_id>/apply/", applicant.application_new, name="application_new"),
    path("applications/<int:application_id>/", review.application_detail, name="application"),
    path("applications/<int:application_id>/edit/", applicant.application_edit, name="application_edit"),
    path("applications/<int:application_id>/measures/new/", applicant.measure_new, name="measure_new"),
    path("applications/<int:application_id>/upload/", applicant.upload, name="upload"),
    path("applications/<int:application_id>/submit/", applicant.submit, name="submit"),
    path("applications/<int:application_id>/withdraw/", applicant.withdraw, name="withdraw"),
    path("measures/<int:measure_id>/", applicant.measure_edit, name="measure_edit"),
    path("measures/<int:measure_id>/remove/", applicant.measure_delete, name="measure_delete"),
    path("questions/<int:request_id>/answer/", applicant.answer, name="answer"),
    path("documents/<int:attachment_id>/", review.attachment_download, name="attachment"),
    path("documents/<int:attachment_id>/remove/", applicant.attachment_delete, name="attachment_delete"),
    # review and decision (integration centre)
    path("inbox/", review.inbox, name="inbox"),
    path("verifications/", review.verification_list, name="verifications"),
    path("verifications/<int:profile_id>/", review.verification, name="verification"),
    path("applications/<int:application_id>/complete/", review.complete, name="complete"),
    path("applications/<int:application_id>/question/", review.request_info, name="request_info"),
    path("applications/<int:application_id>/decide/", review.decide, name="decide"),
    path("applications/<int:application_id>/second-approval/", review.second_approval, name="second_approval"),
    path("applications/<int:application_id>/contract/", review.contract_download, name="contract"),
    path("applications/<int:application_id>/contract/issue/", review.issue_contract, name="issue_contract"),
    path("applications/<int:application_id>/contract/signed/", review.contract_signed, name="contract_signed"),
    path("applications/<int:application_id>/payments/new/", review.payment_new, name="payment_new"),
    # carrying out and proving the measures
    path("measures/<int:measure_id>/meetings/new/", execution.session_new, name="session_new"),
    path("meetings/<int:session_id>/", execution.session_edit, name="session_edit"),
    path("meetings/<int:session_id>/remove/", execution.session_delete, name="session_delete"),
    path("measures/<int:measure_id>/material/new/", execution.material_new, name="material_new"),
    path("material/<int:material_id>/remove/", execution.material_delete, name="material_delete"),
    path("applications/<int:application_id>/proof/", execution.proof, name="proof"),
    path("applications/<int:application_id>/proof/pdf/", execution.proof_document, name="proof_pdf"),
    path("applications/<int:application_id>/proof/check/", execution.proof_check, name="proof_check"),
    path(
        "applications/<int:application_id>/signature-lists/delete/",
        execution.signature_lists_delete,
        name="signature_lists_delete",
    ),
]
