"""The inspection and other-agency layer: plain steps any import process can use.

Steps are generator functions with explicit collaborators (a facility, the log, a case, the
activity codes); the draws of one case come from :class:`AgencyDraws`, every attribute from its
own named stream, so adding the layer shifts no stream of the process (common random numbers).
A process calls the steps where its procedure has them (docs/reference/processes/agency.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import simpy

from clearsim.models.agency import ConformitySpec, SeaAgencySpec
from clearsim.models.calendars import MINUTES_PER_WEEK
from clearsim.simulation.kernel.facilities import Facility, Process, delay, delay_since, serve
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.log.recorder import EventLog

WORKING_DAYS_PER_WEEK = 5
"""A working week of the approving office: Monday to Friday (national working-time rules)."""


@dataclass(frozen=True, slots=True)
class AgencyCase:
    """One consignment's draws for the agency layer (minutes; ``*_at_min`` are clock times)."""

    sampled: bool = False
    third_party: bool = False
    sampling_min: float = 0.0
    transport_min: float = 0.0
    bench_min: float = 0.0
    report_min: float = 0.0
    check_min: float = 0.0
    permit: bool = False
    application_at_min: float = 0.0
    instant: bool = False
    cbz: bool = False
    cbz_min: float = 0.0
    cbz_trip_u: float = 0.0


NO_AGENCY = AgencyCase()
"""The draws of a consignment the layer does not touch."""


class AgencyDraws:
    """Draws one consignment's agency attributes, each from its own named stream."""

    def __init__(self, samplers: ProcessSamplers, spec: SeaAgencySpec) -> None:
        self.spec = spec
        uniforms, durations = samplers.uniforms, samplers.durations
        sampling, approval, cbz = spec.sampling, spec.quarantine_approval, spec.cbz_inspection
        if sampling is not None:
            lab = sampling.laboratory
            self._sampled = uniforms(Purpose.INSPECTION, "agency_sampled")
            self._white_list = uniforms(Purpose.ATTRIBUTES, "agency_white_list")
            self._third_party = uniforms(Purpose.ATTRIBUTES, "agency_third_party")
            self._sampling = durations(Purpose.INSPECTION, "agency_sampling", sampling.sampling_min)
            self._transport = durations(Purpose.TRANSPORT, "lab_transport", lab.transport_min)
            self._bench = durations(Purpose.SERVICE, "lab_bench", lab.bench_min)
            self._report = durations(Purpose.INSPECTION, "lab_report", lab.report_min)
            third = sampling.third_party
            self._check = (
                durations(Purpose.REVIEW, "third_party_check", third.check_min) if third else None
            )
        if approval is not None:
            self._permit = uniforms(Purpose.ATTRIBUTES, "permit")
            self._instant = uniforms(Purpose.ATTRIBUTES, "permit_instant")
            self._lead = durations(
                Purpose.DECLARATION, "permit_application", approval.application_lead_min
            )
        if cbz is not None:
            self._cbz = uniforms(Purpose.ATTRIBUTES, "cbz_take_up")
            self._cbz_min = durations(Purpose.INSPECTION, "cbz_inspection", cbz.duration_min)
            self._cbz_trip = uniforms(Purpose.TRANSPORT, "cbz_trip")

    def draw(self, arrival_min: float) -> AgencyCase:
        """Every draw of one consignment arriving at ``arrival_min``, in a fixed order."""
        spec = self.spec
        values: dict[str, float | bool] = {}
        sampling = spec.sampling
        if sampling is not None:
            white = sampling.white_list
            listed = self._white_list() < white.take_up
            share = white.sampling_share if (white.enabled and listed) else sampling.share
            third = sampling.third_party
            third_u = self._third_party()
            values.update(
                sampled=self._sampled() < share,
                third_party=third is not None and third.enabled and third_u < third.take_up,
                sampling_min=self._sampling(),
                transport_min=self._transport(),
                bench_min=self._bench(),
                report_min=self._report(),
                check_min=self._check() if self._check else 0.0,
            )
        approval = spec.quarantine_approval
        if approval is not None:
            permit = self._permit() < approval.share
            instant_u = self._instant()
            values.update(
                permit=permit,
                application_at_min=arrival_min - self._lead(),
                instant=approval.instant and instant_u < approval.instant_share,
            )
        cbz = spec.cbz_inspection
        if cbz is not None:
            take_u = self._cbz()
            values.update(
                cbz=cbz.enabled and take_u < cbz.take_up,
                cbz_min=self._cbz_min(),
                cbz_trip_u=self._cbz_trip(),
            )
        return AgencyCase(**values)  # type: ignore[arg-type]


def office_time_end(
    closed: tuple[tuple[float, float], ...], start_min: float, work_min: float
) -> float:
    """The clock time when ``work_min`` of office (open) time has passed since ``start_min``.

    ``closed`` are the office's closed intervals from minute 0 on (a facility's calendar); before
    minute 0 the weekly calendar repeats, so a start in the past is shifted by whole weeks.
    After the last closed interval the office is open.
    """
    shift = math.ceil(-start_min / MINUTES_PER_WEEK) * MINUTES_PER_WEEK if start_min < 0 else 0.0
    t, left = start_min + shift, work_min
    for a, b in closed:
        if b <= t:
            continue
        if a > t:
            if a - t >= left:
                return t + left - shift
            left -= a - t
        t = max(t, b)
    return t + left - shift


def working_day_min(closed: tuple[tuple[float, float], ...]) -> float:
    """Office minutes in one working day: the first week's open time over five working days."""
    week = MINUTES_PER_WEEK
    shut = sum(max(0.0, min(b, week) - a) for a, b in closed if a < week)
    return (week - shut) / WORKING_DAYS_PER_WEEK


def permit_granted_at(
    closed: tuple[tuple[float, float], ...], draws: AgencyCase, working_days: float
) -> float:
    """When a permit applied for at ``draws.application_at_min`` is granted."""
    if draws.instant:
        return draws.application_at_min
    return office_time_end(closed, draws.application_at_min, working_days * working_day_min(closed))


def quarantine_approval(
    env: simpy.Environment,
    log: EventLog,
    case: int,
    activity: int,
    node: int,
    application_min: float,
    granted_min: float,
) -> Process:
    """检疫审批: the permit from application to grant, recorded at its own times."""
    if application_min > env.now:
        yield env.timeout(application_min - env.now)
    yield from delay_since(
        env, log, case, activity, node, min(application_min, env.now), granted_min - application_min
    )


@dataclass(frozen=True, slots=True)
class LabActivities:
    """Activity codes of the sample's path: transport, bench test, report, third-party check."""

    transport: int
    test: int
    report: int
    check: int

    @classmethod
    def of(cls, log: EventLog) -> LabActivities:
        """Register the activities with the log."""
        a = log.activity
        return cls(a("sample_transport"), a("lab_test"), a("lab_report"), a("third_party_check"))


def sample_result(
    env: simpy.Environment,
    log: EventLog,
    case: int,
    draws: AgencyCase,
    lab: Facility,
    officers: Facility,
    codes: LabActivities,
    node: int,
) -> Process:
    """取样送检: the sample's result, from an accredited lab's report or the customs laboratory.

    With a third-party report an officer checks it (第三方采信); otherwise the sample travels to
    the laboratory, waits for a bench, is tested, and the report is issued.
    """
    if draws.third_party:
        yield from serve(env, officers, log, case, codes.check, draws.check_min)
        return
    yield from delay(env, log, case, codes.transport, node, draws.transport_min)
    yield from serve(env, lab, log, case, codes.test, draws.bench_min)
    yield from delay(env, log, case, codes.report, lab.node, draws.report_min)


@dataclass(frozen=True, slots=True)
class ConformityCase:
    """One consignment's conformity draws: equipment or not, the path and its durations."""

    equipment: bool = False
    path: str = "none"
    """``none`` (no equipment), ``inspection``, ``documents`` or ``guarantee``."""
    inspection_min: float = 0.0
    assessment_min: float = 0.0
    later_check_min: float = 0.0


NO_CONFORMITY = ConformityCase()
"""The draws of a consignment without equipment subject to inspection."""


class ConformityDraws:
    """Draws one consignment's conformity attributes, each from its own named stream."""

    def __init__(self, samplers: ProcessSamplers, spec: ConformitySpec) -> None:
        self.spec = spec
        uniforms, durations = samplers.uniforms, samplers.durations
        self._equipment = uniforms(Purpose.ATTRIBUTES, "equipment")
        self._qualifies = uniforms(Purpose.ATTRIBUTES, "conformity_qualifies")
        self._inspection = durations(
            Purpose.INSPECTION, "conformity_inspection", spec.inspection_min
        )
        self._assessment = durations(Purpose.REVIEW, "conformity_assessment", spec.assessment_min)
        self._later = durations(Purpose.INSPECTION, "conformity_check", spec.later_check_min)

    def draw(self) -> ConformityCase:
        """Every draw of one consignment, in a fixed order (all drawn: streams stay aligned)."""
        spec = self.spec
        equipment = self._equipment() < spec.share
        qualifies = self._qualifies() < spec.take_up
        durations = self._inspection(), self._assessment(), self._later()
        if not equipment:
            return NO_CONFORMITY
        path = spec.mode if qualifies else "inspection"
        return ConformityCase(True, path, *durations)


@dataclass(frozen=True, slots=True)
class ConformityActivities:
    """Activity codes of the conformity paths."""

    inspection: int
    assessment: int
    check: int

    @classmethod
    def of(cls, log: EventLog) -> ConformityActivities:
        """Register the activities with the log."""
        a = log.activity
        return cls(a("conformity_inspection"), a("conformity_assessment"), a("conformity_check"))


def conformity_before_release(
    env: simpy.Environment,
    log: EventLog,
    case: int,
    draws: ConformityCase,
    lanes: Facility,
    officers: Facility,
    codes: ConformityActivities,
    priority: int,
) -> Process:
    """符合性评估 / inspection on the release path: a lane examination or a document assessment.

    The guarantee path (合格保证) has nothing here: its check follows delivery
    (:func:`conformity_after_delivery`).
    """
    if draws.path == "inspection":
        yield from serve(env, lanes, log, case, codes.inspection, draws.inspection_min, priority)
    elif draws.path == "documents":
        yield from serve(env, officers, log, case, codes.assessment, draws.assessment_min, priority)


def conformity_after_delivery(
    env: simpy.Environment,
    log: EventLog,
    case: int,
    draws: ConformityCase,
    codes: ConformityActivities,
    node: int,
) -> Process:
    """合格保证: the later check at the consignee's site, off the release path."""
    if draws.path == "guarantee":
        yield from delay(env, log, case, codes.check, node, draws.later_check_min)
