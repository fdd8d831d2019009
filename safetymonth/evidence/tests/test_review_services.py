"""Review rules and workflows: who reviews which org's material, reject needs a reason, good
practice, edit and delete (files removed from storage on commit), every write audited and the
uploader's staff notified."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from safetymonth.accounts.models import Role
from safetymonth.audit.models import AuditEntry
from safetymonth.evidence import permissions_review as rules
from safetymonth.evidence import services_review as services
from safetymonth.evidence.models import Material, ReviewState
from safetymonth.evidence.tests.factories_review import make_material, tmp_storage  # noqa: F401
from safetymonth.reports.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _audit(material: Material) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="evidence.material", object_id=material.public_id).order_by("pk"))


class TestWhoReviews:
    def test_enterprise_material_reviewed_by_its_section_and_the_office(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        assert rules.can_review(cast.section_staff, m)
        assert rules.can_review(cast.office, m)

    def test_not_by_others(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        for user in (
            cast.leader,
            cast.enterprise_staff,
            cast.other_section_staff,
            cast.other_enterprise_staff,
            cast.other_office,
            cast.tip_handler,
            cast.no_role,
        ):
            assert not rules.can_review(user, m), user

    def test_section_material_reviewed_by_the_office_only(self, cast):
        m = make_material(cast, cast.section, with_files=False, uploaded_by=cast.section_staff)
        assert rules.can_review(cast.office, m)
        assert not rules.can_review(cast.section_staff, m)  # its own org
        assert not rules.can_review(cast.other_section_staff, m)  # a sibling section never

    def test_institution_material_by_the_office(self, cast):
        m = make_material(cast, cast.institution, with_files=False)
        assert rules.can_review(cast.office, m)
        assert not rules.can_review(cast.section_staff, m)

    def test_nobody_reviews_their_own_org(self, cast):
        m = make_material(cast, cast.commission, with_files=False, uploaded_by=cast.office)
        assert not rules.can_review(cast.office, m)

    def test_section_staff_of_one_section_does_not_review_another_sections_enterprise(self, cast):
        m = make_material(cast, cast.other_enterprise, with_files=False)
        assert not rules.can_review(cast.section_staff, m)
        assert rules.can_review(cast.other_section_staff, m)

    def test_enterprise_staff_never_reviews_even_a_child(self, cast):
        # an enterprise user with a second membership elsewhere as enterprise staff still cannot
        user = make_user("ent2", cast.enterprise2, Role.ENTERPRISE_STAFF)
        m = make_material(cast, cast.enterprise, with_files=False)
        assert not rules.can_review(user, m)

    def test_queue_filter_matches_the_rule(self, cast):
        mats = [
            make_material(cast, org, with_files=False)
            for org in (cast.enterprise, cast.enterprise2, cast.section, cast.other_enterprise, cast.commission)
        ]
        for user in (cast.section_staff, cast.office, cast.other_section_staff, cast.leader, cast.enterprise_staff):
            in_queue = set(Material.objects.filter(rules.reviewable_q(user)).values_list("pk", flat=True))
            assert in_queue == {m.pk for m in mats if rules.can_review(user, m)}, user


class TestReview:
    def test_accept_with_good_practice(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        services.review_material(cast.section_staff, m, "accept", "很好", good_practice=True)
        m.refresh_from_db()
        assert m.review_state == ReviewState.ACCEPTED
        assert m.is_good_practice
        assert m.reviewed_by == cast.section_staff and m.reviewed_at is not None
        assert m.review_reason == "很好"
        entry = _audit(m)[-1]
        assert entry.action == AuditEntry.Action.UPDATE and entry.org_id == cast.enterprise.pk
        assert entry.changes["review_state"] == ["pending", "accepted"]
        note = Notification.objects.get(user=cast.enterprise_staff)
        assert "已被采纳" in note.text and m.public_id in note.url

    def test_reject_needs_a_reason(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        with pytest.raises(ValidationError) as exc:
            services.review_material(cast.section_staff, m, "reject", "   ")
        assert "reason" in exc.value.message_dict
        m.refresh_from_db()
        assert m.review_state == ReviewState.PENDING
        assert not _audit(m)

    def test_reject_clears_good_practice_and_notifies(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.ACCEPTED, good_practice=True)
        services.review_material(cast.office, m, "reject", "照片与活动无关")
        m.refresh_from_db()
        assert m.review_state == ReviewState.REJECTED and not m.is_good_practice
        assert m.review_reason == "照片与活动无关"
        assert Notification.objects.filter(user=cast.enterprise_staff, text__contains="照片与活动无关").exists()

    def test_back_to_pending_clears_the_review(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.REJECTED)
        services.review_material(cast.section_staff, m, "pending")
        m.refresh_from_db()
        assert m.review_state == ReviewState.PENDING
        assert m.review_reason == "" and m.reviewed_by is None and m.reviewed_at is None

    def test_not_allowed(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        for user in (cast.enterprise_staff, cast.leader, cast.other_section_staff):
            with pytest.raises(PermissionDenied):
                services.review_material(user, m, "accept")
        assert not _audit(m)

    def test_unknown_action(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        with pytest.raises(ValidationError):
            services.review_material(cast.section_staff, m, "approve")


class TestGoodPractice:
    def test_only_accepted(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        with pytest.raises(ValidationError):
            services.set_good_practice(cast.section_staff, m, True)
        m.refresh_from_db()
        assert not m.is_good_practice

    def test_toggle_audited(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.ACCEPTED)
        services.set_good_practice(cast.section_staff, m, True)
        services.set_good_practice(cast.section_staff, m, True)  # no change: no second entry
        services.set_good_practice(cast.section_staff, m, False)
        m.refresh_from_db()
        assert not m.is_good_practice
        assert [e.changes["is_good_practice"] for e in _audit(m)] == [["False", "True"], ["True", "False"]]

    def test_reviewers_only(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.ACCEPTED)
        with pytest.raises(PermissionDenied):
            services.set_good_practice(cast.enterprise_staff, m, True)


class TestEdit:
    def test_uploader_staff_while_pending(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, title="旧")
        services.update_material(cast.enterprise_staff, m, title=" 新标题 ", description="说明")
        m.refresh_from_db()
        assert (m.title, m.description) == ("新标题", "说明")
        assert _audit(m)[-1].changes["title"] == ["旧", "新标题"]

    def test_uploader_staff_not_after_review_but_reviewer_can(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.ACCEPTED)
        with pytest.raises(PermissionDenied):
            services.update_material(cast.enterprise_staff, m, title="改", description="")
        services.update_material(cast.section_staff, m, title="改", description="")
        m.refresh_from_db()
        assert m.title == "改"

    def test_title_required(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        with pytest.raises(ValidationError):
            services.update_material(cast.enterprise_staff, m, title="  ", description="")

    def test_others_cannot(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        for user in (cast.leader, cast.other_enterprise_staff):
            with pytest.raises(PermissionDenied):
                services.update_material(user, m, title="x", description="")


class TestDelete:
    def test_removes_row_and_files_on_commit(self, cast, tmp_storage, django_capture_on_commit_callbacks):  # noqa: F811
        m = make_material(cast, cast.enterprise)
        names = [m.file.name, m.served_file.name, m.thumbnail.name]
        assert all(default_storage.exists(n) for n in names)
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_material(cast.enterprise_staff, m)
        assert not Material.objects.filter(pk=m.pk).exists()
        assert not any(default_storage.exists(n) for n in names)
        entry = AuditEntry.objects.get(object_id=m.public_id, action=AuditEntry.Action.DELETE)
        assert entry.changes["sha256"] == m.sha256 and entry.org_id == cast.enterprise.pk

    def test_files_stay_until_commit(self, cast, tmp_storage, django_capture_on_commit_callbacks):  # noqa: F811
        m = make_material(cast, cast.enterprise)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.delete_material(cast.enterprise_staff, m)
        assert default_storage.exists(m.file.name)
        assert len(callbacks) == 1

    def test_not_once_accepted(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.ACCEPTED)
        with pytest.raises(PermissionDenied):
            services.delete_material(cast.enterprise_staff, m)

    def test_rejected_may_be_deleted(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False, state=ReviewState.REJECTED)
        services.delete_material(cast.enterprise_staff, m)
        assert not Material.objects.filter(pk=m.pk).exists()

    def test_reviewers_and_other_orgs_cannot(self, cast):
        m = make_material(cast, cast.enterprise, with_files=False)
        for user in (cast.section_staff, cast.office, cast.other_enterprise_staff):
            with pytest.raises(PermissionDenied):
                services.delete_material(user, m)
