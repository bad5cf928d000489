"""Object permissions on people, built on the same scope the selectors use (autodiscovered by `rules`)."""

import rules

from .selectors import people_visible_to


@rules.predicate
def has_role(user) -> bool:
    return bool(getattr(user, "role", ""))


@rules.predicate
def can_reach_person(user, person) -> bool:
    if person is None:
        return False
    # One page asks several permissions about the same file; the answer is remembered on the instance.
    memo = person.__dict__.setdefault("_reach_memo", {})
    if user.pk not in memo:
        memo[user.pk] = people_visible_to(user=user, include_inactive=True).filter(pk=person.pk).exists()
    return memo[user.pk]


@rules.predicate
def edits_people(user) -> bool:
    return user.policy.edits_people


@rules.predicate
def reads_person_audit(user) -> bool:
    return user.policy.reads_person_audit


rules.add_perm("people.view_person", has_role & can_reach_person)
rules.add_perm("people.add_person", has_role & edits_people)
rules.add_perm("people.change_person", has_role & edits_people & can_reach_person)
rules.add_perm("people.assign_person", has_role & edits_people & can_reach_person)
rules.add_perm("audit.view_person_trail", has_role & reads_person_audit & can_reach_person)
