"""The case stages and the explicit actions that move between them (DOMAIN §4).

One table: the services consult it, the case page shows the actions it allows, the tests walk it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ApprovalKind, Stage

ACTIVE = frozenset({Stage.INTAKE, Stage.ASSESSMENT, Stage.OPENING_REQUESTED, Stage.OPEN, Stage.INTERVENTION,
                    Stage.REVIEW})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    approval: str | None = None  # the stage changes only when this approval is granted
    needs_reason: bool = False
    by_approver: bool = False  # the approving role may take this action too (not only the case worker)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("begin_assessment", _("Begin the assessment"), frozenset({Stage.INTAKE}), Stage.ASSESSMENT),
    Transition("request_opening", _("Apply to open the case"), frozenset({Stage.ASSESSMENT}), Stage.OPEN,
               approval=ApprovalKind.OPENING),
    Transition("start_intervention", _("Start the intervention"), frozenset({Stage.OPEN}), Stage.INTERVENTION),
    Transition("start_review", _("Review the service"), frozenset({Stage.INTERVENTION}), Stage.REVIEW),
    Transition("continue_intervention", _("Continue the intervention"), frozenset({Stage.REVIEW}),
               Stage.INTERVENTION, needs_reason=True),
    Transition("request_closing", _("Apply to close the case"), frozenset({Stage.REVIEW}), Stage.CLOSED,
               approval=ApprovalKind.CLOSING, needs_reason=True),
    Transition("request_stop", _("Propose to stop (resistant person)"), ACTIVE - {Stage.OPENING_REQUESTED},
               Stage.STOPPED, approval=ApprovalKind.STOP, needs_reason=True),
    Transition("reopen", _("Reopen the case"), frozenset({Stage.CLOSED, Stage.STOPPED}), Stage.ASSESSMENT,
               needs_reason=True, by_approver=True),
]}

# While an approval is pending the case waits in this stage; a rejection returns it to where it was.
WAITING_STAGE = {ApprovalKind.OPENING: Stage.OPENING_REQUESTED}
APPROVAL_TARGET = {t.approval: t.target for t in TRANSITIONS.values() if t.approval}
