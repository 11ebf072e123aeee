"""The due-date rule, reminder stages, and the store that keeps anything from being sent twice."""

import datetime as dt

import pytest

from bot.reminders import ReminderStore, Stage, Subscription, due_date, reminders_for, stage_on
from corpus.deadlines import parse_period

D = dt.date


@pytest.mark.parametrize(
    ("wording", "due"),
    [
        ("Quý I/2018", D(2018, 3, 31)),
        ("Quý II năm 2018 ban hành kế hoạch", D(2018, 6, 30)),
        ("tháng 6 năm 2018", D(2018, 6, 30)),
        ("Tháng 2/2024", D(2024, 2, 29)),
        ("năm 2018", D(2018, 12, 31)),
        ("trước ngày 31/01/2018", D(2018, 1, 31)),
        ("Từ Quý II đến Quý III năm 2018", D(2018, 9, 30)),
        ("Thường xuyên", None),
        ("Hằng năm", None),
        ("Đúng tiến độ đề ra", None),
    ],
)
def test_one_rule_turns_periods_into_due_dates(wording, due):
    assert due_date(parse_period(wording, 2018)) == due


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (D(2018, 6, 22), None),
        (D(2018, 6, 23), Stage.SOON),
        (D(2018, 6, 30), Stage.TODAY),
        (D(2018, 7, 9), Stage.OVERDUE),
    ],
)
def test_stages(today, stage):
    assert stage_on(D(2018, 6, 30), today, 7) == stage


def _sub(**kw):
    return Subscription(
        **{"id": 1, "chat_id": 5, "agency": "Sở Nội vụ", "tinh": "Quảng Ngãi", "created_on": D(2018, 1, 1), **kw}
    )


def test_reminders_follow_the_agency_and_province(bundled):
    tasks = bundled.tasks
    due = reminders_for([_sub()], tasks, D(2018, 6, 25), 7)
    soon = [r for r in due if r.stage == Stage.SOON]
    assert soon and all(r.due == D(2018, 6, 30) for r in soon)
    assert all(r.due < D(2018, 6, 25) for r in due if r.stage == Stage.OVERDUE)
    assert {r.stage for r in due} == {Stage.SOON, Stage.OVERDUE}
    assert all(r.record.tinh == "Quảng Ngãi" for r in due)
    assert all(any("Nội vụ" in a.name for a in [*r.record.lead, *r.record.partners]) for r in due)
    assert reminders_for([_sub(tinh="Kiên Giang")], tasks, D(2018, 6, 25), 7) == []
    assert reminders_for([_sub(agency="Sở Tư pháp")], tasks, D(2018, 6, 25), 7) != due


def test_tasks_due_before_the_subscription_are_not_reminded(bundled):
    assert reminders_for([_sub(created_on=D(2018, 7, 1))], bundled.tasks, D(2018, 7, 2), 7) == []


def test_the_store_survives_a_restart_and_sends_once(bundled, tmp_path):
    path = tmp_path / "reminders.sqlite"
    store = ReminderStore(path)
    sub, new = store.subscribe(5, "Sở Nội vụ", "Quảng Ngãi", D(2018, 6, 1))
    again, new_again = store.subscribe(5, "Sở Nội vụ", "Quảng Ngãi", D(2018, 6, 2))
    assert new and not new_again and again.id == sub.id
    due = reminders_for(store.subscriptions(), bundled.tasks, D(2018, 6, 25), 7)
    assert store.unsent(due) == due
    store.mark_sent(due, D(2018, 6, 25))
    store.close()
    reopened = ReminderStore(path)
    assert reopened.subscriptions() == [sub]
    assert reopened.unsent(reminders_for(reopened.subscriptions(), bundled.tasks, D(2018, 6, 26), 7)) == []
    today = reminders_for(reopened.subscriptions(), bundled.tasks, D(2018, 6, 30), 7)
    assert reopened.unsent(today) == today and {r.stage for r in today} == {Stage.TODAY}
    assert reopened.unsubscribe(5, sub.id) == 1 and reopened.subscriptions() == []
