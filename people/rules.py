"""Object permissions on people, built on the same scope the selectors use (autodiscovered by `rules`)."""

import rules

from accounts.roles import Action

from .selectors import actions_on


@rules.predicate
def has_role(user) -> bool:
    return bool(getattr(user, "role", ""))


def reaches(user, person, action: Action) -> bool:
    """Whether the access matrix gives the user this action on this person's file."""
    if person is None:
        return False
    # One page asks several permissions about the same file; the answer is remembered on the instance, for the user
    # as they stand (a changed role, team or office on the same account asks again).
    memo = person.__dict__.setdefault("_reach_memo", {})
    key = (user.pk, getattr(user, "role", None), getattr(user, "is_active", False), getattr(user, "team_id", None),
           getattr(user, "organisation_id", None), getattr(user, "heads_office", False))
    if key not in memo:
        memo[key] = actions_on(user=user, person=person)
    return action in memo[key]


@rules.predicate
def can_reach_person(user, person) -> bool:
    return reaches(user, person, Action.READ)


@rules.predicate
def can_write_person(user, person) -> bool:
    return reaches(user, person, Action.WRITE)


@rules.predicate
def edits_people(user) -> bool:
    return user.policy.edits_people


@rules.predicate
def reads_person_audit(user) -> bool:
    return user.policy.reads_person_audit


rules.add_perm("people.view_person", has_role & can_reach_person)
rules.add_perm("people.add_person", has_role & edits_people)
rules.add_perm("people.change_person", has_role & can_write_person)
rules.add_perm("people.assign_person", has_role & can_write_person)
rules.add_perm("audit.view_person_trail", has_role & reads_person_audit & can_reach_person)
