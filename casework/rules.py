"""Object permissions on cases (autodiscovered by `rules`)."""

import rules

from accounts.roles import Action
from people.rules import can_reach_person, can_write_person, has_role, reaches


@rules.predicate
def owns_case(user, case) -> bool:
    return case is not None and case.owner_id == user.pk


@rules.predicate
def on_case_team(user, case) -> bool:
    """The owner, their team, or staff of the case's organisation who keep files."""
    if case is None or not user.policy.edits_people:  # roles that only read (leaders) are never on a case team
        return False
    if case.owner_id == user.pk or (user.team_id and case.owner.team_id == user.team_id):
        return True
    return user.organisation_id == case.organisation_id and user.policy.edits_people


@rules.predicate
def assigned_to_person(user, case) -> bool:
    """A volunteer or other helper assigned to the person: records the contacts of their task (Hangzhou model)."""
    return case is not None and case.person.assignments.filter(user=user).exists()


@rules.predicate
def approves_for_case(user, case) -> bool:
    from .selectors import approver_role_for, approvers_in

    # The matrix half is approves_case_person, asked beside this in casework.approve.
    return case is not None and approvers_in(organisation=case.organisation,
                                             role=approver_role_for(case)).filter(pk=user.pk).exists()


@rules.predicate
def reaches_case_person(user, case) -> bool:
    return case is not None and can_reach_person(user, case.person)


@rules.predicate
def writes_case_person(user, case) -> bool:
    return case is not None and reaches(user, case.person, Action.WRITE)


@rules.predicate
def approves_case_person(user, case) -> bool:
    return case is not None and reaches(user, case.person, Action.APPROVE)


rules.add_perm("casework.open_case", has_role & can_write_person)
rules.add_perm("casework.view_case", has_role & reaches_case_person)
# The case team writes (the matrix's write column); an assigned helper keeps the records of their task on what they
# may read (accounts.roles.TASK_RECORD_RELATIONS).
rules.add_perm("casework.own_case", has_role & owns_case & writes_case_person)
rules.add_perm("casework.work_on_case", has_role & ((on_case_team & writes_case_person)
                                                    | (assigned_to_person & reaches_case_person)))
rules.add_perm("casework.team_case", has_role & on_case_team & writes_case_person)
rules.add_perm("casework.approve", has_role & approves_for_case & approves_case_person)
