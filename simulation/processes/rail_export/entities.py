"""Rail-export entities: boxes and train runs, sampling every attribute at creation.

Every attribute a box might need on any path is drawn when it is created, each from its own named
stream, whether or not a reform is on: its kind (transit goods, LCL, FCL), channel, the pilot
category of 先查验后装运, the check at the border, every duration. A train's run (legs, border
handling, transit formalities, fast-transit take-up) is drawn by its line and departure index,
however trains fill. So baseline and reform scenarios see the same boxes and the same trains:
common random numbers by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

from clearsim.models.rail_export import RailExportSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import ProcessSamplers, UniformSampler, choose
from clearsim.simulation.log.recorder import EventLog


@dataclass(slots=True, eq=False)
class Box:
    """One export box (a case of the event log) with its pre-drawn attributes.

    ``kind`` is ``transit`` (international transit goods), ``lcl`` (stuffed at the CFS) or
    ``fcl``. ``before_loading`` says an LCL box's selected goods are checked at the CFS before
    stuffing (先查验后装运); ``consolidated`` that a transit box boards the scheduled train.
    """

    case: int
    kind: str
    measured: bool
    arrival_min: float
    origin: str
    channel: Channel
    before_loading: bool
    consolidated: bool
    trip_u: float
    declaration_delay_min: float
    screening_min: float
    review_min: float
    inspection_min: float
    yard_move_min: float
    consolidation_wait_min: float
    stuffing_min: float
    unstuffing_min: float
    restuffing_min: float
    acceptance_min: float
    border_check_min: float


@dataclass(slots=True, frozen=True)
class TrainRun:
    """How train ``index`` of a line runs: legs, border handling, formalities, the mode."""

    to_border_min: float
    handling_min: float
    declaration_min: float
    seal_check_min: float
    to_destination_min: float
    fast: bool


class BoxFactory:
    """Creates boxes and train runs, drawing every attribute from its own stream."""

    def __init__(self, spec: RailExportSpec, streams: Streams, router: Router) -> None:
        self.spec = spec
        self._router = router
        name = spec.name
        samplers = ProcessSamplers(streams, name)
        durations, uniforms = samplers.durations, samplers.uniforms
        self._arrivals = streams.generator(Purpose.ARRIVALS, name, "boxes")
        self._transit = uniforms(Purpose.ATTRIBUTES, "transit_goods")
        self._lcl = uniforms(Purpose.ATTRIBUTES, "lcl")
        self._aeo = uniforms(Purpose.ATTRIBUTES, "aeo")
        self._category = uniforms(Purpose.ATTRIBUTES, "pilot_category")
        self._consolidated = uniforms(Purpose.ATTRIBUTES, "transit_consolidation_take_up")
        self._origin = uniforms(Purpose.ROUTING, "origin")
        self._channel = uniforms(Purpose.RISK, "channel")
        self._trip = uniforms(Purpose.TRANSPORT, "trip")
        self._delay = durations(
            Purpose.DECLARATION, "declaration_delay", spec.declaration_delay_min
        )
        self._screening = durations(Purpose.RISK, "screening", spec.risk.screening_min)
        self._review = durations(Purpose.REVIEW, "document_review", spec.document_review_min)
        self._inspection = durations(Purpose.INSPECTION, "inspection", spec.inspection_min)
        self._yard_move = durations(Purpose.PORT_OPERATIONS, "yard_move", spec.yard_move_min)
        self._wait = durations(
            Purpose.PORT_OPERATIONS, "consolidation_wait", spec.consolidation_wait_min
        )
        self._stuffing = durations(Purpose.PORT_OPERATIONS, "stuffing", spec.stuffing_min)
        self._unstuffing = durations(Purpose.PORT_OPERATIONS, "unstuffing", spec.unstuffing_min)
        self._restuffing = durations(Purpose.PORT_OPERATIONS, "restuffing", spec.unstuffing_min)
        self._acceptance = durations(
            Purpose.REVIEW, "transit_acceptance", spec.transit.acceptance_min
        )
        border = spec.border
        self._box_check = durations(
            Purpose.REVIEW, "border_box_check", border.transit.box_check_min
        )
        self._origins = tuple(spec.origins)
        self._origin_shares = tuple(spec.origins.values())
        self._lines: dict[str, _LineDraws] = {
            line: _LineDraws(samplers, line, spec) for line in ("scheduled", "transit")
        }
        self._runs: dict[str, list[TrainRun]] = {"scheduled": [], "transit": []}

    def arrival_times(self, until_min: float) -> list[float]:
        """Arrival minutes of every box before ``until_min``, in order."""
        return [float(t) for t in arrival_times(self.spec.box_arrivals, self._arrivals, until_min)]

    def box(self, log: EventLog, arrival_min: float, measured: bool) -> Box:
        """Create one box reaching Wujiashan at ``arrival_min``, drawing all its attributes."""
        spec = self.spec
        transit = self._transit() < spec.transit.share
        lcl_u, aeo_u, category_u, consolidated_u = (
            self._lcl(),
            self._aeo(),
            self._category(),
            self._consolidated(),
        )
        kind = "transit" if transit else "lcl" if lcl_u < spec.lcl_share else "fcl"
        aeo = not transit and aeo_u < spec.aeo_share
        rates = spec.risk.aeo if aeo else spec.risk.general
        channel_index = choose((rates.green, rates.yellow, rates.red), self._channel())
        channel = (
            Channel.NONE if transit else (Channel.GREEN, Channel.YELLOW, Channel.RED)[channel_index]
        )
        origin_u = self._origin()
        origin = (
            spec.transit.origin_node
            if transit
            else spec.cfs_node
            if kind == "lcl"
            else self._origins[choose(self._origin_shares, origin_u)]
        )
        ibl = spec.inspect_before_loading
        case = log.new_case(
            "container",
            spec.name,
            direction="export",
            mode="rail",
            case_class=kind,
            aeo=aeo,
            destination=spec.destination_node,
        )
        return Box(
            case=case,
            kind=kind,
            measured=measured,
            arrival_min=arrival_min,
            origin=origin,
            channel=channel,
            before_loading=ibl.enabled and kind == "lcl" and category_u < ibl.share,
            consolidated=transit
            and spec.transit.consolidation
            and consolidated_u < spec.transit.take_up,
            trip_u=self._trip(),
            declaration_delay_min=self._delay(),
            screening_min=self._screening(),
            review_min=self._review(),
            inspection_min=self._inspection(),
            yard_move_min=self._yard_move(),
            consolidation_wait_min=self._wait(),
            stuffing_min=self._stuffing(),
            unstuffing_min=self._unstuffing(),
            restuffing_min=self._restuffing(),
            acceptance_min=self._acceptance(),
            border_check_min=self._box_check(),
        )

    def train_run(self, line: str, index: int) -> TrainRun:
        """The run of departure ``index`` of ``line``, drawn in index order however trains fill.

        The legs are planned trips (:meth:`Router.planned_trip_min`): the process counts a
        train's trips when it runs.
        """
        runs, draws, spec = self._runs[line], self._lines[line], self.spec
        while len(runs) <= index:
            leg_u = draws.legs.take(2).tolist()
            fast_u = draws.fast()
            runs.append(
                TrainRun(
                    to_border_min=self._router.planned_trip_min(
                        spec.terminal_node, spec.border_node, leg_u[0]
                    ),
                    handling_min=draws.handling(),
                    declaration_min=draws.declaration(),
                    seal_check_min=draws.seal_check(),
                    to_destination_min=self._router.planned_trip_min(
                        spec.border_node, spec.destination_node, leg_u[1]
                    ),
                    fast=spec.fast_transit.enabled and fast_u < spec.fast_transit.take_up,
                )
            )
        return runs[index]


class _LineDraws:
    """The streams of one train line's runs (scheduled or dedicated transit trains)."""

    def __init__(self, samplers: ProcessSamplers, line: str, spec: RailExportSpec) -> None:
        durations = samplers.durations
        border = spec.border
        self.legs: UniformSampler = samplers.uniforms(Purpose.TRANSPORT, f"{line}_train_legs")
        self.fast = samplers.uniforms(Purpose.ATTRIBUTES, f"{line}_fast_transit_take_up")
        self.handling = durations(Purpose.SERVICE, f"{line}_border_handling", border.handling_min)
        self.declaration = durations(
            Purpose.SERVICE, f"{line}_transit_declaration", border.transit.declaration_min
        )
        self.seal_check = durations(
            Purpose.SERVICE, f"{line}_seal_check", border.transit.seal_check_min
        )
