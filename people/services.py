"""Writes to people's files. Each runs in one transaction, checks permission and records an audit event."""

import datetime as dt
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from audit.services import audit_prepare_many, audit_record, audit_record_many, audit_values
from duties import obligations
from duties.models import Duty
from duties.selectors import legal_time_limit
from duties.services import (duties_open_new, duty_holders_count, duty_open, imported_duties_announce, new_duty_groups,
                             new_duty_rows)
from orgs.models import AreaLevel, Organisation
from orgs.selectors import owner_roles_for, service_rule_for
from tongxing.builders import NEEDS_DATABASE, Builders
from tongxing.builders import available as builders_available
from tongxing.bulk import draw_ids, insert_many, insert_rows, prepare_dicts, prepare_instances, write
from tongxing.crypto import keyed_hash, search_hashes
from tongxing.permissions import ConflictError, require

from . import idnumbers
from .models import Assignment, CorrectionCategory, Enrolment, EnrolmentStatus, Person, SupportMember
from .names import name_fragments, pinyin_keys
from .populations import Population

PERSON_FIELDS = (
    "full_name", "pseudonym", "sex", "birth_date", "ethnicity", "id_number", "phone", "household_address",
    "residence_address", "area", "education", "employment", "employer", "marital_status", "support_notes", "note",
    "owner",
)
PROTECTED_FIELDS = {"id_number", "phone"}  # never written into the audit trail in clear
NULLABLE_FIELDS = {"birth_date", "area", "owner"}
# Derived on save; never reported back as the user's mistake.
DERIVED_FIELDS = ["name_pinyin", "name_initials", "pseudonym_pinyin", "pseudonym_initials", "name_fragments",
                  "id_number_hash", "id_last4_hash", "version", "organisation"]


def _merge_model_errors(instance, errors: dict[str, list[str]], exclude: list[str]) -> None:
    """Add the model's own field checks (choices, lengths, required) to the errors found so far."""
    try:
        instance.full_clean(exclude=[*exclude, *errors], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _audit_value(field: str, value: Any) -> Any:
    if field in PROTECTED_FIELDS:
        return "***" if value else ""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _current(person: Person, field: str) -> Any:
    if field in ("area", "owner"):  # an unsaved file has no related object to read yet
        return getattr(person, field) if getattr(person, f"{field}_id") else None
    return getattr(person, field)


def _apply(person: Person, data: dict) -> dict:
    """Copy the given fields onto the person and return {field: [old, new]} for what changed."""
    changes = {}
    for field in PERSON_FIELDS:
        if field not in data:
            continue
        new = data[field]
        if new is None and field not in NULLABLE_FIELDS:
            new = ""
        if isinstance(new, str):
            new = new.strip()
        old = _current(person, field)
        if old != new:
            changes[field] = [_audit_value(field, old), _audit_value(field, new)]
            setattr(person, field, new)
    return changes


def _duplicates(person: Person):
    found = Person.objects.filter(id_number_hash__in=search_hashes(person.id_number), is_active=True)
    return found.exclude(pk=person.pk) if person.pk else found


def _validate_person(*, actor, person: Person, changed: set[str], intake: "Intake | None" = None) -> None:
    """With `intake` (an imported list), the ID numbers were checked against the files and each other a thousand at
    a time in the same transaction, the related records come from the database, and each district's rules are
    read once."""
    errors: dict[str, list[str]] = {}
    if not person.full_name:
        errors.setdefault("full_name", []).append(_("The name is required."))
    if person.id_number:
        try:
            person.id_number = idnumbers.validate_id_number(person.id_number)
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
        else:
            born = idnumbers.birth_date_of(person.id_number)
            if person.birth_date and person.birth_date != born:
                errors.setdefault("birth_date", []).append(
                    _("The date of birth does not match the one in the ID number (%(date)s).") % {"date": f"{born:%Y年%-m月%-d日}"})
            person.birth_date = person.birth_date or born
            if person.sex and person.sex != idnumbers.sex_of(person.id_number):
                errors.setdefault("sex", []).append(_("The sex does not match the ID number."))
            person.sex = person.sex or idnumbers.sex_of(person.id_number)
            if intake is None and _duplicates(person).exists():
                errors.setdefault("id_number", []).append(
                    _("An active file with this ID number already exists. Ask the office that keeps it to transfer it."))
    if not person.sex:
        errors.setdefault("sex", []).append(_("The sex is required."))
    if person.birth_date and person.birth_date > dt.date.today():
        errors.setdefault("birth_date", []).append(_("The date of birth is in the future."))
    if not person.area_id:
        errors.setdefault("area", []).append(_("The street or town of residence is required."))
    elif person.area.level != AreaLevel.STREET:
        errors.setdefault("area", []).append(_("Choose a street or town, not a larger area."))
    elif "area" in changed and not (actor.area_path and person.area.path.startswith(actor.area_path)):
        # Moving a file out of one's own area would hand it to another district: that is a transfer (issue 3).
        errors.setdefault("area", []).append(_("This street is outside your organisation's area."))
    if person.owner_id and person.owner.organisation_id != person.organisation_id:
        errors.setdefault("owner", []).append(_("The responsible worker must belong to the responsible organisation."))
    elif person.owner_id and person.area_id:
        populations = list(person.enrolments.filter(status=EnrolmentStatus.ACTIVE).values_list("population", flat=True)
                           ) if person.pk else []
        allowed = (intake.owner_roles(person.area) if intake and not populations
                   else owner_roles_for(district=person.area.district(), populations=populations))
        if person.owner.role not in allowed:
            errors.setdefault("owner", []).append(
                _("Under this district's organising model a %(role)s cannot be the responsible worker.")
                % {"role": person.owner.get_role_display()})
    _merge_model_errors(person, errors, exclude=DERIVED_FIELDS + (["area", "organisation", "owner"] if intake else []))
    if errors:
        raise ValidationError(errors)
    person.name_pinyin, person.name_initials = pinyin_keys(person.full_name)
    person.pseudonym_pinyin, person.pseudonym_initials = pinyin_keys(person.pseudonym)
    person.name_fragments = name_fragments(person.full_name, person.pseudonym)
    person.id_number_hash = keyed_hash(person.id_number) if person.id_number else ""
    person.id_last4_hash = keyed_hash(person.id_number[-4:]) if person.id_number else ""


@transaction.atomic
def person_create(*, actor, data: dict) -> Person:
    """Open a new file. It belongs to the creator's organisation; the creator is responsible unless told otherwise."""
    require(actor, "people.add_person")
    person = Person(organisation=actor.organisation)
    if "owner" not in data and data.get("area") is not None:
        allowed = owner_roles_for(district=data["area"].district(), populations=[])
        data = {**data, "owner": actor if actor.role in allowed else None}
    changes = _apply(person, data)
    _validate_person(actor=actor, person=person, changed=set(changes))
    person.save()
    audit_record(actor=actor, action="person.created", target=person, person=person, changes=changes)
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict, expected_version: int) -> Person:
    """Edit a file. An edit made on an outdated copy raises ConflictError and changes nothing."""
    require(actor, "people.change_person", person)
    current = Person.objects.select_for_update().get(pk=person.pk)
    if current.version != expected_version:
        raise ConflictError(_("Someone else changed this file since you opened it. Reload it and make your change again."))
    changes = _apply(current, data)
    if not changes:
        return current
    _validate_person(actor=actor, person=current, changed=set(changes))
    current.version += 1
    current.save()
    audit_record(actor=actor, action="person.updated", target=current, person=current, changes=changes)
    return current


@transaction.atomic
def person_set_active(*, actor, person: Person, active: bool, reason: str) -> Person:
    """Files are disabled, never deleted; disabling needs a reason."""
    require(actor, "people.change_person", person)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give a reason.")]})
    person.is_active = active
    person.version += 1
    person.save(update_fields=["is_active", "version", "updated_at"])
    audit_record(actor=actor, action="person.enabled" if active else "person.disabled", target=person, person=person,
                 reason=reason)
    if not active:
        obligations.person_disabled(person)
    return person


@transaction.atomic
def person_file_opened(*, actor, person: Person, reason: str = "") -> None:
    """Every opening of a person's file is on the record (DOMAIN §8)."""
    require(actor, "people.view_person", person)
    if actor.policy.reason_to_open_file and not reason.strip():
        raise ValidationError({"reason": [_("Your role must give a reason before opening a person's file.")]})
    audit_record(actor=actor, action="person.viewed", target=person, person=person, reason=reason)


SUPPORT_FIELDS = ("kind", "name", "relation", "phone", "attitude", "lives_with", "is_guardian", "note")


@transaction.atomic
def support_member_save(*, actor, person: Person, data: dict, member: SupportMember | None = None) -> SupportMember:
    """Add or edit a family member or other member of the support system."""
    require(actor, "people.change_person", person)
    if member is not None and member.person_id != person.pk:
        raise ValidationError(_("That family member belongs to another file."))
    member = member or SupportMember(person=person)
    changes = {}
    for field in SUPPORT_FIELDS:
        if field in data and getattr(member, field) != data[field]:
            changes[field] = [_audit_value(field, getattr(member, field)), _audit_value(field, data[field])]
            setattr(member, field, data[field])
    errors: dict[str, list[str]] = {}
    _merge_model_errors(member, errors, exclude=["person"])
    if errors:
        raise ValidationError(errors)
    created = member.pk is None
    member.save()
    audit_record(actor=actor, action="support_member.added" if created else "support_member.updated", target=member,
                 person=person, changes=changes)
    return member


ENROLMENT_FIELDS = (
    "population", "organisation", "start_date", "end_date", "correction_category", "offence", "sentence",
    "deciding_body", "release_source", "release_date", "release_institution", "high_priority", "out_of_school",
    "out_of_work",
    "out_of_care", "drug_order_kind",
)
REQUIRED_BY_POPULATION = {
    Population.CORRECTION: ("correction_category", "offence", "sentence", "start_date", "end_date", "deciding_body"),
    Population.RESETTLEMENT: ("release_source", "release_date", "start_date"),
    Population.YOUTH: ("start_date",),
    Population.DRUG: ("drug_order_kind", "start_date", "end_date", "deciding_body"),
}


def _serving_organisation(*, person: Person, population: str, chosen: Organisation | None) -> Organisation:
    """The organisation the district's model puts in charge of this population (DOMAIN §2)."""
    district = person.area.district()
    if district is None:
        raise ValidationError({"area": [_("The person's street is not inside a district.")]})
    rule = service_rule_for(district=district, population=population)
    if rule is None:
        raise ValidationError({"population": [
            _("%(district)s works under the %(model)s, which does not serve %(population)s.") % {
                "district": district.name, "model": district.get_work_model_display(),
                "population": Population(population).label}]})
    candidates = [org for org in Organisation.objects.filter(
        area__path__startswith=district.path, kind=rule.serving_kind, is_active=True).select_related("area")
        if not org.populations or org.serves(population)]
    if chosen is not None:
        if chosen not in candidates:
            raise ValidationError({"organisation": [
                _("Under this district's model, %(population)s is served by a %(kind)s of the district.") % {
                    "population": Population(population).label, "kind": rule.get_serving_kind_display()}]})
        return chosen
    # Prefer the office of the person's own street, then any in the district.
    local = [org for org in candidates if org.area_id == person.area_id]
    if local or candidates:
        return (local or candidates)[0]
    raise ValidationError({"organisation": [_("No organisation in this district serves %(population)s yet.") % {
        "population": Population(population).label}]})


def _enrolment_build(*, person: Person, data: dict, limit) -> tuple[Enrolment, dict[str, list[str]]]:
    """The record from the given data, with R1's end date, and what is wrong with it short of the database."""
    enrolment = Enrolment(person=person)
    for field in ENROLMENT_FIELDS:
        if field in data and data[field] is not None:
            setattr(enrolment, field, data[field].strip() if isinstance(data[field], str) else data[field])
    if enrolment.population == Population.RESETTLEMENT and not enrolment.start_date:
        enrolment.start_date = enrolment.release_date
    if (enrolment.population == Population.RESETTLEMENT and not enrolment.end_date and enrolment.release_date
            and enrolment.release_source):
        # R1: the assistance period depends on where the person comes from, and on the region.
        from duties.workdays import add_months

        months = limit(f"resettlement_months_after_{enrolment.release_source}")
        enrolment.end_date = add_months(enrolment.release_date, months.value) - dt.timedelta(days=1)
    errors: dict[str, list[str]] = {}
    if enrolment.population not in Population.values:
        errors["population"] = [_("Choose a population.")]
    else:
        for field in REQUIRED_BY_POPULATION[enrolment.population]:
            if getattr(enrolment, field) in (None, ""):
                errors.setdefault(field, []).append(_("This field is required for %(population)s.") % {
                    "population": Population(enrolment.population).label})
        if enrolment.start_date and enrolment.end_date and enrolment.end_date < enrolment.start_date:
            errors.setdefault("end_date", []).append(_("The end is before the start."))
    return enrolment, errors


def _enrolment_started(enrolment: Enrolment, *, office, limit, today: dt.date) -> tuple[list, list[dict]]:
    """The first supervision level and the duties (as `duty_open` arguments) a new record opens."""
    if enrolment.population == Population.CORRECTION:
        level, specs = obligations.correction_intake_plan(enrolment, office=office, limit=limit, today=today)
        return [level], specs
    if enrolment.population == Population.RESETTLEMENT:
        return [], obligations.resettlement_intake_plan(enrolment, office=office, limit=limit, today=today)
    return [], []


@transaction.atomic
def enrolment_add(*, actor, person: Person, data: dict, announcements: dict | None = None) -> Enrolment:
    """Record that the person belongs to a population from a date, with that population's data. With
    `announcements` (an imported list), the new duties are counted there for one notice per holder (`Intake`)."""
    require(actor, "people.change_person", person)
    if not person.is_active:
        raise ValidationError(_("This file is disabled; enable it before adding to it."))
    limit = partial(legal_time_limit, person.area)
    enrolment, errors = _enrolment_build(person=person, data=data, limit=limit)
    if enrolment.population in Population.values and person.enrolments.filter(
            population=enrolment.population, status=EnrolmentStatus.ACTIVE).exists():
        errors.setdefault("population", []).append(_("The person already has an active record for this population."))
    _merge_model_errors(enrolment, errors, exclude=["person", "organisation"])
    if errors:
        raise ValidationError(errors)
    enrolment.organisation = _serving_organisation(person=person, population=enrolment.population,
                                                   chosen=data.get("organisation"))
    enrolment.save()
    audit_record(actor=actor, action="enrolment.added", target=enrolment, person=person,
                 changes={"population": enrolment.population, "organisation": enrolment.organisation_id})
    levels, specs = _enrolment_started(enrolment, office=obligations.office_of(person), limit=limit,
                                       today=dt.date.today())
    for level in levels:
        level.save()
    if announcements is None:
        for spec in specs:
            duty_open(**spec)
    else:
        for user, count in duties_open_new(specs).items():
            announcements[user] = announcements.get(user, 0) + count
    return enrolment


class Intake:
    """Opens many new files at once — an imported list — with the checks, records, duties and audit of
    `person_create` and `enrolment_add` one by one. What every row would look up (its district's rules, its street's
    office, the time limits) is read once, and people, records, levels, duties and audit events go in a thousand per
    insert. The caller has checked the ID numbers against the files and each other in the same transaction. Each
    holder of the new duties is told once, by `finish`, instead of once per duty.

    On PostgreSQL a thousand rows are built — checked, keyed, encrypted, planned — into prepared rows with ids drawn
    from the sequences, then written with COPY. With `builders`, forked processes build while this one writes
    (`tongxing.builders`): the rules are the same code, run on more cores. The first thousand, and any a builder
    cannot build without the database, are built here."""

    def __init__(self, *, actor, builders: int = 0):
        require(actor, "people.add_person")
        self.actor, self.today = actor, dt.date.today()
        self._districts, self._owner_roles, self._serving, self._offices, self._limits = {}, {}, {}, {}, {}
        self.announcements: dict = {}
        self._duty_groups: dict = {}
        self._prepared = connection.vendor == "postgresql"
        self._builders_wanted = builders_available(builders) if self._prepared else 0
        self._builders, self._built_here = None, 0

    def _district(self, area):
        if area.pk not in self._districts:
            self._districts[area.pk] = area.district()
        return self._districts[area.pk]

    def owner_roles(self, area) -> set[str]:
        district = self._district(area)
        key = getattr(district, "pk", None)
        if key not in self._owner_roles:
            self._owner_roles[key] = owner_roles_for(district=district, populations=[])
        return self._owner_roles[key]

    def limit(self, area):
        def read(key):
            if (area.pk, key) not in self._limits:
                self._limits[area.pk, key] = legal_time_limit(area, key)
            return self._limits[area.pk, key]
        return read

    def _office(self, person):
        if person.area_id not in self._offices:
            self._offices[person.area_id] = obligations.office_of(person)
        return self._offices[person.area_id]

    def _serving_of(self, person, population):
        if (person.area_id, population) not in self._serving:
            self._serving[person.area_id, population] = _serving_organisation(person=person, population=population,
                                                                              chosen=None)
        return self._serving[person.area_id, population]

    @transaction.atomic
    def add(self, rows: list[tuple[int, dict, dict | None]]) -> None:
        """(row number, the person's data as for `person_create`, the record's as for `enrolment_add` or None)."""
        if not rows:
            return
        if not self._prepared:
            self._build(rows, _Written(self))
            return
        from supervision.models import LevelChange

        records = sum(1 for _number, _data, record in rows if record)
        job = (rows, draw_ids(Person, len(rows)), draw_ids(Enrolment, records), draw_ids(LevelChange, records))
        if self._builders is None:
            if not self._built_here or not self._builders_wanted:
                # The first thousand is built here (a short list needs no builders), so builders forked for the
                # second start with what the first looked up.
                self._write(self._build_prepared(job))
                self._built_here += 1
                return
            self._builders = Builders(self._build_prepared, self._builders_wanted)
        self._builders.submit(job)
        self._write_built()

    def _build_prepared(self, job) -> "_Prepared":
        rows, *ids = job
        prepared = _Prepared(*ids)
        try:
            self._build(rows, prepared)
        except (ValidationError, PermissionDenied) as exc:  # raised where the rows are written, in order
            prepared.refused = exc
        return prepared

    def _write_built(self, *, all_of_them: bool = False) -> None:
        restart = False
        for job, prepared, by_current_builders in self._builders.results(all_of_them=all_of_them):
            if prepared == NEEDS_DATABASE:
                prepared = self._build_prepared(job)
                self._built_here += 1
                # Builders forked before an earlier miss lack the same lookup: only a miss by the newest ones
                # means forking again (with what this thousand has just looked up).
                restart = restart or by_current_builders
            self._write(prepared)
        if restart and not all_of_them and self._builders.starts < MAX_BUILDER_STARTS:  # none to come in `finish`
            self._builders.restart()

    def _write(self, prepared: "_Prepared") -> None:
        if prepared.refused is not None:
            raise prepared.refused
        write(prepared.new_people)  # rows come here only with their people
        self._writable(prepared.writable_ids)
        for rows in prepared.rest:
            write(rows)
        for group, number in prepared.duty_groups.items():
            self._duty_groups[group] = self._duty_groups.get(group, 0) + number

    def _writable(self, ids: dict[int, int]) -> None:
        """`enrolment_add` requires the right to write each file it adds to: asked once for the thousand."""
        from accounts.roles import Action

        from .selectors import people_visible_to

        writable = set(people_visible_to(user=self.actor, include_inactive=True, action=Action.WRITE,
                                         among=list(ids)).values_list("pk", flat=True))
        if len(writable) != len(ids):
            refused = sorted(number for pk, number in ids.items() if pk not in writable)
            raise PermissionDenied(_("Rows %(rows)s: you may not add records to these files.") % {
                "rows": "、".join(str(n) for n in refused[:20])})

    def _build(self, rows: list[tuple[int, dict, dict | None]], out) -> None:
        """The rules, row by row; `out` places what they make (`_Written` inserts it, `_Prepared` keeps its rows)."""
        actor, people = self.actor, []
        for number, data, _record in rows:
            person = Person(organisation=actor.organisation)
            if "owner" not in data:
                data = {**data, "owner": actor if actor.role in self.owner_roles(data["area"]) else None}
            changes = _apply(person, data)
            with _row(number):
                _validate_person(actor=actor, person=person, changed=set(changes), intake=self)
            people.append((person, changes))
        out.people([person for person, _changes in people])
        events = [audit_values(actor=actor, action="person.created", target=person, person=person, changes=changes)
                  for person, changes in people]
        out.writable({person.pk: number for (number, _data, record), (person, _changes) in zip(rows, people)
                      if record})
        enrolments = []
        for (number, _data, record), (person, _changes) in zip(rows, people):
            if record is None:
                continue
            enrolment, errors = _enrolment_build(person=person, data=record, limit=self.limit(person.area))
            _merge_model_errors(enrolment, errors, exclude=["person", "organisation"])
            with _row(number):
                if errors:
                    raise ValidationError(errors)
                enrolment.organisation = self._serving_of(person, enrolment.population)
            enrolments.append(enrolment)
        out.enrolments(enrolments)
        levels, specs = [], []
        for enrolment in enrolments:
            events.append(audit_values(actor=actor, action="enrolment.added", target=enrolment, person=enrolment.person,
                                      changes={"population": enrolment.population,
                                               "organisation": enrolment.organisation_id}))
            more_levels, more_specs = _enrolment_started(enrolment, office=self._office(enrolment.person),
                                                         limit=self.limit(enrolment.person.area), today=self.today)
            levels += more_levels
            specs += more_specs
        out.levels(levels)
        out.duties(specs)
        out.events(events)

    @transaction.atomic
    def finish(self) -> None:
        """Write what the builders still hold, then tell each holder of the new duties once."""
        if self._builders is not None:
            try:
                self._write_built(all_of_them=True)
            except BaseException:
                self.close()
                raise
            self._builders.close(at_once=False)  # every result taken: the idle builders end
            self._builders = None
        for user, count in duty_holders_count(self._duty_groups).items():
            self.announcements[user] = self.announcements.get(user, 0) + count
        self._duty_groups = {}
        imported_duties_announce(self.announcements)
        self.announcements = {}

    def close(self) -> None:
        """Stop the builders at once (an import that failed midway: what they hold is not written)."""
        if self._builders is not None:
            self._builders.close(at_once=True)
            self._builders = None


MAX_BUILDER_STARTS = 10  # builders forked again after one needed the database: each time with more looked up


class _Written:
    """Places an intake's rows in the database at once (SQLite, where no ids can be drawn beforehand)."""

    def __init__(self, intake: Intake):
        self.intake = intake

    def people(self, objs):
        insert_many(objs)

    def writable(self, ids):
        self.intake._writable(ids)

    def enrolments(self, objs):
        insert_many(objs)

    def levels(self, objs):
        insert_many(objs)

    def duties(self, specs):
        insert_rows(Duty, new_duty_rows(specs))
        new_duty_groups(specs, self.intake._duty_groups)

    def events(self, events):
        audit_record_many(events)


class _Prepared:
    """An intake's rows for COPY, built anywhere (here or in a builder) and written by `Intake._write`: the people
    first, then — once the right to add records to them is confirmed — everything else."""

    def __init__(self, person_ids, enrolment_ids, level_ids):
        self.person_ids, self.enrolment_ids, self.level_ids = person_ids, enrolment_ids, level_ids
        self.new_people, self.rest = None, []
        self.writable_ids, self.duty_groups, self.refused = {}, {}, None

    def people(self, objs):
        self.new_people = prepare_instances(objs, self.person_ids)

    def writable(self, ids):
        self.writable_ids = ids

    def _numbered(self, objs, ids):
        if objs:  # ids were drawn for every row; a row without a record leaves its id unused
            self.rest.append(prepare_instances(objs, ids[:len(objs)]))

    def enrolments(self, objs):
        self._numbered(objs, self.enrolment_ids)

    def levels(self, objs):
        self._numbered(objs, self.level_ids)

    def duties(self, specs):
        self.rest.append(prepare_dicts(Duty, new_duty_rows(specs)))
        self.duty_groups = new_duty_groups(specs)

    def events(self, events):
        self.rest.append(audit_prepare_many(events))


class _row:
    """Names the row of the list in a validation error."""

    def __init__(self, number: int):
        self.number = number

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if isinstance(error, ValidationError):
            raise ValidationError(_("Row %(n)s: %(error)s") % {
                "n": self.number, "error": "；".join(error.messages)}) from None
        return False


@transaction.atomic
def enrolment_end(*, actor, enrolment: Enrolment, end_date: dt.date, reason: str,
                  term_served: bool = False) -> Enrolment:
    """End a population record. `term_served` marks a correction that ran its full term (only then is a juvenile
    record sealed afterwards, L18)."""
    require(actor, "people.change_person", enrolment.person)
    return enrolment_close(actor=actor, enrolment=enrolment, end_date=end_date, reason=reason,
                           term_served=term_served)


def enrolment_close(*, actor, enrolment: Enrolment, end_date: dt.date, reason: str,
                    term_served: bool = False) -> Enrolment:
    """The ending itself, for services that have checked their own permission (a bureau leader terminating a
    correction after a revocation does not edit the person's file)."""
    if enrolment.status == EnrolmentStatus.ENDED:
        raise ValidationError(_("This record has already ended."))
    if not reason.strip():
        raise ValidationError({"end_reason": [_("Give a reason.")]})
    if end_date < enrolment.start_date:
        raise ValidationError({"end_date": [_("The end is before the start.")]})
    enrolment.status, enrolment.end_date, enrolment.end_reason = EnrolmentStatus.ENDED, end_date, reason.strip()
    enrolment.save(update_fields=["status", "end_date", "end_reason"])
    audit_record(actor=actor, action="enrolment.ended", target=enrolment, person=enrolment.person, reason=reason)
    if enrolment.population == Population.CORRECTION:
        obligations.correction_ended(enrolment, term_served=term_served)
    return enrolment


@transaction.atomic
def check_in_record(*, actor, enrolment: Enrolment, on: dt.date) -> tuple[Enrolment, list[str]]:
    """报到 (CCL 21). Returns the record and, when late, what the rules propose (Measures 34, 35, 46)."""
    require(actor, "people.change_person", enrolment.person)
    if enrolment.population != Population.CORRECTION or enrolment.status != EnrolmentStatus.ACTIVE:
        raise ValidationError(_("Check-in is recorded on an active community-correction record."))
    if enrolment.checked_in_on:
        raise ValidationError(_("The check-in is already recorded."))
    if on > dt.date.today() or on < enrolment.start_date:
        raise ValidationError({"on": [_("The check-in day lies between the ruling and today.")]})
    from duties.selectors import legal_time_limit

    area = enrolment.person.area
    limit = legal_time_limit(area, "check_in_days")
    due = enrolment.start_date + dt.timedelta(days=limit.value)
    late_days = (on - due).days
    enrolment.checked_in_on = on
    enrolment.save(update_fields=["checked_in_on"])
    audit_record(actor=actor, action="enrolment.checked_in", target=enrolment, person=enrolment.person,
                 changes={"on": on.isoformat(), "late_days": max(0, late_days)})
    obligations.checked_in(enrolment, late_days)
    warnings = []
    if late_days > 0 and enrolment.correction_category != CorrectionCategory.MEDICAL:
        # 暂予监外执行 people are handed over by the prison or hospital: their lateness is not theirs (L2).
        from duties.workdays import add_months

        warning_days = legal_time_limit(area, "late_check_in_warning_days")
        revoke_months = legal_time_limit(area, "late_check_in_revocation_months")
        if on > add_months(due, revoke_months.value):
            warnings.append(_("Checked in %(n)s days late: more than %(m)s month(s); consider proposing revocation "
                              "(%(source)s).") % {"n": late_days, "m": revoke_months.value,
                                                   "source": revoke_months.source})
        elif late_days > warning_days.value:
            warnings.append(_("Checked in %(n)s days late: more than %(d)s days; a warning (警告) applies "
                              "(%(source)s).") % {"n": late_days, "d": warning_days.value,
                                                   "source": warning_days.source})
        else:
            warnings.append(_("Checked in %(n)s days late: a reprimand (训诫) applies (Measures 34).")
                            % {"n": late_days})
    return enrolment, warnings


@transaction.atomic
def assignment_add(*, actor, person: Person, user, task: str, may_see_offence: bool = False) -> Assignment:
    """Give a volunteer, community worker or external professional access to one file for a task."""
    require(actor, "people.assign_person", person)
    if user.pk == actor.pk:
        raise ValidationError({"user": [_("You cannot assign yourself.")]})
    if user.policy.reason_to_open_file:  # leaders and administrators oversee files; they are not given tasks on them
        raise ValidationError({"user": [_("Leaders and administrators are not assigned to files.")]})
    if may_see_offence and not actor.policy.sees_offence:
        raise ValidationError({"may_see_offence": [_("You cannot grant access to details your role does not see.")]})
    if not user.area_path or not person.area.path.startswith(user.area_path):
        raise ValidationError({"user": [_("That user's organisation does not cover the person's area.")]})
    assignment, _created = Assignment.objects.update_or_create(
        person=person, user=user, defaults={"task": task, "may_see_offence": may_see_offence})
    audit_record(actor=actor, action="assignment.saved", target=assignment, person=person,
                 changes={"user": user.pk, "task": task, "may_see_offence": may_see_offence})
    return assignment
