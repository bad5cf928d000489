"""The needs and risk screen and the risk flag: rationale required, bands as configuration, the suicide screen
overrides the total, flags reviewed as duties."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duties.models import Duty, Notification
from risk import selectors, services
from risk.models import RiskBand, Screening, ScreeningItem


def answers(score=0, why="", **overrides):
    rows = {item.code: (0 if item.is_suicide_screen else score, why)
            for item in ScreeningItem.objects.filter(is_active=True)}
    rows.update(overrides)
    return rows


def test_a_concern_without_a_rationale_saves_nothing(staff, xiaoyu):
    with pytest.raises(ValidationError) as error:
        services.screening_record(actor=staff("sh_social"), person=xiaoyu, done_on=timezone.localdate(),
                                  answers=answers(ch_prior=(2, "")))
    assert "ch_prior" in error.value.message_dict
    with pytest.raises(ValidationError):  # every item is scored
        services.screening_record(actor=staff("sh_social"), person=xiaoyu, done_on=timezone.localdate(),
                                  answers={"ch_prior": (0, "")})
    with pytest.raises(ValidationError):  # and only known items
        services.screening_record(actor=staff("sh_social"), person=xiaoyu, done_on=timezone.localdate(),
                                  answers=answers(made_up=(1, "x")))
    assert not Screening.objects.filter(person=xiaoyu).exists()


def test_the_bands_are_configuration_and_a_higher_result_raises_the_flag(staff, xiaoyu):
    worker = staff("sh_social")
    low = services.screening_record(actor=worker, person=xiaoyu, done_on=timezone.localdate(), answers=answers())
    assert low.level == "low" and selectors.current_flag(person=xiaoyu) is None
    rescreen = Duty.objects.get(kind="rescreen", person=xiaoyu, status="open")
    assert rescreen.due_on.month != timezone.localdate().month  # six months for a low result
    medium = services.screening_record(actor=worker, person=xiaoyu, done_on=timezone.localdate(),
                                       answers=answers(score=1, why="谈话所见"))
    assert medium.total == 12 and medium.level == "medium"
    assert selectors.current_flag(person=xiaoyu).level == "medium"
    assert Duty.objects.filter(kind="rescreen", person=xiaoyu, status="open").count() == 1  # the old one is done
    RiskBand.objects.filter(level="high").update(min_total=12)  # an administrator tightens the threshold
    assert services.screening_record(actor=worker, person=xiaoyu, done_on=timezone.localdate(),
                                     answers=answers(score=1, why="谈话所见")).level == "high"


def test_a_positive_suicide_item_makes_it_high_and_alerts_at_once(staff, xiaoyu):
    before = timezone.now()
    screening = services.screening_record(actor=staff("sh_social"), person=xiaoyu, done_on=timezone.localdate(),
                                          answers=answers(sui_thoughts=(1, "自述近期有轻生念头")))
    assert screening.total == 0 and screening.level == "high" and screening.suicide_positive
    assert selectors.current_flag(person=xiaoyu).level == "high"
    alerted = set(Notification.objects.filter(created_at__gte=before, text__contains="小宇")
                  .values_list("user__username", flat=True))
    assert {"sh_supervisor", "sh_officer"} <= alerted


def test_a_flag_is_reviewed_kept_lowered_or_ended(staff, xiaoyu):
    worker = staff("sh_social")
    flag = services.flag_raise(actor=worker, person=xiaoyu, level="high", reason="家庭冲突升级")
    review = Duty.objects.get(kind="risk_review", person=xiaoyu, status="open")
    assert review.due_on == timezone.localdate() + dt.timedelta(days=7) and review.owner == worker
    with pytest.raises(ValidationError):
        services.flag_review(actor=worker, flag=flag, note="")
    kept = services.flag_review(actor=worker, flag=flag, note="仍需密切关注",
                                review_on=timezone.localdate() + dt.timedelta(days=3))
    assert kept.pk == flag.pk and Duty.objects.filter(kind="risk_review", person=xiaoyu, status="open").count() == 1
    lowered = services.flag_review(actor=worker, flag=kept, note="情绪稳定", level="medium")
    assert lowered.level == "medium" and selectors.current_flag(person=xiaoyu) == lowered
    assert services.flag_review(actor=worker, flag=lowered, note="风险解除", end=True) is None
    assert selectors.current_flag(person=xiaoyu) is None
    assert not Duty.objects.filter(kind="risk_review", person=xiaoyu, status="open").exists()


def test_only_those_who_edit_the_file_set_a_flag(staff, xiaoyu):
    with pytest.raises(PermissionDenied):
        services.flag_raise(actor=staff("sh_volunteer"), person=xiaoyu, level="high", reason="x")


def test_the_flag_shows_on_every_page_about_the_person(login, staff, xiaoyu):
    services.flag_raise(actor=staff("sh_social"), person=xiaoyu, level="high", reason="自杀未遂后")
    client = login("sh_social")
    case = xiaoyu.cases.first()
    for url in (xiaoyu.get_absolute_url(), case.get_absolute_url(), f"/risk/people/{xiaoyu.pk}/"):
        assert 'data-testid="risk-flag"' in client.get(url).content.decode(), url


def test_the_screen_page_keeps_what_was_typed_when_a_rationale_is_missing(login, xiaoyu):
    client = login("sh_social")
    data = {"action": "screen", "done_on": timezone.localdate().isoformat()}
    for item in ScreeningItem.objects.all():
        data[f"score_{item.code}"] = "0"
    data["score_ch_prior"], data["why_fam_conflict"] = "2", "父亲责骂"
    page = client.post(f"/risk/people/{xiaoyu.pk}/", data)
    assert page.status_code == 200 and "父亲责骂" in page.content.decode()
    assert not Screening.objects.filter(person=xiaoyu).exists()
    data["why_ch_prior"] = "曾有治安处罚"
    assert client.post(f"/risk/people/{xiaoyu.pk}/", data).status_code == 302
    assert Screening.objects.get(person=xiaoyu).total == 2


def test_administrators_configure_the_screen_and_keep_the_bands_in_order(staff, login):
    admin = staff("hz_admin")
    with pytest.raises(PermissionDenied):
        services.band_set(actor=staff("sh_supervisor"), level="high", min_total=12, reassess_months=1,
                          flag_review_days=7, source="x")
    with pytest.raises(ValidationError):  # high below medium
        services.band_set(actor=admin, level="high", min_total=5, reassess_months=1, flag_review_days=7, source="x")
    services.band_set(actor=admin, level="high", min_total=12, reassess_months=1, flag_review_days=5,
                      source="区司法局2026年第3号通知")
    assert selectors.level_for_total(12) == "high"
    item = services.item_save(actor=admin, code="work_debt", domain="school_work", text="负债影响生活", max_score=2)
    assert item in selectors.active_items()
    services.item_save(actor=admin, code="work_debt", domain="school_work", text="负债影响生活", is_active=False)
    assert item not in selectors.active_items()
    client = login("hz_admin")
    assert client.get("/risk/configuration/").status_code == 200
    client.post("/risk/configuration/", {"action": "band", "level": "medium", "min_total": "abc"})
    assert RiskBand.objects.get(level="medium").min_total == 8  # a bad number changes nothing


def test_administrators_keep_the_analysis_dimensions(staff, login):
    from conferences.models import AnalysisDimension
    from conferences.services import dimension_save

    with pytest.raises(PermissionDenied):
        dimension_save(actor=staff("sh_social"), code="x", name="x", order=1)
    client = login("hz_admin")
    client.post("/conferences/dimensions/", {"code": "peers", "name": "朋辈群体", "order": "80"})
    assert not AnalysisDimension.objects.get(code="peers").is_active  # unchecked: retired
    client.post("/conferences/dimensions/", {"code": "spirituality", "name": "信仰与意义", "order": "130",
                                             "is_active": "1"})
    assert AnalysisDimension.objects.get(code="spirituality").is_active
