"""The fast path's parcel factory: a truck's parcels created at once, on the same draws.

:class:`~clearsim.simulation.processes.cbec_9610_export.entities.ExportParcelFactory` creates a
parcel at a time, taking one value of each of its nineteen streams. Each stream is the parcel's
attribute alone and every parcel takes one value of each, whatever its path, so taking a truck's
values of each stream at once (``take``) gives every parcel the values it gets one at a time:
the k-th value of a sampler is the k-th of its stream whichever way it is taken
(:class:`~clearsim.simulation.kernel.sampling.DurationSampler`). What is derived from them is
the same scalar arithmetic, parcel by parcel. ``tests/test_cbec_9610_export_reference.py``
checks that both factories give the same trucks and parcels.
"""

from __future__ import annotations

import simpy

from clearsim.simulation.kernel.sampling import choose
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.cbec_9610_export.entities import (
    REFUND,
    REGIME_A,
    REGIME_B,
    ExportParcel,
    ExportParcelFactory,
    Truck,
)


class PlannedParcelFactory(ExportParcelFactory):
    """Creates a truck's parcels at once, each stream taken for the whole truck.

    The fast path waits on no parcel's events: every parcel holds the same pending
    ``screened`` and ``reported`` events, which nothing triggers.
    """

    def truck(
        self, env: simpy.Environment, log: EventLog, arrival_min: float, n: int, measured: bool
    ) -> Truck:
        """Create one truck and its ``n`` parcels, as the parent class does one by one."""
        spec = self.spec
        lst, ins, r = spec.parcel_list, spec.inspection, spec.regime
        case = log.new_case(
            "truck", spec.name, shipment=False, direction="export", mode="cbec_9610"
        )
        truck = Truck(case=case, arrival_min=arrival_min, setup_min=self._setup())
        window, exporters = lst.advance_window_min, r.exporters
        advance = (self._advance.take(n) < lst.advance_share).tolist()
        leads, afters = self._lead.take(n).tolist(), self._after.take(n).tolist()
        treatments = [choose(self._treatment_shares, u) for u in self._treatment.take(n).tolist()]
        regimes = [
            REGIME_A if treatment != REFUND and u < r.simplified_share else REGIME_B
            for treatment, u in zip(treatments, self._regime.take(n).tolist(), strict=True)
        ]
        cases = log.new_cases(
            "parcel",
            spec.name,
            [f"regime_{regime}" for regime in regimes],
            direction="export",
            mode="cbec_9610",
            advance_declared=advance,
        )
        pending = env.event()
        lodged = [
            arrival_min - min(lead, window) if ahead else arrival_min + after
            for ahead, lead, after in zip(advance, leads, afters, strict=True)
        ]
        lines = [choose(self._line_shares, u) for u in self._line.take(n).tolist()]
        sellers = [min(int(u * exporters), exporters - 1) for u in self._exporter.take(n).tolist()]
        matching, correction = self._matching.take(n).tolist(), self._correction.take(n).tolist()
        screening, report = self._screening.take(n).tolist(), self._report.take(n).tolist()
        xray, unpack = self._xray.take(n).tolist(), self._unpack.take(n).tolist()
        sorting, data = self._sorting.take(n).tolist(), self._data.take(n).tolist()
        incomplete = (self._incomplete.take(n) < lst.incomplete_share).tolist()
        flagged = (self._flag.take(n) < ins.risk_flag_share).tolist()
        abnormal = (self._image.take(n) < ins.abnormal_image_share).tolist()
        seized = (self._seizure.take(n) < ins.seizure_share).tolist()
        truck.parcels = [
            ExportParcel(
                case=case,
                truck=truck,
                index=k,
                measured=measured,
                line=lines[k],
                exporter=sellers[k],
                regime=regimes[k],
                treatment=treatments[k],
                advance=advance[k],
                lodgement_min=lodged[k],
                matching_min=matching[k],
                incomplete=incomplete[k],
                correction_min=correction[k],
                screening_min=screening[k],
                report_min=report[k],
                xray_min=xray[k],
                flagged=flagged[k],
                abnormal=abnormal[k],
                unpack_min=unpack[k],
                seized=seized[k],
                sorting_min=sorting[k],
                data_min=data[k],
                screened=pending,
                reported=pending,
            )
            for k, case in enumerate(cases)
        ]
        return truck
